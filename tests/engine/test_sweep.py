import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.engine import Value
from mgstudio.engine.sweep import slopes, sweep


def _f(x):
    return 3 * x**2 - 4 * x + 5


def test_walkthrough_f_at_3():
    x = Value(3.0, label="x")
    y = _f(x)
    assert y.data == 20.0
    s = slopes(x, y)
    assert s.analytic == pytest.approx(14.0, abs=1e-12)
    assert s.numeric == pytest.approx(14.0, abs=1e-3)  # 14.0003 with h = 1e-4
    assert (x.data, y.data) == (3.0, 20.0)  # put back


def test_sweep_matches_the_closed_form_and_restores():
    x = Value(3.0, label="x")
    y = _f(x)
    xs = [-5 + 0.25 * i for i in range(40)]
    ys = sweep(x, y, xs)
    assert ys == [3 * v**2 - 4 * v + 5 for v in xs]
    assert ys[0] == 100.0 and ys[-1] == 53.6875  # the walkthrough's printed array ends
    assert x.data == 3.0 and y.data == 20.0


def test_sweep_keeps_untouched_branches():
    x = Value(1.0)
    k = Value(2.0)
    other = k * 5
    y = x * other
    sweep(x, y, [0.0, 4.0])
    assert other.data == 10.0 and y.data == 10.0


@given(st.floats(-3, 3))
def test_numeric_and_analytic_slopes_agree(x0):
    x = Value(x0)
    y = (x.tanh() + x * x.exp()).sigmoid()
    s = slopes(x, y, h=1e-6)
    assert s.numeric == pytest.approx(s.analytic, rel=1e-3, abs=1e-5)
    assert math.isfinite(s.y)
