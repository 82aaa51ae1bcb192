"""Bad numbers give inf/nan (IEEE semantics), never an exception, forward or backward."""

import math

import pytest

from mgstudio.engine import Value

INF, NAN = math.inf, math.nan


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda: Value(1000.0).exp(), INF),
        (lambda: Value(1.0) / Value(0.0), INF),
        (lambda: Value(-1.0) / Value(0.0), -INF),
        (lambda: Value(1.0) / Value(-0.0), -INF),
        (lambda: Value(0.0) / Value(0.0), NAN),
        (lambda: Value(-1.0).log(), NAN),
        (lambda: Value(0.0).log(), -INF),
        (lambda: Value(1e6).tanh(), 1.0),
        (lambda: Value(-1e6).tanh(), -1.0),
        (lambda: Value(-8.0) ** (1 / 3), NAN),
        (lambda: Value(0.0) ** -1, INF),
        (lambda: Value(-0.0) ** -1, -INF),
        (lambda: Value(10.0) ** 400, INF),
        (lambda: Value(-10.0) ** 401, -INF),
        (lambda: Value(1e-300) ** -2, INF),  # the reciprocal overflows, it does not vanish
        (lambda: Value(1e-300) ** 2, 0.0),
        (lambda: Value(float("-inf")) ** 0.5, INF),  # C99 pow, as numpy
        (lambda: Value(-8.0) ** Value(1 / 3), NAN),
        (lambda: Value(10.0) ** Value(400.0), INF),
        (lambda: Value(-1000.0).sigmoid(), 0.0),
        (lambda: Value(1000.0).sigmoid(), 1.0),
        (lambda: Value(NAN).relu(), NAN),
        (lambda: Value(INF) - Value(INF), NAN),
    ],
)
def test_forward_gives_ieee_values_and_backward_never_raises(build, expected):
    out = build()
    assert _same(out.data, expected)
    out.backward()  # must not raise, whatever the grads become
    for v in out.topological_order():
        assert isinstance(v.grad, float)


def test_grads_through_bad_numbers_are_ieee_too():
    x = Value(0.0)
    y = x.log()
    y.backward()
    assert x.grad == INF  # d log(x)/dx = 1/x at 0
    a, b = Value(1.0), Value(0.0)
    q = a / b
    q.backward()
    assert a.grad == INF
    assert b.grad == -INF  # -a/b**2
    e = Value(1000.0)
    z = e.exp()
    z.backward()
    assert e.grad == INF


def test_tanh_of_huge_numbers_has_zero_slope():
    x = Value(1e6)
    y = x.tanh()
    y.backward()
    assert y.data == 1.0 and x.grad == 0.0


def test_reflected_forms():
    v = Value(4.0)
    assert (2 - v).data == -2.0
    assert (2 / v).data == 0.5
    assert (2**v).data == 16.0
    assert (2 + v).data == 6.0
    assert (2 * v).data == 8.0
    for out, grad in ((2 - v, -1.0), (2 / v, -2.0 / 16.0), (2**v, 16.0 * math.log(2.0))):
        v.grad = 0.0
        out.backward()
        assert v.grad == pytest.approx(grad, rel=1e-15)


def test_value_to_the_power_of_a_value():
    a, b = Value(2.0), Value(3.0)
    c = a**b
    c.backward()
    assert c.data == 8.0
    assert a.grad == 12.0  # b * a**(b-1)
    assert b.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)
    assert c._prev == (a, b) and c.op.name == "powv"


def test_zero_to_a_positive_value_power_has_zero_slope_in_the_exponent():
    a, b = Value(0.0), Value(2.0)
    c = a**b
    c.backward()
    assert (c.data, a.grad, b.grad) == (0.0, 0.0, 0.0)


def test_clear_type_errors():
    with pytest.raises(TypeError, match="Value data must be a real number or a Value, not str"):
        Value("x")
    with pytest.raises(TypeError, match="An exponent must be a real number or a Value, not str"):
        Value(2.0) ** "a"
    with pytest.raises(TypeError, match="already a Value"):
        Value(Value(1.0))
    with pytest.raises(TypeError, match="not str"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="not complex"):
        Value(1.0) * 1j
