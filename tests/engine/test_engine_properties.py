"""Random graphs (hypothesis): backward against central differences, the Tape against the
scalar engine."""

import math

import numpy as np
import pytest
from helpers.enginegen import build, leaf_values, recipes
from hypothesis import assume, given
from hypothesis import strategies as st

from mgstudio.engine import Tape, Value


def _well_conditioned(nodes_in_graph) -> bool:
    for v in nodes_in_graph:
        if not (math.isfinite(v.data) and abs(v.data) < 1e3):
            return False
        if v.op is not None and v.op.name == "relu" and abs(v._a.data) < 1e-3:
            return False  # too close to the kink for a finite difference
    return True


@given(recipe=recipes(), xs=leaf_values(3))
def test_backward_matches_central_differences(recipe, xs):
    leaves = [Value(x) for x in xs]
    _nodes, (out,) = build(recipe, leaves)
    topo = out.topological_order()
    assume(_well_conditioned(topo))
    out.backward()
    h = 1e-6
    for leaf in leaves:
        x = leaf.data
        leaf.data = x + h
        f_plus = out.recompute()
        leaf.data = x - h
        f_minus = out.recompute()
        leaf.data = x
        assume(_well_conditioned(topo))
        numeric = (f_plus - f_minus) / (2 * h)
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6)
    out.recompute()


def _scalar_batch(recipe, n_inputs, params, X, seed):
    """Per-sample scalar runs of the recipe: outputs, param grads summed over the batch, and
    input grads, for the given output seeds."""
    B = len(X)
    inputs = [Value(0.0) for _ in range(n_inputs)]
    _nodes, outs = build(recipe, inputs + params, out_count=seed.shape[1])
    Y = np.empty((B, len(outs)))
    pgrad = np.zeros(len(params))
    xgrad = np.zeros((B, n_inputs))
    for i in range(B):
        for v, x in zip(inputs, X[i]):
            v.data = x
        for k, out in enumerate(outs):
            out.recompute()
            Y[i, k] = out.data
        for k, out in enumerate(outs):
            out.zero_grad()
            for p in params + inputs:
                p.grad = 0.0
            out.backward()
            pgrad += seed[i, k] * np.array([p.grad for p in params])
            xgrad[i] += seed[i, k] * np.array([v.grad for v in inputs])
    return inputs, outs, Y, pgrad, xgrad


def _assert_close(a, b):
    scale = 1.0 + max(np.abs(a).max(initial=0), np.abs(b).max(initial=0))
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * scale)


@given(
    recipe=recipes(n_leaves=3, max_steps=14),
    p=st.floats(-2.0, 2.0),
    X=st.lists(leaf_values(2), min_size=1, max_size=5),
    n_out=st.integers(1, 2),
    data=st.data(),
)
def test_tape_matches_the_scalar_engine_on_random_graphs(recipe, p, X, n_out, data):
    assume(len(recipe) >= n_out)
    X = np.array(X, dtype=float)
    seed = np.array(data.draw(st.lists(leaf_values(n_out), min_size=len(X), max_size=len(X))))
    params = [Value(p)]
    inputs, outs, Y, pgrad, xgrad = _scalar_batch(recipe, 2, params, X, seed)
    assume(np.isfinite(Y).all() and np.isfinite(pgrad).all() and np.isfinite(xgrad).all())
    tape = Tape.compile(outputs=outs, inputs=inputs, params=params)
    _assert_close(tape.forward(X), Y)
    t_pgrad, t_xgrad = tape.backward(seed)
    _assert_close(t_pgrad, pgrad)
    _assert_close(t_xgrad, xgrad)


@given(
    K=st.integers(2, 6),
    M=st.integers(3, 6),
    data=st.data(),
)
def test_tape_layers_of_sums_match_the_scalar_engine(K, M, data):
    """Blocks of sums over the same operands (the matmul path): random signs, coefficients
    that are params, constants or shared, with or without a bias, any term order."""
    xs = [Value(0.0) for _ in range(M)]
    params = [Value(data.draw(st.floats(-2, 2))) for _ in range(3)]
    outs = []
    for _ in range(K):
        order = data.draw(st.permutations(range(M)))
        s = None
        for m in order:
            choice = data.draw(st.integers(0, 4))
            coef = params[choice] if choice < 3 else Value(0.5 * choice)  # param or constant
            term = coef * xs[m] if data.draw(st.booleans()) else xs[m] * coef
            if s is None:
                s = term
            elif data.draw(st.booleans()):
                s = s - term
            else:
                s = s + term
        if data.draw(st.booleans()):
            s = s + params[0]
        outs.append(s.tanh())
    X = np.array(data.draw(st.lists(leaf_values(M), min_size=1, max_size=4)))
    seed = np.array(data.draw(st.lists(leaf_values(K), min_size=len(X), max_size=len(X))))
    tape = Tape.compile(outputs=outs, inputs=xs, params=params)
    Y = tape.forward(X)
    pgrad, xgrad = tape.backward(seed)
    ref_Y = np.empty_like(Y)
    ref_p = np.zeros(len(params))
    ref_x = np.zeros_like(xgrad)
    for i, row in enumerate(X):
        for v, x in zip(xs, row):
            v.data = x
        for k, out in enumerate(outs):
            ref_Y[i, k] = out.recompute()
            out.zero_grad()
            for v in xs + params:
                v.grad = 0.0
            out.backward()
            ref_p += seed[i, k] * np.array([p.grad for p in params])
            ref_x[i] += seed[i, k] * np.array([v.grad for v in xs])
    _assert_close(Y, ref_Y)
    _assert_close(pgrad, ref_p)
    _assert_close(xgrad, ref_x)
