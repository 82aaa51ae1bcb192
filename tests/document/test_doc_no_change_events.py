"""No event when nothing changed (napari's rule): an edit that leaves the document as it was
announces nothing; one that changes it announces something. And a batch never announces an
empty ``values_changed``, even when it removes every node whose value it touched."""

from __future__ import annotations

import math

import pytest
from helpers.budget import examples
from helpers.docgen import documents, finite, labels
from helpers.small_docs import x_times_w
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import KINDS, Document

SIGNALS = (
    "node_added",
    "node_removed",
    "node_changed",
    "wire_added",
    "wire_removed",
    "values_changed",
    "output_changed",
)


def record(doc: Document) -> list[tuple]:
    log: list[tuple] = []
    for name in SIGNALS:
        getattr(doc.events, name).connect(lambda *args, _n=name: log.append((_n, *args)))
    return log


@pytest.fixture
def neuron():
    return x_times_w("pow", "xw", exponent=2.0)


def test_setting_anything_to_what_it_is_emits_nothing(neuron):
    doc, (x, w, m, p) = neuron
    doc.backward(p)
    log = record(doc)
    assert doc.set_value(x, 2.0) == 2.0
    assert doc.set_value(x, 2) == 2.0  # the same number, as an int
    assert doc.set_label(m, "xw") == "xw"
    assert doc.set_param(p, "exponent", 2.0) == 2.0
    assert doc.move_node(w, doc.nodes[w].pos) == doc.nodes[w].pos
    assert doc.move_nodes({x: doc.nodes[x].pos, w: doc.nodes[w].pos})
    assert doc.set_selected_output(None) is None
    doc.backward(p)  # the same grads again
    assert doc.remove_nodes([]).nodes == ()
    assert doc.add_subgraph([], []) == []
    assert doc.paste_fragment({"format": "mgstudio-fragment", "version": 1}) == []
    doc.publish_grads([], p)
    assert log == []
    assert doc.grads_current  # a no-op leaves the grads as current as they were


def test_zero_grad_twice_emits_once(neuron):
    doc, (x, w, m, p) = neuron
    doc.backward(p)
    log = record(doc)
    assert doc.zero_grad()
    assert doc.zero_grad() == []
    assert [e[0] for e in log] == ["values_changed"]


def test_minus_zero_is_a_change(neuron):
    doc, _ids = neuron
    leaf = doc.add_node("input", value=0.0)
    inv = doc.add_node("pow", params={"exponent": -1.0})
    doc.connect(leaf, inv, "a")
    log = record(doc)
    doc.set_value(leaf, -0.0)  # 1/x tells them apart: -inf, not inf
    assert ("node_changed", leaf) in log
    assert doc.value_of(inv).data == -math.inf


def test_a_batch_that_removes_what_it_touched_announces_no_values(neuron):
    """Deleting a sink together with the wire into it: the disconnect rebinds the sink, the
    removal takes it away; there is nothing left to announce (psygnal's ``paused`` with a
    reducer would still emit an empty tuple here, which is why the document merges itself)."""
    doc, (x, w, m, p) = neuron
    log = record(doc)
    with doc.batch():
        doc.disconnect(doc.inputs_of(p)["a"])
        doc.remove_nodes([p])
    assert [e[0] for e in log] == ["wire_removed", "node_removed"]


def state(doc: Document) -> tuple:
    """Everything an edit can change that a listener shows."""
    values = []
    for nid in doc.nodes:
        v = doc.value_of(nid)
        values.append(None if v is None else (repr(v.data), repr(v.grad + 0.0), v.label))
    return (doc.to_json(), tuple(values), doc.default_output())


@st.composite
def edits(draw, doc: Document):
    """One edit of ``doc``: half of them set a field to what it already is."""
    nid = draw(st.sampled_from(list(doc.nodes)))
    node = doc.nodes[nid]
    kind = KINDS[node.kind]
    same = draw(st.booleans())
    options = ["label", "move", "output", "backward"]
    if kind.is_leaf:
        options.append("value")
    if kind.params:
        options.append("param")
    what = draw(st.sampled_from(options))
    if what == "value":
        return ("set_value", nid, node.value if same else draw(finite))
    if what == "param":
        return ("set_param", nid, "exponent", node.params["exponent"] if same else draw(finite))
    if what == "label":
        return ("set_label", nid, node.label if same else draw(labels))
    if what == "move":
        pos = node.pos if same else (draw(finite.filter(lambda v: abs(v) < 1e6)), 0.0)
        return ("move_node", nid, pos)
    if what == "output":
        return ("set_selected_output", doc.selected_output if same else nid)
    return ("backward",)


@settings(max_examples=examples(80), deadline=None)
@given(st.data(), documents(max_nodes=8))
def test_an_edit_emits_exactly_when_it_changes_something(data, doc):
    doc.backward()
    for _ in range(6):
        name, *args = data.draw(edits(doc))
        before = state(doc)
        log = record(doc)
        getattr(doc, name)(*args)
        after = state(doc)
        for sig in SIGNALS:  # stop recording
            getattr(doc.events, sig).disconnect()
        if after == before:
            assert log == [], (name, args)
        else:
            assert log, (name, args)
        assert ("values_changed", ()) not in log
