"""gradcheck: agrees with correct rules, catches a wrong one, leaves the graph as it was."""

import math
import random

import pytest

from mgstudio.engine import MLP, OPS, Value, gradcheck


def _neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    return [x1, x2, w1, w2, b], o


def test_correct_rules_pass_with_the_walkthrough_grads():
    leaves, o = _neuron()
    report = gradcheck(o)
    assert report.ok
    assert [r.label for r in report.rows] == ["x1", "w1", "x2", "w2", "b"]
    by_label = {r.label: r for r in report.rows}
    assert by_label["x1"].analytic == pytest.approx(-1.5, abs=1e-12)
    assert by_label["w1"].numeric == pytest.approx(1.0, rel=1e-6)
    assert all(r.rel_error < 1e-6 for r in report.rows)
    assert "w1" in str(report)


def test_a_wrong_tanh_gradient_is_caught(monkeypatch):
    def wrong(node):  # forgets the square in 1 - tanh**2
        node._a.grad += (1.0 - node.data) * node.grad

    monkeypatch.setattr(OPS["tanh"], "backward", wrong)
    leaves, o = _neuron()
    report = gradcheck(o)
    assert not report.ok
    bad = {r.label for r in report.rows if not r.ok}
    assert bad == {"x1", "w1", "x2", "b"}  # w2.grad = x2 * (...) = 0 either way
    assert "mismatch" in str(report)


def test_leaves_are_restored_and_grads_come_from_one_backward():
    leaves, o = _neuron()
    before = [v.data for v in o.topological_order()]
    for v in leaves:
        v.grad = 123.0  # stale grads must not leak into the result
    report = gradcheck(o)
    assert [v.data for v in o.topological_order()] == before
    assert [r.analytic for r in report.rows] == [r.leaf.grad for r in report.rows]
    assert leaves[0].grad == pytest.approx(-1.5, abs=1e-12)


def test_subset_of_leaves_and_an_mlp():
    random.seed(3)
    model = MLP(3, [4, 4, 1], activation="tanh")
    out = model([Value(0.5), Value(-1.0), Value(2.0)])
    loss = (out - 0.25) ** 2 + sum(p * p for p in model.parameters()) * 1e-3
    report = gradcheck(loss, leaves=model.parameters())
    assert report.ok and len(report.rows) == len(model.parameters())


def test_nan_gradients_are_reported_not_ok():
    x = Value(-1.0, label="x")
    report = gradcheck(x.log())
    assert not report.ok and math.isnan(report.rows[0].numeric)
