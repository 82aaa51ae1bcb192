"""How a node shows its numbers: the lecture's ``data 0.0000`` records, inf/nan spelled out."""

from __future__ import annotations

import math

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
