"""Fonts, metrics and colours shared by every item of a scene (computed once, not per paint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPalette, QPen
from PySide6.QtWidgets import QApplication

from .colors import CanvasColors

if TYPE_CHECKING:
    from .node_shape import Geometry  # (node_shape imports this module)

_MAX_CACHED_LABELS = 20_000


class CanvasStyle:
    """What items need to measure and paint themselves; rebuilt when the palette changes."""

    def __init__(self, palette: QPalette | None = None):
        base = QFont(QApplication.font())
        base.setPointSizeF(9.0)
        self.font = base
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(7.5)
        self.metrics = QFontMetricsF(self.font)
        self.bold_metrics = QFontMetricsF(self.bold)
        self.small_metrics = QFontMetricsF(self.small)
        self.colors = CanvasColors.from_palette(palette)
        c = self.colors
        self.border_pen = QPen(c.border, 1.0)
        self.selected_pen = QPen(c.selected, 2.5)
        self.separator_pen = QPen(c.separator, 1.0)
        # boxes seen from far: outlines in screen pixels, whatever the zoom
        self.box_pen = QPen(c.border, 1.0)
        self.box_pen.setCosmetic(True)
        self.box_selected_pen = QPen(c.selected, 2.0)
        self.box_selected_pen.setCosmetic(True)
        # wide enough for the longest number format_number makes, so cells never resize
        self.number_width = self.metrics.horizontalAdvance("grad -0000.0000") + 14
        #: whether some view draws records in full; when none does (every view zoomed out to
        #: boxes), a new number changes no pixel and items skip the repaint
        self.show_details = True
        self._label_widths: dict[str, float] = {}
        self._elided: dict[tuple[str, float], str] = {}
        #: shapes shared by every node with the same kind, symbol and label width
        self.geometries: dict[tuple, Geometry] = {}
        self._small_widths: dict[str, float] = {}
        self._bold_widths: dict[str, float] = {}
        self._glyph_widths: dict[str, float] = {}
        self._bold_glyphs: dict[str, float] = {}
        #: from a text's vertical centre to its baseline, in the number font
        self.baseline_offset = (self.metrics.ascent() - self.metrics.descent()) / 2

    def text_width(self, text: str) -> float:
        """Width of a number text in the number font: the sum of its glyphs' advances
        (numbers have no kerning worth measuring, and a handful of glyphs repeat)."""
        return _glyph_sum(text, self._glyph_widths, self.metrics)

    def label_width(self, text: str) -> float:
        w = self._label_widths.get(text)
        if w is None:
            if len(self._label_widths) > _MAX_CACHED_LABELS:
                self._label_widths.clear()
            # glyph by glyph (cached): asking Qt to lay out each of thousands of labels is a
            # tenth of a second on a big graph, and the cell has padding for kerning anyway
            w = self._label_widths[text] = _glyph_sum(text, self._bold_glyphs, self.bold_metrics)
        return w

    def elided_label(self, text: str, width: float) -> str:
        if self.label_width(text) <= width:
            return text  # fits: the common case, no need to ask Qt
        key = (text, width)
        out = self._elided.get(key)
        if out is None:
            if len(self._elided) > _MAX_CACHED_LABELS:
                self._elided.clear()
            out = self._elided[key] = self.bold_metrics.elidedText(
                text, Qt.TextElideMode.ElideRight, width
            )
        return out

    def small_width(self, text: str) -> float:
        w = self._small_widths.get(text)
        if w is None:
            w = self._small_widths[text] = self.small_metrics.horizontalAdvance(text)
        return w

    def symbol_width(self, text: str) -> float:
        w = self._bold_widths.get(text)
        if w is None:
            w = self._bold_widths[text] = self.bold_metrics.horizontalAdvance(text)
        return w


def _glyph_sum(text: str, widths: dict[str, float], metrics: QFontMetricsF) -> float:
    total = 0.0
    for ch in text:
        w = widths.get(ch)
        if w is None:
            w = widths[ch] = metrics.horizontalAdvance(ch)
        total += w
    return total
