"""The interpreter's numbers against Python running the same program (test-owned text, so
``exec`` is fine here): the PyPI ``micrograd`` package as the oracle (its Value given the
lecture's tanh, tests/helpers/oracle.py). Every Value reachable from the top-level
names is compared, data and grad, to 1e-12 relative."""

from __future__ import annotations

import pytest
from helpers.oracle import compare_runs, oracle
from helpers.readme import README_CODE, README_PRINTS

from mgstudio.interpreter import run_program

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


def check_all(text: str) -> int:
    """The interpreter against CPython with the PyPI package (tests/helpers/oracle.py, whose
    Value adds the lecture's tanh): how many Values were compared."""
    theirs, _printed = oracle(text)
    return compare_runs(run_program(text), theirs).values


def test_readme_expression_matches_micrograd_and_its_published_numbers():
    run = run_program(README_CODE)
    assert tuple(run.log) == README_PRINTS  # its own prints, run as the README runs them
    assert check_all(README_CODE) == 7


@pytest.mark.parametrize("zero", ["n.zero_grad()", "pass"])
def test_the_micrograd_nn_training_loop_matches_the_package(zero):
    text = DEMO_MLP.replace("STEPS", "5").replace("ZERO", zero)
    # every parameter, every prediction and the loss
    assert check_all(text) >= 41 + 4 + 1


@pytest.mark.parametrize("zero", ["n.zero_grad()", "pass"])
def test_the_lectures_classes_train_as_under_python(zero):
    text = LECTURE.replace("STEPS", "10").replace("ZERO", zero)
    assert check_all(text) >= 41 + 4 + 1


def test_one_hundred_steps_finish_well_within_the_budget():
    run = run_program(DEMO_MLP.replace("STEPS", "100").replace("ZERO", "n.zero_grad()"))
    assert run.log[-1].startswith("loss ")
    assert run.steps < 200_000  # a deterministic count, not a time
