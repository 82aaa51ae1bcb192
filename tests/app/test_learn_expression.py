"""The expression box: typed text becomes a graph through the safe importer (never run)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from mgstudio.app.learn import install
from mgstudio.app.learn.expression_box import build_expression, split_text
from mgstudio.document import DocumentError


def _out(doc):
    return doc.value_of(doc.selected_output)


def test_the_box_builds_f_of_x_in_the_window(window):
    tools = install(window)
    tools.expression.edit.setText("x=3; 3*x**2 - 4*x + 5")
    tools.expression.edit.returnPressed.emit()
    window.tasks.wait_all()  # building, then arranging, run in background tasks
    window.tasks.wait_all()
    doc = window.document
    out = _out(doc)
    assert out.data == 20.0
    x = next(nid for nid, n in doc.nodes.items() if n.label == "x")
    doc.backward(doc.selected_output)
    assert doc.value_of(x).grad == 14.0
    assert tools.expression.error_label.text() == ""
    assert window.is_modified()  # new work: closing asks before dropping it
    assert not window.undo_stack.canUndo()  # the arranging is not an undo step
    # the new document is what the learning panels now follow
    assert tools.stepper.document is doc and tools.sweep.document is doc


def test_bad_input_shows_the_importers_message(window):
    tools = install(window)
    before = window.document
    tools.expression.edit.setText("x=3; 3*x**")
    assert tools.expression.build().wait() and tools.expression.task.state == "failed"
    assert window.document is before
    assert "line 1" in tools.expression.error_label.text()
    assert "not valid Python" in tools.expression.error_text
    tip = QTextDocument()  # tooltips are rich text: the error is escaped into one
    tip.setHtml(tools.expression.error_label.toolTip())
    assert tip.toPlainText() == tools.expression.error_text
    assert tools.expression.error_text in window.statusBar().currentMessage()
    tools.expression.edit.setText("__import__('os').system('true')")
    assert tools.expression.build().wait() and tools.expression.task.state == "failed"
    assert "line 1: `__import__` is not available" in tools.expression.error_text


def test_named_output_settings_and_function_calls():
    doc = build_expression("a = 2\nb=-3; c = 10; d = a*b + c")
    assert doc.nodes[doc.selected_output].label == "d"
    assert _out(doc).data == 4.0
    doc = build_expression("x=0.5; y = tanh(2*x) + exp(x) - relu(-x)")
    assert _out(doc).data == pytest.approx(math.tanh(1.0) + math.exp(0.5))
    kinds = sorted(n.kind for n in doc.nodes.values())
    assert "tanh" in kinds and "exp" in kinds and "relu" in kinds


def test_free_names_keep_the_current_graphs_values():
    first = build_expression("x = 3; f = x*x")
    again = build_expression("x*x + 1", current=first)
    assert _out(again).data == 10.0
    assert _out(build_expression("x*x + 1")).data == 1.0  # no graph, no setting: 0


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "type an expression"),
        ("x+1; y", "not a setting"),
        ("x = ; x*2", "not a setting"),
        ("f = ", "needs an expression"),
        ("x = 1e999; x*2", "finite"),
        # the interpreter compares (as Python does); a True/False is no graph
        ("x == 3", "the expression's value is a bool, not a number or a Value"),
        ("'ab' * 2", "the expression's value is a string"),
        ("tanh(x, 2)", r"line 1: tanh\(…\) takes one argument"),
        ("exp(2.0) * x", r"line 1: exp\(…\) needs a Value, not a float"),
    ],
)
def test_refusals(text, words):
    with pytest.raises(DocumentError, match=words):
        build_expression(text)


def test_settings_are_parsed_without_evaluating():
    settings, expression, label = split_text("x = 3; y=-2.5e1 ; f = x*y")
    assert settings == {"x": 3.0, "y": -25.0}
    assert (expression, label) == ("x*y", "f")
    # tanh(x) is the expression's spelling of x.tanh(): the same graph
    as_call, as_method = (
        build_expression("x = 0.3; tanh(x) * 2"),
        build_expression("x = 0.3; x.tanh() * 2"),
    )
    assert as_call.to_json() == as_method.to_json()


@given(a=st.floats(-100, 100), b=st.floats(-100, 100), x=st.floats(-10, 10))
def test_polynomials_evaluate_like_python(a, b, x):
    doc = build_expression(f"x = {x!r}; {a!r}*x**2 + {b!r}*x - 1")
    assert _out(doc).data == pytest.approx(a * x**2 + b * x - 1, rel=1e-12, abs=1e-9)
    doc.backward(doc.selected_output)
    xs = [doc.value_of(nid) for nid, n in doc.nodes.items() if n.label == "x"]
    assert xs[0].grad == pytest.approx(2 * a * x + b, rel=1e-12, abs=1e-9)


def test_an_unnamed_result_is_called_y_unless_y_is_taken():
    doc = build_expression("x = 3; 3*x**2 - 4*x + 5")
    assert doc.nodes[doc.selected_output].label == "y"
    doc = build_expression("x*y")
    assert doc.nodes[doc.selected_output].label == "out"
    doc = build_expression("x = 2; x")  # the output is the leaf itself: keep its name
    assert doc.nodes[doc.selected_output].label == "x"
