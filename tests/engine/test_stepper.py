import pytest

from mgstudio.engine import Value
from mgstudio.engine.stepper import BackwardStepper


def _lecture_L():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return a, b, c, d, e, f, L


def test_steps_follow_the_walkthrough_order_and_values():
    a, b, c, d, e, f, L = _lecture_L()
    s = BackwardStepper(L)
    assert L.grad == 1.0 and a.grad == 0.0
    first = s.step()
    assert first.node is L
    assert [(x.operand.label, x.added) for x in first.contributions] == [("d", -2.0), ("f", 4.0)]
    second = s.step()
    assert second.node is d
    assert [(x.operand.label, x.added) for x in second.contributions] == [("e", -2.0), ("c", -2.0)]
    third = s.step()
    assert third.node is e
    assert [(x.operand.label, x.added) for x in third.contributions] == [("a", 6.0), ("b", -4.0)]
    assert s.done and s.step() is None
    assert "a.grad += -3 × -2 = 6" in third.describe()


def test_stepper_matches_backward_and_back_restores_exactly():
    a, b, c, d, e, f, L = _lecture_L()
    s = BackwardStepper(L)
    s.run()
    stepped = [v.grad for v in (a, b, c, d, e, f)]
    s.back()
    assert (a.grad, b.grad) == (0.0, 0.0)
    s.back()
    s.back()
    assert s.back() is None
    assert [v.grad for v in (a, b, c, d, e, f)] == [0.0] * 6
    L.zero_grad()
    L.backward()
    assert stepped == [v.grad for v in (a, b, c, d, e, f)]


def test_reused_node_shows_two_contributions_adding_to_two():
    b = Value(3.0, label="b")
    a = b + b
    a.label = "a"
    s = BackwardStepper(a)
    step = s.step()
    assert [x.added for x in step.contributions] == [1.0, 1.0]
    assert [(x.before, x.after) for x in step.contributions] == [(0.0, 1.0), (1.0, 2.0)]
    assert b.grad == 2.0


def test_include_leaves_and_reset():
    a, b, c, d, e, f, L = _lecture_L()
    s = BackwardStepper(L, include_leaves=True)
    assert len(s.order) == 7
    s.run()
    assert a.grad == 6.0
    s.reset()
    assert a.grad == 0.0 and L.grad == 1.0 and s.position == 0


@pytest.mark.parametrize("x", [0.5, -1.3, 2.0])
def test_stepper_agrees_with_backward_on_functions(x):
    v = Value(x, label="x")
    out = (v.tanh() * v.exp() + v.sigmoid() / (v * v + 1)) ** 2
    BackwardStepper(out).run()
    stepped = v.grad
    out.zero_grad()
    out.backward()
    assert stepped == pytest.approx(v.grad, rel=1e-12)
