"""Hostile documents with groups: what broke when tried (each test fails without its fix)."""

import graphviz

from mgstudio.document import Document
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
