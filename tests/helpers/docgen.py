"""Hypothesis strategies for random valid documents, built through the public Document API."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from mgstudio.document import KINDS, Document, DocumentError

ALL_KINDS = tuple(KINDS)
labels = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
coords = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@st.composite
def documents(draw, kinds=ALL_KINDS, max_nodes=12, values=finite, exponents=None):
    """A random document: random nodes, then random wires (any direction; those that would
    make a cycle or hit a wired input are skipped), random selected output."""
    doc = Document()
    n = draw(st.integers(1, max_nodes))
    for _ in range(n):
        kind = draw(st.sampled_from(kinds))
        spec = KINDS[kind]
        params = None
        if spec.params:
            params = {"exponent": draw(exponents if exponents is not None else finite)}
        doc.add_node(
            kind,
            label=draw(labels),
            value=draw(values) if spec.is_leaf else None,
            params=params,
            pos=(draw(coords), draw(coords)),
        )
    ids = list(doc.nodes)
    for _ in range(draw(st.integers(0, 3 * n))):
        src = draw(st.sampled_from(ids))
        dst = draw(st.sampled_from(ids))
        ports = KINDS[doc.nodes[dst].kind].inputs
        if not ports:
            continue
        port = draw(st.sampled_from(ports))
        try:
            doc.connect(src, dst, port)
        except DocumentError:
            pass
    if draw(st.booleans()):
        doc.set_selected_output(draw(st.sampled_from(ids)))
    doc.title = draw(st.text(max_size=8))
    doc.description = draw(st.text(max_size=20))
    return doc


def snapshot(doc: Document) -> dict[str, tuple]:
    """Each node's bound data (None for incomplete nodes), nan-safe for comparison."""
    out = {}
    for nid in doc.nodes:
        v = doc.value_of(nid)
        out[nid] = None if v is None else (_key(v.data),)
    return out


def _key(x: float):
    return "nan" if math.isnan(x) else x
