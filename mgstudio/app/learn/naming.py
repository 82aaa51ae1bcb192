"""How the learning panels name nodes and Values: the learner's label first."""

from __future__ import annotations

from mgstudio.app.canvas.numbers import format_number
from mgstudio.document import KINDS


def node_name(doc, nid: str) -> str:
    """``a`` for a labelled node, ``3.0000`` for an unlabelled constant, else ``mul n3``."""
    node = doc.nodes[nid]
    if node.label:
        return node.label
    if KINDS[node.kind].is_leaf and node.value is not None:
        return format_number(node.value)
    return doc.describe(nid)


def value_ids(doc) -> dict[int, str]:
    """``id(Value) -> node id`` for every complete node, to name the engine's Values."""
    out = {}
    for nid in doc.nodes:
        v = doc.value_of(nid)
        if v is not None:
            out[id(v)] = nid
    return out


def num(x: float) -> str:
    """A short number for sentences: 6, -2, 0.5, 0.7071, 1.2e-08."""
    if x != x or x in (float("inf"), float("-inf")):
        return format_number(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


def output_choices(doc) -> list[str]:
    """Nodes worth backpropagating from: the outputs, plus the selected output if elsewhere."""
    outs = doc.output_ids()
    sel = doc.selected_output
    if sel is not None and sel not in outs:
        outs.append(sel)
    return outs
