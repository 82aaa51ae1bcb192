"""A node drawn like the lecture's draw_dot records: ``label | data 0.0000 | grad 0.0000``.

Ops carry a badge with their symbol and named input ports on the left; leaves have a coloured
stripe instead. The item shows what the document says and nothing else: the scene calls
``show_node`` when the node changed and ``show_value`` when its Value did.

There is no Python ``itemChange``: Qt calls it for every flag, z, selection and scene change
(tens of thousands of calls while a big scene is built). Whoever moves an item calls
``moved()`` so its wires follow.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from .numbers import MISSING, format_number, is_bad
from .port_item import INPUT, OUTPUT, PortRef, near, paint_port
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

LABEL, DATA, GRAD, BADGE = "label", "data", "grad", "badge"

_FLAGS = (
    QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
)
_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_NO_CACHE = QGraphicsItem.CacheMode.NoCache
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_BOXED_FLAGS = _FLAGS | _NO_CONTENTS  # once: enum arithmetic is Python, per item it added up
_ANTIALIAS = QPainter.RenderHint.Antialiasing
_CENTRE = Qt.AlignmentFlag.AlignCenter
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
_NO_PEN = Qt.PenStyle.NoPen
_NO_BRUSH = Qt.BrushStyle.NoBrush
_lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform
# what a new Value makes repaint (bits): a number's text, or everything
_NOTHING, _DATA, _GRAD, _WHOLE = 0, 1, 2, 4


def node_height(n_inputs: int) -> float:
    return max(MIN_H, n_inputs * ROW_H + 12.0)


def _symbol(kind, params, wired) -> str:
    if kind.name == "pow" and "exponent" not in wired:
        k = params.get("exponent", 2.0)
        return f"**{int(k)}" if float(k).is_integer() and abs(k) < 1e15 else f"**{k:g}"
    return kind.symbol


class _Geometry:
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
        self.grad_cell = self.body.intersected(cell)
        band = QPainterPath()
        band.addRect(QRectF(0.0, 0.0, LEAF_STRIPE, h))
        self.stripe = self.body.intersected(band)
        self.badge = QRectF(names_w, h / 2 - 12.0, badge_w, 24.0)
        self.label_rect = QRectF(self.left_w, 0.0, label_w, h)
        self.data_rect = QRectF(self.x_data, 0.0, st.number_width, h)
        self.grad_rect = QRectF(self.x_grad, 0.0, st.number_width, h)
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


def _same(a, b) -> bool:
    if a == b:  # 0.0 == -0.0, yet they show as "0.0000" and "-0.0000"
        return a is None or b is None or math.copysign(1.0, a) == math.copysign(1.0, b)
    return a != a and b != b  # nan equals nan here: nothing new to show


class NodeItem(QGraphicsItem):
    """One document node on the canvas."""

    # starting values on the class (a big graph makes thousands of items; an item gets its
    # own value when one changes)
    paint_count = 0  # read by the benchmark and tests: repaints happen only on change
    #: the Value changed but this item has not looked yet (it is off screen); it pulls the
    #: new numbers when it is next shown, painted or read
    stale = False
    #: zoomed out, the view's layer draws this node as a box and the item paints nothing
    boxed = False
    layer_rect: QRectF | None = None  # where the layer last drew the box
    _out_wired = False
    _hot: PortRef | None = None
    _complete = False
    _data: float | None = None
    _grad: float | None = None
    _max = 0.0
    _data_text = MISSING
    _grad_text = MISSING
    _texts_behind = False  # numbers not formatted yet (zoomed out: no text shown)
    _tint: QColor | None = None

    def __init__(
        self,
        node_id: str,
        kind,
        style: CanvasStyle,
        label: str = "",
        params=None,
        boxed: bool = False,
    ):
        super().__init__()
        self.node_id = node_id
        self.kind = kind
        self.style = style
        self.wires: set = set()  # WireItems attached to this node, kept by the scene
        self._label = label
        self._params = dict(params) if params else {}
        self._wired: set[str] = set()
        self._layout()
        if boxed:  # born zoomed out: drawn by the view's layer (see set_boxed)
            self.boxed = True
            self.setFlags(_BOXED_FLAGS)
        else:
            self.setFlags(_FLAGS)
            self.setCacheMode(_CACHE)
        self.setZValue(1.0)

    # --- what the scene tells the item -----------------------------------------------------
    def show_node(self, label: str, params) -> None:
        """The node's label or parameters changed."""
        if label == self._label and params == self._params:
            return
        self._label = label
        self._params = dict(params)
        self._relayout()

    def show_value(self, value, max_abs_grad: float) -> bool:
        """Show a (possibly None) Value; repaint only if what is shown changed."""
        self.stale = False
        change = self._apply(value, max_abs_grad)
        if change & _WHOLE:
            self.update()
            if self.boxed:
                self._redraw_box()
        elif change:  # a new number: only its text is drawn again (see paint)
            g, st = self._g, self.style
            data_text, grad_text = self._number_texts()
            for bit, zone, text in (
                (_DATA, g.data_zone, data_text),
                (_GRAD, g.grad_zone, grad_text),
            ):
                if change & bit:
                    # a number too wide for its quiet zone repaints the whole cells
                    self.update(zone if st.text_width(text) <= zone.width() else g.cells)
        return bool(change)

    def refresh(self) -> bool:
        """Pull the current Value from the scene's document if the item is stale."""
        if not self.stale:
            return False
        scene = self.scene()
        if scene is None:
            return False
        return self.show_value(scene.value_for(self.node_id), scene.max_abs_grad)

    def _apply(self, value, max_abs_grad: float) -> int:
        """Take the numbers to show; says what must repaint: nothing, the cells, the whole."""
        if value is None:
            data = grad = None
        else:
            data, grad = value.data, value.grad
        complete = value is not None
        if (
            complete == self._complete
            and _same(data, self._data)
            and _same(grad, self._grad)
            and max_abs_grad == self._max
        ):
            return _NOTHING
        new_tint = not (_same(grad, self._grad) and max_abs_grad == self._max)
        dimming = complete != self._complete
        self._complete, self._data, self._max = complete, data, max_abs_grad
        self._grad = grad
        if new_tint:
            tint = None if grad is None else self.style.colors.grad_tint(grad, max_abs_grad)
            new_tint = tint != self._tint
            self._tint = tint
        if self.style.show_details:
            old_data, old_grad = self._data_text, self._grad_text
            self._format()
            texts = (_DATA if old_data != self._data_text else _NOTHING) | (
                _GRAD if old_grad != self._grad_text else _NOTHING
            )
        else:  # zoomed out: boxes only, the numbers are formatted when shown again
            self._texts_behind = True
            texts = _NOTHING
        if new_tint or dimming:
            return _WHOLE  # zoomed out, the whole box shows the tint and the dimming
        return texts

    def _format(self) -> None:
        self._data_text = MISSING if self._data is None else format_number(self._data)
        self._grad_text = MISSING if self._grad is None else format_number(self._grad)
        self._texts_behind = False

    def _number_texts(self) -> tuple[str, str]:
        """``("data …", "grad …")`` as shown in the record."""
        if self._texts_behind:
            self._format()
        return f"data {self._data_text}", f"grad {self._grad_text}"

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
        self._grad = self._data = math.nan  # makes show_value recompute everything
        self._complete = not self._complete
        self._relayout()
        self.show_value(value, max_abs_grad)

    def note_wired(self, port: str) -> None:
        """``set_port_wired(port, True)`` for an item not painted yet (a new document's)."""
        if self.kind.name == "pow":
            self.set_port_wired(port, True)  # its badge changes: relayout
        else:
            self._wired.add(port)

    def set_hot(self, ref: PortRef | None) -> None:
        if ref != self._hot:
            self._hot = ref
            self.update()

    def moved(self) -> None:
        """The item's position changed: bring its wires along."""
        for wire in self.wires:
            wire.update_path()
        scene = self.scene()
        if scene is not None:
            scene.keep_indexed(self)
            if self.boxed:
                self._redraw_box()

    # --- zoomed out: a box in the view's layer ---------------------------------------------
    def set_boxed(self, boxed: bool) -> None:
        """Zoomed out (True): the layer draws this node, the item paints nothing and keeps
        no cached picture. Shown in full (False): the item paints itself, cached."""
        if boxed != self.boxed:
            self.boxed = boxed
            self.setFlag(_NO_CONTENTS, boxed)
            self.setCacheMode(_NO_CACHE if boxed else _CACHE)
            self.layer_rect = None

    def box_rect(self) -> QRectF:
        """The node's box in scene coordinates."""
        return self._rect.translated(self.x(), self.y())

    def box_fill(self) -> QColor:
        """A box seen from far shows the grad's tint, else the node's colour."""
        return self._tint or self._base_fill()

    def _base_fill(self) -> QColor:
        c = self.style.colors
        return c.leaf_fill if self.kind.is_leaf else c.node_fill

    @property
    def is_complete(self) -> bool:
        return self._complete

    def _redraw_box(self) -> None:
        scene = self.scene()
        if scene is not None:
            box = self.box_rect()
            scene.wires_changed(box if self.layer_rect is None else box.united(self.layer_rect))

    # --- what tests, the scene and interactions read ---------------------------------------
    def texts(self) -> list[str]:
        """The strings the record shows once up to date: ``[label, "data …", "grad …"]``
        (a stale item pulls its numbers first; ``held_texts`` does not)."""
        self.refresh()
        return [self._label, *self._number_texts()]

    def held_texts(self) -> list[str]:
        """What the item holds now, without pulling from the document or formatting into
        its own state: what it painted last, or paints next if nothing pulls first."""
        data = MISSING if self._data is None else format_number(self._data)
        grad = MISSING if self._grad is None else format_number(self._grad)
        return [self._label, f"data {data}", f"grad {grad}"]

    @property
    def symbol(self) -> str:
        return "" if self.kind.is_leaf else _symbol(self.kind, self._params, self._wired)

    @property
    def is_dimmed(self) -> bool:
        self.refresh()
        return not self._complete

    @property
    def tint(self) -> QColor | None:
        self.refresh()
        return self._tint

    def input_pos(self, port: str) -> QPointF:
        """Scene position of an input port."""
        i = self.kind.inputs.index(port)
        return self.pos() + QPointF(0.0, self._row_y(i))

    def output_pos(self) -> QPointF:
        return self.pos() + self._out

    def input_xy(self, port: str) -> tuple[float, float]:
        """``input_pos`` as plain floats (wires of a big graph ask thousands of times)."""
        return self.x(), self.y() + self._g.rows[self.kind.inputs.index(port)]

    def output_xy(self) -> tuple[float, float]:
        g = self._g
        return self.x() + g.out_x, self.y() + g.out_y

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
        if x < self._x_data:
            return LABEL
        if x < self._x_grad:
            return DATA
        return GRAD

    def cell_rect(self, cell: str) -> QRectF:
        """Scene rectangle of a record cell (where an inline editor goes)."""
        x0 = {BADGE: 0.0, LABEL: self._left_w, DATA: self._x_data, GRAD: self._x_grad}[cell]
        x1 = {BADGE: self._left_w, LABEL: self._x_data, DATA: self._x_grad}.get(
            cell, self._rect.width()
        )
        return QRectF(self.pos() + QPointF(x0, 0.0), self.pos() + QPointF(x1, self._rect.height()))

    # --- geometry --------------------------------------------------------------------------
    def _layout(self) -> None:
        st = self.style
        label_w = min(160.0, max(36.0, st.label_width(self._label or " ") + 2 * PAD + 4))
        symbol = self.symbol
        key = (self.kind.name, symbol, label_w)
        g = st.geometries.get(key)
        if g is None:
            g = st.geometries[key] = _Geometry(self.kind, symbol, label_w, st)
        self._g = g
        #: the bounding rectangle as ``(left, top, right, bottom)`` in item coordinates
        self.extent = g.extent
        self._rect = g.rect
        self._out = g.out
        self._left_w, self._x_data, self._x_grad = g.left_w, g.x_data, g.x_grad
        self._shown_label = st.elided_label(self._label, label_w - 2 * PAD)

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        self._layout()
        self.update()
        self.moved()

    def _row_y(self, i: int) -> float:
        return self._g.rows[i]

    def boundingRect(self) -> QRectF:
        return self._g.bounds

    def shape(self) -> QPainterPath:
        return self._g.shape

    # --- painting --------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self._count_and_pull()
        st = self.style
        c = st.colors
        if not self._complete:
            painter.setOpacity(DIM_OPACITY)
        # isSelected() is the item's side of option.state, without Python enum arithmetic
        border = st.selected_pen if self.isSelected() else st.border_pen
        if _lod(painter.worldTransform()) < DETAIL_LOD:
            painter.setRenderHint(_ANTIALIAS, False)  # a box a few pixels wide: plain is fine
            painter.setPen(border)
            painter.setBrush(self.box_fill())
            painter.drawRect(self._rect)
            return
        g = self._g
        exposed = option.exposedRect
        # a new number exposes only its text's zone of the cached picture (show_value): a
        # flat patch of the cell, clear of borders, separators, corners and the port
        if g.data_hit.contains(exposed):
            self._paint_text_zone(
                painter, g.data_fill, None, self._data, g.data_cx, self._number_texts()[0]
            )
            return
        if g.grad_hit.contains(exposed):
            self._paint_text_zone(
                painter, g.grad_fill, self._tint, self._grad, g.grad_cx, self._number_texts()[1]
            )
            return
        # otherwise the value cells alone (a number wider than its zone): Qt clips to them,
        # and drawing the badge, ports and label there would change no pixel
        cells_only = g.cells_zone.contains(exposed)
        painter.setRenderHint(_ANTIALIAS, True)
        painter.setPen(_NO_PEN)
        painter.setBrush(self._base_fill())
        painter.drawPath(g.body)
        if cells_only:
            pass
        elif self.kind.is_leaf:
            painter.setBrush(c.input_stripe if self.kind.name == "input" else c.constant_stripe)
            painter.drawPath(g.stripe)
        else:
            self._paint_badge_and_ports(painter)
        if self._tint is not None:  # the grad cell, tinted by sign and size
            painter.setPen(_NO_PEN)
            painter.setBrush(self._tint)
            painter.drawPath(g.grad_clip)
        painter.setPen(st.separator_pen)
        painter.drawLines(g.separators)
        painter.setBrush(_NO_BRUSH)
        painter.setPen(border)
        painter.drawPath(g.body)
        painter.setPen(c.text)
        self._paint_numbers(painter)
        # the output port's circle reaches into the grad cell
        paint_port(
            painter, self._out, self._out_wired, c, self._hot is not None and self._hot.is_output
        )
        if cells_only:
            return
        painter.setFont(self.style.bold)
        painter.setPen(c.text)
        self._paint_label(painter)

    def _paint_badge_and_ports(self, painter: QPainter) -> None:
        c, st = self.style.colors, self.style
        painter.setPen(QPen(c.separator, 1.0))
        painter.setBrush(c.badge_fill)
        g = self._g
        painter.drawRoundedRect(g.badge, 12.0, 12.0)
        painter.setPen(c.text)
        painter.setFont(st.bold)
        painter.drawText(g.badge, _CENTRE, self.symbol)
        painter.setFont(st.small)
        optional = self.kind.optional
        hot = self._hot.name if self._hot is not None and not self._hot.is_output else None
        for i, port in enumerate(self.kind.inputs):
            wired = port in self._wired
            painter.setPen(c.text if wired or port not in optional else c.muted_text)
            painter.drawText(g.name_rects[i], _LEFT_MIDDLE, port)
            paint_port(painter, g.ports[i], wired, c, hot == port)

    def needs_refresh(self, max_abs_grad: float) -> bool:
        """Whether the shown numbers or tint may be out of date."""
        return self.stale or self._max != max_abs_grad

    def _count_and_pull(self) -> None:
        self.paint_count += 1
        scene = self.scene()
        # exposed before the scene got round to it: take the numbers (and tint) now
        if scene is not None and self.needs_refresh(scene.max_abs_grad):
            self.stale = False
            self._apply(scene.value_for(self.node_id), scene.max_abs_grad)

    def _paint_label(self, painter: QPainter) -> None:
        painter.drawText(self._g.label_rect, _CENTRE, self._shown_label)

    def _paint_text_zone(
        self, painter: QPainter, fill: QRectF, tint, value, cx: float, text: str
    ) -> None:
        """One number on its flat patch: what the full paint gives there, in three calls."""
        painter.fillRect(fill, self._base_fill())
        if tint is not None:
            painter.fillRect(fill, tint)
        painter.setFont(self.style.font)
        self._draw_number(painter, cx, value, text)

    def _paint_numbers(self, painter: QPainter) -> None:
        g = self._g
        painter.setFont(self.style.font)
        data, grad = self._number_texts()
        self._draw_number(painter, g.data_cx, self._data, data)
        self._draw_number(painter, g.grad_cx, self._grad, grad)

    def _draw_number(self, painter: QPainter, cx: float, value, text: str) -> None:
        # centred by arithmetic on cached glyph widths and drawn at a point: Qt's aligned
        # drawText lays the string out again on every repaint
        st, c = self.style, self.style.colors
        painter.setPen(c.bad_number if is_bad(value) else c.text)
        painter.drawText(
            QPointF(cx - st.text_width(text) / 2, self._g.text_y + st.baseline_offset), text
        )
