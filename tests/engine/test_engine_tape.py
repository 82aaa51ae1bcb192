"""The Tape: the scalar engine's numbers over a batch, for every op and the layouts it uses."""

import dataclasses
import math
import random

import numpy as np
import pytest
from helpers.arrays import assert_close as _close
from helpers.tapes import shared_coefficient_block

from mgstudio.engine import MLP, OPS, Tape, Value
from mgstudio.engine.ops import FUNCTIONS


def _scalar_reference(outs, inputs, params, X, seed):
    Y = np.empty((len(X), len(outs)))
    pgrad = np.zeros(len(params))
    xgrad = np.zeros((len(X), len(inputs)))
    for i, row in enumerate(X):
        for v, x in zip(inputs, row):
            v.data = float(x)
        for k, out in enumerate(outs):
            Y[i, k] = out.recompute()
        for k, out in enumerate(outs):
            if seed[i, k] == 0.0:
                continue
            out.zero_grad()
            for v in inputs + params:
                v.grad = 0.0
            out.backward()
            pgrad += seed[i, k] * np.array([p.grad for p in params])
            xgrad[i] += seed[i, k] * np.array([v.grad for v in inputs])
    return Y, pgrad, xgrad


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_training_step_matches_the_scalar_engine(activation):
    random.seed(7)
    rng = np.random.default_rng(7)
    model = MLP(2, [16, 16, 1], activation=activation)
    xs = [Value(0.0, label="x1"), Value(0.0, label="x2")]
    y = Value(0.0, label="y")
    score = model(xs)
    loss = (1 + -y * score).relu()
    params = model.parameters()
    tape = Tape.compile(outputs=[loss, score], inputs=xs + [y], params=params)
    B = 50
    X = np.column_stack([rng.normal(size=(B, 2)), rng.choice([-1.0, 1.0], size=B)])
    seed = np.zeros((B, 2))
    seed[:, 0] = 1.0 / B
    Y = tape.forward(X)
    pgrad, xgrad = tape.backward(seed)
    ref_Y, ref_p, ref_x = _scalar_reference([loss, score], xs + [y], params, X, seed)
    _close(Y, ref_Y)
    _close(pgrad, ref_p)
    _close(xgrad, ref_x)


SPECIAL = [
    -math.inf,
    -1e200,
    -8.0,
    -1.0,
    -0.5,
    -0.0,
    0.0,
    1e-300,
    0.5,
    1.0,
    2.0,
    1000.0,
    math.inf,
    math.nan,
]


def _every_op_graphs():
    a, b = Value(0.0, label="a"), Value(0.0, label="b")
    outs = [
        a + b,
        a - b,
        a * b,
        a / b,
        -a,
        *(getattr(a, f)() for f in FUNCTIONS),  # every function of the op registry
        a**b,
        a**2,
        a**3,
        a**-1,
        a**0.5,
        a ** (1 / 3),
        a**400,
        a**0,
        2 - a,
        2 / a,
        2**a,
        a * 3.0,
        a + 1.5,
    ]
    return [a, b], outs


def test_every_op_over_special_values_matches_the_scalar_engine():
    inputs, outs = _every_op_graphs()
    assert {o.op.name for o in outs} == set(OPS)
    X = np.array([(x, y) for x in SPECIAL for y in SPECIAL])
    seed = np.ones((len(X), len(outs)))
    tape = Tape.compile(outputs=outs, inputs=inputs)
    Y = tape.forward(X)
    _pgrad, xgrad = tape.backward(seed)
    for k, out in enumerate(outs):  # one output at a time, so one op's nan stays its own
        ref_Y, _, ref_x = _scalar_reference([out], inputs, [], X, seed[:, [k]])
        _close(Y[:, k], ref_Y[:, 0])
        single = Tape.compile(outputs=[out], inputs=inputs)
        single.forward(X)
        _close(single.backward()[1], ref_x)
    exp = 5 + list(FUNCTIONS).index("exp")
    assert Y[SPECIAL.index(1000.0) * len(SPECIAL), exp] == math.inf  # exp(1000)


def test_params_as_coefficients_and_as_operands():
    x = Value(0.0, label="x")
    w, c = Value(1.5, label="w"), Value(-0.5, label="c")
    out = w * x + w * w + c.tanh() * x - 3.0 * x
    tape = Tape.compile(outputs=[out], inputs=[x], params=[w, c])
    X = np.array([[0.5], [-2.0], [3.0]])
    _close(tape.forward(X), _scalar_reference([out], [x], [w, c], X, np.ones((3, 1)))[0])
    pgrad, xgrad = tape.backward()
    ref = _scalar_reference([out], [x], [w, c], X, np.ones((3, 1)))
    _close(pgrad, ref[1])
    _close(xgrad, ref[2])
    # params are read from params_array, not from the Values
    tape.params_array[:] = [2.0, 0.0]
    _close(tape.forward(X)[:, 0], 2.0 * X[:, 0] + 4.0 - 3.0 * X[:, 0])
    tape.store_params(grads=[10.0, 20.0])
    assert (w.data, c.data, w.grad, c.grad) == (2.0, 0.0, 10.0, 20.0)
    w.data = 1.0
    tape.load_params()
    assert tape.params_array.tolist() == [1.0, 0.0]


def test_dense_blocks_with_shared_coefficients_signs_and_constants():
    outs, xs, p = shared_coefficient_block()
    tape = Tape.compile(outputs=outs, inputs=xs, params=p)
    X = np.random.default_rng(1).normal(size=(6, 5))
    seed = np.random.default_rng(2).normal(size=(6, 4))
    Y = tape.forward(X)
    pgrad, xgrad = tape.backward(seed)
    ref = _scalar_reference(outs, xs, p, X, seed)
    _close(Y, ref[0])
    _close(pgrad, ref[1])
    _close(xgrad, ref[2])


def test_outputs_that_are_leaves_repeated_or_inside_other_outputs():
    x, p = Value(0.0), Value(3.0)
    h = (x * x).tanh()
    out = h * p
    outs = [out, h, x, p, h]
    tape = Tape.compile(outputs=outs, inputs=[x], params=[p])
    X = np.array([[0.3], [-1.1]])
    seed = np.arange(10.0).reshape(2, 5)
    Y = tape.forward(X)
    pgrad, xgrad = tape.backward(seed)
    ref = _scalar_reference(outs, [x], [p], X, seed)
    _close(Y, ref[0])
    _close(pgrad, ref[1])
    _close(xgrad, ref[2])


def test_constants_are_read_at_compile_time():
    x, c = Value(0.0), Value(2.0)
    tape = Tape.compile(outputs=[(x * c).exp() + c], inputs=[x])
    c.data = 100.0
    _close(tape.forward(np.array([[1.0]])), [[math.exp(2.0) + 2.0]])


def test_evaluate_chunks_a_big_batch_and_leaves_backward_state_alone():
    random.seed(1)
    model = MLP(2, [8, 1])
    xs = [Value(0.0), Value(0.0)]
    score = model(xs)
    tape = Tape.compile(outputs=[score], inputs=xs, params=model.parameters())
    small = np.array([[0.1, 0.2], [0.3, -0.4]])
    tape.forward(small)
    before = tape.backward()
    grid = np.random.default_rng(0).uniform(-2, 2, size=(1001, 2))
    Y = tape.evaluate(grid, chunk_size=300)
    _close(Y, tape.evaluate(grid))
    for i in (0, 299, 300, 1000):
        xs[0].data, xs[1].data = grid[i]
        assert Y[i, 0] == pytest.approx(score.recompute(), rel=1e-12, abs=1e-12)
    after = tape.backward()
    _close(before[0], after[0])
    _close(before[1], after[1])


def test_clear_errors():
    x = Value(0.0)
    out = x.tanh()
    tape = Tape.compile(outputs=[out], inputs=[x])
    with pytest.raises(RuntimeError, match="forward"):
        tape.backward()
    with pytest.raises(ValueError, match=r"shape \(batch, 1\)"):
        tape.forward(np.zeros((3, 2)))
    tape.forward(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="seed"):
        tape.backward(np.ones((2, 1)))
    with pytest.raises(TypeError, match="Values"):
        Tape.compile(outputs=[1.0])
    with pytest.raises(ValueError, match="twice"):
        Tape.compile(outputs=[out], inputs=[x], params=[x])
    hand = Value(2.0, (x,), "f")
    with pytest.raises(ValueError, match="hand-built"):
        Tape.compile(outputs=[hand * 2.0], inputs=[x])
    with pytest.raises(TypeError, match="compile"):
        Tape()


def test_inputs_and_params_cut_the_graph():
    a = Value(1.0)
    h = a.exp()  # h is treated as an input: nothing below it is compiled
    out = h * h
    tape = Tape.compile(outputs=[out], inputs=[h])
    assert tape.n_nodes == 2
    _close(tape.forward(np.array([[3.0]])), [[9.0]])
    _close(tape.backward()[1], [[6.0]])


def test_an_empty_batch_gives_empty_results():
    x, p = Value(0.0), Value(2.0)
    tape = Tape.compile(outputs=[(x * p + x * x).tanh()], inputs=[x], params=[p])
    assert tape.forward(np.zeros((0, 1))).shape == (0, 1)
    pgrad, xgrad = tape.backward()
    assert pgrad.tolist() == [0.0] and xgrad.shape == (0, 1)
    assert tape.evaluate(np.zeros((0, 1))).shape == (0, 1)


def test_a_program_is_immutable_and_runtimes_share_it():
    """compiler -> Program -> Tape: two runtimes of one program keep their own parameters."""
    x, w = Value(0.0), Value(2.0)
    first = Tape.compile(outputs=[(w * x).tanh()], inputs=[x], params=[w])
    program = first.program
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.steps = ()
    with pytest.raises(ValueError):
        program.coefs[0] = 5.0  # read-only
    second = Tape(program)
    second.params_array[:] = [-1.0]
    X = np.array([[0.5]])
    assert first.forward(X)[0, 0] == math.tanh(1.0)
    assert second.forward(X)[0, 0] == math.tanh(-0.5)
    assert program.coefs[0] == 2.0
