"""The cheaper records keep the behaviour of the dataclasses they replaced: a ``Wire`` is its
two ends and port (``extra`` aside), immutable, hashable, and ``dataclasses.replace`` works
on it; ``checked_node`` (the loader's fast path) builds exactly what ``Node(...)`` builds."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.document import Document
from mgstudio.document.nodes import Node, Wire, checked_node

names = st.text(alphabet="abcxyz_0123", min_size=1, max_size=6)
extras = st.dictionaries(st.sampled_from(["colour", "note"]), st.integers(), max_size=2)


@given(names, names, names, extras, names, names, names, extras)
def test_a_wire_is_its_ends_and_port(s1, d1, p1, e1, s2, d2, p2, e2):
    a, b = Wire(s1, d1, p1, e1), Wire(s2, d2, p2, e2)
    assert (a == b) == ((s1, d1, p1) == (s2, d2, p2))  # unknown fields are no part of it
    if a == b:
        assert hash(a) == hash(b)
    assert (a.src, a.dst, a.port, dict(a.extra)) == (s1, d1, p1, e1)
    assert repr(a) == f"Wire(src={s1!r}, dst={d1!r}, port={p1!r})"
    moved = dataclasses.replace(a, src=s2)
    assert (moved.src, moved.dst, moved.port, dict(moved.extra)) == (s2, d1, p1, e1)
    for twin in (copy.copy(a), copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert twin == a and dict(twin.extra) == e1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.src = "other"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(a)] == ["src", "dst", "port", "extra"]


def test_a_wire_without_unknown_fields_has_an_empty_read_only_extra():
    w = Wire("a", "b", "a")
    assert dict(w.extra) == {}
    with pytest.raises(TypeError):
        w.extra["x"] = 1  # type: ignore[index]


@given(
    names,
    st.sampled_from(["add", "input"]),
    st.text(max_size=5),
    st.none() | st.floats(allow_nan=False),
    st.tuples(st.floats(allow_nan=False), st.floats(allow_nan=False)),
    extras,
)
def test_the_loaders_node_is_the_node_the_dataclass_builds(nid, kind, label, value, pos, extra):
    made = Node(nid, kind, label, value, {}, pos, extra)
    fast = checked_node(nid, kind, label, value, {}, pos, extra)
    assert fast == made and repr(fast) == repr(made) and list(vars(fast)) == list(vars(made))
    assert dataclasses.replace(fast, label="z") == dataclasses.replace(made, label="z")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.label = "other"  # type: ignore[misc]


def test_a_loaded_document_keeps_wires_as_keys_and_unknown_wire_fields(tmp_path):
    text = (
        '{"format": "mgstudio", "version": 1, "nodes": ['
        '{"id": "a", "kind": "input", "value": 1.0}, {"id": "t", "kind": "tanh"}],'
        '"wires": [{"src": "a", "dst": "t", "port": "a", "colour": "red"}]}'
    )
    doc = Document.from_json(text)
    (wire,) = doc.wires
    assert wire == Wire("a", "t", "a") and dict(wire.extra) == {"colour": "red"}
    assert doc.consumers_of("a") == [wire] and doc.inputs_of("t") == {"a": wire}
    assert '"colour": "red"' in doc.to_json()
    doc.disconnect(Wire("a", "t", "a"))  # found by its ends: extra is no part of it
    assert doc.wires == ()
