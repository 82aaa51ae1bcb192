"""The op table: every operation the engine knows, one block each, its maths side by side.

A row (``registry.Op``) holds everything any part of mgstudio needs to know about an operation:

* ``fn``, the scalar forward on floats (``Value``'s methods call it), and ``forward(node)``;
* ``local(node)``, d(node)/d(operand) for each operand: the reference every other backward form
  is checked against (tests/engine/test_registry.py), and what the step-through view shows;
* ``fast_backward``, optional: the same rule hand-inlined for the hot ops (add, mul, relu,
  tanh), used as ``backward(node)``; without it, a generic backward from ``local`` is used;
* ``np_forward`` / ``np_local``: the same two rules over a block of rows, for the ``Tape``;
* what the app shows: ``derivative`` (the local derivative's text), ``hint`` (a sentence for
  the step-through panel), and for one-input functions ``method`` (the ``Value`` method, which
  the code importer and exporter read and write), ``title``/``glyph``/``doc`` (the palette's
  node kind) and ``activation`` (a neuron may apply it).

So adding a one-input function is one ``register(Op(...))`` block here plus its palette icon
(``resources/icons/kind-<name>.svg``): see CONTRIBUTING.md, "Adding an op".

Nodes point at their shared ``Op`` rather than carrying a closure, so building a graph creates no
reference cycle (micrograd's closures capture ``out`` and make every training step wait on the
cyclic garbage collector). Tests may replace ``OPS[name].backward`` (or ``local``, ``forward``)
to inject a wrong rule: nodes look the rule up through their ``Op`` at call time (the
misconception replays use ``injection.wrong_rule`` instead: one graph's nodes, for one block).

All arithmetic follows IEEE semantics instead of raising (see ``ieee.py``): overflow gives
``inf``, undefined results give ``nan``; the app shows them and never crashes on them.
"""

from __future__ import annotations

import math

import numpy as np

from .ieee import INF, NAN, np_sigmoid, safe, safe_div, safe_exp, safe_log, safe_pow, safe_sigmoid
from .registry import (
    FUNCTIONS,
    OPS,
    Array,
    Names,
    Node,
    Op,
    function_ops,
    register,
    subscribe,
    unregister,
)

__all__ = [
    "FUNCTIONS",
    "INF",
    "NAN",
    "OPS",
    "Names",
    "Op",
    "function_ops",
    "np_sigmoid",
    "register",
    "safe",
    "safe_div",
    "safe_exp",
    "safe_log",
    "safe_pow",
    "safe_sigmoid",
    "subscribe",
    "unregister",
]


# --- arithmetic -------------------------------------------------------------------------------
# (``Value``'s operators inline the forward of add, sub and mul; a test checks them against
# ``fn``. Their kinds are written out in document/kinds.py: ports and code differ per operator.)
def _add_backward(n: Node) -> None:
    g = n.grad
    n._a.grad += g
    n._b.grad += g


ADD = register(
    Op(
        "add",
        "+",
        2,
        lambda a, b: a + b,
        local=lambda n: (1.0, 1.0),
        fast_backward=_add_backward,
        np_forward=lambda A, B, K, out: np.add(A, B, out=out),
        np_local=lambda A, B, D, K: (1.0, 1.0),
        derivative=("1", "1"),
        hint="A plus node hands its grad to every input unchanged: its local derivatives are 1.",
        torch="{a} + {b}",
        in_micrograd=True,
    )
)
SUB = register(
    Op(
        "sub",
        "-",
        2,
        lambda a, b: a - b,
        local=lambda n: (1.0, -1.0),
        np_forward=lambda A, B, K, out: np.subtract(A, B, out=out),
        np_local=lambda A, B, D, K: (1.0, -1.0),
        derivative=("1", "−1"),
        hint="A minus node hands its grad on to the first input and its negative to the second.",
        torch="{a} - {b}",
        in_micrograd=True,
    )
)


def _mul_backward(n: Node) -> None:
    a, b, g = n._a, n._b, n.grad
    a.grad += b.data * g
    b.grad += a.data * g


MUL = register(
    Op(
        "mul",
        "*",
        2,
        lambda a, b: a * b,
        local=lambda n: (n._b.data, n._a.data),
        fast_backward=_mul_backward,
        np_forward=lambda A, B, K, out: np.multiply(A, B, out=out),
        np_local=lambda A, B, D, K: (B, A),
        derivative=("b", "a"),
        hint="A times node gives each input the other input's value times its own grad.",
        torch="{a} * {b}",
        in_micrograd=True,
    )
)
DIV = register(
    Op(
        "div",
        "/",
        2,
        safe_div,
        # -(a/b)/b, not -a/(b*b): b*b underflows to 0 for tiny b (0/0 = nan where 0 is right)
        local=lambda n: (
            safe_div(1.0, n._b.data),
            -safe_div(safe_div(n._a.data, n._b.data), n._b.data),
        ),
        np_forward=lambda A, B, K, out: np.divide(A, B, out=out),
        np_local=lambda A, B, D, K: (1.0 / B, -((A / B) / B)),
        derivative=("1/b", "−a/b²"),
        hint="a / b: the local derivative is 1/b for a and −a/b² for b.",
        torch="{a} / {b}",
        in_micrograd=True,
    )
)


def _power_rule(a: float, k: float) -> float:
    """d/da a**k = k·a**(k−1); for k = 0 it is 0 everywhere (a**0 is the constant 1), where the
    formula would give 0·0**−1 = nan at a = 0."""
    return 0.0 if k == 0.0 else k * safe_pow(a, k - 1)


def _np_power_rule(A: Array, K: Array) -> Array:
    return np.where(K == 0.0, 0.0, K * np.power(A, K - 1))


NEG = register(
    Op(
        "neg",
        "neg",
        1,
        lambda a: -a,
        local=lambda n: (-1.0,),
        np_forward=lambda A, B, K, out: np.negative(A, out=out),
        np_local=lambda A, B, D, K: (-1.0,),
        derivative=("−1",),
        hint="Negation flips the sign of the grad on its way back.",
        torch="-{a}",
        in_micrograd=True,
    )
)
POW = register(
    Op(
        "pow",
        "**",
        1,
        safe_pow,
        uses_param=True,
        local=lambda n: (_power_rule(n._a.data, n._param),),
        np_forward=lambda A, B, K, out: np.power(A, K, out=out),
        np_local=lambda A, B, D, K: (_np_power_rule(A, K),),
        derivative=("k·a^(k−1)",),
        hint="x**k has local derivative k·x^(k−1) (the power rule).",
        torch="{a} ** {k}",
        in_micrograd=True,
    )
)


def _powv_local(n: Node) -> tuple[float, float]:
    a, b = n._a.data, n._b.data
    # d/db a**b = a**b * ln(a): defined for a > 0; a == 0 with b > 0 contributes 0
    db = 0.0 if a == 0.0 and b > 0 else n.data * safe_log(a)
    return (_power_rule(a, b), db)


def _powv_np_local(A: Array, B: Array | None, D: Array, K: Array | None) -> tuple[Array, Array]:
    assert B is not None
    # where a == 0 < b the scalar rule takes 0 (numpy's 0 * log 0 would be nan)
    return (_np_power_rule(A, B), np.where((A == 0) & (B > 0), 0.0, D * np.log(A)))


POWV = register(
    Op(
        "powv",
        "**",
        2,
        safe_pow,
        local=_powv_local,
        np_forward=lambda A, B, K, out: np.power(A, B, out=out),
        np_local=_powv_np_local,
        derivative=("b·a^(b−1)", "a^b·ln(a)"),
        hint="a**b: the base gets b·a^(b−1), the exponent gets a^b·ln(a).",
        torch="{a} ** {b}",
    )
)


# --- one-input functions: each becomes a Value method and a palette node ------------------------
def _tanh_backward(n: Node) -> None:
    n._a.grad += (1.0 - n.data * n.data) * n.grad


TANH = register(
    Op(
        "tanh",
        "tanh",
        1,
        math.tanh,
        local=lambda n: (1.0 - n.data**2,),
        fast_backward=_tanh_backward,
        np_forward=lambda A, B, K, out: np.tanh(A, out=out),
        np_local=lambda A, B, D, K: (1.0 - D * D,),
        derivative=("1 − tanh(a)²",),
        hint="tanh has local derivative 1 − tanh², so it passes on less where it is flat.",
        torch="torch.tanh({a})",
        method="tanh",
        activation=True,
        title="tanh",
        doc="tanh(a), the lecture's neuron activation: squashes any number into (-1, 1). "
        "Its local derivative is 1 - tanh(a)**2.",
    )
)


def _relu_backward(n: Node) -> None:
    n._a.grad += (n.data > 0) * n.grad


RELU = register(
    Op(
        "relu",
        "ReLU",
        1,
        lambda a: 0.0 if a < 0 else a,
        local=lambda n: (float(n.data > 0),),
        fast_backward=_relu_backward,
        np_forward=lambda A, B, K, out: np.maximum(A, 0.0, out=out),  # keeps nan, as fn does
        np_local=lambda A, B, D, K: (D > 0,),  # bools multiply
        derivative=("1 if a > 0 else 0",),
        hint="relu passes the grad on where its input was positive and blocks it elsewhere.",
        torch="torch.relu({a})",
        method="relu",
        activation=True,
        in_micrograd=True,
        title="ReLU",
        doc="max(0, a). Backward lets the grad through where a > 0 and blocks it elsewhere.",
    )
)
EXP = register(
    Op(
        "exp",
        "exp",
        1,
        safe_exp,
        local=lambda n: (n.data,),
        np_forward=lambda A, B, K, out: np.exp(A, out=out),
        np_local=lambda A, B, D, K: (D,),
        derivative=("exp(a)",),
        hint="exp is its own derivative: the local derivative is the node's value.",
        torch="torch.exp({a})",
        method="exp",
        title="exp",
        doc="e ** a. Its local derivative is itself: exp(a).",
    )
)
LOG = register(
    Op(
        "log",
        "log",
        1,
        safe_log,
        local=lambda n: (safe_div(1.0, n._a.data),),
        np_forward=lambda A, B, K, out: np.log(A, out=out),
        np_local=lambda A, B, D, K: (1.0 / A,),
        derivative=("1/a",),
        hint="log has local derivative 1/x.",
        torch="torch.log({a})",
        method="log",
        title="log",
        doc="The natural logarithm of a (defined for a > 0). Its local derivative is 1/a.",
    )
)


def _np_sigmoid_into(A: Array, B: Array | None, K: Array | None, out: Array) -> None:
    out[...] = np_sigmoid(A)


SIGMOID = register(
    Op(
        "sigmoid",
        "sigmoid",
        1,
        safe_sigmoid,
        local=lambda n: (n.data * (1.0 - n.data),),
        np_forward=_np_sigmoid_into,
        np_local=lambda A, B, D, K: (D * (1.0 - D),),
        derivative=("s·(1 − s)",),
        hint="sigmoid has local derivative s·(1 − s).",
        torch="torch.sigmoid({a})",
        method="sigmoid",
        activation=True,
        title="sigmoid",
        glyph="σ",
        doc="1 / (1 + exp(-a)): squashes any number into (0, 1). "
        "Its local derivative is s * (1 - s).",
    )
)


def _softplus(x: float) -> float:
    if x != x:
        return NAN
    # max(x, 0) + log(1 + e^-|x|): never overflows (log(1 + e^x) would past x = 709)
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def _np_softplus_into(A: Array, B: Array | None, K: Array | None, out: Array) -> None:
    np.add(np.maximum(A, 0.0), np.log1p(np.exp(-np.abs(A))), out=out)


SOFTPLUS = register(
    Op(
        "softplus",
        "softplus",
        1,
        _softplus,
        local=lambda n: (safe_sigmoid(n._a.data),),
        np_forward=_np_softplus_into,
        np_local=lambda A, B, D, K: (np_sigmoid(A),),
        derivative=("sigmoid(a)",),
        hint="softplus is a smooth ReLU: its local derivative is sigmoid(a), never exactly 0.",
        method="softplus",
        torch="torch.nn.functional.softplus({a})",
        title="softplus",
        doc="log(1 + e ** a): a ReLU with the corner rounded off, so the grad never stops "
        "completely. Its local derivative is sigmoid(a).",
    )
)
