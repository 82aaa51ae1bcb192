"""Issue 15's numbers: every program of tests/fixtures/programs (the lecture's cells and one
step of micrograd's demo.ipynb) run by the interpreter and by CPython with the PyPI micrograd
package (tests/helpers/oracle.py) give the same top-level names, and every Value reachable
from them has the same data and grad to 1e-12 relative; printed lines agree too. Closed forms
pin the numbers the lecture and the README publish."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from helpers.moons import FIXTURE, demo_program
from helpers.oracle import compare_runs, engine_oracle, oracle, same, same_lines

from mgstudio.interpreter import run_program

PROGRAMS = Path(__file__).parent.parent / "fixtures" / "programs"

# the fewest Values each program must have compared (a walk that silently skipped would pass)
AT_LEAST = {
    "readme.py": 7,  # a b c d e f g
    "neuron_tanh.py": 10,
    "neuron_class.py": 4,  # 2 weights, the bias, out
    "own_value_class.py": 11,  # x1 x2 w1 w2 b x1w1 x2w2 x1w1x2w2 n e o
    "mlp_loss.py": 41 + 4 + 1,  # parameters, predictions, loss
    "train_without_zero_grad.py": 41 + 4 + 1,
    "train_with_zero_grad.py": 41 + 4 + 1,
    "nn_mlp.py": 41 + 4 + 1,
    "demo_step.py": 337 + 1,  # the parameters and the total loss
}


# micrograd against itself: its ``_prev`` is a set, so the order its backward sums grads in
# follows the nodes' addresses and changes from run to run. Without zero_grad the 20 steps
# diverge and amplify those last bits: two runs of the package disagreed by 4.3e-11 on that
# program's Values (the interpreter by 9.1e-11; against CPython on mgstudio's engine it is
# exact, test_the_interpreter_does_the_engines_operations_exactly). 1e-12 everywhere else.
REL = {"train_without_zero_grad.py": 1e-9}


def load(name: str) -> str:
    return (PROGRAMS / name).read_text()


def test_every_fixture_is_checked():
    assert sorted(p.name for p in PROGRAMS.glob("*.py")) == sorted(AT_LEAST)


@pytest.mark.parametrize("name", sorted(AT_LEAST))
def test_the_interpreter_computes_what_micrograd_computes(name):
    text = load(name)
    run = run_program(text)
    theirs, printed = oracle(text)
    rel = REL.get(name, 1e-12)
    assert compare_runs(run, theirs, rel).values >= AT_LEAST[name]
    same_lines(run.log, printed, rel)


# the program's own Value class is what CPython would run there, not the engine's
@pytest.mark.parametrize("name", sorted(set(AT_LEAST) - {"own_value_class.py"}))
def test_the_interpreter_does_the_engines_operations_exactly(name):
    text = load(name)
    run = run_program(text)
    theirs, printed = engine_oracle(text)
    walk = compare_runs(run, theirs)
    assert walk.values >= AT_LEAST[name]
    assert run.log == printed
    assert walk.worst == 0.0  # the same operations in the same order: the same bits


def test_the_readme_numbers():
    g = run_program(load("readme.py")).globals
    assert (f"{g['g'].data:.4f}", f"{g['a'].grad:.4f}", f"{g['b'].grad:.4f}") == (
        "24.7041",
        "138.8338",
        "645.5773",
    )


@pytest.mark.parametrize("name", ["neuron_tanh.py", "own_value_class.py"])
def test_the_neuron_of_the_lecture(name):
    g = run_program(load(name)).globals
    # b makes n = atanh(1/sqrt 2): o = 0.7071, do/dn = 1 - o**2 = 0.5
    assert same(g["n"].data, math.atanh(1 / math.sqrt(2)))
    assert same(g["o"].data, 1 / math.sqrt(2)) and f"{g['o'].data:.4f}" == "0.7071"
    expected = {"n": 0.5, "b": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    for leaf, grad in expected.items():
        assert math.isclose(g[leaf].grad, grad, rel_tol=1e-12, abs_tol=1e-15), leaf


def test_the_neuron_class_is_tanh_of_its_weighted_sum():
    g = run_program(load("neuron_class.py")).globals
    w, b = g["n"].attrs["w"], g["n"].attrs["b"]
    draws = random.Random(1337)
    assert [v.data for v in w] + [b.data] == [draws.uniform(-1, 1) for _ in range(3)]
    act = b.data + sum(wi.data * xi for wi, xi in zip(w, g["x"]))
    out = g["out"]
    assert same(out.data, math.tanh(act))
    assert same(b.grad, 1 - out.data**2)
    assert all(same(wi.grad, (1 - out.data**2) * xi) for wi, xi in zip(w, g["x"]))


def test_seed_1337_gives_the_weights_in_micrographs_order():
    # layer by layer, neuron by neuron: nin weights, then the lecture's random bias
    run = run_program(load("mlp_loss.py") + "\nparams = n.parameters()\n")
    draws = random.Random(1337)
    assert [p.data for p in run.globals["params"]] == [draws.uniform(-1, 1) for _ in range(41)]


def test_zero_grad_is_what_makes_the_difference():
    stale = run_program(load("train_without_zero_grad.py")).globals["loss"].data
    fresh = run_program(load("train_with_zero_grad.py")).globals["loss"].data
    assert not same(stale, fresh)


def test_the_demo_step_says_what_the_notebook_says():
    run = run_program(load("demo_step.py"))
    assert run.log[0].startswith("MLP of [Layer of [ReLUNeuron(2), ")
    assert run.log[1] == "number of parameters 337"
    assert run.log[2].startswith("step 0 loss ") and run.log[2].endswith("%")
    # the full-batch graph of the notebook's step: 100 samples through 337 parameters
    assert run.nodes > 60_000


def test_the_demo_fixture_holds_the_helpers_moons():
    assert FIXTURE.read_text() == demo_program(), "run: python -m tests.helpers.moons"
