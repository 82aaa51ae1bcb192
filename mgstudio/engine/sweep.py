"""The walkthrough's first idea: a derivative is the slope you get by nudging an input.

``sweep`` evaluates the output while one leaf moves over a range (re-evaluating the same Value
objects in place, not rebuilding the graph); ``slopes`` gives, at the leaf's current value, the
analytic slope from backward and the walkthrough's numeric slope ``(f(x+h) - f(x)) / h``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .value import Value, recompute, topological_order


def _downstream_order(leaf: Value, output: Value) -> list[Value]:
    """The nodes between ``leaf`` and ``output`` that must be re-evaluated, in order."""
    topo = topological_order([output])
    depends: set[Value] = {leaf}
    order = []
    for v in topo:
        if v is not leaf and any(c in depends for c in v._prev):
            depends.add(v)
            order.append(v)
    return order


def sweep(leaf: Value, output: Value, xs: Iterable[float]) -> list[float]:
    """``output.data`` for each x in ``xs`` with ``leaf.data = x``; the leaf and graph are put
    back as they were."""
    order = _downstream_order(leaf, output)
    saved = leaf.data
    ys = []
    try:
        for x in xs:
            leaf.data = float(x)
            recompute(order)
            ys.append(output.data)
    finally:
        leaf.data = saved
        recompute(order)
    return ys


@dataclass(frozen=True)
class Slopes:
    x: float
    y: float
    analytic: float  # d output / d leaf from backward
    numeric: float  # (f(x + h) - f(x)) / h, as in the walkthrough
    h: float


def slopes(leaf: Value, output: Value, h: float = 1e-4) -> Slopes:
    """Slopes at the leaf's current value. Runs a fresh backward (grads are zeroed first)."""
    output.zero_grad()
    output.backward()
    x, y = leaf.data, output.data
    y_h = sweep(leaf, output, [x + h])[0]
    return Slopes(x, y, leaf.grad, (y_h - y) / h, h)
