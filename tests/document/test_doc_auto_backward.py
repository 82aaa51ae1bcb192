"""Auto backward is the document's policy (the Backward panel's checkbox only switches it):
grads follow every edit with one backward pass per edit or batch, zeroed grads stay zero and
published (step-through) grads stay until the next edit."""

from __future__ import annotations

import pytest
from helpers.budget import examples
from helpers.docgen import documents, finite
from helpers.small_docs import x_times_w
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import Document


@pytest.fixture
def chain():
    return x_times_w("tanh", "m")


def grads(doc: Document) -> dict[str, float]:
    return {nid: v.grad for nid in doc.nodes if (v := doc.value_of(nid)) is not None}


def fresh_grads(doc: Document) -> dict[str, float]:
    """What one Backward from the document's default output gives, on a copy (from the
    same output: the automatic one depends on the edits that led here)."""
    copy = Document.from_json(doc.to_json())
    copy.backward(doc.default_output())
    return grads(copy)


def count_backward(doc: Document, monkeypatch) -> list[int]:
    calls: list[int] = []
    real = doc.backward
    monkeypatch.setattr(doc, "backward", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_off_by_default_an_edit_leaves_grads_stale(chain):
    doc, (x, w, m, o) = chain
    assert not doc.auto_backward
    doc.backward()
    before = grads(doc)
    doc.set_value(x, 1.0)
    assert not doc.grads_current and grads(doc) == before


def test_switching_on_catches_up_and_edits_follow(chain, monkeypatch):
    doc, (x, w, m, o) = chain
    doc.set_auto_backward(True)
    assert doc.grads_current and grads(doc) == fresh_grads(doc)
    calls = count_backward(doc, monkeypatch)
    seen = []
    doc.events.values_changed.connect(seen.append)
    doc.set_value(x, 0.5)
    assert calls == [1] and len(seen) == 1  # one pass, and one announcement for both
    assert grads(doc) == fresh_grads(doc)
    doc.move_node(x, (5.0, 5.0))  # grads are current: nothing to redo
    assert calls == [1]


def test_one_backward_per_batch(chain, monkeypatch):
    doc, (x, w, m, o) = chain
    doc.set_auto_backward(True)
    calls = count_backward(doc, monkeypatch)
    with doc.batch():
        for i, nid in enumerate((x, w)):
            doc.set_value(nid, 0.1 * (i + 1))
        doc.set_label(m, "xw")
    assert calls == [1] and grads(doc) == fresh_grads(doc)


def test_zeroed_grads_stay_until_the_next_edit(chain):
    doc, (x, w, m, o) = chain
    doc.set_auto_backward(True)
    doc.zero_grad()
    assert set(grads(doc).values()) == {0.0}
    doc.set_label(o, "out")  # an edit: grads come back
    assert grads(doc) == fresh_grads(doc)


def test_published_grads_stay_until_an_edit_changes_them(chain):
    doc, (x, w, m, o) = chain
    doc.set_auto_backward(True)
    doc.value_of(x).grad = 42.0  # as the step-through leaves them midway
    doc.publish_grads([x], m)
    assert doc.grads_current and doc.backward_output == m
    doc.move_node(x, (1.0, 1.0))
    assert doc.value_of(x).grad == 42.0
    doc.set_value(w, 1.0)
    assert grads(doc) == fresh_grads(doc)


def test_choosing_another_output_reruns_backward(chain):
    doc, (x, w, m, o) = chain
    doc.set_auto_backward(True)
    doc.set_selected_output(m)
    assert doc.backward_output == m and doc.value_of(x).grad == -3.0
    doc.set_selected_output(None)
    assert doc.backward_output == o


@st.composite
def edit(draw, doc: Document):
    ids = list(doc.nodes)
    nid = draw(st.sampled_from(ids))
    leaf = doc.nodes[nid].value is not None
    kind = draw(st.sampled_from(["value", "remove", "output", "disconnect"]))
    if kind == "value" and leaf:
        value = draw(finite)
        return lambda: doc.set_value(nid, value)
    if kind == "remove" and len(ids) > 1:
        return lambda: doc.remove_node(nid)
    if kind == "disconnect" and doc.wires:
        wire = draw(st.sampled_from(doc.wires))
        return lambda: doc.disconnect(wire)
    output = draw(st.sampled_from([None, *ids]))
    return lambda: doc.set_selected_output(output)


@settings(max_examples=examples(60), deadline=None)
@given(st.data(), documents(max_nodes=8, values=st.floats(-3, 3)))
def test_with_auto_backward_grads_always_match_a_fresh_backward(data, doc):
    doc.set_auto_backward(True)
    for _ in range(4):
        data.draw(edit(doc))()
        assert doc.grads_current
        assert repr(grads(doc)) == repr(fresh_grads(doc))
