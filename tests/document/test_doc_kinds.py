"""The kind registry, each kind's forward rule and derivative against closed forms, and a
document's grads against central finite differences taken through ``set_value``."""

import math
import string

import pytest
from helpers.docgen import documents
from hypothesis import assume, given
from hypothesis import strategies as st

from mgstudio.document import CATEGORIES, KIND_FOR_OP, KINDS, Document, kinds_in
from mgstudio.engine import OPS
from mgstudio.engine.ops import FUNCTIONS


def test_registry_is_complete_and_consistent():
    assert set(KINDS) == {
        "input",
        "constant",
        "add",
        "sub",
        "mul",
        "div",
        "pow",
        "neg",
    } | set(FUNCTIONS)  # the op registry's functions, each a palette node
    assert {"tanh", "relu", "exp", "log", "sigmoid"} <= set(FUNCTIONS)
    for name, kind in KINDS.items():
        assert kind.name == name and kind.title and kind.symbol and len(kind.doc) > 20
        assert kind.category in CATEGORIES
        assert kind.optional <= set(kind.inputs)
        assert kind.is_leaf == (kind.category == "Leaves")
        if kind.is_leaf:
            assert isinstance(kind.default_value, float)
        else:
            fields = {f for _, f, _, _ in string.Formatter().parse(kind.code) if f}
            assert fields == set(kind.inputs) | {p.name for p in kind.params}
    assert sorted(k.name for c in CATEGORIES for k in kinds_in(c)) == sorted(KINDS)
    assert set(KIND_FOR_OP) == set(OPS)  # every engine op has a node kind


UNARY = {
    "neg": (lambda x: -x, lambda x: -1.0),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0),
    "exp": (math.exp, math.exp),
    "log": (math.log, lambda x: 1 / x),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    "softplus": (lambda x: math.log(1 + math.exp(x)), lambda x: 1 / (1 + math.exp(-x))),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    "pow": (lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
}


def _graph(kind, *xs, **params):
    doc = Document()
    leaves = [doc.add_node("input", value=x) for x in xs]
    nid = doc.add_node(kind, params=params or None)
    for port, leaf in zip(KINDS[kind].inputs, leaves):
        doc.connect(leaf, nid, port)
    doc.backward(nid)
    return doc.value_of(nid), [doc.value_of(leaf) for leaf in leaves]


@pytest.mark.parametrize("kind", sorted(UNARY))
@pytest.mark.parametrize("x", [-1.7, -0.3, 0.4, 2.5])
def test_unary_kinds_against_closed_forms(kind, x):
    if kind == "log" and x <= 0:
        x = -x
    f, df = UNARY[kind]
    out, (leaf,) = _graph(kind, x)
    assert out.data == pytest.approx(f(x), rel=1e-12)
    assert leaf.grad == pytest.approx(df(x), rel=1e-12)


@pytest.mark.parametrize("kind", sorted(BINARY))
@pytest.mark.parametrize(("a", "b"), [(1.5, 2.0), (0.7, -3.0), (2.2, 0.5)])
def test_binary_kinds_against_closed_forms(kind, a, b):
    f, df = BINARY[kind]
    out, (la, lb) = _graph(kind, a, b)
    assert out.data == pytest.approx(f(a, b), rel=1e-12)
    assert (la.grad, lb.grad) == pytest.approx(df(a, b), rel=1e-12)


@pytest.mark.parametrize("k", [2.0, 3.0, 0.5, -1.0])
def test_pow_with_a_constant_exponent(k):
    out, (leaf,) = _graph("pow", 1.3, exponent=k)
    assert out.data == pytest.approx(1.3**k)
    assert leaf.grad == pytest.approx(k * 1.3 ** (k - 1))
    assert out.param == k


def test_overflow_shows_inf_not_a_crash():
    out, _ = _graph("exp", 1000.0)
    assert out.data == math.inf
    out, _ = _graph("log", -1.0)
    assert math.isnan(out.data)
    out, _ = _graph("div", 1.0, 0.0)
    assert out.data == math.inf


SMOOTH = ("input", "input", "constant", "add", "sub", "mul", "neg", "tanh", "sigmoid", "pow")


@given(
    documents(
        kinds=SMOOTH,
        max_nodes=9,
        values=st.floats(-1.5, 1.5).filter(lambda v: abs(v) > 0.05),
        exponents=st.sampled_from([2.0, 3.0]),
    )
)
def test_grads_match_central_differences(doc):
    out = doc.backward()
    assume(out is not None and doc.value_of(out) is not None)
    root = doc.value_of(out)
    assume(math.isfinite(root.data) and abs(root.data) < 1e6)
    leaves = [n for n in doc.nodes if KINDS[doc.nodes[n].kind].is_leaf]
    grads = {n: doc.value_of(n).grad for n in leaves}
    h = 1e-6
    for n in leaves:
        x = doc.nodes[n].value
        doc.set_value(n, x + h)
        up = root.data  # re-evaluated in place: the same Value object
        doc.set_value(n, x - h)
        down = root.data
        doc.set_value(n, x)
        numeric = (up - down) / (2 * h)
        assert grads[n] == pytest.approx(numeric, rel=1e-4, abs=1e-5 * (1 + abs(root.data)))
