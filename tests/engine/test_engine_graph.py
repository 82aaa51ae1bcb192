"""Graph mechanics: huge chains, no reference cycles, in-place recompute, micrograd's API."""

import gc
import math
import random
import sys
import weakref

import pytest
from helpers.readme import readme_expression

from mgstudio.engine import MLP, Value, topological_order


@pytest.fixture
def gc_paused():
    """Building a million nodes with the cyclic GC on mostly measures the GC; these tests are
    about depth, so they pause it."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def test_million_node_chain_at_the_default_recursion_limit(gc_paused):
    assert sys.getrecursionlimit() <= 1000  # micrograd's recursive sort dies at this depth
    x = Value(1.0, label="x")
    c = Value(0.5, label="c")
    v = x
    for _ in range(500_000):
        v = (v + c) * 1.0  # 1,000,000 op nodes (and 500,000 constants), each on the last
    v.backward()
    assert v.data == 250_001.0
    assert (x.grad, c.grad) == (1.0, 500_000.0)
    x.data = 2.0
    c.data = 0.25
    assert v.recompute() == 125_002.0
    assert len(v.topological_order()) == 2 + 1_000_000 + 500_000
    del v  # freeing a million-deep chain must not overflow the C stack either


def _mlp_graph():
    random.seed(0)
    model = MLP(3, [4, 4, 1])
    out = model([Value(1.0), Value(-2.0), Value(0.5)])
    loss = (out - 1.0) ** 2
    return model, loss


def test_no_reference_cycle_per_node():
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        model, loss = _mlp_graph()
        loss.backward()
        nodes = loss.topological_order()
        refs = [weakref.ref(v) for v in nodes]
        node_ids = {id(v) for v in nodes}
        del model, loss, nodes
        # freed by reference counting alone: nothing is left for the cyclic collector
        assert all(r() is None for r in refs)
        assert not any(id(o) in node_ids and isinstance(o, Value) for o in gc.get_objects())
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def test_lecture_style_hook_still_works_and_is_the_users_cycle():
    a, b = Value(2.0), Value(3.0)
    out = a * b
    calls = []
    out._backward = lambda: calls.append(1)
    out.backward()
    assert calls == [1] and a.grad == 0.0  # the hand-set hook replaced the engine's rule
    assert out.op.name == "mul"  # but the node still says what computed it


def test_recompute_keeps_the_same_objects():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a.tanh()
    topo = c.topological_order()
    ids = [id(v) for v in topo]
    a.data = 1.0
    c.recompute()
    assert [id(v) for v in c.topological_order()] == ids
    assert c.data == pytest.approx(-3.0 + math.tanh(1.0), rel=1e-15)


def test_prev_is_an_ordered_tuple_and_keeps_repeats():
    a, b = Value(1.0), Value(2.0)
    assert (a - b)._prev == (a, b)
    assert (b - a)._prev == (b, a)
    assert (a * a)._prev == (a, a)
    assert a.relu()._prev == (a,)
    assert a._prev == ()
    many = Value(0.0, (a, b, a), "f")
    assert many._prev == (a, b, a) and many._op == "f"
    assert topological_order([many]) == [a, b, many]


def test_symbols_and_labels():
    a = Value(2.0, label="a")
    assert a._op == "" and a.label == "a" and a.op is None and a.param is None
    p = a**2
    assert p._op == "**2" and p.param == 2.0 and p.op.name == "pow" and p.label == ""
    assert (a**0.5)._op == "**0.5"
    assert (a + a)._op == "+" and a.tanh()._op == "tanh" and a.relu()._op == "ReLU"
    p.label = "p"
    assert repr(p) == "Value(data=4.0, grad=0.0, label='p')"


def test_same_weights_and_outputs_as_pypi_micrograd():
    mg_nn = pytest.importorskip("micrograd.nn")
    mg_engine = pytest.importorskip("micrograd.engine")
    for seed in (0, 1337):
        random.seed(seed)
        ours = MLP(2, [16, 16, 1])
        random.seed(seed)
        theirs = mg_nn.MLP(2, [16, 16, 1])
        assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
        assert repr(ours) == repr(theirs)
        x = [0.3, -1.2]
        a = ours([Value(v) for v in x])
        b = theirs([mg_engine.Value(v) for v in x])
        assert a.data == b.data
        a.backward()
        b.backward()
        # micrograd keeps operands in a set, so grads may be summed in another order
        assert [p.grad for p in ours.parameters()] == pytest.approx(
            [p.grad for p in theirs.parameters()], rel=1e-12, abs=1e-15
        )


def test_readme_expression_matches_pypi_micrograd_bit_for_bit():
    mg_engine = pytest.importorskip("micrograd.engine")

    def expr(V):
        g, a, b = readme_expression(V)
        return g.data, a.grad, b.grad

    ours, theirs = expr(Value), expr(mg_engine.Value)
    assert ours == pytest.approx(theirs, rel=1e-14)
