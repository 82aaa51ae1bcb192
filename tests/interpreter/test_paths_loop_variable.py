"""A top-level name left holding a Value by a loop (``for p in n.parameters()``) does not
name it: the weight keeps its path (``L1.N0.b``) and its owner (the neuron holding it)."""

from __future__ import annotations

from mgstudio.interpreter import run_program

PROGRAM = """\
from micrograd.nn import MLP
import random
random.seed(0)
n = MLP(2, [2, 1])
for p in n.parameters():
    p.grad = 0.0
a = n.layers[0].neurons[0].w[0]
"""


def test_a_loops_leftover_name_does_not_name_the_last_weight():
    run = run_program(PROGRAM)
    last = run.globals["p"]
    assert last is run.globals["n"].attrs["layers"][1].attrs["neurons"][0].attrs["b"]
    assert run.name_of(last) == "L1.N0.b"
    assert run.owner_of(last) is run.globals["n"].attrs["layers"][1].attrs["neurons"][0]


def test_a_value_only_a_top_level_name_holds_is_named_after_it():
    run = run_program(
        "from micrograd.engine import Value\nx = [Value(1.0)][0]\nfor q in [x]:\n    pass\n"
    )
    assert run.name_of(run.globals["q"]) == "x"
    run = run_program("from micrograd.engine import Value\nfor q in [Value(2.0)]:\n    pass\n")
    assert run.name_of(run.globals["q"]) == "q"
