"""What a graph *is*, leaving out its numbers and its layout: the nodes (ids, kinds, labels)
and the wires. Two documents with the same signature differ only in leaf values, settings,
positions or the chosen output: the things a lesson asks a learner to change."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Document
    from .nodes import Wire


def structure_signature(
    doc: Document,
) -> tuple[tuple[tuple[str, str, str], ...], tuple[Wire, ...]]:
    nodes = tuple((nid, node.kind, node.label) for nid, node in doc.nodes.items())
    return nodes, tuple(doc.wires)
