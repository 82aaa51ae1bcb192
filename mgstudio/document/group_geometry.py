"""How big a group is drawn, in scene units, shared by the canvas (which draws it) and the
layouts (which leave room for it). Qt-free: the layouts run without a window.

A collapsed group is one block whose top-left is ``anchor``: the top-left of its members'
positions (derived from the nodes, never stored), so collapsing in the drawing only (semantic
zoom) and collapsing in the document put the block at the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .nodes import Node

#: an expanded group's frame: room around its members' boxes, and its title bar above them
FRAME_MARGIN = 16.0
FRAME_HEADER = 28.0
#: a collapsed neuron: title (label, activation), output ``data | grad``, and room for the
#: heatmap of its output over the input plane on the right
NEURON_BLOCK = (230.0, 96.0)
HEATMAP_SIZE = 64.0
#: a collapsed layer is a column of its neurons, one row each under its title
LAYER_WIDTH = 230.0
LAYER_ROW = 30.0
#: any other collapsed group: title and its output's ``label | data | grad``
GROUP_BLOCK = (230.0, 72.0)


def block_size(kind: str, rows: int = 0) -> tuple[float, float]:
    """Width and height of a collapsed group of ``kind`` (``rows``: a layer's neurons)."""
    if kind == "neuron":
        return NEURON_BLOCK
    if kind == "layer":
        return (LAYER_WIDTH, FRAME_HEADER + LAYER_ROW * max(rows, 1) + 8.0)
    return GROUP_BLOCK


def anchor(nodes: Mapping[str, Node], members: Iterable[str]) -> tuple[float, float]:
    """Where a collapsed group's block stands: the top-left of its members' positions."""
    xs: list[float] = []
    ys: list[float] = []
    for nid in members:
        x, y = nodes[nid].pos
        xs.append(x)
        ys.append(y)
    if not xs:
        return (0.0, 0.0)
    return (min(xs), min(ys))
