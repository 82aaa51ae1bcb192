"""Comparing arrays of results that may hold inf and nan."""

from __future__ import annotations

import numpy as np


def assert_close(a, b, rtol=1e-12):
    """Equal to ``rtol`` of the larger finite magnitude; inf and nan must match exactly."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    finite = np.isfinite(a) & np.isfinite(b)
    scale = 1.0 + np.abs(np.where(finite, a, 0)).max(initial=0)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale, equal_nan=True)
