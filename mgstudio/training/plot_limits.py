"""Axis limits and grids that survive any finite number, for every plot the studio draws.

matplotlib refuses inf/nan limits, and its tick arithmetic (an ``arange`` over the span) fails
for spans near the float maximum, so ``hi + pad`` or ``hi - lo`` on numbers like 1e308 breaks
a plot for good. Limits here stay within about ±PLOT_MAX; values beyond it and inf/nan are
left out and counted, so a plot can say in words what it could not draw instead of raising.
No Qt: the GUI's panes and the CLI's ``--plot`` share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

#: the largest magnitude put on an axis (matplotlib's ticks overflow well before 1.8e308)
PLOT_MAX = 1e300


@dataclass(frozen=True)
class Limits:
    """``(lo, hi)`` for an axis, and how many values were left out of it."""

    lo: float
    hi: float
    drawn: int = 0  # values inside the limits' range
    off_scale: int = 0  # finite but beyond ±PLOT_MAX
    not_finite: int = 0  # inf or nan

    @property
    def left_out(self) -> int:
        return self.off_scale + self.not_finite

    def note(self, what: str = "values") -> str:
        """What was not drawn, in words ('' when everything was)."""
        parts = []
        if self.off_scale:
            parts.append(f"{self.off_scale} beyond ±{PLOT_MAX:g}")
        if self.not_finite:
            parts.append(f"{self.not_finite} inf/nan")
        if not parts:
            return ""
        total = self.drawn + self.left_out
        return f"{what} not drawn: {' and '.join(parts)} (of {total})"


def plottable(values: ArrayLike) -> np.ndarray:
    """Mask of the values an axis can show: finite and within ±PLOT_MAX."""
    a = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.isfinite(a) & (np.abs(a) <= PLOT_MAX)


def masked(values: ArrayLike) -> np.ndarray:
    """A float copy with every unplottable value made nan (matplotlib leaves a gap there)."""
    a = np.array(values, dtype=np.float64, copy=True).ravel()
    a[~plottable(a)] = np.nan
    return a


def axis_limits(
    values: ArrayLike, margin: float = 0.08, default: tuple[float, float] = (0.0, 1.0)
) -> Limits:
    """Limits around the plottable ``values`` with ``margin`` of the span on each side; a
    single value (or a span too small to see) gets a margin of its own size (or 1)."""
    a = np.asarray(values, dtype=np.float64).ravel()
    ok = plottable(a)
    finite = int(np.count_nonzero(np.isfinite(a)))
    drawn = int(np.count_nonzero(ok))
    counts = dict(drawn=drawn, off_scale=finite - drawn, not_finite=a.size - finite)
    if not drawn:
        return Limits(float(default[0]), float(default[1]), **counts)
    lo, hi = float(a[ok].min()), float(a[ok].max())
    span = hi - lo  # both within ±PLOT_MAX: cannot overflow
    size = max(abs(lo), abs(hi))
    if span <= size * 1e-12:  # flat: matplotlib would warn and widen it by itself
        pad = size * 0.05 or 1.0
    else:
        pad = span * margin
    return Limits(lo - pad, hi + pad, **counts)


def top_limit(values: ArrayLike, headroom: float = 0.15, floor: float = 1e-6) -> float:
    """The top of an axis that starts at 0 (a loss): the largest plottable value plus
    ``headroom`` of it, at least ``floor``."""
    ok = plottable(values)
    a = np.asarray(values, dtype=np.float64).ravel()[np.asarray(ok).ravel()]
    top = float(a.max()) * (1.0 + headroom) if a.size else 1.0
    return max(top, floor)


def grid_for(X: ArrayLike, size: int = 80, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """``(xx, yy)``: a ``size`` x ``size`` meshgrid around the points of a 2-input dataset,
    whatever their magnitude (points beyond ±PLOT_MAX are left outside it)."""
    points = np.asarray(X, dtype=np.float64)
    axes = []
    for j in range(2):
        lim = axis_limits(points[:, j], margin=margin)
        axes.append(np.linspace(lim.lo, lim.hi, size))
    xx, yy = np.meshgrid(*axes)
    return xx, yy
