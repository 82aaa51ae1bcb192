"""Colours of the canvas, derived from the application palette so light and dark themes work."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QPen
from PySide6.QtWidgets import QApplication

# The lecture's convention on the canvas: blue for a negative grad, red for a positive one.
_NEGATIVE = QColor(40, 110, 230)
_POSITIVE = QColor(220, 50, 40)
_BAD_NUMBER = QColor(225, 30, 30)
_TINT_STEPS = 64  # tints are cached per step: no new QColor per node per backward pass


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way towards ``b``."""
    t = min(1.0, max(0.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
        round(a.alpha() + (b.alpha() - a.alpha()) * t),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


@dataclass(eq=False)
class CanvasColors:
    """Every colour an item paints with, computed once per palette."""

    background: QColor
    grid: QColor
    node_fill: QColor
    leaf_fill: QColor
    input_stripe: QColor
    constant_stripe: QColor
    border: QColor
    selected: QColor
    text: QColor
    muted_text: QColor
    badge_fill: QColor
    separator: QColor
    wire: QColor
    wire_hover: QColor
    wire_ok: QColor
    wire_bad: QColor
    port_free: QColor
    port_wired: QColor
    bad_number: QColor
    dark: bool
    _pens: dict = field(default_factory=dict, init=False, repr=False)
    _tints: dict = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_palette(cls, palette: QPalette | None = None) -> CanvasColors:
        if palette is None:
            palette = QApplication.palette()
        role = QPalette.ColorRole
        base = palette.color(role.Base)
        window = palette.color(role.Window)
        text = palette.color(role.Text)
        highlight = palette.color(role.Highlight)
        dark = is_dark(palette)
        background = mix(window, text, 0.04)
        return cls(
            background=background,
            grid=mix(background, text, 0.08),
            node_fill=base,
            leaf_fill=mix(base, highlight, 0.10),
            input_stripe=highlight,
            constant_stripe=mix(base, text, 0.45),
            border=mix(base, text, 0.45),
            selected=highlight,
            text=text,
            muted_text=mix(base, text, 0.55),
            badge_fill=mix(base, text, 0.12),
            separator=mix(base, text, 0.25),
            wire=mix(background, text, 0.55),
            wire_hover=highlight,
            wire_ok=QColor(40, 170, 80),
            wire_bad=_BAD_NUMBER,
            port_free=base,
            port_wired=mix(base, text, 0.65),
            bad_number=QColor(255, 90, 90) if dark else _BAD_NUMBER,
            dark=dark,
        )

    def port_pen(self, hot: bool) -> QPen:
        """The outline of a port circle (hot: under the cursor during a wire drag)."""
        key = ("port", hot)
        pen = self._pens.get(key)
        if pen is None:
            pen = self._pens[key] = QPen(self.selected if hot else self.border, 2.0 if hot else 1.2)
        return pen

    def wire_pen(self, strong: bool) -> QPen:
        """Shared pens (a canvas has thousands of wires; QPen is implicitly shared)."""
        pen = self._pens.get(strong)
        if pen is None:
            pen = QPen(self.wire_hover if strong else self.wire, 3.0 if strong else 2.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            self._pens[strong] = pen
        return pen

    def grad_tint(self, grad: float, max_abs: float) -> QColor | None:
        """Background of a grad cell: hue says the sign, strength says |grad| / max |grad|."""
        if not math.isfinite(grad) or grad == 0.0 or max_abs <= 0.0 or not math.isfinite(max_abs):
            return None
        strength = min(1.0, abs(grad) / max_abs)
        # a floor keeps tiny but nonzero grads visible; sqrt spreads the small ones apart
        step = round(math.sqrt(strength) * _TINT_STEPS)
        key = (grad < 0, step)
        tint = self._tints.get(key)
        if tint is None:
            t = 0.12 + 0.6 * step / _TINT_STEPS
            tint = self._tints[key] = mix(self.node_fill, _NEGATIVE if grad < 0 else _POSITIVE, t)
        return tint
