"""The op registry is the one source of every op's maths: each hand-inlined copy (Value's
operators, the fast backward rules) and each other form (numpy) is checked against the row, and
the row's local derivative against central differences."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from helpers.budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.engine import OPS, Value
from mgstudio.engine.registry import Op

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-300, 1e300, -1e300, math.inf, -math.inf]
SPECIAL += [math.nan, 710.0, -745.0, 2.0**0.5]

# how a learner's code reaches each non-method op (Python's operators)
_OPERATORS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a, b: -a,
    "pow": lambda a, b: a**b.data,
    "powv": lambda a, b: a**b,
}


def build(op: Op, a: float, b: float) -> Value:
    """A node of ``op`` made the way a learner makes it: an operator or the Value method."""
    va, vb = Value(a), Value(b)
    if op.method is not None:
        return getattr(va, op.method)()
    return _OPERATORS[op.name](va, vb)


def same(x: float, y: float) -> bool:
    """Equal to the last bit (and the sign of zero), or both nan."""
    return (math.isnan(x) and math.isnan(y)) or repr(float(x)) == repr(float(y))


def _pairs():
    return [(a, b) for a in SPECIAL for b in SPECIAL]


def test_every_op_is_reachable_and_its_nodes_point_at_its_row():
    assert set(OPS) == set(_OPERATORS) | {op.name for op in OPS.values() if op.method}
    for op in OPS.values():
        node = build(op, 2.0, 3.0)
        assert node.op is op
        assert len(node._prev) == op.arity
        assert len(op.local(node)) == op.arity == len(op.derivative)
        assert op.hint and op.symbol


def test_values_inlined_operators_compute_the_rows_fn():
    """``+ - *`` (and every method) build their data inline; it must be the row's ``fn``."""
    for op in OPS.values():
        for a, b in _pairs():
            node = build(op, a, b)
            want = op.fn(a) if op.arity == 1 and not op.uses_param else op.fn(a, b)
            assert same(node.data, want), (op.name, a, b)
            assert same(op.forward(node), want), (op.name, a, b)  # what recompute runs


def test_hand_inlined_backward_rules_match_the_local_derivatives():
    inlined = [op for op in OPS.values() if op.backward != op._generic_backward]
    assert {op.name for op in inlined} >= {"add", "mul", "relu", "tanh"}
    for op in inlined:
        for a, b in _pairs():
            for g in (1.0, -0.75, 3e200):
                fast, generic = build(op, a, b), build(op, a, b)
                fast.grad = generic.grad = g
                op.backward(fast)
                op._generic_backward(generic)
                for x, y in zip(fast._prev, generic._prev):
                    assert same(x.grad, y.grad), (op.name, a, b, g)


def test_numpy_rules_match_the_scalar_rules_elementwise():
    pairs = _pairs()
    A = np.array([[a for a, _ in pairs]])
    B = np.array([[b for _, b in pairs]])
    g = np.linspace(-2.0, 2.0, len(pairs))[None, :]
    with np.errstate(all="ignore"):
        for op in OPS.values():
            K = B[:, :] if op.uses_param else None
            D = np.empty_like(A)
            op.np_forward(A, B if op.arity == 2 else None, K, D)
            local = op.np_local(A, B if op.arity == 2 else None, D, K)
            for j, (a, b) in enumerate(pairs):
                node = build(op, a, b)
                # numpy's tanh/exp/log may round differently from libm's by an ulp
                np.testing.assert_allclose(D[0, j], node.data, rtol=4e-16, equal_nan=True)
                node.grad = float(g[0, j])
                for i, d in enumerate(op.local(node)):
                    mine = np.broadcast_to(local[i] * g, A.shape)[0, j]
                    want = d * node.grad
                    np.testing.assert_allclose(
                        mine, want, rtol=4e-15, equal_nan=True, err_msg=op.name
                    )


# where each op is smooth, for central differences: (a's range, b's range)
_SMOOTH = {"relu": ((0.1, 3.0), (0.0, 1.0)), "log": ((0.1, 3.0), (0.0, 1.0))}
_SMOOTH.update(div=((-3.0, 3.0), (0.5, 3.0)), powv=((0.2, 3.0), (-2.0, 2.0)))
_SMOOTH.update(pow=((0.2, 3.0), (-2.0, 3.0)))


@settings(max_examples=examples(40), deadline=None)
@given(st.sampled_from(sorted(OPS)), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_local_derivatives_match_central_differences(name, u, w):
    op = OPS[name]
    (a0, a1), (b0, b1) = _SMOOTH.get(name, ((-3.0, 3.0), (-3.0, 3.0)))
    a, b = a0 + u * (a1 - a0), b0 + w * (b1 - b0)
    check_local_derivative(op, a, b)


def check_local_derivative(op: Op, a: float, b: float, h: float = 1e-6) -> None:
    """The row's ``local`` against ``(f(x+h) - f(x-h)) / 2h`` for each operand."""
    node = build(op, a, b)
    for i, d in enumerate(op.local(node)):
        hi = build(op, a + h, b) if i == 0 else build(op, a, b + h)
        lo = build(op, a - h, b) if i == 0 else build(op, a, b - h)
        numeric = (hi.data - lo.data) / (2 * h)
        assert math.isclose(d, numeric, rel_tol=1e-5, abs_tol=1e-6), (op.name, i, a, b)


# --- the registry is the only place an op's maths (or the list of ops) is written ---------------
PACKAGE = Path(__file__).resolve().parents[2] / "mgstudio"
REGISTRY_FILES = {"engine/ops.py", "engine/ieee.py"}  # the rows and the IEEE-safe helpers
# the numpy/math functions the rows are written with
_ELEMENTARY = {op.name for op in OPS.values() if op.method}
_ELEMENTARY |= {"power", "maximum", "expm1", "log1p", "logaddexp"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel not in REGISTRY_FILES:
            yield rel, ast.parse(path.read_text(encoding="utf-8"))


def test_no_other_module_lists_the_functions_or_computes_their_maths():
    names = {op.name for op in OPS.values() if op.method} | {"linear"}
    lists, maths = [], []
    for rel, tree in _modules():
        # Value and the tape once had their own copies of the rules; elsewhere numpy's
        # functions serve other ends (np.sin makes the moons dataset)
        in_engine = rel.startswith("engine/")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                elts = node.keys if isinstance(node, ast.Dict) else node.elts
                hits = {e.value for e in elts if isinstance(e, ast.Constant)} & names
                if len(hits) >= 2:  # a hand-kept list of ops (the palette's, the importer's...)
                    lists.append(f"{rel}:{node.lineno} {sorted(hits)}")
            if (
                in_engine
                and isinstance(node, ast.Attribute)
                and node.attr in _ELEMENTARY
                and isinstance(node.value, ast.Name)
                and node.value.id in {"math", "np", "numpy"}
            ):
                maths.append(f"{rel}:{node.lineno} {node.value.id}.{node.attr}")
    assert not lists, "op lists outside the registry:\n" + "\n".join(lists)
    assert not maths, "op maths outside the registry:\n" + "\n".join(maths)


def test_the_scan_finds_what_it_looks_for(tmp_path):
    """The scan above can fail: the old hand-kept tuple and the tape's old numpy rule."""
    old = ast.parse('FUNCTIONS = ("tanh", "exp", "log")\nnp.tanh(A, out=out)\n')
    found = [n for n in ast.walk(old) if isinstance(n, ast.Tuple)]
    assert {e.value for e in found[0].elts} >= {"tanh", "exp"}
    attrs = [n.attr for n in ast.walk(old) if isinstance(n, ast.Attribute)]
    assert "tanh" in attrs and "tanh" in _ELEMENTARY


def test_softplus_is_a_smooth_relu_with_ieee_values():
    x = Value(0.0)
    cases = [(0.0, math.log(2.0), 0.5), (1000.0, 1000.0, 1.0), (-1000.0, 0.0, 0.0)]
    for a, want, slope in cases + [(math.inf, math.inf, 1.0), (-40.0, math.exp(-40.0), 4.25e-18)]:
        x.data = a
        y = x.softplus()
        assert math.isclose(y.data, want, rel_tol=1e-15)
        y.backward()  # the slope is sigmoid(a)
        assert math.isclose(x.grad, slope, rel_tol=1e-2 if a == -40.0 else 1e-15)
        x.grad = 0.0
    assert math.isnan(Value(math.nan).softplus().data) and Value(-math.inf).softplus().data == 0.0
    assert Value(3.0).softplus().data > Value(3.0).relu().data  # above the corner it rounds


def test_register_refuses_rows_the_rest_could_not_follow():
    from mgstudio.engine.ops import register

    row = dict(local=lambda n: (1.0,), np_forward=None, np_local=None, derivative=("1",), hint="h")
    with pytest.raises(ValueError, match="method is named as the op"):
        register(Op("ident", "ident", 1, lambda a: a, method="identity", **row))
    with pytest.raises(ValueError, match="only one-input ops"):
        register(Op("pair", "pair", 2, lambda a, b: a, method="pair", **row))
    assert "ident" not in OPS and "pair" not in OPS and not hasattr(Value(1.0), "identity")
