"""Files whose nodes leave out ``pos``: laid out on load (they used to stack at 0,0).

The strategies and the check at the top are also run for longer by benchmarks/fuzz_long.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

from helpers.codegen import long_snippet
from helpers.docgen import documents
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.code_import import import_code
from mgstudio.document.layered import LAYER_GAP, NODE_HEIGHT, NODE_WIDTH, ROW_GAP
from mgstudio.document.nodes import MAX_COORD


def _without_pos(doc: Document, keep) -> str:
    """The document's file text, ``pos`` left out of every node ``keep(i)`` is false for."""
    data = json.loads(doc.to_json())
    for i, node in enumerate(data["nodes"]):
        if not keep(i):
            del node["pos"]
    return json.dumps(data)


@st.composite
def positionless_files(draw, max_nodes=30):
    """(file text, ids that keep their position): none, some or all of them."""
    doc = draw(documents(max_nodes=max_nodes))
    mode = draw(st.sampled_from(("none", "some", "all")))
    n = len(doc.nodes)
    if mode == "none":
        kept = set()
    elif mode == "all":
        kept = set(range(n))
    else:
        kept = set(draw(st.lists(st.integers(0, n - 1), max_size=n)))
    ids = list(doc.nodes)
    return _without_pos(doc, kept.__contains__), {ids[i] for i in kept}


def check_positionless(case) -> None:
    """Loads; kept positions stay; every new one is within the limits, distinct from every
    other node's, and saved so that the file then reloads unchanged."""
    text, kept = case
    doc = Document.from_json(text)
    given_pos = {n["id"]: tuple(n["pos"]) for n in json.loads(text)["nodes"] if "pos" in n}
    assert set(given_pos) == kept
    spots = {}
    for nid, node in doc.nodes.items():
        if nid in kept:
            assert node.pos == given_pos[nid]
        else:
            assert all(abs(c) <= MAX_COORD for c in node.pos)
        spots.setdefault(node.pos, []).append(nid)
    for pos, at in spots.items():
        new = [nid for nid in at if nid not in kept]
        assert not new or len(at) == 1, (pos, at)  # a new spot is nobody else's
    # and a new node's box (the layouts' size) overlaps no other node's box
    boxes = sorted((node.pos, nid) for nid, node in doc.nodes.items())
    for i, ((x, y), nid) in enumerate(boxes):
        for (x2, y2), other in boxes[i + 1 :]:
            if x2 >= x + NODE_WIDTH:
                break
            if (nid not in kept or other not in kept) and abs(y2 - y) < NODE_HEIGHT:
                raise AssertionError(f"{nid} at {(x, y)} overlaps {other} at {(x2, y2)}")
    again = Document.from_json(doc.to_json())
    assert again.to_json() == doc.to_json()


@given(positionless_files())
def test_nodes_without_positions_get_free_spots(case):
    check_positionless(case)


def test_a_positionless_file_is_laid_out_as_code_import_lays_out_a_snippet(tmp_path):
    """The same layered layout: the import's positions come back when they are left out."""
    snippet = "\n".join(long_snippet(60, seed=5).splitlines()[:-1]) + "\n"
    imported = import_code(snippet)
    path = tmp_path / "bare.mgs"
    path.write_text(_without_pos(imported, lambda i: False))
    loaded = Document.load(path)
    assert [n.pos for n in loaded.nodes.values()] == [n.pos for n in imported.nodes.values()]
    assert len({n.pos for n in loaded.nodes.values()}) == len(loaded.nodes)


def test_missing_nodes_go_next_to_what_they_are_wired_to():
    doc = Document()
    a = doc.add_node("input", label="a", pos=(1000.0, 500.0))
    b = doc.add_node("input", label="b", pos=(1000.0, 700.0))
    s = doc.add_node("add", label="s", pos=(1800.0, 600.0))
    doc.connect(a, s, "a")
    doc.connect(b, s, "b")
    t = doc.add_node("tanh", label="t")
    doc.connect(s, t, "a")
    c = doc.add_node("input", label="c")  # feeds only a placed node: goes left of it
    m = doc.add_node("mul", label="m", pos=(2600.0, 900.0))
    doc.connect(c, m, "a")
    doc.connect(t, m, "b")
    loaded = Document.from_json(_without_pos(doc, lambda i: i not in (3, 4)))
    tx, ty = loaded.nodes[t].pos  # right of its operand, on the grid
    assert abs(tx - (1800.0 + LAYER_GAP)) <= LAYER_GAP / 2 and abs(ty - 600.0) < ROW_GAP
    cx, cy = loaded.nodes[c].pos  # left of its consumer
    assert abs(cx - (2600.0 - LAYER_GAP)) <= LAYER_GAP / 2 and abs(cy - 900.0) <= 2 * ROW_GAP
    for nid in (a, b, s, m):
        assert loaded.nodes[nid].pos == doc.nodes[nid].pos


def test_a_long_chain_is_folded_into_bands_within_the_limits():
    n = 30_000  # 30,000 layers in one strip would be 11 million units wide
    nodes = [{"id": "n1", "kind": "input", "label": "x", "value": 0.5}]
    wires = []
    for i in range(2, n + 1):
        nodes.append({"id": f"n{i}", "kind": "tanh", "label": ""})
        wires.append({"src": f"n{i - 1}", "dst": f"n{i}", "port": "a"})
    doc = Document.from_json(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    xs = [p[0] for p in (node.pos for node in doc.nodes.values())]
    ys = [p[1] for p in (node.pos for node in doc.nodes.values())]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width < 2e6 and height < 2e6 and width > height  # screen-shaped, not a strip
    assert len(set(zip(xs, ys))) == n


def test_check_reads_a_positionless_file(tmp_path):
    doc = Document()
    x = doc.add_node("input", label="x", value=2.0)
    y = doc.add_node("tanh", label="y")
    doc.connect(x, y, "a")
    path = tmp_path / "bare.mgs"
    path.write_text(_without_pos(doc, lambda i: False))
    done = subprocess.run(
        [sys.executable, "-m", "mgstudio", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "'y'" in done.stdout or " y " in done.stdout


def test_import_then_export_keeps_laid_out_positions(tmp_path, capsys):
    """A positionless file resaved through the CLI (import of its code) is a normal file."""
    bare = tmp_path / "bare.mgs"
    bare.write_text(_without_pos(import_code(long_snippet(40, seed=2)), lambda i: False))
    out = tmp_path / "code.py"
    assert main(["export", str(bare), "-o", str(out)]) == 0
    capsys.readouterr()
    assert "Value(" in out.read_text()


def test_loading_work_grows_linearly_without_positions():
    """Counted, not timed: lines of mgstudio run while loading 2,000 vs 4,000 nodes."""
    from test_codeio_scaling import executed_lines

    def text(n):
        nodes = [
            {"id": f"n{i}", "kind": "input" if i < n // 5 else "add", "label": ""} for i in range(n)
        ]
        wires = [
            w
            for i in range(n // 5, n)
            for w in (
                {"src": f"n{i - 1}", "dst": f"n{i}", "port": "a"},
                {"src": f"n{(i * 7919) % (n // 5)}", "dst": f"n{i}", "port": "b"},
            )
        ]
        return json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})

    small, big = text(2000), text(4000)
    n1 = executed_lines(lambda: Document.from_json(small))
    n2 = executed_lines(lambda: Document.from_json(big))
    assert n2 / n1 < 2.2, (n1, n2)
