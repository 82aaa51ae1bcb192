"""Which groups the canvas draws collapsed, and which nodes that hides (Qt-free, pure).

The document's ``collapsed`` flags are the learner's. Zoomed out (semantic zoom), the drawing
collapses more: below ``NEURON_ZOOM`` a neuron's inside (node records in the 9 pt node font)
is drawn under 9 px and cannot be read, so every neuron is drawn as its block, whose text is
larger; below ``LAYER_ZOOM`` the blocks' numbers go under 9 px too, and every layer is drawn
as one block of rows (a larger font still). Zooming in restores what the document says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mgstudio.document.groups import Group, GroupIndex

#: the node records' text (9 pt, ~12 px) is 9 px at this zoom (readable.READABLE_ZOOM)
NEURON_ZOOM = 0.75
#: pixel sizes of the blocks' fonts (scene units): numbers in a neuron block, rows of a layer
BLOCK_TEXT_PX = 16.0
BLOCK_TITLE_PX = 17.0
LAYER_TEXT_PX = 20.0
MIN_TEXT_PX = 9.0
#: a neuron block's numbers are 9 px at this zoom: below it, layers collapse too
LAYER_ZOOM = MIN_TEXT_PX / BLOCK_TEXT_PX

#: semantic levels: 0 as the document says, 1 neurons collapsed, 2 layers collapsed too
AS_DOCUMENT, NEURONS, LAYERS = 0, 1, 2


def zoom_level(zoom: float) -> int:
    """The semantic level a view at ``zoom`` draws."""
    if zoom >= NEURON_ZOOM:
        return AS_DOCUMENT
    if zoom >= LAYER_ZOOM:
        return NEURONS
    return LAYERS


def effective_collapsed(groups: Iterable[Group], level: int) -> set[str]:
    """The groups drawn collapsed at a semantic level: the document's flags, plus every
    neuron from level 1, plus every layer from level 2."""
    out = set()
    for g in groups:
        if (
            g.collapsed
            or (level >= NEURONS and g.kind == "neuron")
            or (level >= LAYERS and g.kind == "layer")
        ):
            out.add(g.id)
    return out


def shown_blocks(index: GroupIndex, collapsed: set[str]) -> list[str]:
    """The collapsed groups drawn as blocks: those not inside another collapsed group
    (a collapsed neuron inside a collapsed layer is one of the layer's rows)."""
    out = []
    for g in index:
        if g.id in collapsed and not any(a in collapsed for a in index.ancestors(g.id)[1:]):
            out.append(g.id)
    return out


def hidden_nodes(index: GroupIndex, blocks: Iterable[str]) -> dict[str, str]:
    """Node id -> the block (outermost collapsed group) that hides it."""
    return {nid: gid for gid in blocks for nid in index.members(gid)}


def shown_frames(index: GroupIndex, collapsed: set[str]) -> list[str]:
    """The expanded groups drawn as frames: not collapsed, not inside a collapsed group;
    parents before children (a nested frame is drawn over the one around it)."""
    out = []
    for g in index:
        if not any(a in collapsed for a in index.ancestors(g.id)):
            out.append(g.id)
    out.sort(key=index.depth)
    return out


#: the zooms each level is drawn at: [low, high)
LEVEL_ZOOMS = {
    AS_DOCUMENT: (NEURON_ZOOM, float("inf")),
    NEURONS: (LAYER_ZOOM, NEURON_ZOOM),
    LAYERS: (0.0, LAYER_ZOOM),
}
#: the lowest zoom at which each level's text is still 9 px (a layer's rows are the largest)
READABLE_AT = {AS_DOCUMENT: NEURON_ZOOM, NEURONS: LAYER_ZOOM, LAYERS: MIN_TEXT_PX / LAYER_TEXT_PX}


def fit_level(fit_zoom_at: Callable[[int], float]) -> tuple[int, float]:
    """Fit what is drawn: ``fit_zoom_at(level)`` is the zoom that fits the drawing of a
    level; returns the first level (from the document's own) whose fitting zoom draws that
    level, and that zoom (held under the level's upper bound, so the level stays)."""
    for level in (AS_DOCUMENT, NEURONS, LAYERS):
        low, high = LEVEL_ZOOMS[level]
        zoom = fit_zoom_at(level)
        if zoom >= high:
            zoom = high * 0.999
        if zoom >= low or level == LAYERS:
            return level, zoom
    raise AssertionError("unreachable")  # the last level takes any zoom
