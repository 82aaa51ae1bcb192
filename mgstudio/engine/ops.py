"""The op table: every operation the engine knows, its forward rule next to its backward rule.

Each rule reads the node's operands (``node._a`` and ``node._b``: ``node._prev`` in order) and its
constant parameter (``node._param``, e.g. the exponent of ``x**2``). Nodes point at their shared
``Op`` object rather than carrying a closure, so building a graph creates no reference cycle
(micrograd's closures capture ``out`` and make every training step wait on the cyclic garbage
collector).
Tests may replace ``OPS[name].backward`` to inject a wrong gradient: nodes look the rule up
through their ``Op`` at call time.

All arithmetic follows IEEE semantics instead of raising: overflow gives ``inf``, undefined
results give ``nan``. The app shows these values; it must never crash on them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

INF = math.inf
NAN = math.nan


# --- IEEE-safe scalar functions -------------------------------------------------------------
def safe_div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:  # 0/0 and nan/0
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def _is_odd_integer(k: float) -> bool:
    return math.isfinite(k) and k == int(k) and int(k) % 2 == 1


def safe_pow(a: float, k: float) -> float:
    """``a ** k`` with C99 ``pow`` semantics (as numpy's ``power``), never raising."""
    if a < 0.0 and math.isfinite(a) and math.isfinite(k) and k != int(k):
        return NAN  # a real power of a negative base is undefined (Python would go complex)
    try:
        return float(a**k)
    except (ZeroDivisionError, OverflowError):  # 0 ** negative, or a result too large
        negative = math.copysign(1.0, a) < 0 and _is_odd_integer(k)
        return -INF if negative else INF


def safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def safe_log(x: float) -> float:
    if x > 0.0:
        return math.log(x)  # inf -> inf
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def safe_sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + safe_exp(-x))
    if x < 0.0:
        e = safe_exp(x)
        return e / (1.0 + e)
    return NAN


# --- the table ------------------------------------------------------------------------------
@dataclass(eq=False)
class Op:
    """One operation: how to compute a node from its operands and how to send its grad back.

    ``local(node)`` returns d(node)/d(operand) for each operand, in operand order; the
    step-through view and the gradient checker read it. ``backward(node)`` accumulates
    ``local * node.grad`` into each operand's grad (hand-written for speed on hot ops).
    """

    name: str
    symbol: str
    arity: int
    forward: Callable[..., float]
    local: Callable[..., tuple]
    backward: Callable[..., None] | None = None

    def __post_init__(self) -> None:
        if self.backward is None:
            self.backward = self._generic_backward

    def _generic_backward(self, node) -> None:
        g = node.grad
        local = self.local(node)
        node._a.grad += local[0] * g
        if self.arity == 2:
            node._b.grad += local[1] * g

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _add_backward(n) -> None:
    g = n.grad
    n._a.grad += g
    n._b.grad += g


def _mul_backward(n) -> None:
    a, b, g = n._a, n._b, n.grad
    a.grad += b.data * g
    b.grad += a.data * g


def _relu_backward(n) -> None:
    n._a.grad += (n.data > 0) * n.grad


def _tanh_backward(n) -> None:
    n._a.grad += (1.0 - n.data * n.data) * n.grad


def _pow_local(n):
    a, k = n._a.data, n._param
    return (k * safe_pow(a, k - 1),)


def _powv_local(n):
    a, b = n._a.data, n._b.data
    # d/db a**b = a**b * ln(a): defined for a > 0; a == 0 with b > 0 contributes 0
    if a == 0.0 and b > 0:
        db = 0.0
    else:
        db = n.data * safe_log(a)
    return (b * safe_pow(a, b - 1), db)


def _d0(n):
    return n._a.data


def _d1(n):
    return n._b.data


OPS: dict[str, Op] = {}


def _register(op: Op) -> Op:
    OPS[op.name] = op
    return op


ADD = _register(Op("add", "+", 2, lambda n: _d0(n) + _d1(n), lambda n: (1.0, 1.0), _add_backward))
SUB = _register(Op("sub", "-", 2, lambda n: _d0(n) - _d1(n), lambda n: (1.0, -1.0)))
MUL = _register(
    Op("mul", "*", 2, lambda n: _d0(n) * _d1(n), lambda n: (_d1(n), _d0(n)), _mul_backward)
)
DIV = _register(
    Op(
        "div",
        "/",
        2,
        lambda n: safe_div(_d0(n), _d1(n)),
        lambda n: (safe_div(1.0, _d1(n)), -safe_div(_d0(n), _d1(n) * _d1(n))),
    )
)
NEG = _register(Op("neg", "neg", 1, lambda n: -_d0(n), lambda n: (-1.0,)))
POW = _register(Op("pow", "**", 1, lambda n: safe_pow(_d0(n), n._param), _pow_local))
POWV = _register(Op("powv", "**", 2, lambda n: safe_pow(_d0(n), _d1(n)), _powv_local))
RELU = _register(
    Op(
        "relu",
        "ReLU",
        1,
        lambda n: 0.0 if _d0(n) < 0 else _d0(n),
        lambda n: (float(n.data > 0),),
        _relu_backward,
    )
)
TANH = _register(
    Op("tanh", "tanh", 1, lambda n: math.tanh(_d0(n)), lambda n: (1.0 - n.data**2,), _tanh_backward)
)
EXP = _register(Op("exp", "exp", 1, lambda n: safe_exp(_d0(n)), lambda n: (n.data,)))
LOG = _register(Op("log", "log", 1, lambda n: safe_log(_d0(n)), lambda n: (safe_div(1.0, _d0(n)),)))
SIGMOID = _register(
    Op(
        "sigmoid",
        "sigmoid",
        1,
        lambda n: safe_sigmoid(_d0(n)),
        lambda n: (n.data * (1.0 - n.data),),
    )
)
