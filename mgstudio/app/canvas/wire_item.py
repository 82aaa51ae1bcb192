"""Wires: a curve from a node's output to another node's input port."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyle

from .colors import CanvasColors

HIT_WIDTH = 12.0


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve, as node editors draw wires (start: an output, end: an input)."""
    path = QPainterPath(start)
    dx = max(40.0, abs(end.x() - start.x()) * 0.5)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


class WireItem(QGraphicsPathItem):
    """One document wire; follows its two nodes as they move."""

    def __init__(self, wire, src_item, dst_item, colors: CanvasColors):
        super().__init__()
        self.wire = wire
        self.src_item = src_item
        self.dst_item = dst_item
        self.colors = colors
        self._hover = False
        self._shape: QPainterPath | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(0.0)
        self._apply_pen(False)
        self.update_path()

    @property
    def port(self) -> str:
        return self.wire.port

    def update_path(self) -> None:
        self._shape = None
        self.setPath(wire_path(self.src_item.output_pos(), self.dst_item.input_pos(self.port)))

    def shape(self) -> QPainterPath:
        # a fat hit area: a 2-pixel line is hard to click, hover or cut
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(HIT_WIDTH)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def set_colors(self, colors: CanvasColors) -> None:
        self.colors = colors
        self._apply_pen(self.isSelected() or self._hover)

    def _apply_pen(self, strong: bool) -> None:
        color = self.colors.wire_hover if strong else self.colors.wire
        pen = QPen(color, 3.0 if strong else 2.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)

    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self._apply_pen(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self._apply_pen(self.isSelected())
        super().hoverLeaveEvent(event)

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._apply_pen(bool(value) or self._hover)
        return super().itemChange(change, value)

    def paint(self, painter, option, widget=None) -> None:
        option.state &= ~QStyle.StateFlag.State_Selected  # our pen shows selection, no box
        super().paint(painter, option, widget)
