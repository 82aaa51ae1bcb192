"""The tape batches work across nodes, not just samples: whole layers become matrix
products and long sums one step (the compiled program's steps, counted; the numbers are
checked against the scalar engine in tests/engine/test_engine_tape.py)."""

import dataclasses
import random

import numpy as np
from helpers.arrays import assert_close as _close
from helpers.tapes import shared_coefficient_block

from mgstudio.engine import MLP, Tape, Value
from mgstudio.engine.steps import Dense, Sums


def test_an_mlp_layer_runs_as_one_matrix_product():
    random.seed(7)
    model = MLP(2, [16, 16, 1], activation="tanh")
    xs = [Value(0.0, label="x1"), Value(0.0, label="x2")]
    y = Value(0.0, label="y")
    score = model(xs)
    loss = (1 + -y * score).relu()
    tape = Tape.compile(outputs=[loss, score], inputs=xs + [y], params=model.parameters())
    assert any(isinstance(s, Dense) for s in tape.program.steps)  # whole layers run as matmuls


def test_a_block_with_shared_coefficients_signs_and_constants_is_dense():
    outs, xs, p = shared_coefficient_block()
    tape = Tape.compile(outputs=outs, inputs=xs, params=p)
    assert any(isinstance(s, Dense) for s in tape.program.steps)


def test_long_sums_are_one_step():
    x = Value(0.0)
    w = [Value(float(i % 7) - 3.0) for i in range(20_000)]
    out = w[0] * x
    for wi in w[1:]:
        out = out + wi * x
    tape = Tape.compile(outputs=[out], inputs=[x], params=w)
    assert len(tape.program.steps) == 1 and isinstance(tape.program.steps[0], Sums)
    X = np.array([[1.0], [-2.0]])
    _close(tape.forward(X)[:, 0], sum(wi.data for wi in w) * X[:, 0])
    pgrad, xgrad = tape.backward()
    _close(pgrad, np.full(len(w), -1.0))
    _close(xgrad[:, 0], [sum(wi.data for wi in w)] * 2)


def test_matmuls_cut_into_column_chunks_give_the_same_numbers():
    random.seed(5)
    model = MLP(3, [8, 8, 2])
    xs = [Value(0.0) for _ in range(3)]
    outs = model(xs)
    X = np.random.default_rng(5).normal(size=(50, 3))
    whole = Tape.compile(outputs=outs, inputs=xs, params=model.parameters())
    program = Tape.compile(outputs=outs, inputs=xs, params=model.parameters()).program
    assert any(isinstance(s, Dense) for s in program.steps)
    # the same program with its matmuls cut as a big batch would cut them
    cut_steps = tuple(s.with_cols(7) if isinstance(s, Dense) else s for s in program.steps)
    cut = Tape(dataclasses.replace(program, steps=cut_steps))
    # BLAS may round a narrow product differently from a wide one: to the last bit or so
    np.testing.assert_allclose(cut.forward(X), whole.forward(X), rtol=1e-13, atol=1e-13)
    for a, b in zip(cut.backward(), whole.backward()):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)
