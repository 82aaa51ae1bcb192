"""Misconception replays: the wrong way and the right way, side by side, on real Values (no Qt).

Every number here is computed when the replay is asked for, by the engine: the wrong side
runs a graph's backward with one op's backward rule replaced (``engine.injection.wrong_rule``,
scoped to that graph, restored on leaving) or with a wrong walk (a naive recursion), or a real
training run with ``zero_grad`` off (``training.Trainer``). The words around the numbers are
formatted from them, so they cannot drift from what the engine did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mgstudio.engine import Value
from mgstudio.engine.injection import wrong_rule
from mgstudio.engine.registry import Node
from mgstudio.engine.stepper import BackwardStepper
from mgstudio.training.errors import TrainingError
from mgstudio.training.presets import preset
from mgstudio.training.trainer import Trainer

#: the zero_grad replay's run: the lecture's walkthrough network and its 4 samples
CURVE_STEPS = 50


@dataclass(frozen=True)
class Row:
    label: str
    data: float
    grad: float


@dataclass(frozen=True)
class Side:
    title: str
    code: str  # the lines that differ, as a learner would write them
    rows: tuple[Row, ...] = ()
    losses: tuple[float, ...] = ()  # a loss curve (the zero_grad replay)


@dataclass(frozen=True)
class Frame:
    """One node visited by a backward walk: the grads right after it."""

    node: str
    rows: tuple[Row, ...]
    note: str


@dataclass(frozen=True)
class Replay:
    key: str
    title: str
    why: str
    wrong: Side
    right: Side
    #: the walks step by step (the recursion replay): wrong's frames, right's frames
    frames: tuple[tuple[Frame, ...], tuple[Frame, ...]] = ((), ())


def rows(values: Iterable[Value]) -> tuple[Row, ...]:
    return tuple(Row(v.label, v.data, v.grad) for v in values)


def _g(x: float) -> str:
    return f"{x:.4g}"


def _named(label: str, v: Value) -> Value:
    v.label = label
    return v


# --- b = a + a: overwriting instead of accumulating -----------------------------------------
def _overwrite_add(n: Node) -> None:
    # the bug: ``=`` where the chain rule needs ``+=``; with b = a + a the second write
    # replaces the first instead of adding to it
    n._a.grad = n.grad
    n._b.grad = n.grad


def add_twice() -> Replay:
    def graph() -> tuple[Value, Value]:
        a = Value(3.0, label="a")
        return a, _named("b", a + a)

    a1, b1 = graph()
    with wrong_rule(b1, "add", _overwrite_add):
        b1.backward()
    a2, b2 = graph()
    b2.backward()
    why = (
        f"b = a + a uses a twice, so db/da = 1 + 1 = 2. Writing each operand's grad with "
        f"'=' makes the second write replace the first: a.grad = {_g(a1.grad)}. "
        f"Accumulating with '+=' adds both paths: a.grad = {_g(a2.grad)}."
    )
    return Replay(
        "add_twice",
        "b = a + a: = instead of +=",
        why,
        Side("self.grad = out.grad  (overwrites)", "a.grad = b.grad; a.grad = b.grad",
             rows([a1, b1])),
        Side("self.grad += out.grad  (accumulates)", "a.grad += b.grad; a.grad += b.grad",
             rows([a2, b2])),
    )  # fmt: skip


# --- backward() twice -------------------------------------------------------------------------
def _lecture_graph() -> dict[str, Value]:
    """The lecture's first graph: L = (a*b + c) * f."""
    a, b, c, f = (
        Value(2.0, label="a"),
        Value(-3.0, label="b"),
        Value(10.0, label="c"),
        Value(-2.0, label="f"),
    )
    e = _named("e", a * b)
    d = _named("d", e + c)
    L = _named("L", d * f)
    return {v.label: v for v in (a, b, c, e, d, f, L)}


def backward_twice() -> Replay:
    once, twice = _lecture_graph(), _lecture_graph()
    once["L"].backward()
    twice["L"].backward()
    twice["L"].backward()  # no zero_grad in between
    f1, f2, a1, a2 = once["f"].grad, twice["f"].grad, once["a"].grad, twice["a"].grad
    why = (
        f"Grads accumulate, so a second backward() adds to what the first left: f.grad, fed "
        f"straight into L, doubles ({_g(f1)} → {_g(f2)}). Deeper nodes get even more: d, e and "
        f"c kept their first grads and pass them on again, so a.grad goes {_g(a1)} → "
        f"{_g(a2)}. Call zero_grad() before every backward()."
    )
    return Replay(
        "backward_twice",
        "backward() twice without zeroing",
        why,
        Side("L.backward() twice", "L.backward(); L.backward()", rows(twice.values())),
        Side("zero_grad, then backward() once", "L.zero_grad(); L.backward()",
             rows(once.values())),
    )  # fmt: skip


# --- zero_grad forgotten in the training loop --------------------------------------------------
def _losses(zero_grad: bool, steps: int) -> tuple[float, ...]:
    trainer = Trainer(preset("walkthrough", zero_grad=zero_grad, steps=steps, engine="scalar"))
    try:
        trainer.run()
    except TrainingError:
        pass  # a run that blew up: its records so far are the curve
    return tuple(float(r["loss"]) for r in trainer.history)


def forgotten_zero_grad(steps: int = CURVE_STEPS) -> Replay:
    wrong, right = _losses(False, steps), _losses(True, steps)
    why = (
        f"The lecture's loop on its 4 samples (MLP(3, [4, 4, 1]), learning rate 0.1, {steps} "
        f"steps). Without zero_grad each step's grads are added to all the earlier ones, so "
        f"the steps grow: the loss ends at {_g(wrong[-1])} (lowest {_g(min(wrong))}). "
        f"With p.grad = 0.0 before backward() it ends at {_g(right[-1])}."
    )
    return Replay(
        "zero_grad",
        "forgetting zero_grad in the training loop",
        why,
        Side("no zero_grad", "loss.backward()", losses=wrong),
        Side("zero_grad every step", "for p in params: p.grad = 0.0\nloss.backward()",
             losses=right),
    )  # fmt: skip


# --- a naive recursive backward ----------------------------------------------------------------
def _shared_graph() -> tuple[Value, list[Value]]:
    """L = c * d with d = c + a and c = a * b: c is used twice."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = _named("c", a * b)
    d = _named("d", c + a)
    L = _named("L", c * d)
    return L, [a, b, c, d, L]


def naive_backward(root: Value, visit: Callable[[Value], None] = lambda v: None) -> None:
    """The misconception: a node passes its grad down, then each operand does, depth first,
    each node once. A shared node may pass its grad on before all its consumers added to it."""
    seen: set[int] = set()

    def walk(v: Value) -> None:
        if id(v) in seen:
            return
        seen.add(id(v))
        v._backward()
        visit(v)
        for child in v._prev:
            walk(child)

    root.grad = 1.0
    walk(root)


def naive_recursion() -> Replay:
    L1, nodes1 = _shared_graph()
    wrong_frames: list[Frame] = []

    def record(v: Value) -> None:
        if v._prev:
            note = (
                f"{v.label} passes its grad {_g(v.grad)} to {', '.join(c.label for c in v._prev)}"
            )
            wrong_frames.append(Frame(v.label, rows(nodes1), note))

    naive_backward(L1, record)
    L2, nodes2 = _shared_graph()
    stepper = BackwardStepper(L2)
    right_frames = []
    while (step := stepper.step()) is not None:
        v = step.node
        note = f"{v.label} passes its grad {_g(v.grad)} to {', '.join(c.label for c in v._prev)}"
        right_frames.append(Frame(v.label, rows(nodes2), note))
    wrong_order = " → ".join(f.node for f in wrong_frames)
    right_order = " → ".join(f.node for f in right_frames)
    c1, c2 = nodes1[2], nodes2[2]
    why = (
        f"c feeds both d and L. The recursion visits {wrong_order}: c passes its grad on "
        f"while it holds only L's share ({_g(c1.grad - nodes1[3].grad)}), before d adds its "
        f"{_g(nodes1[3].grad)}, so a.grad = {_g(nodes1[0].grad)} and b.grad = "
        f"{_g(nodes1[1].grad)}. Reverse topological order ({right_order}) visits c only after "
        f"every node that uses it: c.grad = {_g(c2.grad)}, a.grad = {_g(nodes2[0].grad)}, "
        f"b.grad = {_g(nodes2[1].grad)}."
    )
    return Replay(
        "recursion",
        "a naive recursive backward",
        why,
        Side("recursion: each node, then its operands", "def walk(v): v._backward(); "
             "[walk(c) for c in v._prev]", rows(nodes1)),
        Side("reverse topological order", "for v in reversed(topo): v._backward()",
             rows(nodes2)),
        (tuple(wrong_frames), tuple(right_frames)),
    )  # fmt: skip


# --- tanh and exp: the output is right, the input in its place is the bug ---------------------
def _tanh_with_input(n: Node) -> None:
    x = n._a.data
    n._a.grad += (1.0 - x * x) * n.grad  # the bug: 1 − x² where 1 − tanh(x)² belongs


def _exp_with_input(n: Node) -> None:
    n._a.grad += n._a.data * n.grad  # the bug: x where exp(x) = out belongs


def _function_graphs() -> tuple[Value, Value]:
    n = Value(0.8813735870195432, label="n")
    x = Value(2.0, label="x")
    return _named("o", n.tanh()), _named("e", x.exp())


def output_or_input() -> Replay:
    o1, e1 = _function_graphs()
    with wrong_rule(o1, "tanh", _tanh_with_input):
        o1.backward()
    with wrong_rule(e1, "exp", _exp_with_input):
        e1.backward()
    o2, e2 = _function_graphs()
    o2.backward()
    e2.backward()
    n, x = o2._prev[0], e2._prev[0]
    why = (
        f"tanh'(x) = 1 − tanh(x)² = 1 − out², so a backward written with the output is right: "
        f"1 − {_g(o2.data)}² = {_g(n.grad)}. The bug is the input in the output's place: "
        f"1 − {_g(n.data)}² = {_g(o1._prev[0].grad)}. Likewise exp'(x) = exp(x) = out = "
        f"{_g(x.grad)}; using the input x gives {_g(e1._prev[0].grad)}."
    )
    return Replay(
        "output_or_input",
        "tanh and exp backward: output, not input",
        why,
        Side("the input in the output's place", "x.grad += (1 - x**2) * out.grad\n"
             "x.grad += x * out.grad", rows([o1._prev[0], o1, e1._prev[0], e1])),
        Side("written with the output", "x.grad += (1 - out.data**2) * out.grad\n"
             "x.grad += out.data * out.grad", rows([n, o2, x, e2])),
    )  # fmt: skip


REPLAYS: dict[str, Callable[[], Replay]] = {
    "add_twice": add_twice,
    "zero_grad": forgotten_zero_grad,
    "backward_twice": backward_twice,
    "recursion": naive_recursion,
    "output_or_input": output_or_input,
}
