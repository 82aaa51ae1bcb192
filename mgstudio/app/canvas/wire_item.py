"""Wires: a curve from a node's output to another node's input port.

A wire is not a QGraphicsItem. Every Qt item made from Python costs a binding object and a
Python look-up on each of Qt's virtual calls; a 5,000-node graph has ten thousand wires, and
building them as items was most of the time to open it. A ``WireItem`` is plain data the
scene keeps: its curve, its look and its hit area. The view draws every wire into its cached
background layer (see wire_layer); the scene finds wires under the cursor with its own grid
(see wire_index) and tells the layers what to redraw when a wire moves or changes pen.
Selection and hover are ours too: the pen shows them, set only when the state changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen

from .colors import CanvasColors

if TYPE_CHECKING:
    from .scene_host import SceneHost

HIT_WIDTH = 12.0  # a 2-pixel line is hard to click, hover or cut


def _bend(x0: float, x1: float) -> float:
    return max(40.0, abs(x1 - x0) * 0.5)


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve, as node editors draw wires (start: an output, end: an input)."""
    return curve(start.x(), start.y(), end.x(), end.y())


def curve(x0: float, y0: float, x1: float, y1: float) -> QPainterPath:
    """``wire_path`` from plain floats."""
    path = QPainterPath()
    path.moveTo(x0, y0)
    dx = _bend(x0, x1)
    path.cubicTo(x0 + dx, y0, x1 - dx, y1, x1, y1)
    return path


def box_rect(box) -> QRectF:
    left, top, right, bottom = box
    return QRectF(left, top, right - left, bottom - top)


class WireItem:
    """One document wire on the canvas; follows its two nodes as they move."""

    # defaults on the class: a big graph makes ten thousand wires, most never change these
    selected = False
    _hover = False
    _highlight = False
    _visible = True
    #: an end is hidden in a collapsed group: a re-routed wire to the block is drawn instead
    _grouped = False
    _scene: SceneHost | None = None  # set by the scene while the wire is on it
    _path: QPainterPath | None = None  # made when first drawn or hit-tested
    _hit: QPainterPath | None = None

    def __init__(self, wire, src_item, dst_item, colors: CanvasColors):
        self.wire = wire
        self.src_item = src_item
        self.dst_item = dst_item
        self.colors = colors
        #: the pen the wire layer draws with
        self.visual_pen = colors.wire_pen(False)
        #: where the curve starts and ends, ``(x0, y0, x1, y1)`` in scene coordinates, and
        #: the hit area's bounds as ``(left, top, right, bottom)``, plain floats for tests
        self.ends = self.box = (0.0, 0.0, 0.0, 0.0)
        self._reshape()

    @classmethod
    def placed(cls, wire, src_item, dst_item, colors: CanvasColors, pen: QPen, ends, box):
        """A wire whose ``ends`` and ``box`` the caller worked out as ``_reshape`` would (a
        new document's wires are made in one loop: see ``CanvasScene._add_wire_items``)."""
        self = cls.__new__(cls)
        self.wire = wire
        self.src_item = src_item
        self.dst_item = dst_item
        self.colors = colors
        self.visual_pen = pen
        self.ends = ends
        self.box = box
        return self

    @property
    def port(self) -> str:
        return self.wire.port

    # --- geometry --------------------------------------------------------------------------
    def _reshape(self) -> None:
        """Follow the ports."""
        x0, y0 = self.src_item.output_xy()
        x1, y1 = self.dst_item.input_xy(self.wire.port)
        self.ends = (x0, y0, x1, y1)
        self._path = self._hit = None
        # the curve stays inside its control points; the box is the hit area around them
        dx, h = _bend(x0, x1), HIT_WIDTH / 2
        self.box = (min(x0, x1 - dx) - h, min(y0, y1) - h, max(x0 + dx, x1) + h, max(y0, y1) + h)

    def update_path(self) -> None:
        """A node moved: redraw the curve between the ports' new places."""
        old = self.box
        self._reshape()
        if self._scene is not None:
            self._scene.wire_moved(self, old)

    def curve(self) -> QPainterPath:
        """The drawn curve (shared: do not change it)."""
        if self._path is None:
            self._path = curve(*self.ends)
        return self._path

    def path(self) -> QPainterPath:
        return QPainterPath(self.curve())

    def boundingRect(self) -> QRectF:
        """Scene rectangle around the curve and its hit area."""
        return box_rect(self.box)

    def contains(self, pos: QPointF) -> bool:
        """Whether a scene point is on the wire (within half the hit width)."""
        left, top, right, bottom = self.box
        if not (left <= pos.x() <= right and top <= pos.y() <= bottom):
            return False
        if self._hit is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(HIT_WIDTH)
            self._hit = stroker.createStroke(self.curve())
        return self._hit.contains(pos)

    def scene(self):
        return self._scene

    # --- visibility (a wire picked up by its end hides while it is dragged) ----------------
    def isVisible(self) -> bool:
        return self._visible

    def setVisible(self, visible: bool) -> None:
        if visible != self._visible:
            self._visible = visible
            self._repaint()

    def hide(self) -> None:
        self.setVisible(False)

    def show(self) -> None:
        self.setVisible(True)

    # --- looks -----------------------------------------------------------------------------
    @property
    def is_hot(self) -> bool:
        """Under the mouse or the target of a drop: drawn strong."""
        return self._hover or self._highlight

    def _pen(self) -> QPen:
        return self.colors.wire_pen(self.selected or self.is_hot)

    def _restyle(self) -> None:
        pen = self._pen()
        if pen != self.visual_pen:
            self.visual_pen = pen
            self._repaint()

    def _repaint(self) -> None:
        if self._scene is not None:
            self._scene.wires_changed(self.boundingRect())

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self._restyle()

    def set_highlight(self, on: bool) -> None:
        """Shown while a palette drop would insert a node into this wire."""
        if on != self._highlight:
            self._highlight = on
            self._restyle()

    def set_hover(self, on: bool) -> None:
        if on != self._hover:
            self._hover = on
            self._restyle()

    def set_colors(self, colors: CanvasColors) -> None:
        self.colors = colors
        self._restyle()
