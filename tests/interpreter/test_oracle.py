"""The interpreter's numbers against Python running the same program (test-owned text, so
``exec`` is fine here): the PyPI ``micrograd`` package as the oracle, and the lecture's tanh
classes run by CPython with mgstudio's engine. Every Value reachable from the top-level
names is compared, data and grad, to 1e-12 relative."""

from __future__ import annotations

import io
import math
import sys
from contextlib import redirect_stdout

import micrograd.engine as pypi_engine
import micrograd.nn as pypi_nn
import pytest
from helpers.readme import README_CODE, README_PRINTS

from mgstudio.engine import Value as EngineValue
from mgstudio.interpreter import Instance, run_program

DEMO_MLP = """\
import random
from micrograd.nn import MLP
random.seed(1337)
n = MLP(3, [4, 4, 1])
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
for k in range(STEPS):
    ypred = [n(x) for x in xs]
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
    ZERO
    loss.backward()
    for p in n.parameters():
        p.data += -0.05 * p.grad
ypred = [n(x) for x in xs]
loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
loss.backward()
print(f"loss {loss.data:.6f}")
"""

LECTURE = """\
import random
random.seed(1337)

class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []

class Neuron(Module):
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        return self.w + [self.b]

class Layer(Module):
    def __init__(self, nin, nout):
        super().__init__()
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

n = MLP(3, [4, 4, 1])
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
for k in range(STEPS):
    ypred = [n(x) for x in xs]
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
    ZERO
    loss.backward()
    for p in n.parameters():
        p.data += -0.1 * p.grad
"""


def oracle(text: str, value_class: type, nn: object | None = None) -> dict:
    """``text`` run by CPython (test-owned code) with ``value_class`` as micrograd's Value."""
    modules = dict(sys.modules)
    engine = type(sys)("micrograd.engine")
    engine.Value = value_class
    sys.modules["micrograd.engine"] = engine
    if nn is not None:
        sys.modules["micrograd.nn"] = nn
    ns: dict = {"Value": value_class, "__name__": "__oracle__"}
    try:
        with redirect_stdout(io.StringIO()):
            exec(compile(text, "<oracle>", "exec"), ns)  # noqa: S102
    finally:
        sys.modules.clear()
        sys.modules.update(modules)
    return ns


def same(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)


def compare(ours: object, theirs: object, where: str, seen: set[int]) -> int:
    """Walk both values in parallel; returns how many Values were compared."""
    if id(ours) in seen:
        return 0
    seen.add(id(ours))
    if type(ours) is EngineValue:
        assert same(ours.data, theirs.data), (where, ours.data, theirs.data)
        assert same(ours.grad, theirs.grad), (where, ours.grad, theirs.grad)
        return 1
    if type(ours) is Instance:
        return sum(
            compare(v, getattr(theirs, k), f"{where}.{k}", seen) for k, v in ours.attrs.items()
        )
    if type(ours) in (list, tuple):
        assert len(ours) == len(theirs), where
        return sum(
            compare(a, b, f"{where}[{i}]", seen) for i, (a, b) in enumerate(zip(ours, theirs))
        )
    return 0


def check_all(text: str, value_class: type, nn: object | None = None) -> int:
    run = run_program(text)
    theirs = oracle(text, value_class, nn)
    count = 0
    for name, v in run.globals.items():
        if name in theirs:
            count += compare(v, theirs[name], name, set())
    return count


def test_readme_expression_matches_micrograd_and_its_published_numbers():
    run = run_program(README_CODE)
    assert tuple(run.log) == README_PRINTS  # its own prints, run as the README runs them
    assert check_all(README_CODE, pypi_engine.Value) == 7


@pytest.mark.parametrize("zero", ["n.zero_grad()", "pass"])
def test_the_micrograd_nn_training_loop_matches_the_package(zero):
    text = DEMO_MLP.replace("STEPS", "5").replace("ZERO", zero)
    # every parameter, every prediction and the loss
    assert check_all(text, pypi_engine.Value, pypi_nn) >= 41 + 4 + 1


class TanhValue(pypi_engine.Value):
    """micrograd's Value with the lecture's tanh (the package has relu only)."""

    def __add__(self, other):
        return _as(super().__add__(other))

    def __mul__(self, other):
        return _as(super().__mul__(other))

    def __pow__(self, other):
        return _as(super().__pow__(other))

    def tanh(self):
        t = math.tanh(self.data)
        out = TanhValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out


def _as(v):
    v.__class__ = TanhValue
    return v


@pytest.mark.parametrize("zero", ["n.zero_grad()", "pass"])
def test_the_lectures_classes_train_as_under_python(zero):
    text = LECTURE.replace("STEPS", "10").replace("ZERO", zero)
    assert check_all(text, TanhValue) >= 41 + 4 + 1


def test_one_hundred_steps_finish_well_within_the_budget():
    run = run_program(DEMO_MLP.replace("STEPS", "100").replace("ZERO", "n.zero_grad()"))
    assert run.log[-1].startswith("loss ")
    assert run.steps < 200_000  # a deterministic count, not a time
