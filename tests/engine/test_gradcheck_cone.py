"""The gradient check re-evaluates only each leaf's downstream cone: same report, bit for bit,
as a full re-evaluation per nudge, far fewer forward steps, the graph put back, progress."""

import math

import pytest
from helpers.budget import examples
from helpers.enginegen import build, leaf_values, recipes
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.engine import OPS, Value, gradcheck


def _rows(report):
    # floats compared as their repr so that nan == nan and -0.0 != 0.0
    return [
        (r.label, repr(r.analytic), repr(r.numeric), repr(r.rel_error), r.ok) for r in report.rows
    ]


def _state(nodes):
    return [(repr(v.data), repr(v.grad)) for v in nodes]


@settings(max_examples=examples(60), deadline=None)
@given(
    recipe=recipes(n_leaves=4, max_steps=25),
    xs=leaf_values(4),
    h=st.sampled_from([1e-6, 1e-4, 1e-2]),
)
def test_cone_matches_the_full_re_evaluation(recipe, xs, h):
    reports, states = [], []
    for cone in (True, False):
        leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
        nodes, (out,) = build(recipe, leaves)
        reports.append(gradcheck(out, h=h, cone=cone))
        states.append(_state(nodes + [out]))
    assert _rows(reports[0]) == _rows(reports[1])
    assert states[0] == states[1]


@settings(max_examples=examples(30), deadline=None)
@given(recipe=recipes(n_leaves=3, max_steps=15), xs=leaf_values(3))
def test_cone_is_a_central_difference(recipe, xs):
    """Each numeric value is (f(x+h) - f(x-h)) / 2h of a graph rebuilt from scratch."""
    h = 1e-5
    leaves = [Value(x) for x in xs]
    _nodes, (out,) = build(recipe, leaves)
    report = gradcheck(out, leaves=leaves, h=h)
    for k, row in enumerate(report.rows):
        f = []
        for step in (h, -h):
            fresh = [Value(x + (step if i == k else 0.0)) for i, x in enumerate(xs)]
            f.append(build(recipe, fresh)[1][0].data)
        expected = (f[0] - f[1]) / (2 * h)
        assert repr(row.numeric) == repr(expected) or (
            math.isnan(row.numeric) and math.isnan(expected)
        )


def _counting(monkeypatch):
    """Count forward steps of the scalar engine (every op's forward)."""
    calls = {"n": 0}
    for op in OPS.values():
        original = op.forward

        def counted(node, _f=original):
            calls["n"] += 1
            return _f(node)

        monkeypatch.setattr(op, "forward", counted)
    return calls


def _ladder(n):
    """x0 -> tanh -> ... with a new leaf added at every step: leaf k's cone is n - k nodes."""
    leaves = [Value(0.01 * i, label=f"a{i}") for i in range(n)]
    v = leaves[0]
    for leaf in leaves[1:]:
        v = (v + leaf).tanh()
    return leaves, v


def test_cone_does_fewer_forward_steps(monkeypatch):
    leaves, out = _ladder(200)
    calls = _counting(monkeypatch)
    gradcheck(out, cone=False)
    full = calls["n"]
    calls["n"] = 0
    gradcheck(out)
    cone = calls["n"]
    # full: two re-evaluations of ~400 nodes per leaf; cone: two of the leaf's cone
    assert cone < full / 1.8


def test_forward_steps_stay_within_twice_the_cones(monkeypatch):
    leaves = [Value(0.001 * i) for i in range(300)]
    out = Value(0.0)
    for leaf in leaves:
        out = out + leaf.tanh()
    calls = _counting(monkeypatch)
    gradcheck(out)
    # leaf i's cone: its tanh and the 300 - i adds after it, evaluated twice; the walk may
    # give up and take every computed node after the leaf instead, at most twice the cone
    n_nodes = len(out.topological_order())
    cones = sum(1 + (300 - i) for i in range(300))
    assert calls["n"] <= 2 * (2 * cones + 2) + n_nodes
    calls["n"] = 0
    gradcheck(out, cone=False)
    assert calls["n"] >= 2 * 300 * (n_nodes - 301)


def test_a_sum_of_small_terms_costs_far_less_than_leaves_times_nodes(monkeypatch):
    terms = []
    for i in range(256):
        x, w = Value(0.01 * i), Value(-0.5)
        terms.append((x * w).tanh())
    while len(terms) > 1:  # a balanced sum: 8 adds from any term to the output
        terms = [terms[i] + terms[i + 1] for i in range(0, len(terms), 2)]
    out = terms[0]
    calls = _counting(monkeypatch)
    gradcheck(out)
    cone = calls["n"]
    calls["n"] = 0
    gradcheck(out, cone=False)
    assert cone * 20 < calls["n"]


def test_progress_counts_leaves_and_can_stop_the_check():
    leaves, out = _ladder(50)
    before = [(v.data, v.grad) for v in out.topological_order()]
    seen = []
    gradcheck(out, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 50) for k in range(1, 51)]

    class Stop(Exception):
        pass

    def stop_at_10(done, _total):
        if done == 10:
            raise Stop

    for cone in (True, False):
        with pytest.raises(Stop):
            gradcheck(out, progress=stop_at_10, cone=cone)
        # the data is back as it was (grads are a fresh backward's, as after any check)
        assert [v.data for v in out.topological_order()] == [d for d, _ in before]
