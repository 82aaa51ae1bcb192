"""How a node record paints itself (a mixin of ``NodeItem``): the full record into its cached
picture, or just the patch of one number that changed, or a plain box when Qt is asked to
paint it from far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from .node_shape import DETAIL_LOD, DIM_OPACITY
from .numbers import is_bad
from .port_item import paint_port
from .roles import FEATURE_COLOUR, PREDICTION_COLOUR, paint_tag, role_of

if TYPE_CHECKING:
    from abc import abstractmethod

    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QGraphicsItem

    from mgstudio.document.kinds import Kind

    from .node_shape import Geometry
    from .port_item import PortRef
    from .scene import CanvasScene
    from .style import CanvasStyle

    class RecordHost(QGraphicsItem):
        """What the painting reads of ``NodeItem`` (declared for the type checker only: at
        run time the mixin derives from ``object``; mypy checks these against NodeItem's)."""

        node_id: str
        kind: Kind
        style: CanvasStyle
        stale: bool
        _g: Geometry
        _rect: QRectF
        _out: QPointF
        _out_wired: bool
        _wired: set[str]
        _hot: PortRef | None
        _complete: bool
        _data: float | None
        _grad: float | None
        _tint: QColor | None
        _shown_label: str
        painted_role: tuple[int | None, bool]

        # a node item lives on a CanvasScene, or on none: PySide6's stubs say scene() never
        # returns None, which it does for an item not on a scene
        def scene(self) -> CanvasScene | None: ...  # type: ignore[override]
        @property
        @abstractmethod
        def symbol(self) -> str: ...
        @abstractmethod
        def _number_texts(self) -> tuple[str, str]: ...
        @abstractmethod
        def _base_fill(self) -> QColor: ...
        @abstractmethod
        def box_fill(self) -> QColor: ...
        @abstractmethod
        def needs_refresh(self, max_abs_grad: float) -> bool: ...
        @abstractmethod
        def _apply(self, value: object, max_abs_grad: float) -> int: ...
else:
    RecordHost = object

_ANTIALIAS = QPainter.RenderHint.Antialiasing
_CENTRE = Qt.AlignmentFlag.AlignCenter
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
_NO_PEN = Qt.PenStyle.NoPen
_NO_BRUSH = Qt.BrushStyle.NoBrush
_lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform


class RecordPainting(RecordHost):
    """``paint`` and its helpers; the state they read is ``NodeItem``'s."""

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self._pull_before_paint()
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
        scene = self.scene()
        doc = scene.document if scene is not None else None
        role = self.painted_role = role_of(doc, self.node_id)
        painter.setRenderHint(_ANTIALIAS, True)
        painter.setPen(_NO_PEN)
        painter.setBrush(self._base_fill())
        painter.drawPath(g.body)
        if cells_only:
            pass
        elif self.kind.is_leaf:
            feature = role[0]
            stripe = c.input_stripe if self.kind.name == "input" else c.constant_stripe
            painter.setBrush(stripe if feature is None else FEATURE_COLOUR)
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
        if role[0] is not None:  # training roles (issue 16): see canvas/roles.py
            paint_tag(painter, st, g.label_rect, f"x{role[0]}", FEATURE_COLOUR)
        elif role[1]:
            paint_tag(painter, st, g.label_rect, "ŷ", PREDICTION_COLOUR)

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

    def _pull_before_paint(self) -> None:
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
