"""Dragging frames and blocks (for ``CanvasView``): Qt moves the selected items; the members
of a dragged frame (shown) come along on screen, a block's wires follow it, and the release
moves every member in the document, hidden ones too, as one ``MoveNodesCommand``."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from mgstudio.app.commands import MoveNodesCommand

from .group_items import BlockItem, FrameItem
from .node_item import NodeItem


def moves(view) -> dict[str, tuple[float, float]]:
    """Where a drag of selected frames and blocks puts their members (all of them, the
    hidden ones too; members selected themselves moved with Qt already)."""
    scene, doc = view.canvas_scene, view.document
    moved: dict[str, tuple[float, float]] = {}
    if doc is None:
        return moved
    selected = scene.selectedItems()
    # (a hidden member may be selected too: Qt does not drag it, the block does)
    own = {it.node_id for it in selected if isinstance(it, NodeItem) and not it.group_hidden}
    for item in selected:
        if not isinstance(item, (BlockItem, FrameItem)) or item.group_id not in doc.groups:
            continue
        start = view._group_origins.get(id(item), (item, item.home))[1]
        delta = item.pos() - start
        if delta.isNull():
            continue
        for nid in doc.groups.members(item.group_id):
            if nid not in own and nid not in moved:
                x, y = doc.nodes[nid].pos
                moved[nid] = (x + delta.x(), y + delta.y())
    return moved


def follow(view, items) -> None:
    """Frames and blocks moved by Qt: the shown members come along, wires follow."""
    scene = view.canvas_scene
    for item in items:
        view._group_origins.setdefault(id(item), (item, QPointF(item.home)))
    for nid, (x, y) in moves(view).items():
        node_item = scene._nodes.get(nid)
        if node_item is not None and not node_item.group_hidden:
            node_item.setPos(x, y)
            node_item.moved()
    for item in items:
        if isinstance(item, BlockItem):
            scene.block_moved(item)
        else:  # the body is in the layer: redraw where it was and where it is
            scene.wires_changed(item.frame_rect.united(item.sceneBoundingRect()))
            scene.wires_changed(item.frame_rect.translated(item.pos() - item.home))


def finish(view) -> bool:
    """A drag of frames or blocks ended: every node it moved, in one undo step (False:
    no group moved; the editor finishes a drag of nodes)."""
    moved = moves(view)
    view._group_origins.clear()
    if not moved:
        return False
    doc, scene = view.document, view.canvas_scene
    for item in scene.selectedItems():
        if isinstance(item, NodeItem) and item.node_id in doc.nodes:
            pos = (item.x(), item.y())
            if pos != tuple(doc.nodes[item.node_id].pos):
                moved[item.node_id] = pos
    view.edits.push(MoveNodesCommand(doc, moved, text="Move group"))
    # a refused move (or one the document rounded): back to where the document has them
    if any(it.pos() != it.home for it in [*scene.blocks(), *scene.frames()]):
        scene.refresh_groups()
    return True
