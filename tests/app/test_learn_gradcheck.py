"""Gradient check in the window: badges and report, a deliberately wrong rule is caught, every
shipped example (and the lesson's network) passes, and the CLI exits 1 on a failure."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mgstudio.app.learn import install
from mgstudio.app.learn.gradcheck_view import check_document
from mgstudio.app.learn.mlp_graph import mlp_document
from mgstudio.document import Document
from mgstudio.document.examples import example_path, list_examples
from mgstudio.engine import ops


def _checked(tools):
    """Run the Gradient Check action and wait for its background task."""
    task = tools.check_gradients()
    assert task.wait()
    return tools.gradcheck.rows


@pytest.fixture
def wrong_mul(monkeypatch):
    """Multiplication sends back twice the right grad (backward and local agree, both wrong)."""
    mul = ops.OPS["mul"]
    right_local = mul.local

    def local(node):
        return tuple(2.0 * d for d in right_local(node))

    def backward(node):
        da, db = local(node)
        node._a.grad += da * node.grad
        node._b.grad += db * node.grad

    monkeypatch.setattr(mul, "local", local)
    monkeypatch.setattr(mul, "backward", backward)


def test_badges_and_report_on_L(window, open_example):
    tools = install(window)
    ids = open_example("expression.mgs")
    rows = _checked(tools)
    assert [(r.name, r.analytic, r.ok) for r in rows] == [
        ("a", 6.0, True),
        ("b", -4.0, True),
        ("c", -2.0, True),
        ("f", 4.0, True),
    ]
    assert all(r.rel_error < 1e-8 for r in rows)
    marks = dict(tools.gradcheck.overlay.marks())
    assert set(marks) == {ids[k] for k in "abcf"}
    assert all(text.startswith("✓ ") for text in marks.values())
    assert tools.gradcheck.table.rowCount() == 4
    assert tools.gradcheck.table.item(0, 4).text() == "pass"
    assert "All 4 leaves of L pass" in tools.gradcheck.summary.text()
    # the check leaves the grads one full backward made, and the canvas shows them
    assert window.document.value_of(ids["a"]).grad == 6.0
    assert any("6.0000" in t for t in window.canvas.item_for(ids["a"]).texts())


def test_a_wrong_rule_is_flagged(window, open_example, wrong_mul):
    tools = install(window)
    ids = open_example("expression.mgs")
    rows = {r.name: r for r in _checked(tools)}
    # L = d*f and e = a*b: every leaf has a times node on its path
    assert not any(r.ok for r in rows.values())
    assert rows["c"].analytic == -4.0 and rows["c"].numeric == pytest.approx(-2.0)
    assert rows["a"].analytic == 24.0  # doubled twice
    assert rows["c"].rel_error == pytest.approx(0.5)
    marks = dict(tools.gradcheck.overlay.marks())
    assert marks[ids["c"]] == "✗ 5.0e-01"
    assert "4 of 4 leaves disagree" in tools.gradcheck.summary.text()
    assert tools.gradcheck.table.item(2, 4).text() == "FAIL"


def test_only_the_leaves_behind_the_wrong_rule_fail(wrong_mul):
    doc = Document.load(example_path("neuron.mgs"))  # o = tanh(x1*w1 + x2*w2 + b)
    _root, rows = check_document(doc)
    verdict = {r.name: r.ok for r in rows}
    assert verdict["b"] is True  # reaches o through + and tanh only
    assert verdict["x1"] is False and verdict["w1"] is False
    # x2 = 0 makes w2's grad 0 however wrong the rule is; x2's own grad is doubled
    assert verdict["w2"] is True and verdict["x2"] is False


@pytest.mark.parametrize("name", [p.name for _t, p in list_examples()])
def test_every_example_passes(name):
    doc = Document.load(example_path(name))
    root, rows = check_document(doc)
    assert root is not None and rows
    assert all(r.ok for r in rows), [(r.name, r.analytic, r.numeric) for r in rows if not r.ok]


def test_the_lesson_network_passes():
    doc = mlp_document()
    root, rows = check_document(doc)
    assert doc.nodes[root].label == "loss"
    assert len(rows) == 41 + 3 + 1  # parameters, inputs, the target constant
    assert all(r.ok for r in rows)


def test_badges_go_away_when_the_graph_changes(window, open_example):
    tools = install(window)
    ids = open_example("expression.mgs")
    _checked(tools)
    items = tools.gradcheck.overlay.items()
    assert items and all(it.scene() is window.canvas.scene() for it in items)
    window.document.set_value(ids["b"], 1.0)
    assert tools.gradcheck.overlay.marks() == []
    assert all(it.scene() is None for it in items)
    assert "changed" in tools.gradcheck.summary.text()


def test_cli_gradcheck_exit_codes(capsys, wrong_mul):
    from mgstudio.cli import main

    assert main(["check", str(example_path("expression.mgs")), "--gradcheck"]) == 1
    assert "gradient check failed" in capsys.readouterr().err


def test_cli_gradcheck_command_passes_on_an_example():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgstudio",
            "check",
            str(example_path("derivative.mgs")),
            "--gradcheck",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "gradient check" in done.stdout and "MISMATCH" not in done.stdout
