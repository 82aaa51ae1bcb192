"""A node drawn like the lecture's draw_dot records: ``label | data 0.0000 | grad 0.0000``.

Ops carry a badge with their symbol and named input ports on the left; leaves have a coloured
stripe instead. The item shows what the document says and nothing else: the scene calls
``show_node`` when the node changed and ``show_value`` when its Value did.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem

from .numbers import MISSING, format_number, is_bad
from .port_item import INPUT, OUTPUT, PortRef, near, paint_port
from .style import CanvasStyle

ROW_H = 20.0
MIN_H = 32.0
PAD = 6.0
RADIUS = 6.0
LEAF_STRIPE = 8.0
# below this zoom factor text is unreadable anyway: draw boxes only
DETAIL_LOD = 0.4
DIM_OPACITY = 0.5

LABEL, DATA, GRAD, BADGE = "label", "data", "grad", "badge"


def _symbol(kind, params: dict, wired: set[str]) -> str:
    if kind.name == "pow" and "exponent" not in wired:
        k = params.get("exponent", 2.0)
        return f"**{int(k)}" if float(k).is_integer() and abs(k) < 1e15 else f"**{k:g}"
    return kind.symbol


class NodeItem(QGraphicsItem):
    """One document node on the canvas."""

    def __init__(self, node_id: str, kind, style: CanvasStyle):
        super().__init__()
        self.node_id = node_id
        self.kind = kind
        self.style = style
        self.wires: set = set()  # WireItems attached to this node, kept by the scene
        self.paint_count = 0  # read by the benchmark and tests: repaints happen only on change
        self._label = ""
        self._params: dict = {}
        self._wired: set[str] = set()
        self._out_wired = False
        self._hot: PortRef | None = None
        self._complete = True
        self._data: float | None = None
        self._grad: float | None = None
        self._data_text = MISSING
        self._grad_text = MISSING
        self._tint: QColor | None = None
        self._rect = QRectF()
        self._layout()
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setZValue(1.0)

    # --- what the scene tells the item -----------------------------------------------------
    def show_node(self, label: str, params: dict) -> None:
        """The node's label or parameters changed."""
        if label == self._label and params == self._params:
            return
        self._label = label
        self._params = dict(params)
        self._relayout()

    def show_value(self, value, max_abs_grad: float) -> bool:
        """Show a (possibly None) Value; repaint only if what is shown changed."""
        if value is None:
            data = grad = None
            data_text = grad_text = MISSING
        else:
            data, grad = value.data, value.grad
            data_text, grad_text = format_number(data), format_number(grad)
        tint = self.style.colors.grad_tint(grad, max_abs_grad) if grad is not None else None
        complete = value is not None
        if (data_text, grad_text, complete) == (self._data_text, self._grad_text,
                                                self._complete) and tint == self._tint:
            return False
        self._data, self._grad, self._complete = data, grad, complete
        self._data_text, self._grad_text, self._tint = data_text, grad_text, tint
        self.update()
        return True

    def set_port_wired(self, port: str, wired: bool) -> None:
        """An input (or, with port ``""``, the output) got or lost its wire."""
        if port == "":
            if wired == self._out_wired:
                return
            self._out_wired = wired
        else:
            if (port in self._wired) == wired:
                return
            (self._wired.add if wired else self._wired.discard)(port)
            if self.kind.name == "pow":
                self._relayout()  # the badge shows the exponent only while it is unwired
        self.update()

    def set_style(self, style: CanvasStyle, value, max_abs_grad: float) -> None:
        """The palette or fonts changed: re-measure and repaint."""
        self.style = style
        self._tint = None
        self._data_text = ""  # makes show_value repaint whatever it shows
        self._relayout()
        self.show_value(value, max_abs_grad)

    def set_hot(self, ref: PortRef | None) -> None:
        if ref != self._hot:
            self._hot = ref
            self.update()

    # --- what tests, the scene and interactions read ---------------------------------------
    def texts(self) -> list[str]:
        """The strings shown in the record: ``[label, "data …", "grad …"]``."""
        return [self._label, f"data {self._data_text}", f"grad {self._grad_text}"]

    @property
    def symbol(self) -> str:
        return "" if self.kind.is_leaf else _symbol(self.kind, self._params, self._wired)

    @property
    def is_dimmed(self) -> bool:
        return not self._complete

    @property
    def tint(self) -> QColor | None:
        return self._tint

    def input_pos(self, port: str) -> QPointF:
        """Scene position of an input port."""
        i = self.kind.inputs.index(port)
        return self.mapToScene(QPointF(0.0, self._row_y(i)))

    def output_pos(self) -> QPointF:
        return self.mapToScene(QPointF(self._rect.width(), self._rect.height() / 2))

    def port_at(self, scene_pos: QPointF) -> PortRef | None:
        """The port under a scene position, if any."""
        if near(scene_pos, self.output_pos()):
            return PortRef(self.node_id, OUTPUT)
        for port in self.kind.inputs:
            if near(scene_pos, self.input_pos(port)):
                return PortRef(self.node_id, INPUT, port)
        return None

    def cell_at(self, scene_pos: QPointF) -> str | None:
        """Which part of the record is under a scene position: label, data, grad or badge."""
        p = self.mapFromScene(scene_pos)
        if not self._rect.contains(p):
            return None
        x = p.x()
        if x < self._left_w:
            return BADGE
        if x < self._left_w + self._label_w:
            return LABEL
        if x < self._left_w + self._label_w + self.style.number_width:
            return DATA
        return GRAD

    def cell_rect(self, cell: str) -> QRectF:
        """Scene rectangle of a record cell (where an inline editor goes)."""
        x0 = {BADGE: 0.0, LABEL: self._left_w, DATA: self._left_w + self._label_w,
              GRAD: self._left_w + self._label_w + self.style.number_width}[cell]
        w = {BADGE: self._left_w, LABEL: self._label_w}.get(cell, self.style.number_width)
        return self.mapRectToScene(QRectF(x0, 0.0, w, self._rect.height()))

    # --- geometry --------------------------------------------------------------------------
    def _layout(self) -> None:
        st = self.style
        n_in = len(self.kind.inputs)
        if self.kind.is_leaf:
            self._names_w = 0.0
            self._badge_w = 0.0
            self._left_w = LEAF_STRIPE
        else:
            self._names_w = max((st.small_metrics.horizontalAdvance(p) for p in self.kind.inputs),
                                default=0.0) + 10.0
            self._badge_w = max(26.0, st.bold_metrics.horizontalAdvance(self.symbol) + 14.0)
            self._left_w = self._names_w + self._badge_w + 4.0
        text_w = st.bold_metrics.horizontalAdvance(self._label or " ")
        self._label_w = min(160.0, max(36.0, text_w + 2 * PAD + 4))
        h = max(MIN_H, n_in * ROW_H + 12.0)
        w = self._left_w + self._label_w + 2 * st.number_width
        self._rect = QRectF(0.0, 0.0, w, h)

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        self._layout()
        self.update()
        for wire in self.wires:
            wire.update_path()

    def _row_y(self, i: int) -> float:
        n = len(self.kind.inputs)
        top = (self._rect.height() - n * ROW_H) / 2
        return top + ROW_H * (i + 0.5)

    def boundingRect(self) -> QRectF:
        m = 7.0  # room for the port circles and the selection outline
        return self._rect.adjusted(-m, -m, m, m)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.boundingRect(), RADIUS, RADIUS)
        return path

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for wire in self.wires:
                wire.update_path()
        return super().itemChange(change, value)

    # --- painting --------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self.paint_count += 1
        c = self.style.colors
        rect = self._rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self.is_dimmed:
            painter.setOpacity(DIM_OPACITY)
        fill = c.leaf_fill if self.kind.is_leaf else c.node_fill
        border = QPen(c.selected if selected else c.border, 2.5 if selected else 1.0)
        if lod < DETAIL_LOD:
            painter.setPen(border)
            painter.setBrush(self._tint or fill)
            painter.drawRect(rect)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        x_data = self._left_w + self._label_w
        x_grad = x_data + self.style.number_width
        if self._tint is not None:  # the grad cell, tinted by sign and size
            clip = QPainterPath()
            clip.addRoundedRect(rect, RADIUS, RADIUS)
            cell = QPainterPath()
            cell.addRect(QRectF(x_grad, 0.0, rect.width() - x_grad, rect.height()))
            painter.setBrush(self._tint)
            painter.drawPath(clip.intersected(cell))
        if self.kind.is_leaf:
            self._paint_leaf_stripe(painter)
        else:
            self._paint_badge_and_ports(painter)
        painter.setPen(QPen(c.separator, 1.0))
        for x in (self._left_w, x_data, x_grad):
            painter.drawLine(QPointF(x, 0.0), QPointF(x, rect.height()))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(border)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        self._paint_texts(painter, x_data, x_grad)
        paint_port(painter, QPointF(rect.width(), rect.height() / 2), self._out_wired, c,
                   self._hot is not None and self._hot.is_output)

    def _paint_leaf_stripe(self, painter: QPainter) -> None:
        c = self.style.colors
        stripe = QPainterPath()
        stripe.addRoundedRect(self._rect, RADIUS, RADIUS)
        band = QPainterPath()
        band.addRect(QRectF(0.0, 0.0, LEAF_STRIPE, self._rect.height()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c.input_stripe if self.kind.name == "input" else c.constant_stripe)
        painter.drawPath(stripe.intersected(band))

    def _paint_badge_and_ports(self, painter: QPainter) -> None:
        c, st = self.style.colors, self.style
        h = self._rect.height()
        badge = QRectF(self._names_w, h / 2 - 12.0, self._badge_w, 24.0)
        painter.setPen(QPen(c.separator, 1.0))
        painter.setBrush(c.badge_fill)
        painter.drawRoundedRect(badge, 12.0, 12.0)
        painter.setPen(c.text)
        painter.setFont(st.bold)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.symbol)
        painter.setFont(st.small)
        for i, port in enumerate(self.kind.inputs):
            y = self._row_y(i)
            wired = port in self._wired
            optional = port in self.kind.optional
            painter.setPen(c.text if wired or not optional else c.muted_text)
            painter.drawText(QRectF(7.0, y - ROW_H / 2, self._names_w - 7.0, ROW_H),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, port)
            hot = self._hot is not None and not self._hot.is_output and self._hot.name == port
            paint_port(painter, QPointF(0.0, y), wired, c, hot)

    def _paint_texts(self, painter: QPainter, x_data: float, x_grad: float) -> None:
        c, st = self.style.colors, self.style
        h = self._rect.height()
        centre = Qt.AlignmentFlag.AlignCenter
        painter.setFont(st.bold)
        painter.setPen(c.text)
        painter.drawText(QRectF(self._left_w, 0.0, self._label_w, h), centre,
                         st.bold_metrics.elidedText(self._label, Qt.TextElideMode.ElideRight,
                                                    self._label_w - 2 * PAD))
        painter.setFont(st.font)
        w = st.number_width
        painter.setPen(c.bad_number if is_bad(self._data) else c.text)
        painter.drawText(QRectF(x_data, 0.0, w, h), centre, f"data {self._data_text}")
        painter.setPen(c.bad_number if is_bad(self._grad) else c.text)
        painter.drawText(QRectF(x_grad, 0.0, w, h), centre, f"grad {self._grad_text}")
