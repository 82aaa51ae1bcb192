"""Fuzzing the long work's inputs: random documents (any labels, numbers, wiring) rendered and
laid out under small node caps give a picture / a position for every node, or a
DocumentError with a message (the cap, Graphviz missing, dot failing), never another
exception; and the gradient check's cone re-evaluation agrees bit for bit with the full
re-evaluation on random graphs of every kind. ``benchmarks/fuzz_long.py`` runs these for
minutes through :func:`fuzz_targets`; here a few cases each."""

from __future__ import annotations

import math

from helpers.budget import examples
from helpers.docgen import documents, finite
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import Document, DocumentError, graphviz_io
from mgstudio.engine import gradcheck

MAGIC = {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF", "dot": b"digraph"}

# the document holds finite numbers only; the extremes overflow inside the graph instead
any_numbers = finite | st.sampled_from([0.0, -0.0, 5e-324, 1e-320, 1.7e308, -1.7e308])


@st.composite
def render_cases(draw):
    """(document, format, node cap): caps small enough that some graphs are refused."""
    doc = draw(documents(max_nodes=10, values=any_numbers, exponents=any_numbers))
    fmt = draw(st.sampled_from(("svg", "png", "dot", "pdf")))
    return doc, fmt, draw(st.none() | st.integers(0, 12))


def check_render(case) -> None:
    doc, fmt, cap = case
    try:
        data = graphviz_io.render_bytes(doc, fmt, max_nodes=cap)
    except DocumentError as exc:
        assert str(exc), "a DocumentError the user would see without a message"
        if isinstance(exc, graphviz_io.DotTooLargeError):
            assert cap is not None and len(doc.nodes) > cap and fmt != "dot"
        return
    assert MAGIC[fmt] in data[:400], data[:80]
    assert cap is None or fmt == "dot" or len(doc.nodes) <= cap


@st.composite
def layout_cases(draw):
    """(document, use dot, node cap for dot_layout)."""
    doc = draw(documents(max_nodes=12, values=any_numbers, exponents=any_numbers))
    return doc, draw(st.booleans()), draw(st.none() | st.integers(0, 12))


def check_layout(case) -> None:
    doc, use_dot, cap = case
    for pos in _layouts(doc, use_dot, cap):
        assert set(pos) == set(doc.nodes)
        assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values()), pos


def _layouts(doc, use_dot, cap):
    yield graphviz_io.layout_positions(doc, use_dot)  # falls back itself: never raises
    ids, edges = graphviz_io.graph_of(doc)
    try:
        yield graphviz_io.dot_layout(ids, edges, max_nodes=cap)
    except DocumentError as exc:  # over the cap, no Graphviz, dot failing: a message
        assert str(exc)
        if isinstance(exc, graphviz_io.DotTooLargeError):
            assert cap is not None and len(ids) > cap


@st.composite
def gradcheck_cases(draw):
    """(document, the node checked, h): any kinds, any finite values and exponents."""
    doc = draw(documents(max_nodes=14))
    computed = [nid for nid in doc.nodes if doc.value_of(nid) is not None]
    root = draw(st.sampled_from(computed)) if computed else None
    return doc, root, draw(st.sampled_from((1e-6, 1e-3, 0.5)))


def _rows(report):
    # floats compared as their repr: nan equals nan, -0.0 differs from 0.0
    return [
        (r.label, repr(r.analytic), repr(r.numeric), repr(r.rel_error), r.ok) for r in report.rows
    ]


def check_cone(case) -> None:
    doc, root, h = case
    if root is None:
        return
    results = []
    for cone in (True, False):
        copy = Document()  # as the Gradient Check panel's job does
        copy.add_subgraph(list(doc.nodes.values()), tuple(doc.wires))
        report = gradcheck(copy.value_of(root), h=h, cone=cone)
        state = {
            nid: (repr(v.data), repr(v.grad))
            for nid in copy.nodes
            if (v := copy.value_of(nid)) is not None
        }
        results.append((_rows(report), state))
    assert results[0] == results[1]


def fuzz_targets() -> dict:
    """name -> (strategy, check) for benchmarks/fuzz_long.py."""
    return {
        "render-capped": (render_cases(), check_render),
        "layout-capped": (layout_cases(), check_layout),
        "gradcheck-cone": (gradcheck_cases(), check_cone),
    }


@settings(max_examples=examples(10), deadline=None)
@given(render_cases())
def test_render_gives_a_picture_or_a_message(case):
    check_render(case)


@settings(max_examples=examples(15), deadline=None)
@given(layout_cases())
def test_layout_places_every_node_or_says_why_not(case):
    check_layout(case)


@settings(max_examples=examples(60), deadline=None)
@given(gradcheck_cases())
def test_cone_agrees_with_the_full_re_evaluation_on_random_documents(case):
    check_cone(case)
