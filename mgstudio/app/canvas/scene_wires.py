"""The scene's wires (a mixin of ``CanvasScene``): their items, the grid that finds them, the
order they are drawn in, selection and hover, and what the views' wire layers must redraw.
Wires are plain data, not QGraphicsItems (see wire_item).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF

from .wire_item import HIT_WIDTH, WireItem, box_rect
from .wire_layer import paint_wire_items

if TYPE_CHECKING:
    from .scene_host import SceneHost
else:
    SceneHost = object  # the declarations are for the type checker (see scene_host)


class SceneWires(SceneHost):
    """Wire bookkeeping; the state it reads and writes is ``CanvasScene``'s."""

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

    def wires_in(self, rect: QRectF, ordered: bool = True, make: bool = True) -> list[WireItem]:
        """The shown wires whose hit area meets a scene rectangle, in the order they were
        added (``ordered=False``: any order, cheaper; ``make=False``: only those that have
        items already, see scene_lazy)."""
        if make and self._pending is not None:
            self.make_wires_in(rect)
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        found = [
            w
            for w in self._wire_index.candidates(left, top, right, bottom)
            if w._visible
            and not w._grouped
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
        Plain wires look alike, so only the highlighted ones need a stable order; from far,
        those without items are drawn from the pending columns (no item made for them)."""
        if straight and self._pending is not None:
            painter.setRenderHint(painter.RenderHint.Antialiasing, antialias)
            self.paint_pending_wires(painter, rect)
        paint_wire_items(
            painter,
            self.wires_in(rect, ordered=False, make=not straight),
            antialias,
            straight,
            order=self._in_order,
        )

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

    def select_wire(self, item: WireItem, add: bool = False) -> None:
        if getattr(item, "bundled", False):
            return  # several wires drawn as one: which would Delete take?
        if not add:
            self.clear_wire_selection()
        item.set_selected(True)
        self._selected_wires.add(item)

    def clear_wire_selection(self) -> None:
        for item in self._selected_wires:
            item.set_selected(False)
        self._selected_wires.clear()

    def selected_wires(self) -> list:
        """The document wires selected on the canvas (wires keep their own selection)."""
        return [it.wire for it in self._selected_wires]

    def _add_wire_item(self, wire, bulk: bool = False) -> None:
        src = self._item(wire.src) or self._add_node_item(wire.src)
        dst = self._item(wire.dst) or self._add_node_item(wire.dst)
        if src is None or dst is None:
            return
        old = self._wires.get((wire.dst, wire.port))
        if old is not None:
            self._remove_wire_item(old)
        item = WireItem(wire, src, dst, self.style.colors)
        item._scene = self
        if self._hidden and self.wire_grouped(wire):
            item._grouped = True
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
        src.set_port_wired("", self._still_feeds(src))
        self.wires_changed(item.boundingRect())
        self._wire_index.remove(item, item.box)
        self._wire_order.pop(key, None)
        if self._hover_wire is item:
            self._hover_wire = None
        item._scene = None

    def wire_item(self, dst: str, port: str) -> WireItem | None:
        return self._wires.get((dst, port)) or self._pending_wire(dst, port)

    def wire_items(self) -> list[WireItem]:
        self.make_all()
        return list(self._wires.values())
