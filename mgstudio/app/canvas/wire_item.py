"""Wires: a curve from a node's output to another node's input port.

A wire item paints nothing itself: the view draws every wire into its cached background layer
(see wire_layer), so a new number in a record repaints that record, not the antialiased curves
under it. The item is still what Qt hit-tests (clicks, hover, cutting, drops onto a wire), and
it tells the scene whenever its curve or pen changed. Selection is ours, not Qt's: the pen
shows it, set only when the state changes.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from .colors import CanvasColors

HIT_WIDTH = 12.0


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve, as node editors draw wires (start: an output, end: an input)."""
    # plain floats: a big graph builds thousands of these and each QPointF costs a wrapper
    x0, y0, x1, y1 = start.x(), start.y(), end.x(), end.y()
    path = QPainterPath()
    path.moveTo(x0, y0)
    dx = max(40.0, abs(x1 - x0) * 0.5)
    path.cubicTo(x0 + dx, y0, x1 - dx, y1, x1, y1)
    return path


class WireItem(QGraphicsPathItem):
    """One document wire; follows its two nodes as they move."""

    def __init__(self, wire, src_item, dst_item, colors: CanvasColors):
        super().__init__()
        self.wire = wire
        self.src_item = src_item
        self.dst_item = dst_item
        self.colors = colors
        self.selected = False
        self._hover = False
        self._highlight = False
        self._shape: QPainterPath | None = None
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setPen(self._pen())
        self.update_path()

    @property
    def port(self) -> str:
        return self.wire.port

    def update_path(self) -> None:
        old = self.boundingRect()
        self.setPath(wire_path(self.src_item.output_pos(), self.dst_item.input_pos(self.port)))
        # after setPath: Qt may ask for the old shape while it changes the path, and Qt's
        # bounding rectangle of a path item is made from shape()
        self._shape = None
        self._repaint(old)

    def _repaint(self, old: QRectF | None = None) -> None:
        """Have the views redraw this wire (and where it was) in their wire layers."""
        scene = self.scene()
        if scene is not None:
            rect = self.boundingRect()
            scene.wires_changed(rect if old is None else rect.united(old))

    def shape(self) -> QPainterPath:
        # a fat hit area: a 2-pixel line is hard to click, hover or cut
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(HIT_WIDTH)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    # --- looks -----------------------------------------------------------------------------
    @property
    def is_hot(self) -> bool:
        """Under the mouse or the target of a drop: drawn strong."""
        return self._hover or self._highlight

    def _pen(self) -> QPen:
        return self.colors.wire_pen(self.selected or self.is_hot)

    def _restyle(self) -> None:
        pen = self._pen()
        if pen != self.pen():
            self.setPen(pen)
            self._repaint()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self._restyle()

    def set_highlight(self, on: bool) -> None:
        """Shown while a palette drop would insert a node into this wire."""
        if on != self._highlight:
            self._highlight = on
            self._restyle()

    def set_colors(self, colors: CanvasColors) -> None:
        self.colors = colors
        self._restyle()

    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self._restyle()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self._restyle()
