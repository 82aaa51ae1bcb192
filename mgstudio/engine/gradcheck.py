"""Numerical gradient check: central differences for every leaf of a graph, re-evaluated in
place with ``recompute``, against the grads one ``backward`` computes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .value import Value, recompute, topological_order, zero_grad


@dataclass
class GradcheckRow:
    leaf: Value
    label: str
    analytic: float
    numeric: float
    rel_error: float
    ok: bool


@dataclass
class GradcheckReport:
    rows: list[GradcheckRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        lines = [f"{'leaf':<12} {'analytic':>14} {'numeric':>14} {'rel. error':>10}"]
        for r in self.rows:
            mark = "" if r.ok else "  <-- mismatch"
            lines.append(f"{r.label:<12} {r.analytic:>14.6g} {r.numeric:>14.6g} "
                         f"{r.rel_error:>10.2e}{mark}")
        return "\n".join(lines)


def _rel_error(a: float, n: float) -> float:
    scale = max(abs(a), abs(n))
    if scale == 0.0:
        return 0.0
    return abs(a - n) / scale


def gradcheck(output: Value, leaves=None, h: float = 1e-6, rtol: float = 1e-5,
              atol: float = 1e-8) -> GradcheckReport:
    """Compare ``output``'s backward grads with central differences ``(f(x+h)-f(x-h))/2h``
    for each leaf (default: every leaf of the graph). A row is ok when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. Leaves' data are restored; grads are
    left as one fresh backward computed them."""
    topo = topological_order([output])
    if leaves is None:
        leaves = [v for v in topo if not v._prev]
    zero_grad(topo)
    output.backward()
    analytic = [leaf.grad for leaf in leaves]
    report = GradcheckReport()
    for leaf, a in zip(leaves, analytic):
        x = leaf.data
        try:
            leaf.data = x + h
            recompute(topo)
            f_plus = output.data
            leaf.data = x - h
            recompute(topo)
            f_minus = output.data
        finally:
            leaf.data = x
        numeric = (f_plus - f_minus) / (2 * h)
        ok = math.isclose(a, numeric, rel_tol=0.0, abs_tol=atol + rtol * abs(numeric))
        label = leaf.label or f"leaf {len(report.rows)}"
        report.rows.append(GradcheckRow(leaf, label, a, numeric, _rel_error(a, numeric), ok))
    recompute(topo)
    return report
