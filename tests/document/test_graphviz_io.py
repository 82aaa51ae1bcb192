"""Graphviz: the draw_dot picture, real renders through ``dot``, auto-layout, and what happens
when ``dot`` is not installed (simulated by a PATH without it)."""

import json
import re
import shutil

import graphviz
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.document import Document
from mgstudio.document.code_import import import_code, import_expression
from mgstudio.document.graphviz_io import (
    INSTALL_HINT,
    LAYER_GAP,
    GraphvizNotFoundError,
    RenderError,
    dot_layout,
    layered_layout,
    layout_positions,
    render,
    render_bytes,
    to_dot,
)

LECTURE_L = """\
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
"""

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which there is no ``dot`` (and nothing else)."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert shutil.which("dot") is None


def op_labels(text: str) -> list[str]:
    """The labels of the op nodes in DOT source (quoted or not)."""
    found = re.findall(r'\[label=("(?:[^"\\]|\\.)*"|\S+) id="op-', text)
    return [label.strip('"') for label in found]


def lecture_doc() -> Document:
    doc = import_code(LECTURE_L)
    doc.backward()
    return doc


# --- DOT text -----------------------------------------------------------------------------------
def test_dot_has_a_record_per_node_and_an_op_node_per_result():
    doc = lecture_doc()
    text = to_dot(doc)
    assert "rankdir=LR" in text
    for record in (
        "{ a | data 2.0000 | grad 6.0000 }",
        "{ b | data -3.0000 | grad -4.0000 }",
        "{ e | data -6.0000 | grad -2.0000 }",
        "{ L | data -8.0000 | grad 1.0000 }",
    ):
        assert record in text
    assert text.count("shape=record") == len(doc.nodes) == 7
    assert sorted(op_labels(text)) == ["*", "*", "+"]
    # operand -> op node -> result, as draw_dot wires them
    assert text.count("->") == len(doc.wires) + 3


def test_dot_symbols_for_every_kind():
    doc = import_code(
        "x = Value(0.5)\np = x**3\nq = x ** x\nr = -x\nt = x.tanh()\n"
        "u = x.relu()\nv = x.exp()\nw = x.log()\ns = x.sigmoid()\nk = x / x\n"
    )
    assert sorted(op_labels(to_dot(doc))) == sorted(
        ["**3", "**", "neg", "tanh", "ReLU", "exp", "log", "σ", "/"]
    )


def test_incomplete_nodes_show_a_question_mark():
    doc = Document()
    doc.add_node("mul", "m")
    assert "{ m | data ? | grad ? }" in to_dot(doc)


@needs_dot
@pytest.mark.parametrize(
    "label", ["{a|b}", "<x>", 'quote"d', "back\\slash", "a b  c", "σ→τ", "\\", "{", "end\\"]
)
def test_awkward_labels_render_and_survive(label):
    doc = Document()
    doc.add_node("input", label, 1.5)
    svg = render_bytes(doc, "svg").decode("utf-8")
    import html

    shown = html.unescape(svg)
    assert label.strip() in shown or " ".join(label.split()) in shown


# --- rendering ----------------------------------------------------------------------------------
@needs_dot
def test_render_svg_png_pdf_dot(tmp_path):
    doc = lecture_doc()
    svg = render(doc, tmp_path / "g.svg").read_bytes()
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert b"grad 6.0000" in svg
    png = render(doc, tmp_path / "g.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = render(doc, tmp_path / "g.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-"
    dot = render(doc, tmp_path / "g.dot").read_text(encoding="utf-8")
    assert dot == to_dot(doc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot", "g.pdf", "g.png", "g.svg"]


def test_render_refuses_unknown_formats(tmp_path):
    doc = lecture_doc()
    with pytest.raises(RenderError, match="can't render to 'jpgx'"):
        render(doc, tmp_path / "g.jpgx")
    with pytest.raises(RenderError, match="has no suffix"):
        render(doc, tmp_path / "picture")
    with pytest.raises(RenderError, match="can't write"):
        render(doc, tmp_path / "missing-folder" / "g.dot")
    assert list(tmp_path.iterdir()) == []


def test_without_dot_rendering_says_what_to_install(tmp_path, no_dot):
    doc = lecture_doc()
    with pytest.raises(GraphvizNotFoundError) as info:
        render(doc, tmp_path / "g.svg")
    assert str(info.value) == INSTALL_HINT
    assert "apt-get install graphviz" in str(info.value)
    assert not (tmp_path / "g.svg").exists()
    # the DOT source needs no Graphviz program
    assert render(doc, tmp_path / "g.dot").read_text(encoding="utf-8") == to_dot(doc)


# --- layout -------------------------------------------------------------------------------------
@needs_dot
def test_dot_layout_places_every_node_left_to_right():
    doc = import_code(LECTURE_L)
    pos = layout_positions(doc)
    assert set(pos) == set(doc.nodes)
    assert len(set(pos.values())) == len(pos)
    for w in doc.wires:
        assert pos[w.src][0] < pos[w.dst][0]
    assert all(x >= 0 and y >= 0 for x, y in pos.values())


@needs_dot
def test_dot_layout_flips_y_to_top_left_origin():
    # dot draws the first of two sources above the second: larger y in its bottom-left frame
    g = graphviz.Digraph(graph_attr={"rankdir": "LR"})
    g.edge("a", "c")
    g.edge("b", "c")
    plain = {
        line.split()[1]: float(line.split()[3])
        for line in g.pipe(format="plain").decode().splitlines()
        if line.startswith("node ")
    }
    assert plain["a"] > plain["b"]
    pos = dot_layout(["a", "b", "c"], [("a", "c"), ("b", "c")])
    assert pos["a"][1] < pos["b"][1]  # on top in Qt's y-down frame
    assert pos["c"][1] == pytest.approx((pos["a"][1] + pos["b"][1]) / 2)


@needs_dot
def test_dot_layout_of_a_big_graph_reads_json():
    doc = import_expression(" + ".join(f"w{i}*x{i}" for i in range(60)))
    pos = layout_positions(doc)
    assert len(pos) == len(doc.nodes) == 60 * 4 - 1
    raw = json.loads(graphviz.Source("digraph { a -> b }").pipe(format="json"))
    assert "bb" in raw and "objects" in raw  # the fields dot_layout reads


def test_without_dot_layout_falls_back_to_layers(no_dot):
    doc = import_code(LECTURE_L)
    pos = layout_positions(doc)
    ids = list(doc.nodes)
    assert pos == layered_layout(ids, [(w.src, w.dst) for w in doc.wires])
    with pytest.raises(GraphvizNotFoundError):
        dot_layout(ids, [])


def test_import_with_dot_layout_falls_back_without_dot(no_dot):
    doc = import_code(LECTURE_L, layout="dot")
    for w in doc.wires:
        assert doc.nodes[w.src].pos[0] < doc.nodes[w.dst].pos[0]


def test_layered_layout_layers_and_barycenters():
    # c is used only by the last node: it sits just before it, not in the leftmost column
    ids = ["a", "b", "e", "c", "d", "f", "L"]
    edges = [("a", "e"), ("b", "e"), ("e", "d"), ("c", "d"), ("d", "L"), ("f", "L")]
    pos = layered_layout(ids, edges)
    col = {n: round(x / LAYER_GAP) for n, (x, _) in pos.items()}
    assert col == {"a": 0, "b": 0, "e": 1, "c": 1, "d": 2, "f": 2, "L": 3}
    # barycenter ordering: no crossing between (a, b) -> e and the rest
    assert pos["a"][1] < pos["b"][1]


def test_layered_layout_untangles_a_crossing():
    # x1 feeds the lower consumer and x2 the upper one: a sweep swaps them
    ids = ["x1", "x2", "p", "q"]
    edges = [("x1", "q"), ("x2", "p")]
    pos = layered_layout(ids, edges)
    assert (pos["x1"][1] < pos["x2"][1]) == (pos["q"][1] < pos["p"][1])


def test_layered_layout_of_nothing_and_of_a_cycle():
    assert layered_layout([], []) == {}
    pos = layered_layout(["a", "b"], [("a", "b"), ("b", "a")])
    assert set(pos) == {"a", "b"}


@st.composite
def dags(draw):
    n = draw(st.integers(1, 30))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] < e[1]),
            max_size=60,
        )
    )
    return list(range(n)), edges


@given(dags())
def test_layered_layout_properties(graph):
    ids, edges = graph
    pos = layered_layout(ids, edges)
    assert set(pos) == set(ids)
    assert len(set(pos.values())) == len(ids)
    for a, b in edges:
        assert pos[a][0] < pos[b][0]
    assert min(x for x, _ in pos.values()) == 0.0
