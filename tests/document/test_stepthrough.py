"""The Qt-free step-through model: the walkthrough's order and numbers, exact back/rewind,
grads published through the document (one announcement per verb, never written behind its
back), accumulation without zero_grad, and the same grads as Backward at the end."""

from __future__ import annotations

import math

import pytest
from helpers.budget import examples
from helpers.docgen import documents
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import Document
from mgstudio.document.examples import example_path
from mgstudio.document.stepthrough import StepThrough


@pytest.fixture
def expression():
    doc = Document.load(example_path("expression.mgs"))
    ids = {node.label: nid for nid, node in doc.nodes.items()}
    return doc, ids


def label_of(model: StepThrough, doc: Document, value) -> str:
    return doc.nodes[model.node_id(value)].label


def test_a_pass_follows_the_walkthrough_and_publishes_each_step(expression):
    doc, ids = expression
    model = StepThrough(doc)
    seen: list[tuple] = []
    doc.events.values_changed.connect(lambda got: seen.append((model.publishing, got)))
    assert model.needs_start and model.start(ids["L"]) is None
    assert doc.grads_current and doc.backward_output == ids["L"]
    assert len(seen) == 1 and set(seen[0][1]) == set(ids.values())
    expected = [
        ("L", [("d", -2.0), ("f", 4.0)]),
        ("d", [("e", -2.0), ("c", -2.0)]),
        ("e", [("a", 6.0), ("b", -4.0)]),
    ]
    for node, contributions in expected:
        seen.clear()
        step = model.step()
        assert label_of(model, doc, step.node) == node
        got = [(label_of(model, doc, c.operand), c.added) for c in step.contributions]
        assert got == contributions
        assert seen == [(True, tuple(ids[name] for name, _ in contributions))]
    assert model.stepper.done and model.step() is None
    grads = {label: doc.value_of(nid).grad for label, nid in ids.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0, "L": 1.0}


def test_back_and_rewind_restore_grads_exactly(expression):
    doc, ids = expression
    model = StepThrough(doc)
    model.start(ids["L"])
    for _ in range(3):
        model.step()
    model.back()
    assert doc.value_of(ids["a"]).grad == 0.0 and doc.value_of(ids["c"]).grad == -2.0
    seen: list[tuple] = []
    doc.events.values_changed.connect(seen.append)
    model.rewind()
    assert len(seen) == 1  # one announcement for the whole rewind
    assert [doc.value_of(ids[k]).grad for k in "abcdef"] == [0.0] * 6
    assert doc.value_of(ids["L"]).grad == 1.0 and model.stepper.position == 0


def test_without_zero_grad_the_leaves_pile_up(expression):
    doc, ids = expression
    model = StepThrough(doc)
    for n in (1, 2):
        assert model.start(ids["L"], zero_first=False) is None
        model.run_to_end()
        assert doc.value_of(ids["a"]).grad == 6.0 * n
        assert doc.value_of(ids["e"]).grad == -2.0  # inner nodes start at 0 each pass
    assert model.passes == 2
    assert model.stop() and not model.active and model.passes == 0


def test_an_incomplete_output_is_refused_with_a_reason(expression):
    doc, ids = expression
    lonely = doc.add_node("mul", label="m")
    model = StepThrough(doc)
    why = model.start(lonely)
    assert why is not None and "needs a wire" in why and not model.active
    assert StepThrough().start(None) is not None


def test_auto_backward_keeps_the_published_grads_until_an_edit(expression):
    doc, ids = expression
    doc.set_auto_backward(True)
    model = StepThrough(doc)
    model.start(ids["L"])
    model.step()
    assert doc.value_of(ids["a"]).grad == 0.0  # midway: not yet reached
    doc.set_label(ids["a"], "a")  # the same label: no edit at all
    doc.move_node(ids["a"], (1.0, 2.0))  # an edit that changes no value
    assert doc.value_of(ids["a"]).grad == 0.0
    doc.set_value(ids["a"], 2.5)
    assert doc.value_of(ids["a"]).grad != 0.0  # auto backward took over


@settings(max_examples=examples(60), deadline=None)
@given(documents(max_nodes=10, values=st.floats(-2, 2)))
def test_a_full_pass_ends_where_backward_does(doc):
    outputs = [nid for nid in doc.output_ids() if doc.value_of(nid) is not None]
    if not outputs:
        return
    root = outputs[-1]
    model = StepThrough(doc)
    assert model.start(root) is None
    model.run_to_end()
    stepped = {nid: v.grad for nid in doc.nodes if (v := doc.value_of(nid)) is not None}
    doc.backward(root)
    fresh = {nid: v.grad for nid in doc.nodes if (v := doc.value_of(nid)) is not None}
    assert stepped.keys() == fresh.keys()
    for nid, g in fresh.items():
        s = stepped[nid]
        assert (math.isnan(g) and math.isnan(s)) or s == pytest.approx(g, rel=1e-12, abs=1e-12)
