"""How a node shows its numbers: the lecture's ``data 0.0000`` records, inf/nan spelled out."""

from __future__ import annotations

import math
from decimal import Decimal

MISSING = "—"  # an incomplete node has no Value yet


def format_number(x: float) -> str:
    """Four decimals like draw_dot; big or tiny numbers switch to scientific notation."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0.0 and (abs(x) >= 1e6 or abs(x) < 1e-4):
        return f"{x:.3e}"
    return f"{x:.4f}"


def is_bad(x: float | None) -> bool:
    return x is not None and not math.isfinite(x)


def parse_number(text: str) -> float:
    """A number typed by the user. Only ``float()`` is used: text is never evaluated."""
    cleaned = text.strip().replace("−", "-")
    if "," in cleaned and "." not in cleaned:  # a decimal comma, as many locales type it
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a number") from None


def nudged(value: float, step: float) -> float:
    """``value + step`` as the learner reads it: 2 − 0.01 is 1.99, not 1.9899999999999998.

    Both numbers are taken as the decimals they print as (``repr``, the shortest text that
    reads back to the same float) and added exactly with ``decimal``; the result is the float
    nearest that sum. So the inspector shows exactly the number stored, without noise, and
    digits the learner typed (6.8813735870195432) are all kept; plain float addition would be
    at most one rounding away, and ``round(…, n)`` would cut typed digits."""
    if not (math.isfinite(value) and math.isfinite(step)):
        return value + step
    total = Decimal(repr(float(value))) + Decimal(repr(float(step)))
    return float(total)
