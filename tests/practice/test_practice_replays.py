"""Each misconception replay's numbers: computed by the engine, checked against micrograd
(PyPI), closed forms and central differences."""

from __future__ import annotations

import math

import micrograd.engine
import pytest

from mgstudio.engine import OPS
from mgstudio.practice.replays import REPLAYS, naive_recursion


def _grads(side):
    return {row.label: row.grad for row in side.rows}


def test_add_twice_wrong_gives_1_right_gives_2_as_micrograd_does():
    replay = REPLAYS["add_twice"]()
    assert _grads(replay.wrong)["a"] == 1.0
    assert _grads(replay.right)["a"] == 2.0
    a = micrograd.engine.Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == _grads(replay.right)["a"]
    assert "a.grad = 1" in replay.why and "a.grad = 2" in replay.why
    assert OPS["add"].backward.__name__ != "_overwrite_add"  # nothing left behind


def _lecture_in_micrograd():
    V = micrograd.engine.Value
    a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
    e = a * b
    d = e + c
    L = d * f
    return {"a": a, "b": b, "c": c, "e": e, "d": d, "f": f, "L": L}


def test_backward_twice_piles_grads_up_exactly_as_micrograd_does():
    replay = REPLAYS["backward_twice"]()
    twice, once = _grads(replay.wrong), _grads(replay.right)
    assert once == {"a": 6.0, "b": -4.0, "c": -2.0, "e": -2.0, "d": -2.0, "f": 4.0, "L": 1.0}
    assert twice["f"] == 2 * once["f"]  # the leaf fed straight into L: doubled
    assert twice["a"] == 24.0  # deeper: the inner grads were passed on again
    oracle = _lecture_in_micrograd()
    oracle["L"].backward()
    oracle["L"].backward()
    assert twice == {k: v.grad for k, v in oracle.items()}


def test_the_forgotten_zero_grad_diverges_while_zeroing_converges():
    replay = REPLAYS["zero_grad"]()
    wrong, right = replay.wrong.losses, replay.right.losses
    assert len(right) == len(wrong) == 50
    assert right[0] == wrong[0]  # the same start: one network, one seed
    assert right[-1] < 0.01 and right[-1] < right[0] / 100
    assert wrong[-1] > 1.0  # blown up: every output saturated on the wrong side
    assert min(wrong) < 0.01  # ... after having been low: the steps kept growing
    assert f"{wrong[-1]:.4g}" in replay.why and f"{right[-1]:.4g}" in replay.why


def test_the_naive_recursion_gets_the_shared_nodes_leaves_wrong():
    replay = naive_recursion()
    wrong, right = _grads(replay.wrong), _grads(replay.right)
    # L = c * d, d = c + a, c = a * b, a = 2, b = -3: closed forms
    a, b = 2.0, -3.0
    c = a * b
    d = c + a
    dc = d + c  # dL/dc through both paths
    assert right["a"] == pytest.approx(b * dc + c) == 24.0
    assert right["b"] == pytest.approx(a * dc) == -20.0
    assert wrong["a"] == 6.0 and wrong["b"] == -8.0
    # central differences agree with the right side
    h = 1e-6

    def L(a, b):
        c = a * b
        return c * (c + a)

    assert (L(a + h, b) - L(a - h, b)) / (2 * h) == pytest.approx(right["a"], rel=1e-6)
    wrong_frames, right_frames = replay.frames
    assert [f.node for f in wrong_frames] == ["L", "c", "d"]
    assert [f.node for f in right_frames] == ["L", "d", "c"]
    # step by step: right after c's visit in the recursion, c holds only L's share
    assert {r.label: r.grad for r in wrong_frames[1].rows}["c"] == d  # dL/dc via L only
    assert {r.label: r.grad for r in right_frames[-1].rows} == right


def test_tanh_and_exp_with_the_input_in_the_outputs_place():
    replay = REPLAYS["output_or_input"]()
    wrong, right = _grads(replay.wrong), _grads(replay.right)
    n, x = 0.8813735870195432, 2.0
    assert right["n"] == pytest.approx(1 - math.tanh(n) ** 2, rel=1e-12)
    assert right["n"] == pytest.approx(0.5)
    assert wrong["n"] == pytest.approx(1 - n**2, rel=1e-12)
    assert right["x"] == pytest.approx(math.exp(x), rel=1e-12)
    assert wrong["x"] == x
    assert "1 − out²" in replay.why and "0.2232" in replay.why and "7.389" in replay.why


def test_no_replay_leaves_a_wrong_rule_in_the_registry():
    before = {name: op.backward for name, op in OPS.items()}
    for make in REPLAYS.values():
        make()
    assert {name: op.backward for name, op in OPS.items()} == before
