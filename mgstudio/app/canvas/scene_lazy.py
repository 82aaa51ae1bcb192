"""Items made when needed (a mixin of ``CanvasScene``), for big documents.

A document of ``LAZY_MIN`` nodes or more opens with no items: its nodes and wires wait in
``Pending`` columns. An item is made when its node comes on screen at reading zoom (the views
ask ``update_detail`` before every repaint, scroll and zoom), when something asks for it
(``item_for``: selection, find, the inspector, lessons), when a gesture reaches it (a click,
a hover, a rubber band), when the document changes it, and for everything at once when all
items are asked for (``node_items``, an export). Far zoom needs none: the layer draws boxes
and straight wires from the columns. A node's item comes with all its wires (and, for them,
items for their other ends, whose own wires follow when those move).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsView

from mgstudio.document.kinds import KINDS

from .node_item import NodeItem
from .pending import Pending
from .wire_item import WireItem

#: documents with at least this many nodes make their items when needed (smaller ones at once)
LAZY_MIN = 2000

if TYPE_CHECKING:
    from .scene_host import SceneHost
else:
    SceneHost = object  # the declarations are for the type checker (see scene_host)


class SceneLazy(SceneHost):
    """Making items from ``Pending``; the state it reads and writes is ``CanvasScene``'s."""

    _pending: Pending | None = None
    #: how many node and wire items were made since the document was set (tests read it)
    made_nodes = 0
    made_wires = 0

    def _start_pending(self, document) -> None:
        self._pending = Pending(document, self.style, document.nodes, document.wires)
        self._wire_count = len(self._pending.wires)
        self._bounds = None

    def _item(self, nid: str, complete: bool = False) -> NodeItem | None:
        """The node's item, made now if it was pending (None: no such node). Its wires get
        items when drawn, hit or when it moves (``complete``: now): selecting all of a big
        document makes no wire item."""
        item = self._nodes.get(nid)
        if item is None and self._pending is not None and self._pending.has_node(nid):
            item = self._make_node(nid, complete)
        return item

    def _make_node(self, nid: str, complete: bool = True) -> NodeItem:
        """An item for a pending node (``complete``: and items for all its wires)."""
        pending, doc = self._pending, self.document
        assert pending is not None and doc is not None  # only pending nodes are made
        pending.take_node(nid)
        node = doc.nodes[nid]
        # the columns' shape (a pow's badge depends on its wires now: worked out again)
        shape = None if node.kind == "pow" else pending.shape(nid)
        item = self._new_node_item(nid, node, shape, ports_wired=True)
        self.made_nodes += 1
        if complete:
            self.complete_wires(item)
        return item

    def complete_wires(self, item: NodeItem) -> None:
        """Make the items of a node's pending wires (before it moves: they follow it)."""
        pending = self._pending
        if pending is not None:
            # not those into a collapsed group: its block's wires follow instead, and an
            # item for the hidden end is not needed (see scene_groups)
            for j in pending.wires_of(item.node_id, shown=True):
                self._make_wire(j)

    def _make_wire(self, j: int) -> WireItem:
        pending = self._pending
        assert pending is not None  # only pending wires are made
        pending.take_wire(j)
        wire = pending.wires[j]
        src = self._nodes.get(wire.src) or self._make_node(wire.src, complete=False)
        dst = self._nodes.get(wire.dst) or self._make_node(wire.dst, complete=False)
        item = WireItem(wire, src, dst, self.style.colors)
        item._scene = self
        if self._hidden and self.wire_grouped(wire):
            item._grouped = True
        self._wire_index.add(item, item.box)
        key = (wire.dst, wire.port)
        self._wire_order[key] = int(pending.order[j])
        self._wires[key] = item
        src.wires.add(item)
        dst.wires.add(item)
        self.made_wires += 1
        return item

    def _drop_pending_wire(self, wire) -> bool:
        """A wire that had no item left the document: forget its row (no item is made: its
        nodes may be gone already); the ports at its ends show the change."""
        pending = self._pending
        if pending is None:
            return False
        j = pending.wire_row(wire.dst, wire.port)
        if j is None or pending.wires[j] != wire:
            return False
        pending.take_wire(j)
        dst, src = self._nodes.get(wire.dst), self._nodes.get(wire.src)
        if dst is not None:
            dst.set_port_wired(wire.port, False)
        if src is not None:
            src.set_port_wired("", self._still_feeds(src))
        left, top, right, bottom = pending.boxes[j].tolist()
        self.wires_changed(QRectF(left, top, right - left, bottom - top))
        return True

    def _still_feeds(self, item: NodeItem) -> bool:
        """Whether a node's output still has a wire (with an item or pending)."""
        if any(w.src_item is item for w in item.wires):
            return True
        pending, nid = self._pending, item.node_id
        return pending is not None and any(
            pending.wires[j].src == nid for j in pending.wires_of(nid)
        )

    def _pending_wire(self, dst: str, port: str) -> WireItem | None:
        pending = self._pending
        j = pending.wire_row(dst, port) if pending is not None else None
        return None if j is None else self._make_wire(j)

    def make_in(self, rect: QRectF) -> int:
        """Items for every pending node whose bounds meet a scene rectangle; how many."""
        pending = self._pending
        if pending is None:
            return 0
        ids = pending.nodes_in(rect.left(), rect.top(), rect.right(), rect.bottom())
        for nid in ids:
            if pending.has_node(nid):  # (an earlier one's wire may have made it)
                self._make_node(nid)
        return len(ids)

    def make_wires_in(self, rect: QRectF) -> None:
        pending = self._pending
        if pending is not None:
            for j in pending.wires_in(rect.left(), rect.top(), rect.right(), rect.bottom()):
                self._make_wire(int(j))

    def make_all(self) -> None:
        """Every item (whoever asks for all of them)."""
        pending = self._pending
        if pending is None:
            return
        for nid in pending.alive_ids():
            self._make_node(nid, complete=False)
        for j in range(len(pending.wires)):
            if pending.wire_alive[j]:
                self._make_wire(j)
        self._pending = None

    def pending_count(self) -> int:
        """How many nodes have no item yet."""
        return 0 if self._pending is None else self._pending.node_count()

    def _pending_shown(self, rect: QRectF) -> int:
        pending = self._pending
        if pending is None:
            return 0
        return len(pending.nodes_in(rect.left(), rect.top(), rect.right(), rect.bottom()))

    def _hook_rubber_band(self) -> None:
        """A rubber band selects items only: make those it reaches as it grows."""
        for view in self.views():
            if id(view) not in self._hooked_views:
                self._hooked_views.add(id(view))
                view.rubberBandChanged.connect(self._rubber_band)

    def _rubber_band(self, rect, _from_scene, _to_scene) -> None:
        view = self.sender()
        if self._pending is None or rect.isNull() or not isinstance(view, QGraphicsView):
            return
        # the band in the view's pixels (its scene points lag a move behind)
        band = view.mapToScene(rect).boundingRect()
        before = set(self._nodes)
        if self.make_in(band):
            # Qt chose the band's items before telling us: select the new ones it reaches
            # (a record's shape is its bounding rectangle), as its next move would
            for nid in set(self._nodes) - before:
                item = self._nodes[nid]
                if item.sceneBoundingRect().intersects(band):
                    item.setSelected(True)

    # --- far zoom: what the layer draws without items ----------------------------------------
    def paint_pending_wires(self, painter, rect: QRectF) -> None:
        """Straight lines for the pending wires crossing a rectangle (as ``paint_wire_items``
        draws plain wires from far: all look alike)."""
        pending = self._pending
        if pending is None:
            return
        rows = pending.wires_in(rect.left(), rect.top(), rect.right(), rect.bottom())
        if len(rows):
            painter.setPen(self.style.colors.wire_pen(False))
            painter.drawLines([QLineF(*e) for e in pending.ends[rows].tolist()])

    def pending_boxes(self, rect: QRectF, top_grad: float) -> Iterator[tuple[QColor, bool, QRectF]]:
        """``(fill, complete, QRectF)`` for each pending node in a rectangle."""
        pending, doc = self._pending, self.document
        if pending is None or doc is None:
            return
        value_of, colors = doc.value_of, self.style.colors
        nodes = doc.nodes
        for nid in pending.nodes_in(rect.left(), rect.top(), rect.right(), rect.bottom()):
            value = value_of(nid)
            tint = None
            if value is not None:
                tint = colors.grad_tint(value.grad, top_grad)
            fill = tint or (
                colors.leaf_fill if KINDS[nodes[nid].kind].is_leaf else colors.node_fill
            )
            yield fill, value is not None, QRectF(*pending.body_rect(nid))

    def pending_bounds(self) -> QRectF | None:
        pending = self._pending
        b = pending.bounds() if pending is not None else None
        if b is None:
            return None
        return QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1])
