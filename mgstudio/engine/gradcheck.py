"""Numerical gradient check: central differences for every leaf of a graph, re-evaluated in
place with ``recompute``, against the grads one ``backward`` computes.

Nudging a leaf changes only the nodes downstream of it (its cone), so only those are
re-evaluated and then put back from a saved copy: on a 10,000-node graph that turns
leaves × nodes forward steps into the sum of the cones (``benchmarks/bench_gradcheck.py``).
``cone=False`` keeps the plain definition, a full re-evaluation per nudge, which the tests
compare against."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .value import Value, gc_paused, recompute, topological_order, zero_grad

#: a computed node and the forward rule that recomputes it
_Forward = tuple[Value, Callable[[Value], float]]


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
            lines.append(
                f"{r.label:<12} {r.analytic:>14.6g} {r.numeric:>14.6g} {r.rel_error:>10.2e}{mark}"
            )
        return "\n".join(lines)


def _rel_error(a: float, n: float) -> float:
    scale = max(abs(a), abs(n))
    if scale == 0.0:
        return 0.0
    return abs(a - n) / scale


def gradcheck(
    output: Value,
    leaves: Sequence[Value] | None = None,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    progress: Callable[[int, int], None] | None = None,
    cone: bool = True,
) -> GradcheckReport:
    """Compare ``output``'s backward grads with central differences ``(f(x+h)-f(x-h))/2h``
    for each leaf (default: every leaf of the graph). A row is ok when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. Leaves' data are restored; grads are
    left as one fresh backward computed them.

    ``progress(done, total)`` is called after each leaf; an exception it raises stops the
    check (the graph is put back first)."""
    topo = topological_order([output])
    if leaves is None:
        leaves = [v for v in topo if not v._prev]
    zero_grad(topo)
    output.backward()
    analytic = [leaf.grad for leaf in leaves]
    # every node's data as a full re-evaluation leaves it: the cones are nudged from there
    recompute(topo)
    report = GradcheckReport()
    # the cones' lists and sets make no reference cycles; a paused collector does not scan
    # the whole heap again and again while they come and go
    with gc_paused():
        cones = _Cones(topo) if cone else None
        _check_leaves(output, leaves, analytic, h, rtol, atol, topo, cones, report, progress)
    return report


def _check_leaves(
    output: Value,
    leaves: Sequence[Value],
    analytic: list[float],
    h: float,
    rtol: float,
    atol: float,
    topo: list[Value],
    cones: _Cones | None,
    report: GradcheckReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    total = len(leaves)
    try:
        for i, (leaf, a) in enumerate(zip(leaves, analytic)):
            numeric = _central_difference(output, leaf, h, topo, cones)
            ok = math.isclose(a, numeric, rel_tol=0.0, abs_tol=atol + rtol * abs(numeric))
            label = leaf.label or f"leaf {len(report.rows)}"
            report.rows.append(GradcheckRow(leaf, label, a, numeric, _rel_error(a, numeric), ok))
            if progress is not None:
                progress(i + 1, total)
    finally:
        if cones is None:
            recompute(topo)


def _central_difference(
    output: Value, leaf: Value, h: float, topo: list[Value], cones: _Cones | None
) -> float:
    x = leaf.data
    if cones is None:
        try:
            leaf.data = x + h
            recompute(topo)
            f_plus = output.data
            leaf.data = x - h
            recompute(topo)
            f_minus = output.data
        finally:
            leaf.data = x
        return (f_plus - f_minus) / (2 * h)
    steps = cones.of(leaf)
    saved = [v.data for v, _f in steps]
    try:
        leaf.data = x + h
        for v, f in steps:
            v.data = f(v)
        f_plus = output.data
        leaf.data = x - h
        for v, f in steps:
            v.data = f(v)
        f_minus = output.data
    finally:
        leaf.data = x
        for (v, _f), d in zip(steps, saved):
            v.data = d
    return (f_plus - f_minus) / (2 * h)


class _Cones:
    """What re-evaluates the nodes downstream of a node (itself included): ``(node, forward)``
    pairs in the graph's topological order, for nodes that compute their data (as
    ``recompute`` does, leaves and hand-built nodes keep theirs).

    At ~0.1 µs per forward step, finding the cone must cost less than the steps it saves. So
    the walk is over positions in ``topo`` (int sets and an int sort), and it gives up once
    the cone passes half of the computed nodes after the start: then every computed node from
    the start on is re-evaluated instead (a slice, no walk). The extra nodes are not
    downstream, so they compute exactly the data they already hold: the result is the same."""

    def __init__(self, topo: list[Value]) -> None:
        self.index = index = {v: i for i, v in enumerate(topo)}
        consumers: list[list[int]] = [[] for _ in topo]
        steps: list[_Forward | None] = []
        computed_at: list[int] = []  # positions of nodes with a forward rule
        computed: list[_Forward] = []  # their (node, forward) pairs
        for i, v in enumerate(topo):
            for c in dict.fromkeys(v._prev):
                consumers[index[c]].append(i)
            rule = v._rule
            forward = rule.forward if rule is not None else None
            step = None if forward is None else (v, forward)
            steps.append(step)
            if step is not None:
                computed_at.append(i)
                computed.append(step)
        self.consumers, self.steps = consumers, steps
        self.computed_at, self.computed = computed_at, computed

    def of(self, start: Value) -> list[_Forward]:
        i = self.index.get(start)
        if i is None:
            return []  # not in the graph: nudging it changes nothing the output reads
        first = bisect_left(self.computed_at, i)
        budget = (len(self.computed) - first) // 2
        consumers = self.consumers
        seen = {i}
        stack = [i]
        pop, push, add = stack.pop, stack.append, seen.add
        while stack:
            for c in consumers[pop()]:
                if c not in seen:
                    add(c)
                    push(c)
            if len(seen) > budget:
                return self.computed[first:]
        steps = self.steps
        return [step for j in sorted(seen) if (step := steps[j]) is not None]
