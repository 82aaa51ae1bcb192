"""Choosing a sample on the decision-boundary plot: the point nearest a click (within a few
pixels) and the keys that step through the samples while the plot has focus. Plain numbers
here; ``PlotPane`` connects them to matplotlib's events."""

from __future__ import annotations

import numpy as np

#: how far from a point's centre a click still picks it, in logical pixels (a point is drawn
#: about 4 px wide: a little slack for a touchpad)
PICK_PX = 6.0
#: matplotlib's key names -> how many samples they move; Home and End go to the ends
KEY_STEPS = {"left": -1, "right": 1, "pageup": -10, "pagedown": 10}


def nearest_point(points_px: np.ndarray, at: tuple[float, float], radius: float) -> int | None:
    """The row of ``points_px`` (n, 2), in display pixels, nearest to ``at`` if it lies
    within ``radius`` pixels, else None."""
    pts = np.asarray(points_px, dtype=np.float64).reshape(-1, 2)
    if not len(pts):
        return None
    d2 = ((pts - np.asarray(at, dtype=np.float64)) ** 2).sum(axis=1)
    d2 = np.where(np.isfinite(d2), d2, np.inf)
    i = int(np.argmin(d2))
    return i if d2[i] <= radius * radius else None


def stepped(current: int | None, key: str | None, n_samples: int) -> int | None:
    """The sample ``key`` moves to from ``current`` (None: not a stepping key, or no
    samples), kept between 0 and n_samples - 1."""
    if n_samples <= 0 or key is None:
        return None
    if key == "home":
        return 0
    if key == "end":
        return n_samples - 1
    step = KEY_STEPS.get(key)
    if step is None:
        return None
    start = current if current is not None else (0 if step > 0 else n_samples)
    return min(max(start + step, 0), n_samples - 1)
