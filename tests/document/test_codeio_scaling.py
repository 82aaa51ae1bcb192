"""Code import grows linearly with the snippet, and reports progress / can be cancelled.

The growth is measured without a clock: every Python line mgstudio executes during
``python -m mgstudio import`` (run in-process through ``cli.main``) is counted with
``sys.settrace``. Doubling the snippet must about double the count; the old importer, which
rebuilt its used-node set for each ignored statement, grew it ~2.5 times per doubling.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers.codegen import long_snippet

import mgstudio
from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.code_import import (
    CodeImportError,
    ImportCancelled,
    import_code,
    import_code_with_notes,
)

PACKAGE = str(Path(mgstudio.__file__).parent)


def executed_lines(fn) -> int:
    """How many lines of mgstudio's own code run during ``fn()`` (a deterministic count of
    the work done, loop iterations included)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def cli_import(tmp_path: Path, text: str, name: str) -> Path:
    src, out = tmp_path / f"{name}.py", tmp_path / f"{name}.mgs"
    src.write_text(text)
    assert main(["import", str(src), "-o", str(out)]) == 0
    return out


def test_import_work_grows_linearly_with_the_snippet(tmp_path, capsys):
    small, big = long_snippet(600, seed=3), long_snippet(1200, seed=3)
    n_small = executed_lines(lambda: cli_import(tmp_path, small, "small"))
    n_big = executed_lines(lambda: cli_import(tmp_path, big, "big"))
    capsys.readouterr()
    assert n_small > 10_000  # the tracer saw the importer at work
    assert n_big / n_small < 2.2, (n_small, n_big)


def test_many_ignored_statements_cost_the_same_each(tmp_path, capsys):
    """The shape that was quadratic: a growing graph with a bare expression after each line."""

    def snippet(n):
        lines = ["from micrograd.engine import Value", "a0 = Value(1.0)"]
        for i in range(1, n):
            lines += [f"a{i} = a{i - 1} * 1.01 + 1", f"a{i} * 2"]
        return "\n".join(lines) + "\n"

    n1 = executed_lines(lambda: cli_import(tmp_path, snippet(300), "s"))
    n2 = executed_lines(lambda: cli_import(tmp_path, snippet(600), "d"))
    capsys.readouterr()
    assert n2 / n1 < 2.2, (n1, n2)
    doc = Document.load(tmp_path / "d.mgs")
    assert len(doc.nodes) == 1 + 4 * 599  # two constants and two ops a line; no products


def test_data_may_be_set_after_an_ignored_use_but_not_after_a_kept_one(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text(
        "from micrograd.engine import Value\na = Value(1.0)\na * 2\na.data = 3.0\nb = a + 1\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from micrograd.engine import Value\na = Value(1.0)\nb = a * 2\nb * 3\na.data = 3.0\n"
    )
    run = [sys.executable, "-m", "mgstudio", "import"]
    done = subprocess.run(
        [*run, str(ok), "-o", str(tmp_path / "ok.mgs")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "output 'b' = 4.0000" in done.stdout
    # interpreted, a later `a.data = 3.0` is Python's: it changes a, not b made before it;
    # the document shows b recomputed from its leaves, and says so
    again = subprocess.run(
        [*run, str(bad), "-o", str(tmp_path / "bad.mgs")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert "output 'b' = 6.0000" in again.stdout
    assert "b's leaves changed after it was computed" in again.stderr


def test_an_8000_line_snippet_imports_through_the_cli(tmp_path):
    text = long_snippet(8000)
    assert len(text.encode()) < 200_000  # within the importer's limit
    src = tmp_path / "long.py"
    src.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "mgstudio", "import", str(src), "-o", str(tmp_path / "long.mgs")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    expected = import_code(text)  # the snippet's document: every top-level Value's graph
    got = Document.load(tmp_path / "long.mgs")
    assert got.title == "long"  # the CLI names the document after the file
    out, want = got.selected_output, expected.selected_output
    assert got.value_of(out).data == expected.value_of(want).data
    assert len(got.nodes) <= len(expected.nodes)  # the output's graph (no unused leaves)


#: a program whose run is long in steps (a loop of arithmetic on numbers) and short in nodes
LOOPING = (
    "from micrograd.engine import Value\na = Value(2.0)\n"
    "for i in range(60000):\n    k = i * 2\nb = a * a\n"
)


def test_progress_rises_from_zero_to_one():
    seen: list[float] = []
    doc, notes = import_code_with_notes(long_snippet(2000), progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(a <= b for a, b in zip(seen, seen[1:]))
    assert len(doc.nodes) > 2000 and notes == []
    # a long run reports as it goes (every couple of thousand steps), within the run's share
    seen.clear()
    doc, _ = import_code_with_notes(LOOPING, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    running = [f for f in seen if 0.0 < f < 0.6]
    assert 20 <= len(running) <= 200  # often enough for a bar, not once per step
    assert doc.value_of(doc.selected_output).data == 4.0


def test_cancel_stops_the_import_and_builds_nothing():
    stop = threading.Event()
    seen: list[float] = []

    def progress(f):
        seen.append(f)
        if f > 0.3:
            stop.set()

    with pytest.raises(ImportCancelled):
        import_code(LOOPING, progress=progress, cancel=stop.is_set)
    assert max(seen) < 0.5
    assert not issubclass(ImportCancelled, CodeImportError)  # not an error to show
    stop.set()  # cancelled before it starts: nothing runs
    with pytest.raises(ImportCancelled):
        import_code(long_snippet(20), cancel=stop.is_set)


def test_the_old_signatures_still_work():
    text = "from micrograd.engine import Value\na = Value(2.0)\nb = a * a\n"
    assert import_code(text).to_json() == import_code(text, "layered").to_json()
    doc, notes = import_code_with_notes(text, "layered")
    assert len(doc.nodes) == 2 and notes == []
