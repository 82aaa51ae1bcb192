"""``Document.set_values``: several leaves as one edit — checked first, one recompute of what
lies below them (each downstream Value once, counted through the binding's ``recompute``
seam), one values_changed (and no node_changed per leaf), and ``set_values(old)`` as its
exact inverse."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from helpers.budget import examples
from helpers.docgen import documents, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import KINDS, Document, DocumentError
from mgstudio.document import binding as binding_module


def shared_sum():
    """a*x + b*x + c: x feeds two products, so per-leaf updates redo the sum twice."""
    doc = Document()
    x, a, b, c = (doc.add_node("input", label=n, value=1.0) for n in "xabc")
    ax, bx = doc.add_node("mul"), doc.add_node("mul")
    s1, s2 = doc.add_node("add"), doc.add_node("add")
    for src, dst, port in (
        (a, ax, "a"),
        (x, ax, "b"),
        (b, bx, "a"),
        (x, bx, "b"),
        (ax, s1, "a"),
        (bx, s1, "b"),
        (s1, s2, "a"),
        (c, s2, "b"),
    ):
        doc.connect(src, dst, port)
    return doc, (x, a, b, c, ax, bx, s1, s2)


@pytest.fixture
def recomputed(monkeypatch):
    """Every Value the binding re-evaluates, counted."""
    seen: Counter = Counter()
    real = binding_module.recompute

    def counting(values):
        values = list(values)
        seen.update(id(v) for v in values)
        real(values)

    monkeypatch.setattr(binding_module, "recompute", counting)
    return seen


def test_one_recompute_of_each_downstream_node_and_one_event(recomputed):
    doc, (x, a, b, c, ax, bx, s1, s2) = shared_sum()
    log = []
    doc.events.values_changed.connect(lambda ids: log.append(("values", ids)))
    doc.events.node_changed.connect(lambda nid: log.append(("node", nid)))
    old = doc.set_values({x: 2.0, a: 3.0, b: 4.0, c: 5.0})
    assert old == {x: 1.0, a: 1.0, b: 1.0, c: 1.0}
    assert doc.value_of(s2).data == 3.0 * 2.0 + 4.0 * 2.0 + 5.0
    below = {id(doc.value_of(n)) for n in (ax, bx, s1, s2)}
    assert set(recomputed) == below and set(recomputed.values()) == {1}
    values = [entry for entry in log if entry[0] == "values"]
    assert len(values) == 1 and set(values[0][1]) == {x, a, b, c, ax, bx, s1, s2}
    assert [entry for entry in log if entry[0] == "node"] == []  # values_changed says it
    # the per-leaf way redoes the shared sum once per leaf: the count the bulk edit saves
    recomputed.clear()
    for nid, v in ((x, 1.0), (a, 1.0), (b, 1.0), (c, 1.0)):
        doc.set_value(nid, v)
    assert recomputed[id(doc.value_of(s2))] == 4


def test_unchanged_numbers_are_left_out_and_nothing_changed_is_silent():
    doc, (x, a, *_rest) = shared_sum()
    log = []
    doc.events.values_changed.connect(log.append)
    doc.events.node_changed.connect(log.append)
    assert doc.set_values({x: 1.0, a: 1.0}) == {}
    assert log == []
    assert doc.set_values({x: 1.0, a: -0.0}) == {a: 1.0}  # only a changed
    assert math.copysign(1.0, doc.nodes[a].value) == -1.0
    assert doc.set_values({a: 0.0}) == {a: -0.0}  # -0.0 -> 0.0 is a change (1/x tells)


def test_checks_everything_before_changing_anything():
    doc, (x, a, b, c, ax, *_rest) = shared_sum()
    before = doc.to_json()
    with pytest.raises(DocumentError, match="computes its value"):
        doc.set_values({x: 9.0, ax: 1.0})
    with pytest.raises(DocumentError):
        doc.set_values({x: 9.0, a: math.nan})
    with pytest.raises(DocumentError):
        doc.set_values({x: 9.0, "nope": 1.0})
    assert doc.to_json() == before and doc.value_of(x).data == 1.0


def test_structural_edits_refresh_the_cached_downstream():
    doc, (x, a, b, c, ax, bx, s1, s2) = shared_sum()
    doc.set_values({x: 2.0, c: 1.0})
    doc.disconnect(doc.inputs_of(s2)["b"])
    doc.connect(x, s2, "b")  # s2 = s1 + x now
    doc.set_values({x: 3.0, c: 7.0})
    assert doc.value_of(s2).data == 1.0 * 3.0 + 1.0 * 3.0 + 3.0


leaf_numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@settings(max_examples=examples(100))
@given(documents(max_nodes=14), st.data())
def test_the_inverse_restores_exactly(doc, data):
    leaves = [n for n in doc.nodes if KINDS[doc.nodes[n].kind].is_leaf]
    chosen = data.draw(st.lists(st.sampled_from(leaves), unique=True) if leaves else st.just([]))
    new = {nid: data.draw(leaf_numbers) for nid in chosen}
    original, values = doc.to_json(), snapshot(doc)
    old = doc.set_values(new)
    # the bulk edit agrees with binding from scratch, and with one set_value per leaf
    assert snapshot(doc) == snapshot(Document.from_json(doc.to_json()))
    one_by_one = Document.from_json(original)
    for nid, v in new.items():
        one_by_one.set_value(nid, v)
    assert doc.to_json() == one_by_one.to_json()
    assert doc.set_values(old).keys() == old.keys()
    assert doc.to_json() == original and snapshot(doc) == values
