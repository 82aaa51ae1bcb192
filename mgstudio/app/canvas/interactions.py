"""Gestures in progress on the canvas. The view hands mouse events to the current one; when the
gesture ends it pushes undo commands (never edits the document itself)."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from mgstudio.app.commands import ConnectCommand, DisconnectCommand, ReconnectCommand
from mgstudio.document import KINDS, DocumentError, Wire

from .port_item import INPUT, OUTPUT, PortRef
from .wire_item import WireItem, wire_path

_OVERLAY_Z = 10.0


class Interaction:
    """A gesture from mouse press to release (or cancel)."""

    def __init__(self, view):
        self.view = view
        self.scene = view.canvas_scene

    def move(self, pos: QPointF, event) -> None:
        pass

    def release(self, pos: QPointF, event) -> None:
        self.finish()

    def cancel(self) -> None:
        self.finish()

    def finish(self) -> None:
        pass


class PanGesture(Interaction):
    """Middle-drag or space+drag: scroll the view with the hand."""

    def __init__(self, view, viewport_pos: QPointF):
        super().__init__(view)
        self._last = viewport_pos
        view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, pos: QPointF, event) -> None:
        now = event.position()
        delta = now - self._last
        self._last = now
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - round(delta.x()))
        v.setValue(v.value() - round(delta.y()))

    def finish(self) -> None:
        self.view.viewport().unsetCursor()


class WireDrag(Interaction):
    """Drag a wire out of a port (or pick up an existing wire by its input end).

    The rubber wire turns green over a port the document accepts and red over one it refuses;
    releasing over a refused port shows the document's message and makes no wire."""

    def __init__(self, view, start: PortRef):
        super().__init__(view)
        self.doc = view.document
        self.picked: WireItem | None = None
        if start.side == INPUT:
            picked = self.scene.wire_item(start.node_id, start.name)
            if picked is not None:  # pick the wire up by its end: the source stays fixed
                self.picked = picked
                picked.hide()
                start = PortRef(picked.wire.src, OUTPUT)
        self.anchor = start
        self.target: PortRef | None = None
        self.error: DocumentError | None = None
        self._hot_item = None
        self.rubber = QGraphicsPathItem()
        self.rubber.setZValue(_OVERLAY_Z)
        self.scene.addItem(self.rubber)
        self._style(None)
        self._draw(self._anchor_pos())

    # --- geometry --------------------------------------------------------------------------
    def _anchor_pos(self) -> QPointF:
        item = self.scene.item_for(self.anchor.node_id)
        if self.anchor.is_output:
            return item.output_pos()
        return item.input_pos(self.anchor.name)

    def _draw(self, cursor: QPointF) -> None:
        a = self._anchor_pos()
        path = wire_path(a, cursor) if self.anchor.is_output else wire_path(cursor, a)
        self.rubber.setPath(path)

    def _style(self, ok: bool | None) -> None:
        colors = self.scene.style.colors
        color = colors.wire_hover if ok is None else (colors.wire_ok if ok else colors.wire_bad)
        pen = QPen(color, 2.5, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.rubber.setPen(pen)

    # --- what the wire would be --------------------------------------------------------------
    def _target_at(self, pos: QPointF) -> PortRef | None:
        """The opposite-side port under the cursor; over a node's body, its first free input
        (or its output) so a learner does not have to hit the small circle."""
        want = INPUT if self.anchor.is_output else OUTPUT
        ref = self.scene.port_at(pos)
        if ref is not None:
            return ref if ref.side == want else None
        item = self.scene.node_at(pos)
        if item is None or item.node_id == self.anchor.node_id:
            return None
        if want == OUTPUT:
            return PortRef(item.node_id, OUTPUT)
        ins = self.doc.inputs_of(item.node_id)
        free = [p for p in KINDS[self.doc.nodes[item.node_id].kind].inputs if p not in ins]
        if free:
            return PortRef(item.node_id, INPUT, free[0])
        inputs = KINDS[self.doc.nodes[item.node_id].kind].inputs
        return PortRef(item.node_id, INPUT, inputs[0]) if inputs else None

    def _wire_for(self, target: PortRef) -> Wire:
        if self.anchor.is_output:
            return Wire(self.anchor.node_id, target.node_id, target.name)
        return Wire(target.node_id, self.anchor.node_id, self.anchor.name)

    def _check(self, target: PortRef) -> DocumentError | None:
        wire = self._wire_for(target)
        if self.picked is not None and wire == self.picked.wire:
            return None  # dropped back where it was
        try:
            self.doc.check_connect(wire.src, wire.dst, wire.port)
        except DocumentError as exc:
            if self.picked is not None and (wire.dst, wire.port) == (
                self.picked.wire.dst,
                self.picked.wire.port,
            ):
                return None  # the picked-up wire frees that very input
            return exc
        return None

    def _set_hot(self, target: PortRef | None) -> None:
        if self._hot_item is not None:
            self._hot_item.set_hot(None)
            self._hot_item = None
        if target is not None:
            item = self.scene.item_for(target.node_id)
            if item is not None:
                item.set_hot(target)
                self._hot_item = item

    # --- events ----------------------------------------------------------------------------
    def _gone(self) -> bool:
        """The anchor node vanished mid-drag (an undo shortcut, say): drop the gesture."""
        return (
            self.anchor.node_id not in self.doc.nodes
            or self.scene.item_for(self.anchor.node_id) is None
        )

    def move(self, pos: QPointF, event) -> None:
        if self._gone():
            self.finish()
            return
        target = self._target_at(pos)
        if target is not None:
            self.error = self._check(target)
            self._style(self.error is None)
            item = self.scene.item_for(target.node_id)
            snap = item.output_pos() if target.is_output else item.input_pos(target.name)
            self._draw(snap)
        else:
            self.error = None
            self._style(None)
            self._draw(pos)
        self.target = target
        self._set_hot(target)

    def release(self, pos: QPointF, event) -> None:
        if self._gone():
            self.finish()
            return
        self.move(pos, event)
        target, error, picked = self.target, self.error, self.picked
        if target is not None and self.scene.item_for(target.node_id) is None:
            target = None
        self.finish()
        view, doc = self.view, self.doc
        if target is None:
            if picked is not None:  # dragged off the input: disconnect
                view.push(DisconnectCommand(doc, picked.wire))
            elif self.scene.node_at(pos) is None:  # dropped on empty canvas: what goes here?
                view.open_quick_add(at=pos, link=self.anchor)
            return
        if error is not None:
            view.status_message.emit(str(error))  # the document's sentence says "can't wire"
            return
        wire = self._wire_for(target)
        if picked is not None:
            if wire == picked.wire:
                return
            # one command, not a macro: a refused connect must not leave the wire cut (nor
            # an empty "Reconnect" entry on the undo stack)
            view.push(ReconnectCommand(doc, picked.wire, wire))
            return
        view.push(ConnectCommand(doc, wire.src, wire.dst, wire.port))

    def finish(self) -> None:
        if self._hot_item is not None and self._hot_item.scene() is None:
            self._hot_item = None
        self._set_hot(None)
        if self.picked is not None and self.picked.scene() is not None:
            self.picked.show()
        if self.rubber.scene() is not None:
            self.scene.removeItem(self.rubber)


def _segments_cross(p1: QPointF, p2: QPointF, q1: QPointF, q2: QPointF) -> bool:
    kind, _ = QLineF(p1, p2).intersects(QLineF(q1, q2))
    return kind == QLineF.IntersectionType.BoundedIntersection


class CutGesture(Interaction):
    """Ctrl/Alt + right-drag a knife line: every wire it crosses is removed, as one step."""

    def __init__(self, view, pos: QPointF):
        super().__init__(view)
        self.points = [QPointF(pos)]
        self.knife = QGraphicsPathItem()
        self.knife.setZValue(_OVERLAY_Z)
        pen = QPen(self.scene.style.colors.wire_bad, 1.5, Qt.PenStyle.DashLine)
        self.knife.setPen(pen)
        self.scene.addItem(self.knife)
        view.viewport().setCursor(Qt.CursorShape.CrossCursor)

    def move(self, pos: QPointF, event) -> None:
        self.points.append(QPointF(pos))
        path = QPainterPath(self.points[0])
        for p in self.points[1:]:
            path.lineTo(p)
        self.knife.setPath(path)

    def crossed_wires(self) -> list[Wire]:
        if len(self.points) < 2:
            return []
        knife = list(zip(self.points, self.points[1:]))
        bounds = self.knife.path().boundingRect().adjusted(-1, -1, 1, 1)
        hits = []
        for item in self.scene.wires_in(bounds):
            for poly in item.path().toSubpathPolygons():
                pts = [poly.at(i) for i in range(poly.count())]
                if any(_segments_cross(a, b, c, d) for a, b in zip(pts, pts[1:]) for c, d in knife):
                    hits.append(item.wire)
                    break
        return hits

    def release(self, pos: QPointF, event) -> None:
        self.move(pos, event)
        wires = self.crossed_wires()
        self.finish()
        if wires:
            self.view.push(DisconnectCommand(self.view.document, wires))

    def finish(self) -> None:
        if self.knife.scene() is not None:
            self.scene.removeItem(self.knife)
        self.view.viewport().unsetCursor()
