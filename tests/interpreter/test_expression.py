"""``run_expression``: a bare expression run by the interpreter, its free names input leaves.

Checked against the engine (the same Values built by hand) and central differences, and
against ``run_program``: only an expression's unknown names become leaves."""

from __future__ import annotations

import math

import pytest

from mgstudio.engine import Value
from mgstudio.interpreter import LimitReached, Limits, ProgramError, run_expression, run_program


def test_free_names_are_input_leaves_with_their_values():
    run, y = run_expression("3*x**2 - 4*x + 5", {"x": 3.0})
    assert type(y) is Value and y.data == 20.0
    leaves = [v for v in y.topological_order() if run.is_program_leaf(v)]
    assert [(v.label, v.data) for v in leaves] == [("x", 3.0)]  # x*x ... is one leaf, used twice
    y.backward()
    assert leaves[0].grad == 14.0  # 6x - 4
    _, zero = run_expression("3*x**2 - 4*x + 5")
    assert zero.data == 5.0  # an unset name is 0


def test_functions_as_on_paper_are_the_engines_methods():
    leaves = {"x": 0.5, "y": 2.0}
    _, got = run_expression("tanh(x) + exp(y) * sigmoid(x) - log(y) + relu(x)", leaves)
    x, y = Value(0.5), Value(2.0)
    want = x.tanh() + y.exp() * x.sigmoid() - y.log() + x.relu()
    assert got.data == want.data
    _, method = run_expression("x.tanh() * 2", leaves)
    _, call = run_expression("tanh(x) * 2", leaves)
    assert method.data == call.data == 2 * math.tanh(0.5)


def test_the_grads_match_central_differences():
    text = "tanh(a*b + c) * a - exp(c) / (b**2 + 1)"
    point = {"a": 0.7, "b": -1.3, "c": 0.2}
    run, out = run_expression(text, point)
    out.backward()
    grads = {v.label: v.grad for v in out.topological_order() if run.is_program_leaf(v)}
    h = 1e-6
    for name in point:
        up, down = dict(point), dict(point)
        up[name] += h
        down[name] -= h
        slope = (run_expression(text, up)[1].data - run_expression(text, down)[1].data) / (2 * h)
        assert grads[name] == pytest.approx(slope, rel=1e-6, abs=1e-8), name


def test_numbers_math_and_values():
    assert run_expression("2 * 3.5")[1] == 7.0  # no name: a plain number
    assert run_expression("math.pi * x", {"x": 2.0})[1].data == 2 * math.pi
    assert run_expression("Value(3.0) * x", {"x": 2.0})[1].data == 6.0


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "the expression is empty"),
        ("   \n", "the expression is empty"),
        ("3*x**", "line 1: this is not valid Python"),
        ("tanh(x, y)", "line 1: tanh(…) takes one argument"),
        ("exp(2.0) * x", "line 1: exp(…) needs a Value, not a float"),
        ("__import__('os')", "line 1: `__import__` is not available"),
        ("x.__class__", "line 1: `x.__class__` is not available"),
        ("1 / 0 + x", "line 1: division by zero"),
        ("x @ x", "line 1: the @ operator is not available"),
    ],
)
def test_refusals_name_the_line(text, said):
    with pytest.raises(ProgramError) as info:
        run_expression(text)
    assert str(info.value).startswith(said), str(info.value)


def test_budgets_hold():
    with pytest.raises(LimitReached):
        run_expression("2**2**2**2**2**2")
    with pytest.raises(LimitReached, match="steps"):
        run_expression("sum(x for _ in range(10**9))", limits=Limits(steps=10_000))


def test_a_leaf_value_must_be_a_number():
    with pytest.raises(ProgramError, match="the value of 'x' must be a number"):
        run_expression("x + 1", {"x": "3"})  # type: ignore[dict-item]


def test_a_program_still_refuses_an_unknown_name():
    """Free names are an expression's: a program's typo is an error, not a new input."""
    with pytest.raises(ProgramError, match="line 2: name 'c' is not defined"):
        run_program("a = Value(1.0)\nb = c + a\n")
    run_expression("c + 1")  # in between, an expression ran: nothing of it stays
    with pytest.raises(ProgramError, match="name 'c' is not defined"):
        run_program("b = c + 1\n")
