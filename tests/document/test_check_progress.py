"""``check --gradcheck`` reports its progress on stderr for long runs (stdout stays the
report), and its results are those of the full re-evaluation."""

from __future__ import annotations

import io
import json

from mgstudio.cli import main
from mgstudio.commands import progress as progress_mod
from mgstudio.document import Document
from mgstudio.document.nodes import Node, Wire


def ladder(n: int) -> Document:
    nodes = [Node("a0", "input", "a0", 0.1, {}, (0.0, 0.0))]
    wires, prev = [], "a0"
    for i in range(1, n):
        nodes += [
            Node(f"a{i}", "input", f"a{i}", 0.01 * i, {}, (0.0, 0.0)),
            Node(f"s{i}", "add", "", None, {}, (0.0, 0.0)),
            Node(f"t{i}", "tanh", f"t{i}", None, {}, (0.0, 0.0)),
        ]
        wires += [
            Wire(prev, f"s{i}", "a"),
            Wire(f"a{i}", f"s{i}", "b"),
            Wire(f"s{i}", f"t{i}", "a"),
        ]
        prev = f"t{i}"
    doc = Document()
    doc.add_subgraph(nodes, wires)
    return doc


def test_progress_goes_to_stderr_and_stdout_is_unchanged(tmp_path, capsys, monkeypatch):
    path = tmp_path / "ladder.mgs"
    ladder(30).save(path)
    assert main(["check", str(path), "--gradcheck", "--json"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""  # a quick run says nothing
    monkeypatch.setattr(progress_mod, "DELAY", 0.0)
    monkeypatch.setattr(progress_mod, "EVERY", 0.0)
    assert main(["check", str(path), "--gradcheck", "--json"]) == 0
    loud = capsys.readouterr()
    assert loud.out == quiet.out
    lines = loud.err.splitlines()
    assert lines == [f"gradient check: {k} of 30 leaves" for k in range(1, 31)]
    rows = json.loads(loud.out)["gradcheck"]["rows"]
    assert len(rows) == 30 and all(r["ok"] for r in rows)


def test_on_a_terminal_the_line_is_rewritten_in_place(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(progress_mod, "DELAY", 0.0)
    out = Tty()
    ticks = iter(range(100))
    p = progress_mod.StderrProgress(
        "gradient check", "leaves", stream=out, clock=lambda: next(ticks)
    )
    for k in range(1, 4):
        p(k, 3)
    p.close()
    assert out.getvalue() == (
        "\rgradient check: 1 of 3 leaves\rgradient check: 2 of 3 leaves"
        "\rgradient check: 3 of 3 leaves\n"
    )


def test_updates_are_throttled_but_the_last_one_shows(monkeypatch):
    out = io.StringIO()
    now = [0.0]
    p = progress_mod.StderrProgress("x", "leaves", stream=out, clock=lambda: now[0])
    for k in range(1, 11):
        now[0] = 1.0 + k * 0.1  # past the delay; ten updates in one second
        p(k, 10)
    shown = out.getvalue().splitlines()
    assert shown[-1] == "x: 10 of 10 leaves"
    assert 2 <= len(shown) <= 4  # every 0.5 s, and the final count
