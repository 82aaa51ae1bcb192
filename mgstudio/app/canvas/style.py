"""Fonts, metrics and colours shared by every item of a scene (computed once, not per paint)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication

from .colors import CanvasColors


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
        # wide enough for the longest number format_number makes, so cells never resize
        self.number_width = self.metrics.horizontalAdvance("grad -0000.0000") + 14
