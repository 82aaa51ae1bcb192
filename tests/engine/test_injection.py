"""``wrong_rule``: a replaced backward rule for one graph's nodes, restored on leaving."""

from __future__ import annotations

import threading

import pytest

from mgstudio.engine import OPS, Value
from mgstudio.engine.injection import wrong_rule


def _overwrite(n):
    n._a.grad = n.grad
    n._b.grad = n.grad


def _a_plus_a():
    a = Value(3.0, label="a")
    return a, a + a


def test_the_wrong_rule_runs_inside_the_block_and_the_true_one_after():
    a, b = _a_plus_a()
    with wrong_rule(b, "add", _overwrite) as wrong:
        assert wrong.name == "add" and wrong is not OPS["add"]
        b.backward()
        assert a.grad == 1.0  # overwritten: one path lost
    a.grad = 0.0
    b.backward()
    assert a.grad == 2.0  # the registry's rule again, on the same nodes
    assert b._rule is OPS["add"]


def test_the_registry_row_and_other_graphs_keep_the_true_rule():
    true_backward = OPS["add"].backward
    a, b = _a_plus_a()
    other_a, other_b = _a_plus_a()
    with wrong_rule(b, "add", _overwrite):
        assert OPS["add"].backward is true_backward
        other_b.backward()  # a graph outside the block, e.g. a training thread's
        assert other_a.grad == 2.0
        later_a = Value(1.5)
        later = later_a + later_a  # built while the block is open
        later.backward()
        assert later_a.grad == 2.0


def test_the_rule_is_restored_even_when_the_block_raises():
    a, b = _a_plus_a()
    with pytest.raises(RuntimeError, match="boom"):
        with wrong_rule(b, "add", _overwrite):
            raise RuntimeError("boom")
    assert b._rule is OPS["add"]
    b.backward()
    assert a.grad == 2.0


def test_a_rule_that_raises_is_restored_too():
    x = Value(0.5)
    y = x.tanh()

    def broken(_n):
        raise ZeroDivisionError("bad rule")

    with pytest.raises(ZeroDivisionError):
        with wrong_rule(y, "tanh", broken):
            y.backward()
    y.backward()
    assert x.grad == pytest.approx(1 - y.data**2, rel=1e-12)


def test_only_nodes_of_that_op_change_and_unknown_ops_are_refused():
    x = Value(2.0)
    y = (x * 3.0).tanh() + x
    with wrong_rule(y, "mul", lambda n: None):
        rules = {v._rule.name for v in y.topological_order() if v._rule is not None}
        assert rules == {"add", "tanh", "mul"}
        assert all(
            v._rule is OPS[v._rule.name]
            for v in y.topological_order()
            if v._rule is not None and v._rule.name != "mul"
        )
    with pytest.raises(KeyError):
        with wrong_rule(y, "no such op", lambda n: None):
            pass


def test_a_training_thread_meanwhile_sees_the_true_rule():
    # the same op, in another thread, while a replay's block is open
    results = []
    entered, done = threading.Event(), threading.Event()

    def train():
        entered.wait()
        p = Value(4.0)
        q = p + p
        q.backward()
        results.append(p.grad)
        done.set()

    thread = threading.Thread(target=train)
    thread.start()
    a, b = _a_plus_a()
    with wrong_rule(b, "add", _overwrite):
        entered.set()
        done.wait(30)
    thread.join(30)
    assert results == [2.0]


def test_with_backward_is_a_copy_and_registers_nothing():
    names = set(OPS)
    twin = OPS["exp"].with_backward(lambda n: None)
    assert set(OPS) == names and OPS["exp"] is not twin
    assert twin.fn is OPS["exp"].fn and twin.derivative == OPS["exp"].derivative
