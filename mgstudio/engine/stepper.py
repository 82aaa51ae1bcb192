"""Backpropagation one node at a time, for watching the chain rule work.

``BackwardStepper`` does what ``Value.backward()`` does, but stops after each node and records
what happened there: the upstream grad, each operand's local derivative and the product that
was added (``+=``) into the operand's grad. ``back()`` undoes a step exactly (grads are restored
from the record, not recomputed), so a learner can go back and forth.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .value import Value, topological_order


@dataclass(frozen=True)
class Contribution:
    operand: Value
    position: int  # which operand of the node (0 = first)
    local: float  # d node / d operand
    upstream: float  # node.grad when the step ran
    added: float  # local * upstream, added into operand.grad
    before: float  # operand.grad before the step
    after: float  # operand.grad after the step


@dataclass(frozen=True)
class Step:
    index: int
    node: Value
    contributions: tuple[Contribution, ...]

    def describe(self) -> str:
        """The step in plain words, for the step-through panel."""
        name = _name(self.node)
        if not self.contributions:
            return f"{name} is a leaf: it has no operands to pass its grad to."
        up = self.contributions[0].upstream
        lines = [f"{name} = {_formula(self.node)}; its grad is {up:.4g}."]
        rule = local_rule(self.node)
        if rule:
            lines.append(f"  (the local derivative rule: {rule})")
        for c in self.contributions:
            lines.append(
                f"  d{name}/d{_name(c.operand)} = {c.local:.4g}, so {_name(c.operand)}.grad "
                f"+= {c.local:.4g} × {c.upstream:.4g} = {c.added:.4g}  "
                f"({c.before:.4g} → {c.after:.4g})"
            )
        return "\n".join(lines)


def local_rule(node: Value) -> str:
    """The op's local derivative in words, from the op registry: ``'d/da = 1/b, d/db = −a/b²'``
    (operands named a, b as in the registry's texts); ``''`` for leaves and hand-built nodes."""
    op = node.op
    if op is None:
        return ""
    return ", ".join(f"d/d{'ab'[i]} = {text}" for i, text in enumerate(op.derivative))


def grad_line(
    name: str, parts: Sequence[tuple[str, float]], total: float | None, numbers: bool = True
) -> str:
    """The chain rule that gives one node's grad, in the lecture's words: every consumer's
    grad times the local derivative, summed: ``x1w1.grad = n.grad × 1 = 0.5``. ``parts`` are
    (consumer's name, local derivative) pairs; none is the output (its grad is 1). Without
    ``numbers`` the locals are named, not given (a hint): ``x1w1.grad = n.grad × dn/dx1w1``.
    The predict-the-gradient practice shows this line; the step-through's ``describe`` the
    same rule seen from the consumer's side."""
    if not parts:
        return f"{name}.grad = 1 (the output: d{name}/d{name} = 1)"
    if numbers:
        terms = [f"{consumer}.grad × {local:.4g}" for consumer, local in parts]
        line = f"{name}.grad = {' + '.join(terms)}"
        return line if total is None else f"{line} = {total:.4g}"
    terms = [f"{consumer}.grad × d{consumer}/d{name}" for consumer, _local in parts]
    return f"{name}.grad = {' + '.join(terms)}"


def forward_line(v: Value, name: Callable[[Value], str] | None = None) -> str:
    """How a node's data comes from its operands': ``n = x1w1x2w2 + b = -6 + 6.881 = 0.8814``
    (``name`` names a node; default its label)."""
    namer = name or _name
    if not v._prev:
        return f"{namer(v)} = {v.data:.4g} (a leaf: its data is given)"
    symbolic = _formula(v, namer)
    numeric = _formula(v, lambda c: f"{c.data:.4g}")
    return f"{namer(v)} = {symbolic} = {numeric} = {v.data:.4g}"


def _name(v: Value) -> str:
    return v.label or f"({v._op or 'leaf'} {v.data:.4g})"


def _formula(v: Value, name: Callable[[Value], str] = _name) -> str:
    names = [name(c) for c in v._prev]
    symbol = v._op
    if len(names) == 2:
        return f"{names[0]} {symbol} {names[1]}"
    if symbol.startswith("**"):
        return f"{names[0]}{symbol}"
    return f"{symbol}({', '.join(names)})"


class BackwardStepper:
    """Step-through backward from ``output``. Starts by zeroing every grad in the graph and
    setting ``output.grad = 1``, as a fresh ``zero_grad(); backward()`` would."""

    def __init__(self, output: Value, include_leaves: bool = False):
        self.output = output
        self.topo = topological_order([output])
        order = reversed(self.topo)
        self.order = [v for v in order if include_leaves or v._prev]
        self.history: list[Step] = []
        self.reset()

    def reset(self) -> None:
        for v in self.topo:
            v.grad = 0.0
        self.output.grad = 1.0
        self.history = []

    @property
    def position(self) -> int:
        return len(self.history)

    @property
    def done(self) -> bool:
        return self.position >= len(self.order)

    @property
    def current(self) -> Value | None:
        """The node the next ``step()`` will process."""
        return None if self.done else self.order[self.position]

    def step(self) -> Step | None:
        if self.done:
            return None
        node = self.order[self.position]
        contributions = []
        if node._prev and node.op is not None:
            up = node.grad
            for i, (operand, d) in enumerate(zip(node._prev, node.op.local(node))):
                before = operand.grad
                added = d * up
                operand.grad = before + added
                contributions.append(Contribution(operand, i, d, up, added, before, operand.grad))
        step = Step(self.position, node, tuple(contributions))
        self.history.append(step)
        return step

    def back(self) -> Step | None:
        """Undo the last step, restoring each operand's grad exactly."""
        if not self.history:
            return None
        step = self.history.pop()
        for c in reversed(step.contributions):
            c.operand.grad = c.before
        return step

    def run(self) -> None:
        while not self.done:
            self.step()
