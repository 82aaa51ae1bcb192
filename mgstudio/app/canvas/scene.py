"""The scene: a projection of one Document onto node and wire items, kept live by its events.

It never edits the document; the view turns gestures into undo commands for that. Items are
created, changed and removed only here, in answer to the document's signals.
"""

from __future__ import annotations

import functools
import math
from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QGraphicsScene

from mgstudio.document.kinds import KINDS

from .node_item import DETAIL_LOD, DIM_OPACITY, NodeItem
from .port_item import HIT_RADIUS, PortRef
from .style import CanvasStyle
from .tooltips import show_node_tooltip
from .wire_index import WireIndex
from .wire_item import HIT_WIDTH, WireItem, box_rect
from .wire_layer import paint_wire_items

WORLD = 1e6  # room around the items to pan over (the view's rectangle)
INDEX_MARGIN = 2000.0  # room around the nodes in the scene's own rectangle
INDEX_LOOKUP_MIN = 200  # more stale items than this: ask Qt's index which ones are shown
#: more node records than this on screen at once are drawn as boxes, whatever the zoom (a
#: big screen at reading zoom holds a few hundred side by side)
MAX_RECORDS_SHOWN = 1500


def _disconnect_all(connections: list) -> None:
    for signal, slot in connections:
        signal.disconnect(slot)
    connections.clear()


class CanvasScene(QGraphicsScene):
    """Node and wire items for every node and wire of ``document``."""

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
        self.selectionChanged.connect(self.selection_redrawn)
        self._connections: list = []
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
        self._add_node_items(document.nodes)
        self._add_wire_items(document.wires)
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
        ):
            signal.connect(slot)
            self._connections.append((signal, slot))

    def detach(self) -> None:
        """Stop listening to the document (call before the scene goes away)."""
        _disconnect_all(self._connections)

    def _clear_items(self) -> None:
        self.wires_changed(None)
        self._selected_wires.clear()
        self._stale.clear()
        self._retint = False
        self._bounds = None
        for item in self._wires.values():
            item._scene = None
        self._wire_index.clear()
        self._wire_order.clear()
        self._hover_wire = None
        self._crowding.clear()
        # all at once: one by one, Qt's index searched the cell of each (20,000 nodes
        # stacked on one spot took 5 s to take away); other items (a gesture's) stay
        others = [it for it in self.items() if not isinstance(it, NodeItem)]
        for item in others:
            self.removeItem(item)
        self._wires.clear()
        self._nodes.clear()
        self.clear()
        for item in others:
            self.addItem(item)

    # --- the item index and the wire layers ----------------------------------------------
    def fit_index(self) -> None:
        """Fit the scene rectangle (what Qt's index divides) to the nodes, with room around."""
        rect = self.nodes_bounding_rect()
        if rect.isEmpty():
            rect = QRectF(0.0, 0.0, 0.0, 0.0)
        m = INDEX_MARGIN
        self.setSceneRect(rect.adjusted(-m, -m, m, m))

    def keep_indexed(self, item) -> None:
        """Grow the scene rectangle when a node goes beyond it (items outside still work,
        but crowd the index's border cells). Called whenever a node moves or is added."""
        self._bounds = None
        x, y = item.x(), item.y()
        left, top, right, bottom = item.extent
        r = self.sceneRect()
        if (
            x + left < r.left()
            or y + top < r.top()
            or x + right > r.right()
            or y + bottom > r.bottom()
        ):
            m = INDEX_MARGIN
            self.setSceneRect(
                r.united(
                    QRectF(x + left - m, y + top - m, right - left + 2 * m, bottom - top + 2 * m)
                )
            )

    def wires_changed(self, rect: QRectF | None) -> None:
        """A wire appeared, moved, went or changed pen in ``rect`` (None: any of them)."""
        for layer in self.wire_layers:
            layer.invalidate(rect)
        if rect is None:
            self.update()
        else:
            self.update(rect)

    def wire_moved(self, item: WireItem, old_box) -> None:
        """A wire's curve changed (one of its nodes moved)."""
        self._wire_index.move(item, old_box, item.box)
        self.wires_changed(box_rect(old_box).united(item.boundingRect()))

    def wires_in(self, rect: QRectF, ordered: bool = True) -> list[WireItem]:
        """The shown wires whose hit area meets a scene rectangle, in the order they were
        added (``ordered=False``: any order, cheaper)."""
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        found = [
            w
            for w in self._wire_index.candidates(left, top, right, bottom)
            if w._visible
            and w.box[0] <= right
            and w.box[2] >= left
            and w.box[1] <= bottom
            and w.box[3] >= top
        ]
        if ordered:
            self._in_order(found)
        return found

    def _in_order(self, wires: list[WireItem]) -> None:
        order = self._wire_order
        wires.sort(key=lambda w: order.get((w.wire.dst, w.wire.port), 0))

    def paint_wires(
        self, painter, rect: QRectF, antialias: bool = True, straight: bool = False
    ) -> None:
        """Stroke the wires crossing a scene rectangle (``straight``: as lines, from far).
        Plain wires look alike, so only the highlighted ones need a stable order."""
        paint_wire_items(
            painter, self.wires_in(rect, ordered=False), antialias, straight, order=self._in_order
        )

    def content_rect(self) -> QRectF:
        """Every node and wire (what an exported picture shows)."""
        rect = self.itemsBoundingRect()
        for w in self._wires.values():
            rect = rect.united(w.boundingRect())
        return rect

    def drawBackground(self, painter, rect: QRectF) -> None:
        # only QGraphicsScene.render (file export) comes here: views draw their own layer
        super().drawBackground(painter, rect)
        self.paint_wires(painter, rect)

    # --- lookups ---------------------------------------------------------------------------
    def item_for(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def wire_item(self, dst: str, port: str) -> WireItem | None:
        return self._wires.get((dst, port))

    def node_items(self) -> list[NodeItem]:
        return list(self._nodes.values())

    def wire_items(self) -> list[WireItem]:
        return list(self._wires.values())

    def selected_ids(self) -> list[str]:
        return [it.node_id for it in self.selectedItems() if isinstance(it, NodeItem)]

    def selected_wires(self) -> list:
        """The document wires selected on the canvas (wires keep their own selection)."""
        return [it.wire for it in self._selected_wires]

    def select_wire(self, item: WireItem, add: bool = False) -> None:
        if not add:
            self.clear_wire_selection()
        item.set_selected(True)
        self._selected_wires.add(item)

    def clear_wire_selection(self) -> None:
        for item in self._selected_wires:
            item.set_selected(False)
        self._selected_wires.clear()

    def selection_redrawn(self) -> None:
        """Selection changed (views that change it with signals blocked call this)."""
        if self.boxes_in_layer:  # outlines of boxes are drawn by the layer
            self.wires_changed(None)

    def update_detail(self, cache: bool = False) -> None:
        """Note whether any view draws records in full (items skip invisible repaints).

        With ``cache``, also switch how nodes are drawn. Shown in full, each node paints
        itself into a cached picture (a new number repaints one patch of it). Zoomed out, a
        node is a plain box: the view's background layer draws all of them in a few calls,
        and the items paint nothing (thousands of Python paint calls and tiny cached
        pictures cost more than the boxes). Views ask for this when they zoom, before the
        repaint the zoom brings; ``drawBackground`` catches transforms set from outside."""
        details = any(self._readable(v) for v in self.views())
        self.style.show_details = details
        if cache and details != self._cached_details:
            self._cached_details = details
            for item in self._nodes.values():
                item.set_boxed(not details)
            self.wires_changed(None)  # the layer gains or loses the boxes

    def _readable(self, view) -> bool:
        """Whether a view shows records in full: zoomed in far enough, and not more of them
        on screen than can be read. Beyond that many they can only be stacked on each other
        (thousands of nodes on one spot), and painting each in full took seconds a frame."""
        zoom = view.transform().m11()
        if zoom < DETAIL_LOD:
            return False
        if len(self._nodes) <= MAX_RECORDS_SHOWN:
            return True
        r = view.mapToScene(view.viewport().rect()).boundingRect()
        key = (zoom, r.left(), r.top(), r.right(), r.bottom(), len(self._nodes))
        cached = self._crowding.get(id(view))
        if cached is None or cached[0] != key:  # drawBackground asks on every paint
            shown = self.items(r, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
            cached = self._crowding[id(view)] = (key, len(shown) <= MAX_RECORDS_SHOWN)
        return cached[1]

    def expect_zoom(self, zoom: float, shown: int = 0) -> None:
        """A new graph will be shown at about this zoom, ``shown`` nodes on screen: make its
        items for it (the view corrects the guess once it has fitted the graph)."""
        self._cached_details = zoom >= DETAIL_LOD and shown <= MAX_RECORDS_SHOWN
        self.style.show_details = self._cached_details

    @property
    def boxes_in_layer(self) -> bool:
        """Whether the view's background layer draws the nodes (zoomed out)."""
        return not self._cached_details

    def paint_boxes(self, painter, rect: QRectF) -> None:
        """Zoomed out: every node in a scene rectangle as a box tinted by its grad, dimmed
        while incomplete, outlined when selected; a few ``drawRects`` for all of them."""
        if self.document is None:
            return
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        value_of, top_grad = self.document.value_of, self._max_abs_grad
        groups: dict[tuple, tuple] = {}
        selected = set(self.selectedItems())
        for it in self._nodes.values():
            x, y = it.x(), it.y()
            e = it.extent
            if x + e[0] > right or x + e[2] < left or y + e[1] > bottom or y + e[3] < top:
                continue
            if it.needs_refresh(top_grad):
                it.stale = False
                it._apply(value_of(it.node_id), top_grad)
            box = it.box_rect()
            it.layer_rect = box
            fill = it.box_fill()
            # colours are shared objects (a handful of tints): their ids group the boxes
            key = (id(fill), it in selected, it.is_complete)
            group = groups.get(key)
            if group is None:
                group = groups[key] = (fill, [])
            group[1].append(box)
        st = self.style
        painter.setRenderHint(painter.RenderHint.Antialiasing, False)
        for (_, selected, complete), (fill, boxes) in groups.items():
            painter.setOpacity(1.0 if complete else DIM_OPACITY)
            painter.setPen(st.box_selected_pen if selected else st.box_pen)
            painter.setBrush(fill)
            painter.drawRects(boxes)
        painter.setOpacity(1.0)

    @contextmanager
    def items_painting(self):
        """Let every node paint itself (a file export draws the items, not the view)."""
        boxed = self.boxes_in_layer
        if boxed:
            for item in self._nodes.values():
                item.set_boxed(False)
        try:
            yield
        finally:
            if boxed:
                for item in self._nodes.values():
                    item.set_boxed(True)

    def nodes_bounding_rect(self) -> QRectF:
        """The scene rectangle around every node (wires run between nodes)."""
        # from positions and the shared geometry: itemsBoundingRect asks every item (and
        # every wire) for its rectangle, a tenth of a second on a 5,000-node graph
        if not self._nodes:
            return QRectF()
        if self._bounds is not None:  # fitting the index and the view both ask after a load
            return QRectF(self._bounds)
        left = top = math.inf
        right = bottom = -math.inf
        for item in self._nodes.values():
            x, y = item.x(), item.y()
            b_left, b_top, b_right, b_bottom = item.extent
            left, top = min(left, x + b_left), min(top, y + b_top)
            right, bottom = max(right, x + b_right), max(bottom, y + b_bottom)
        self._bounds = QRectF(left, top, right - left, bottom - top)
        return QRectF(self._bounds)

    @property
    def max_abs_grad(self) -> float:
        return self._max_abs_grad

    def helpEvent(self, event) -> None:
        if not show_node_tooltip(self, event):
            super().helpEvent(event)

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def port_at(self, pos: QPointF) -> PortRef | None:
        """The port within reach of a scene position (ports stick out of their node)."""
        r = HIT_RADIUS
        for item in self.items(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r)):
            if isinstance(item, NodeItem):
                ref = item.port_at(pos)
                if ref is not None:
                    return ref
        return None

    def wire_at(self, pos: QPointF) -> WireItem | None:
        """The shown wire under a scene point (the last drawn, where wires cross)."""
        x, y = pos.x(), pos.y()
        hits = [w for w in self.wires_in(QRectF(x, y, 0.0, 0.0)) if w.contains(pos)]
        return hits[-1] if hits else None

    def hover_wire(self, item: WireItem | None) -> None:
        """Draw ``item`` strong as the wire under the mouse (None: no wire is)."""
        if item is self._hover_wire:
            return
        if self._hover_wire is not None:
            self._hover_wire.set_hover(False)
        self._hover_wire = item
        if item is not None:
            item.set_hover(True)

    # --- document events -------------------------------------------------------------------
    def _on_node_added(self, nid: str) -> None:
        if nid not in self._nodes:
            self._add_node_item(nid)

    def _on_node_removed(self, nid: str) -> None:
        self._bounds = None
        item = self._nodes.pop(nid, None)
        if item is None:
            return
        for wire in list(item.wires):
            self._remove_wire_item(wire)
        self._stale.discard(item)
        if item.boxed:
            self.wires_changed(item.box_rect())
        self.removeItem(item)

    def _on_node_changed(self, nid: str) -> None:
        node = self.document.nodes.get(nid)
        item = self._nodes.get(nid)
        if node is None or item is None:
            return
        item.show_node(node.label, node.params)
        if (item.x(), item.y()) != tuple(node.pos):
            item.setPos(*node.pos)
            item.moved()
            # numbers that changed while it was off screen: its cached picture may be shown
            # where it lands without a paint that would pull them
            item.refresh()

    def _on_wire_added(self, wire) -> None:
        self._add_wire_item(wire)

    def _on_wire_removed(self, wire) -> None:
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
        get = self._nodes.get
        items = [it for it in map(get, ids) if it is not None]
        for item in items:
            item.stale = True
        self._stale.update(items)
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
        node = self.document.nodes.get(nid)
        if node is None:
            return None
        item = NodeItem(
            nid,
            KINDS[node.kind],
            self.style,
            node.label,
            node.params,
            boxed=not self._cached_details,
        )
        item.setPos(*node.pos)
        item.stale = True  # takes its numbers when first shown
        self._stale.add(item)
        self.addItem(item)
        self._nodes[nid] = item
        self._bounds = None
        if not bulk:  # a whole new document fits the index once, at the end
            self.keep_indexed(item)
        return item

    def _add_wire_item(self, wire, bulk: bool = False) -> None:
        src = self._nodes.get(wire.src) or self._add_node_item(wire.src)
        dst = self._nodes.get(wire.dst) or self._add_node_item(wire.dst)
        if src is None or dst is None:
            return
        old = self._wires.get((wire.dst, wire.port))
        if old is not None:
            self._remove_wire_item(old)
        item = WireItem(wire, src, dst, self.style.colors)
        item._scene = self
        self._wire_index.add(item, item.box)
        self._wire_order[(wire.dst, wire.port)] = self._wire_count
        self._wire_count += 1
        if not bulk:
            item._repaint()
        self._wires[(wire.dst, wire.port)] = item
        src.wires.add(item)
        dst.wires.add(item)
        dst.set_port_wired(wire.port, True)
        src.set_port_wired("", True)

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

    def _add_wire_items(self, wires) -> None:
        """``_add_wire_item`` for every wire of a new document, at once (100,000 nodes bring
        as many wires): their nodes all have items, each input has one wire, and nothing
        has been painted yet, so no wire is replaced and no port repaints. The curves' ends
        and boxes are worked out here from the nodes' places, as ``WireItem._reshape`` does
        (a call per wire and per port position was half of opening's wiring)."""
        nodes, items, order = self._nodes, self._wires, self._wire_order
        doc_nodes = self.document.nodes if self.document is not None else {}
        colors, count = self.style.colors, self._wire_count
        pen = colors.wire_pen(False)
        placed, new = WireItem.placed, []
        h = HIT_WIDTH / 2
        for wire in wires:
            src, dst = nodes[wire.src], nodes[wire.dst]
            key = (wire.dst, wire.port)
            if key in items or wire.src not in doc_nodes or wire.dst not in doc_nodes:
                # not from a document; the general path replaces it
                self._add_wire_item(wire, bulk=True)
                count = self._wire_count
                continue
            # items stand where their nodes are (set from node.pos): no Qt call for it
            sx, sy = doc_nodes[wire.src].pos
            dx_, dy = doc_nodes[wire.dst].pos
            sg, dg = src._g, dst._g
            x0, y0 = sx + sg.out_x, sy + sg.out_y
            x1, y1 = dx_, dy + dg.rows[dst.kind.inputs.index(wire.port)]
            bend = max(40.0, abs(x1 - x0) * 0.5)
            box = (min(x0, x1 - bend) - h, min(y0, y1) - h, max(x0 + bend, x1) + h, max(y0, y1) + h)
            item = placed(wire, src, dst, colors, pen, (x0, y0, x1, y1), box)
            item._scene = self
            new.append(item)
            order[key] = count
            count += 1
            items[key] = item
            src.wires.add(item)
            dst.wires.add(item)
            dst.note_wired(wire.port)
            src._out_wired = True
        self._wire_index.add_many(new)
        self._wire_count = count

    def _remove_wire_item(self, item: WireItem) -> None:
        key = (item.wire.dst, item.wire.port)
        if self._wires.get(key) is item:
            del self._wires[key]
        src, dst = item.src_item, item.dst_item
        self._selected_wires.discard(item)
        src.wires.discard(item)
        dst.wires.discard(item)
        dst.set_port_wired(item.port, False)
        src.set_port_wired("", any(w.src_item is src for w in src.wires))
        self.wires_changed(item.boundingRect())
        self._wire_index.remove(item, item.box)
        self._wire_order.pop(key, None)
        if self._hover_wire is item:
            self._hover_wire = None
        item._scene = None

    def _compute_max_abs_grad(self) -> float:
        grads = [abs(v.grad) for v in self.document.values()]
        best = max(grads, default=0.0)
        if math.isfinite(best):
            return best
        return max((g for g in grads if math.isfinite(g)), default=0.0)

    # --- theme -----------------------------------------------------------------------------
    def restyle(self) -> None:
        """Recompute colours and fonts from the current palette (light/dark switch)."""
        self.style = CanvasStyle()
        value_of = self.document.value_of if self.document is not None else (lambda _nid: None)
        for item in self._nodes.values():
            item.set_style(self.style, value_of(item.node_id), self._max_abs_grad)
        for wire in self._wires.values():
            wire.set_colors(self.style.colors)
        self.wires_changed(None)
