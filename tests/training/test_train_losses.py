"""Losses: the numpy form equals the Value graph, gradients match backward and central
differences; the learning-rate schedule is micrograd's formula; mini-batches are its draws."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.engine import Value
from mgstudio.training import ConfigError, LearningRate
from mgstudio.training.losses import LOSSES, accuracy, array_loss, l2_penalty, value_loss
from mgstudio.training.optim import minibatch, sgd_update

finite = st.floats(-5, 5, allow_nan=False)


def _batch():
    pairs = st.lists(st.tuples(finite, st.sampled_from([-1.0, 1.0])), min_size=1, max_size=12)
    return pairs.map(lambda rows: tuple(np.array(col) for col in zip(*rows)))


@pytest.mark.parametrize("name", LOSSES)
@given(batch=_batch())
def test_array_loss_equals_the_value_graph_and_its_backward(name, batch):
    scores, y = batch
    svals = [Value(float(s)) for s in scores]
    total = value_loss(name, svals, y)
    total.backward()
    loss, dscores = array_loss(name, scores, y)
    assert loss == pytest.approx(total.data, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(dscores, [v.grad for v in svals], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", LOSSES)
@given(batch=_batch())
def test_array_loss_gradient_matches_central_differences(name, batch):
    scores, y = batch
    # keep hinge away from its kink, where the derivative does not exist
    scores = np.where(np.abs(1 - y * scores) < 1e-3, scores + 0.01, scores)
    _, d = array_loss(name, scores, y)
    h = 1e-6
    for i in range(len(scores)):
        up, down = scores.copy(), scores.copy()
        up[i] += h
        down[i] -= h
        numeric = (array_loss(name, up, y)[0] - array_loss(name, down, y)[0]) / (2 * h)
        assert d[i] == pytest.approx(numeric, rel=1e-5, abs=1e-7)


def test_closed_forms():
    scores, y = np.array([0.5, -2.0, 3.0]), np.array([1.0, -1.0, -1.0])
    # hinge: relu(1 - 0.5) = 0.5, relu(1 - 2) = 0, relu(1 + 3) = 4
    assert array_loss("hinge", scores, y)[0] == pytest.approx(4.5 / 3)
    assert array_loss("mse-sum", scores, y)[0] == pytest.approx(0.25 + 1 + 16)
    assert array_loss("mse", scores, y)[0] == pytest.approx((0.25 + 1 + 16) / 3)
    assert accuracy(scores, y) == pytest.approx(2 / 3)


@given(st.lists(finite, min_size=1, max_size=30), st.floats(0, 1))
def test_l2_penalty_equals_the_value_graph(p, alpha):
    p = np.array(p)
    params = [Value(float(x)) for x in p]
    total = value_loss("mse-sum", [Value(0.0)], [0.0], params, alpha)
    total.backward()
    reg, dreg = l2_penalty(p, alpha)
    assert reg == pytest.approx(total.data, rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(dreg, [v.grad for v in params], rtol=1e-12, atol=1e-300)


def test_linear_decay_is_micrograds_formula_exactly():
    lr = LearningRate(1.0, 0.1, 100)
    for k in range(100):
        assert lr(k) == 1.0 - 0.9 * k / 100  # micrograd demo.ipynb, bit for bit
    assert lr(100) == lr(1000) == 0.1
    assert LearningRate(0.05)(0) == LearningRate(0.05)(10**6) == 0.05


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_learning_rate_must_be_positive_and_finite(bad):
    with pytest.raises(ConfigError, match="learning rate"):
        LearningRate(bad)
    with pytest.raises(ConfigError, match="final learning rate"):
        LearningRate(1.0, bad, 10)


def test_minibatch_draws_like_micrograd():
    np.random.seed(5)
    expected = [np.random.permutation(20)[:7] for _ in range(3)]
    rng = np.random.RandomState(5)
    got = [minibatch(20, 7, rng) for _ in range(3)]
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(e, g)
    assert minibatch(20, None, rng) is None


def test_sgd_update_in_place():
    p = np.array([1.0, 2.0])
    view = p[:]
    sgd_update(view, np.array([0.5, -1.0]), 0.1)
    np.testing.assert_allclose(p, [0.95, 2.1])
