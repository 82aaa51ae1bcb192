"""The one rule that picks "the output" (``Document.default_output``, ``document.outputs``)."""

from __future__ import annotations

from helpers.docgen import documents
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.document import KINDS, Document
from mgstudio.document.examples import example_path
from mgstudio.document.outputs import why_backward_idle


def neuron() -> tuple[Document, dict[str, str]]:
    doc = Document.load(example_path("neuron.mgs"))
    return doc, {n.label: nid for nid, n in doc.nodes.items() if n.label}


def test_a_paste_of_the_whole_graph_never_steals_the_output():
    doc, ids = neuron()
    assert doc.default_output() == ids["o"]
    copy = doc.paste_fragment(doc.fragment(list(doc.nodes)), (0.0, 400.0))
    assert doc.default_output() == ids["o"]  # the copy is complete too, and newer
    doc.backward()
    assert abs(doc.value_of(ids["x1"]).grad + 1.5) < 1e-12  # grads stay on the original
    assert all(doc.value_of(n).grad == 0.0 for n in copy)


def test_a_paste_right_after_loading_does_not_steal_it_either():
    doc = Document.load(example_path("expression.mgs"))  # nobody asked for the output yet
    doc.paste_fragment(doc.fragment(list(doc.nodes)), (0.0, 400.0))
    assert doc.nodes[doc.default_output()].label == "L"
    assert doc.default_output() in Document.load(example_path("expression.mgs")).nodes


def test_cutting_a_wire_upstream_keeps_the_output_and_backward_says_why():
    doc, ids = neuron()
    wire = doc.inputs_of(ids["x1w1"])["a"]
    doc.disconnect(wire)
    # no complete computed sink is left: o stays (not the lone leaf x1 that is now a sink)
    assert doc.default_output() == ids["o"]
    why = why_backward_idle(doc)
    assert why.startswith("Backward did nothing: the output tanh 'o' has no number yet")
    assert "mul 'x1w1' needs a wire into input 'a'" in why


def test_cutting_the_last_wire_moves_to_the_complete_node():
    doc, ids = neuron()
    doc.disconnect(doc.inputs_of(ids["o"])["a"])
    assert doc.default_output() == ids["n"]  # complete sinks first
    doc.connect(ids["n"], ids["o"], "a")
    assert doc.default_output() == ids["o"]


def test_a_pinned_incomplete_output_is_kept_and_explained():
    doc, ids = neuron()
    doc.set_selected_output(ids["o"])
    doc.disconnect(doc.inputs_of(ids["o"])["a"])
    assert doc.default_output() == ids["o"]
    assert "(the chosen output)" in why_backward_idle(doc)
    assert why_backward_idle(Document()).startswith("Backward did nothing: the graph is empty")
    assert why_backward_idle(neuron()[0]) is None


@given(documents(max_nodes=8), st.data())
def test_the_automatic_output_is_a_sink_and_prefers_complete_computed_ones(doc, data):
    doc.set_selected_output(None)
    out = doc.default_output()
    sinks = doc.output_ids()
    assert (out is None) == (not sinks)
    if out is None:
        return
    assert out in sinks
    complete = [
        n for n in sinks if doc.value_of(n) is not None and not KINDS[doc.nodes[n].kind].is_leaf
    ]
    if complete:
        assert out in complete
    # a paste of any part never changes a complete automatic output
    if out in complete:
        part = data.draw(st.lists(st.sampled_from(list(doc.nodes)), min_size=1, unique=True))
        doc.paste_fragment(doc.fragment(part), (10.0, 10.0))
        assert doc.default_output() == out
