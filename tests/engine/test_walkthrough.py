"""The walkthrough's numbers, from closed forms and the seed text."""

import math

import pytest
from helpers.readme import README_PRINTS, readme_expression

from mgstudio.engine import Value


def test_readme_expression():
    g, a, b = readme_expression(Value)
    assert g.data == pytest.approx(24.70408163265306, abs=1e-9)
    assert a.grad == pytest.approx(138.83381924198252, abs=1e-9)
    assert b.grad == pytest.approx(645.5772594752186, abs=1e-9)
    assert (f"{g.data:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == README_PRINTS


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
    return a, b, c, e, d, f, L


def test_L_and_its_grads():
    a, b, c, e, d, f, L = _lecture_L()
    assert L.data == -8.0
    L.backward()
    assert (L.grad, d.grad, f.grad, c.grad, e.grad, a.grad, b.grad) == (
        1.0,
        -2.0,
        4.0,
        -2.0,
        -2.0,
        6.0,
        -4.0,
    )


def test_step_along_gradient_increases_L_in_place():
    a, b, c, e, d, f, L = _lecture_L()
    L.backward()
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    # the walkthrough rebuilds e, d, L; re-evaluating the same objects gives its number
    assert L.recompute() == pytest.approx(-7.286496, abs=1e-12)
    assert e.data == a.data * b.data


def _neuron():
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    n = x1w1 + x2w2 + b
    return x1, x2, w1, w2, b, n


def test_tanh_neuron():
    x1, x2, w1, w2, b, n = _neuron()
    o = n.tanh()
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-12)
    assert n.grad == pytest.approx(0.5, abs=1e-12)
    assert x1.grad == pytest.approx(-1.5, abs=1e-12)
    assert w1.grad == pytest.approx(1.0, abs=1e-12)
    assert x2.grad == pytest.approx(0.5, abs=1e-12)
    assert w2.grad == 0.0


def test_tanh_spelled_out_with_exp_gives_same_numbers():
    x1, x2, w1, w2, b, n = _neuron()
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-12)
    assert x1.grad == pytest.approx(-1.5, abs=1e-12)
    assert w1.grad == pytest.approx(1.0, abs=1e-12)


def test_reused_node_accumulates():
    a = Value(3.0, label="a")
    b = a + a
    b.backward()
    assert b.data == 6.0
    assert a.grad == 2.0
    assert b._prev == (a, a)


def test_lecture_manual_topological_backward():
    x1, x2, w1, w2, b, n = _neuron()
    o = n.tanh()
    o.grad = 1.0
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)
    for node in reversed(topo):
        node._backward()
    assert x1.grad == pytest.approx(-1.5)
    assert [round(v.data, 4) for v in topo] == [
        2.0,
        -3.0,
        -6.0,
        0.0,
        1.0,
        0.0,
        -6.0,
        6.8814,
        0.8814,
        0.7071,
    ]
    assert topo == o.topological_order()


def test_lecture_style_hand_built_backward_is_kept():
    a = Value(2.0)
    b = Value(5.0)
    out = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    out.backward()
    assert (a.grad, b.grad) == (5.0, 2.0)


def test_mlp_with_a_one_neuron_hidden_layer():
    import random

    from mgstudio.engine import MLP

    random.seed(0)
    model = MLP(2, [1, 3, 1], activation="tanh")
    out = model([Value(0.5), Value(-1.0)])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
