"""The scene: a projection of one Document onto node and wire items, kept live by its events.

It never edits the document; the view turns gestures into undo commands for that. Items are
created, changed and removed only here, in answer to the document's signals.
"""

from __future__ import annotations

import functools
import math

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsScene

from mgstudio.document.kinds import KINDS
from mgstudio.document.nodes import Node

from .group_items import BlockItem, FrameItem
from .group_tooltips import show_group_tooltip
from .node_item import NodeItem
from .pending import Pending
from .port_item import HIT_RADIUS, PortRef
from .scene_bounds import INDEX_MARGIN, SceneBounds
from .scene_detail import MAX_RECORDS_SHOWN, SceneDetail  # noqa: F401 (tests import it here)
from .scene_groups import SceneGroups
from .scene_lazy import LAZY_MIN, SceneLazy
from .scene_wires import SceneWires
from .style import CanvasStyle
from .tooltips import show_node_tooltip
from .wire_index import WireIndex
from .wire_item import WireItem

WORLD = 1e6  # room around the items to pan over (the view's rectangle)
INDEX_LOOKUP_MIN = 200  # more stale items than this: ask Qt's index which ones are shown


def _disconnect_all(connections: list) -> None:
    for signal, slot in connections:
        signal.disconnect(slot)
    connections.clear()


class CanvasScene(SceneGroups, SceneDetail, SceneWires, SceneLazy, SceneBounds, QGraphicsScene):
    """Node and wire items for the nodes and wires of ``document`` (a big one's when they
    are needed, see scene_lazy), and its groups' frames and blocks (see scene_groups)."""

    #: a double click on a frame's title or a block, or a click on its chevron: the
    #: learner asks to collapse or expand that group (the window makes it an undo command)
    group_toggle_requested = Signal(str)
    #: the learner expanded this group (a command went through): a view zoomed out so far
    #: that it still draws the group collapsed comes close enough to show its inside
    group_reveal_requested = Signal(str)

    def __init__(self, document=None, parent=None):
        super().__init__(parent)
        # a set rectangle: otherwise Qt recomputes the bounds of every item whenever one was
        # added or moved and the rectangle is asked for. It stays close to the nodes: Qt's
        # item index splits it into a fixed number of cells, and a huge one put every item
        # into the same cell (each lookup then asked all items for their bounds)
        self.setSceneRect(QRectF(-INDEX_MARGIN, -INDEX_MARGIN, 2 * INDEX_MARGIN, 2 * INDEX_MARGIN))
        #: the views' cached backgrounds, which draw the wires (see wire_layer)
        self.wire_layers: list = []
        self.style = CanvasStyle()
        self.document = None
        self._nodes: dict[str, NodeItem] = {}
        self._wires: dict[tuple[str, str], WireItem] = {}  # keyed by (dst, port): one per input
        self._max_abs_grad = 0.0
        self._selected_wires: set[WireItem] = set()
        self._wire_index = WireIndex()
        # the order wires were added in: crossing wires are drawn and hit in a stable order
        self._wire_order: dict[tuple[str, str], int] = {}
        self._wire_count = 0
        self._hover_wire: WireItem | None = None
        self._cached_details = True  # whether node items cache their pictures (update_detail)
        self._crowding: dict[int, tuple] = {}  # per view: (what it showed, readable?)
        self._stale: set[NodeItem] = set()  # items whose Value changed while off screen
        self._retint = False  # the largest |grad| moved: items off screen may show old tints
        self._bounds: QRectF | None = None  # nodes_bounding_rect, until a node moves
        #: a new graph is being shown: its items pull their numbers when first painted
        self.building = False
        self._hooked_views: set[int] = set()  # views whose rubber band makes items (lazy)
        self.selectionChanged.connect(self.selection_redrawn)
        self._connections: list = []
        self._init_groups()
        self._selection_owed = False
        # if the scene is deleted without detach(), stop the document calling into it; the
        # callback holds the list, not the scene, because the scene is half gone by then
        self.destroyed.connect(functools.partial(_disconnect_all, self._connections))
        if document is not None:
            self.set_document(document)

    # --- document binding ------------------------------------------------------------------
    def set_document(self, document) -> None:
        """Project another document: unsubscribe from the old one, rebuild every item."""
        self.detach()
        self._clear_items()
        self.document = document
        if document is None:
            return
        self._max_abs_grad = self._compute_max_abs_grad()
        self.made_nodes = self.made_wires = 0
        if len(document.nodes) >= LAZY_MIN:
            self._start_pending(document)  # items when needed: see scene_lazy
        else:
            self._add_node_items(document.nodes)
            self._add_wire_items(document.wires)
        self.refresh_groups()
        self.fit_index()
        self.wires_changed(None)
        ev = document.events
        for signal, slot in (
            (ev.node_added, self._on_node_added),
            (ev.node_removed, self._on_node_removed),
            (ev.node_changed, self._on_node_changed),
            (ev.wire_added, self._on_wire_added),
            (ev.wire_removed, self._on_wire_removed),
            (ev.values_changed, self._on_values_changed),
            (ev.groups_changed, self._on_groups_changed),
            (ev.prediction_changed, self._on_roles_changed),
        ):
            signal.connect(slot)
            self._connections.append((signal, slot))

    def detach(self) -> None:
        """Stop listening to the document (call before the scene goes away)."""
        _disconnect_all(self._connections)

    def release(self) -> None:
        """Let the document go and take every item away now, while their Qt objects live (the
        scene's last act: a scene freed with its items leaves their wrappers to outlive them)."""
        self.set_document(None)

    def _clear_items(self) -> None:
        self.wires_changed(None)
        self._selected_wires.clear()
        self._stale.clear()
        self._retint = False
        self._bounds = None
        self._pending = None
        # break the item <-> wire cycles, so each item's Python wrapper goes with the dicts
        # below, before clear() deletes its Qt object: a wrapper left for the cycle collector
        # outlives its item, and freeing it later touched freed memory (a segfault)
        for item in self._wires.values():
            item._scene = item.src_item = item.dst_item = None
        for node_item in self._nodes.values():
            node_item.wires.clear()
        self._wire_index.clear()
        self._wire_order.clear()
        self._hover_wire = None
        self._crowding.clear()
        self._init_groups()  # their items go with the others below
        # all at once: one by one, Qt's index searched the cell of each (20,000 nodes
        # stacked on one spot took 5 s to take away); other items (a gesture's) stay
        others = [it for it in self.items() if not isinstance(it, (NodeItem, BlockItem, FrameItem))]
        for other in others:
            self.removeItem(other)
        self._wires.clear()
        self._nodes.clear()
        self.clear()
        for other in others:
            self.addItem(other)

    def drawBackground(self, painter, rect: QRectF | QRect) -> None:
        # only QGraphicsScene.render (file export) comes here: views draw their own layer.
        # Qt passes a QRectF (the stubs add the QRect PySide6 would convert)
        super().drawBackground(painter, rect)
        self.paint_frames(painter, QRectF(rect))
        self.paint_wires(painter, QRectF(rect))

    # --- lookups ---------------------------------------------------------------------------
    def item_for(self, node_id: str) -> NodeItem | None:
        """The node's item (made now if it had none yet)."""
        return self._item(node_id)

    def node_items(self) -> list[NodeItem]:
        """Every node's item (all made: whoever asks for all of them gets all)."""
        self.make_all()
        return list(self._nodes.values())

    def made_items(self) -> list[NodeItem]:
        """The node items made so far (a big document's: those needed yet)."""
        return list(self._nodes.values())

    def selected_ids(self) -> list[str]:
        """The selected nodes, and every member of a selected group's frame or block (what
        Delete, Copy, Cut and Duplicate take)."""
        if not (self._blocks or self._frames):  # one pass (select all of 100,000 nodes)
            return [it.node_id for it in self.selectedItems() if isinstance(it, NodeItem)]
        ids, gids = [], []
        for it in self.selectedItems():
            if isinstance(it, NodeItem):
                ids.append(it.node_id)
            elif isinstance(it, (BlockItem, FrameItem)):
                gids.append(it.group_id)
        if gids and self.document is not None:
            index = self.document.groups
            ids += [nid for gid in gids if gid in index for nid in index.members(gid)]
            ids = list(dict.fromkeys(ids))
        return ids

    def selection_redrawn(self) -> None:
        """Selection changed (views that change it with signals blocked call this)."""
        if self.boxes_in_layer:  # outlines of boxes are drawn by the layer
            self.wires_changed(None)

    @property
    def max_abs_grad(self) -> float:
        return self._max_abs_grad

    def helpEvent(self, event) -> None:
        if not show_node_tooltip(self, event) and not show_group_tooltip(self, event):
            super().helpEvent(event)

    def node_at(self, pos: QPointF) -> NodeItem | None:
        if self._pending is not None:
            self.make_in(QRectF(pos.x() - 1.0, pos.y() - 1.0, 2.0, 2.0))
        for item in self.items(pos):
            if isinstance(item, NodeItem) and not item.group_hidden:
                return item
        return None

    def port_at(self, pos: QPointF) -> PortRef | None:
        """The port within reach of a scene position (ports stick out of their node)."""
        r = HIT_RADIUS
        if self._pending is not None:
            self.make_in(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r))
        for item in self.items(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r)):
            if isinstance(item, NodeItem) and not item.group_hidden:
                ref = item.port_at(pos)
                if ref is not None:
                    return ref
        return None

    # --- document events -------------------------------------------------------------------
    def _on_node_added(self, nid: str) -> None:
        if nid not in self._nodes:
            self._add_node_item(nid)

    def _on_node_removed(self, nid: str) -> None:
        self._bounds = None
        item = self._nodes.pop(nid, None)
        if item is None:
            if self._pending is not None and self._pending.has_node(nid):
                box = QRectF(*self._pending.body_rect(nid))
                self._pending.take_node(nid)  # its wires went first (wire_removed)
                if self.boxes_in_layer:
                    self.wires_changed(box)
            return
        for wire in list(item.wires):
            self._remove_wire_item(wire)
        self._stale.discard(item)
        if item.boxed:
            self.wires_changed(item.box_rect())
        if item.isSelected():
            # Qt announces the selection once per selected item removed, and each announcement
            # reads the whole selection: deleting a selection of n nodes cost n^2 (65,818
            # selected nodes never finished). One announcement once the deletion is done.
            blocked = self.blockSignals(True)
            try:
                self.removeItem(item)
            finally:
                self.blockSignals(blocked)
            if not self._selection_owed:
                self._selection_owed = True
                QTimer.singleShot(0, self, self._announce_selection)  # not after the scene
            return
        self.removeItem(item)

    def _announce_selection(self) -> None:
        self._selection_owed = False
        self.selectionChanged.emit()

    def _on_node_changed(self, nid: str) -> None:
        assert self.document is not None  # events come from the document shown
        node = self.document.nodes.get(nid)
        if nid in self._hidden and nid not in self._nodes:
            # inside a collapsed group with no item yet: its block follows, no item is made
            if self._blocks:
                self.place_block(self._hidden[nid])
            return
        item = self._item(nid)  # a pending node changed: its item follows from now on
        if node is None or item is None:
            return
        item.show_node(node.label, node.params)
        if item.painted_role[0] != node.feature:
            item.update()  # a new training role: its stripe and tag (canvas/roles.py)
        if (item.x(), item.y()) != tuple(node.pos):
            item.setPos(*node.pos)
            item.moved()  # pulls numbers it missed while off screen (NodeItem.moved)

    def _on_roles_changed(self, _nid) -> None:
        for item in self._nodes.values():  # the old prediction and the new one repaint
            if item.painted_role[1] or item.node_id == _nid:
                item.update()

    def _on_wire_added(self, wire) -> None:
        self._add_wire_item(wire)
        if self.crosses_groups(wire):
            self._groups_later()

    def _on_wire_removed(self, wire) -> None:
        if self.crosses_groups(wire):
            self._groups_later()
        if self._drop_pending_wire(wire):
            return
        item = self._wires.get((wire.dst, wire.port))
        if item is not None and item.wire == wire:
            self._remove_wire_item(item)

    def _on_values_changed(self, ids: tuple) -> None:
        old_max = self._max_abs_grad
        self._max_abs_grad = self._compute_max_abs_grad()
        if self._max_abs_grad != old_max:
            # grad tints are relative to the largest |grad|: every tint may change. Items on
            # screen take theirs now, the others when shown or painted (not all, every edit)
            self._retint = True
        pending = self._pending
        if (
            pending is not None
            and self.boxes_in_layer
            and (self._retint or any(map(pending.has_node, ids)))
        ):
            self.wires_changed(None)  # pending boxes are drawn by the layer: new tints
        get = self._nodes.get
        items = [it for it in map(get, ids) if it is not None]
        for item in items:
            item.stale = True
        self._stale.update(items)
        if self._watch or self._weight_wires:
            self.groups_values_changed(ids)
        # items on screen repaint now; the others pull their numbers when they are shown
        self.refresh_visible()

    def refresh_visible(self, view=None) -> None:
        """Let items that some view shows (or ``view`` shows) take their new numbers and
        tints."""
        if self.document is None or self.building or not (self._stale or self._retint):
            return
        views = [view] if view is not None else self.views()
        rects = [v.mapToScene(v.viewport().rect()).boundingRect() for v in views]
        if not rects:
            return
        value_of, top_grad = self.document.value_of, self._max_abs_grad
        stale = self._stale
        stale.difference_update([it for it in stale if not it.stale])  # pulled on their own
        if self._retint or len(stale) > INDEX_LOOKUP_MIN:
            # many items may be behind (a new largest grad, or a new graph): Qt's index knows
            # which items a view shows without looking at the others
            shown = [
                it
                for r in rects
                for it in self.items(r, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
                if type(it) is NodeItem and it.needs_refresh(top_grad)
            ]
        else:  # a few: plain arithmetic on positions beats asking Qt
            shown = []
            for r in rects:
                left, top, right, bottom = r.left(), r.top(), r.right(), r.bottom()
                for it in stale:
                    x, y = it.x(), it.y()
                    e = it.extent
                    if (
                        x + e[0] < right
                        and x + e[2] > left
                        and y + e[1] < bottom
                        and y + e[3] > top
                    ):
                        shown.append(it)
        for item in shown:
            if item.needs_refresh(top_grad):
                item.show_value(value_of(item.node_id), top_grad)
        stale.difference_update(shown)

    def value_for(self, nid: str):
        """The node's Value (None while incomplete or once removed)."""
        doc = self.document
        return doc.value_of(nid) if doc is not None and nid in doc.nodes else None

    # --- item bookkeeping ------------------------------------------------------------------
    def _add_node_item(self, nid: str, bulk: bool = False) -> NodeItem | None:
        assert self.document is not None  # items are made for the document shown
        node = self.document.nodes.get(nid)
        if node is None:
            return None
        item = self._new_node_item(nid, node)
        self._bounds = None
        if not bulk:  # a whole new document fits the index once, at the end
            self.keep_indexed(item)
        return item

    def _new_node_item(
        self, nid: str, node: Node, shape: object = None, ports_wired: bool = False
    ) -> NodeItem:
        """A node's item placed on the scene, stale: it takes its numbers when first shown.
        ``ports_wired``: its ports show the wires the document has (a pending node's item,
        whose wires get items later), before it joins the scene."""
        item = NodeItem(
            nid,
            KINDS[node.kind],
            self.style,
            node.label,
            node.params,
            boxed=not self._cached_details,
            shape=shape,
        )
        item.setPos(*node.pos)
        if ports_wired:
            assert self.document is not None
            for port in self.document.inputs_of(nid):
                item.note_wired(port)
            if self.document.consumers_of(nid):
                item._out_wired = True
        item.stale = True
        self._stale.add(item)
        hidden = nid in self._hidden
        if hidden:  # inside a collapsed group: its block stands for it
            item.set_group_hidden(True)
        self.addItem(item)
        self._nodes[nid] = item
        if hidden and not self.building:
            # never painted, so it would never pull: asked for (a selection, the
            # inspector), it holds the document's numbers like any shown item
            item.refresh()
        return item

    def _add_node_items(self, nodes) -> None:
        """``_add_node_item(nid, bulk=True)`` for every node of a new document, in one loop
        (a big file has 100,000: per node lookups and calls added up)."""
        style, boxed, stale, items = self.style, not self._cached_details, self._stale, self._nodes
        add = self.addItem
        for nid, node in nodes.items():
            item = NodeItem(nid, KINDS[node.kind], style, node.label, node.params, boxed=boxed)
            item.setPos(*node.pos)
            item.stale = True  # takes its numbers when first shown
            stale.add(item)
            add(item)
            items[nid] = item
        self._bounds = None

    def _compute_max_abs_grad(self) -> float:
        assert self.document is not None  # asked once one is shown, and on its events
        grads = [abs(v.grad) for v in self.document.values()]
        best = max(grads, default=0.0)
        if math.isfinite(best):
            return best
        return max((g for g in grads if math.isfinite(g)), default=0.0)

    # --- theme -----------------------------------------------------------------------------
    def restyle(self) -> None:
        """Recompute colours and fonts from the current palette (light/dark switch)."""
        self.style = CanvasStyle()
        pending = self._pending
        if pending is not None:  # the new fonts give the records other sizes
            wires, order = pending.alive_wires()
            self._pending = Pending(self.document, self.style, pending.alive_ids(), wires, order)
            self._pending.set_hidden(self._hidden)
        value_of = self.document.value_of if self.document is not None else (lambda _nid: None)
        for item in self._nodes.values():
            item.set_style(self.style, value_of(item.node_id), self._max_abs_grad)
        for wire in self._wires.values():
            wire.set_colors(self.style.colors)
        self._init_groups_items()
        self.wires_changed(None)
