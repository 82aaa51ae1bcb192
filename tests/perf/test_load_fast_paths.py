"""Loading a file takes shortcuts for its common nodes (no label, no settings, a plain pair of
floats for ``pos``) and reuses the cycle check's dependency order for binding: the document
must come out exactly as the general paths make it."""

from __future__ import annotations

import json

import pytest
from helpers.budget import examples
from helpers.docgen import documents
from hypothesis import given, settings

from mgstudio.document import Document, FileFormatError


def _fresh_order(doc: Document) -> list[str]:
    return doc._graph.order(list(doc.nodes))  # computed afresh from the linked wires


@settings(max_examples=examples(60), deadline=None)
@given(documents(max_nodes=15))
def test_a_loaded_document_equals_the_saved_one_and_sorts_as_if_linked(doc):
    text = doc.to_json()
    back = Document.from_json(text)
    assert back.to_json() == text
    # (the edited original may differ: its wires were linked in edit order, not file order)
    assert back.topological_ids() == _fresh_order(back)
    for nid in doc.nodes:
        a, b = doc.value_of(nid), back.value_of(nid)
        assert (a is None) == (b is None)
        if a is not None:
            assert repr(a.data) == repr(b.data)
            assert a.label == b.label


def _file(node: dict) -> str:
    return json.dumps({"format": "mgstudio", "version": 1, "nodes": [node], "wires": []})


@pytest.mark.parametrize(
    ("pos", "message"),
    [
        ([1.0, 2e7], "within"),
        ([1.0], "pair of numbers"),
        (None, "pair of numbers"),  # null is not a missing "pos"
        ((1, "a"), "must be a number"),
        ([True, 0.0], "must be a number"),
    ],
)
def test_a_bad_position_still_gets_the_full_message(pos, message):
    with pytest.raises(FileFormatError, match=message):
        Document.from_json(_file({"id": "n1", "kind": "input", "pos": pos}))


def test_ints_and_unknown_fields_still_take_the_general_path():
    doc = Document.from_json(_file({"id": "n1", "kind": "input", "pos": [3, 4], "later": [1]}))
    node = doc.nodes["n1"]
    assert node.pos == (3.0, 4.0) and type(node.pos[0]) is float
    assert node.extra == {"later": [1]}
    with pytest.raises(FileFormatError, match="label"):
        Document.from_json(_file({"id": "n1", "kind": "input", "label": "a\nb"}))
