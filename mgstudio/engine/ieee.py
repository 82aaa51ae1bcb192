"""IEEE-safe scalar functions: overflow gives ``inf``, undefined results give ``nan``, nothing
raises. The op registry's rows are written with them (and ``np_sigmoid``, their numpy twin)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

INF = math.inf
NAN = math.nan


# -------------------------------------------------------------
def safe_div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:  # 0/0 and nan/0
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def _is_odd_integer(k: float) -> bool:
    return math.isfinite(k) and k == int(k) and int(k) % 2 == 1


def safe_pow(a: float, k: float) -> float:
    """``a ** k`` with C99 ``pow`` semantics (as numpy's ``power``), never raising."""
    if a < 0.0 and math.isfinite(a) and math.isfinite(k) and k != int(k):
        return NAN  # a real power of a negative base is undefined (Python would go complex)
    try:
        return float(a**k)
    except (ZeroDivisionError, OverflowError):  # 0 ** negative, or a result too large
        negative = math.copysign(1.0, a) < 0 and _is_odd_integer(k)
        return -INF if negative else INF


def safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def safe_log(x: float) -> float:
    if x > 0.0:
        return math.log(x)  # inf -> inf
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def safe_sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + safe_exp(-x))
    if x < 0.0:
        e = safe_exp(x)
        return e / (1.0 + e)
    return NAN


def np_sigmoid(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """The numpy twin of ``safe_sigmoid`` (no overflow on either side)."""
    e = np.exp(-np.abs(a))
    result: NDArray[np.float64] = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return result


def safe(f: Callable[[float], float]) -> Callable[[float], float]:
    """``f`` made IEEE-safe, for a new op written with ``math``: a domain error (``math.sin`` of
    ``inf``, ``math.sqrt(-1)``) gives ``nan`` and an overflow ``inf``, instead of raising."""

    def safe_f(x: float) -> float:
        try:
            return f(x)
        except ValueError:
            return NAN
        except OverflowError:
            return INF

    safe_f.__name__ = f"safe_{getattr(f, '__name__', 'f')}"
    return safe_f
