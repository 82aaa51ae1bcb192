"""The shape of a node record, shared by every node that looks alike: its rectangles, paths,
port rows and the quiet zones a new number repaints. Worked out from the node's data alone
(kind, label, settings, wired inputs), so that the scene can place a node, its wires and its
far-zoom box before (or without) making its item.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QPainterPath

from .style import CanvasStyle

ROW_H = 20.0
MIN_H = 32.0
PAD = 6.0
RADIUS = 6.0
LEAF_STRIPE = 8.0
MARGIN = 7.0  # room around the body for port circles and the selection outline
# below this zoom factor text is unreadable anyway: draw boxes only
DETAIL_LOD = 0.4
DIM_OPACITY = 0.5


def node_height(n_inputs: int) -> float:
    return max(MIN_H, n_inputs * ROW_H + 12.0)


def _symbol(kind, params, wired) -> str:
    if kind.name == "pow" and "exponent" not in wired:
        k = params.get("exponent", 2.0)
        return f"**{int(k)}" if float(k).is_integer() and abs(k) < 1e15 else f"**{k:g}"
    return kind.symbol


class Geometry:
    """Rectangles and paths of a node shape, shared by all nodes that look alike."""

    def __init__(self, kind, symbol: str, label_w: float, st: CanvasStyle):
        inputs = kind.inputs
        if kind.is_leaf:
            names_w = badge_w = 0.0
            self.left_w = LEAF_STRIPE
        else:
            names_w = max(st.small_width(p) for p in inputs) + 10.0
            badge_w = max(26.0, st.symbol_width(symbol) + 14.0)
            self.left_w = names_w + badge_w + 4.0
        self.x_data = self.left_w + label_w
        self.x_grad = self.x_data + st.number_width
        h = node_height(len(inputs))
        w = self.x_grad + st.number_width
        self.rect = QRectF(0.0, 0.0, w, h)
        self.bounds = self.rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        b = self.bounds
        self.extent = (b.left(), b.top(), b.right(), b.bottom())  # as floats, for fast tests
        self.shape = QPainterPath()
        self.shape.addRect(self.bounds)
        self.out = QPointF(w, h / 2)
        self.out_x, self.out_y = w, h / 2
        self.body = QPainterPath()
        self.body.addRoundedRect(self.rect, RADIUS, RADIUS)
        cell = QPainterPath()
        cell.addRect(QRectF(self.x_grad, 0.0, w - self.x_grad, h))
        band = QPainterPath()
        band.addRect(QRectF(0.0, 0.0, LEAF_STRIPE, h))
        self.stripe = self.body.intersected(band)
        self.badge = QRectF(names_w, h / 2 - 12.0, badge_w, 24.0)
        self.label_rect = QRectF(self.left_w, 0.0, label_w, h)
        self.data_cx = self.x_data + st.number_width / 2  # where the numbers are centred
        self.grad_cx = self.x_grad + st.number_width / 2
        self.text_y = h / 2
        # the quiet zones around each number: inside its cell, clear of the separators, the
        # border, the rounded corners and the output port. A new number repaints only there.
        # Qt widens a repaint by a pixel and rounds it out to whole pixels: "hit" is what
        # paint() may be asked for, "fill" covers every pixel Qt may have cleared.
        zone_h = 18.0
        top = h / 2 - zone_h / 2
        nw = st.number_width
        # centred on the numbers; the grad cell keeps 10 px from its right end, where the
        # output port and the rounded corner are (a few pixels more at small zooms)
        self.data_zone = QRectF(self.data_cx - (nw - 6.0) / 2, top, nw - 6.0, zone_h)
        self.grad_zone = QRectF(self.grad_cx - (nw - 20.0) / 2, top, nw - 20.0, zone_h)
        self.data_hit = self.data_zone.adjusted(-1.5, -1.5, 1.5, 1.5)
        self.grad_hit = self.grad_zone.adjusted(-1.5, -1.5, 1.5, 1.5)
        self.data_fill = self.data_zone.adjusted(-2.5, -2.5, 2.5, 2.5)
        self.grad_fill = self.grad_zone.adjusted(-2.5, -2.5, 2.5, 2.5)
        self.separators = [QLineF(x, 0.0, x, h) for x in (self.left_w, self.x_data)]
        self.separators.append(QLineF(self.x_grad, 1.5, self.x_grad, h - 1.5))
        top = (h - len(inputs) * ROW_H) / 2
        self.rows = [top + ROW_H * (i + 0.5) for i in range(len(inputs))]
        self.ports = [QPointF(0.0, y) for y in self.rows]
        self.name_rects = [QRectF(7.0, y - ROW_H / 2, names_w - 7.0, ROW_H) for y in self.rows]
        # the value cells (what a new number repaints) sit inside the border and clear of the
        # output port, so that repaint touches neither the outline nor the wires
        self.cells = QRectF(self.x_data, 1.5, w - self.x_data - 1.5, h - 3.0)
        # Qt widens an exposed rectangle by a pixel on each side before it paints the cache
        self.cells_zone = self.cells.adjusted(-2.0, -2.0, 2.0, 2.0)
        inner = QPainterPath()
        inner.addRoundedRect(self.rect.adjusted(1.5, 1.5, -1.5, -1.5), RADIUS - 1, RADIUS - 1)
        self.grad_clip = inner.intersected(cell)


def label_cell_width(style: CanvasStyle, label: str) -> float:
    """How wide the label cell of a record is (clamped: long labels are elided)."""
    return min(160.0, max(36.0, style.label_width(label or " ") + 2 * PAD + 4))


def geometry_for(style: CanvasStyle, kind, label: str, params, wired) -> Geometry:
    """The shared shape of a node (made once per kind, symbol and label width)."""
    label_w = label_cell_width(style, label)
    symbol = "" if kind.is_leaf else _symbol(kind, params, wired)
    key = (kind.name, symbol, label_w)
    g = style.geometries.get(key)
    if g is None:
        g = style.geometries[key] = Geometry(kind, symbol, label_w, style)
    return g
