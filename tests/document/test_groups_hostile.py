"""Hostile documents with groups: what broke when tried (each test fails without its fix)."""

import graphviz
import pytest

from mgstudio.document import Document, DocumentError
from mgstudio.document.clipboard import paste_fragment
from mgstudio.document.graphviz_io import to_dot


def one_node_groups(n: int) -> Document:
    doc = Document()
    prev = doc.add_node("input", value=1.0, label="x")
    ids = [prev]
    for _ in range(n - 1):
        nid = doc.add_node("tanh")
        doc.connect(prev, nid, "a")
        ids.append(nid)
        prev = nid
    for nid in ids:
        doc.group_nodes([nid])
    return doc


def test_the_dot_of_many_clusters_copies_no_body_per_cluster(monkeypatch):
    # graphviz's ``subgraph(name=...)`` context manager copies the body drawn so far for each
    # cluster: 50,000 one-node groups took 49 s to write as .dot (5 s now)
    copied: list[int] = []
    real = graphviz.Digraph._copy_kwargs

    def counting(self, **kwargs):
        copied.append(len(self.body))
        return real(self, **kwargs)

    monkeypatch.setattr(graphviz.Digraph, "_copy_kwargs", counting)
    doc = one_node_groups(300)
    source = to_dot(doc)
    assert source.count("subgraph cluster_") == 300
    assert sum(copied) <= 300


def hostile_piece(field: str, value: object) -> dict:
    group: dict = {"id": "q", "kind": "group", "nodes": ["a"]}
    group[field] = value
    node = {"id": "a", "kind": "input", "value": 1.0, "pos": [0.0, 0.0]}
    return {
        "format": "mgstudio-fragment",
        "version": 2,
        "nodes": [node],
        "wires": [],
        "groups": [group],
    }


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", "a" * 100_000),
        ("kind", "k" * 100_000),
        ("nodes", ["m" * 100_000]),
        ("parent", "p" * 100_000),
    ],
)
def test_a_pasted_group_with_a_huge_field_is_refused_in_one_short_sentence(field, value):
    doc = Document()
    with pytest.raises(DocumentError) as caught:
        paste_fragment(doc, hostile_piece(field, value))
    assert len(str(caught.value)) < 300 and "…" in str(caught.value)
    assert not doc.nodes and not doc.groups


@pytest.mark.parametrize("field", ["id", "kind"])
def test_a_pasted_node_with_a_huge_id_or_kind_is_refused_in_one_short_sentence(field):
    node = {"id": "a", "kind": "input", "value": 1.0, "pos": [0.0, 0.0], field: "z" * 100_000}
    with pytest.raises(DocumentError) as caught:
        paste_fragment(
            Document(), {"format": "mgstudio-fragment", "version": 1, "nodes": [node], "wires": []}
        )
    assert len(str(caught.value)) < 400
