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

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath
from PySide6.QtWidgets import QGraphicsItem

from .node_paint import RecordPainting
from .node_shape import (  # noqa: F401 (DETAIL_LOD, node_height: where callers find them)
    DETAIL_LOD,
    DIM_OPACITY,
    PAD,
    _symbol,
    geometry_for,
    label_cell_width,
    node_height,
)
from .numbers import MISSING, format_number
from .port_item import INPUT, OUTPUT, PortRef, near
from .style import CanvasStyle

LABEL, DATA, GRAD, BADGE = "label", "data", "grad", "badge"

_FLAGS = (
    QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
)
_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_NO_CACHE = QGraphicsItem.CacheMode.NoCache
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_BOXED_FLAGS = _FLAGS | _NO_CONTENTS  # once: enum arithmetic is Python, per item it added up
# what a new Value makes repaint (bits): a number's text, or everything
_NOTHING, _DATA, _GRAD, _WHOLE = 0, 1, 2, 4
#: ``set_masked`` bits: the number shown as ``HIDDEN`` whatever the document holds
MASK_DATA, MASK_GRAD = 1, 2
HIDDEN = "?"


def _same(a, b) -> bool:
    if a == b:  # 0.0 == -0.0, yet they show as "0.0000" and "-0.0000"
        return a is None or b is None or math.copysign(1.0, a) == math.copysign(1.0, b)
    return a != a and b != b  # nan equals nan here: nothing new to show


class NodeItem(RecordPainting, QGraphicsItem):
    """One document node on the canvas."""

    # starting values on the class (a big graph makes thousands of items; an item gets its
    # own value when one changes)
    #: the Value changed but this item has not looked yet (it is off screen); it pulls the
    #: new numbers when it is next shown, painted or read
    stale = False
    #: zoomed out, the view's layer draws this node as a box and the item paints nothing
    boxed = False
    #: inside a collapsed group: the item is hidden, its group's block stands for it
    group_hidden = False
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
    #: MASK_DATA | MASK_GRAD: numbers this view hides (practice answers), not the document
    masked = 0
    #: the training role last painted (canvas/roles.py): the scene repaints when it changes
    painted_role: tuple[int | None, bool] = (None, False)

    def __init__(
        self,
        node_id: str,
        kind,
        style: CanvasStyle,
        label: str = "",
        params=None,
        boxed: bool = False,
        shape=None,
    ):
        super().__init__()
        self.node_id = node_id
        self.kind = kind
        self.style = style
        self.wires: set = set()  # WireItems attached to this node, kept by the scene
        self._label = label
        self._params = dict(params) if params else {}
        self._wired: set[str] = set()
        self._layout(shape)
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
            # a masked grad's tint would give it away
            hidden = grad is None or self.masked & MASK_GRAD
            tint = (
                None if grad is None or hidden else self.style.colors.grad_tint(grad, max_abs_grad)
            )
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
        self._data_text, self._grad_text = self._shown_numbers()
        self._texts_behind = False

    def _shown_numbers(self) -> tuple[str, str]:
        data = MISSING if self._data is None else format_number(self._data)
        grad = MISSING if self._grad is None else format_number(self._grad)
        if self.masked:
            data = HIDDEN if self.masked & MASK_DATA else data
            grad = HIDDEN if self.masked & MASK_GRAD else grad
        return data, grad

    def set_masked(self, bits: int) -> None:
        """Show the data (``MASK_DATA``) and/or grad (``MASK_GRAD``) as "?" from now on, or
        the numbers again (0): a choice of the view (the practice mode hides the answers),
        the document is not touched."""
        if bits == self.masked:
            return
        self.masked = bits
        scene = self.scene()
        value = scene.value_for(self.node_id) if scene is not None else None
        top = scene.max_abs_grad if scene is not None else self._max
        self._complete = not self._complete  # makes show_value redo texts, tint and all
        self._grad = self._data = math.nan
        self.show_value(value, top)

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
        scene = self.scene()
        if scene is not None:
            scene.complete_wires(self)  # wires still without items get theirs, here
        for wire in self.wires:
            wire.update_path()
        # moved onto the screen with numbers it has not pulled yet: Qt would show its cached
        # picture, old numbers and all, without asking it to paint
        self.refresh()
        if scene is not None:
            scene.keep_indexed(self)
            if self.boxed:
                self._redraw_box()

    # --- zoomed out: a box in the view's layer ---------------------------------------------
    def set_group_hidden(self, hidden: bool) -> None:
        """Inside a collapsed group (True): not drawn, not hit by the mouse and not dragged
        (its block is, over it), but still selectable and up to date, so that selecting
        it, the inspector and find keep working on a node the drawing folds away."""
        if hidden == self.group_hidden:
            return
        self.group_hidden = hidden
        self.setOpacity(0.0 if hidden else 1.0)  # Qt paints no fully transparent item
        self.setAcceptedMouseButtons(
            Qt.MouseButton.NoButton if hidden else Qt.MouseButton.AllButtons
        )
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not hidden)

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
        data, grad = self._shown_numbers()
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
    def _layout(self, shape=None) -> None:
        """Take the shared shape (``shape``: the one the scene worked out already)."""
        st = self.style
        g = self._g = shape or geometry_for(st, self.kind, self._label, self._params, self._wired)
        label_w = g.label_rect.width()
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

    def needs_refresh(self, max_abs_grad: float) -> bool:
        """Whether the shown numbers or tint may be out of date."""
        return self.stale or self._max != max_abs_grad
