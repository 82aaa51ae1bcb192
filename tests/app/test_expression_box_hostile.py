"""The expression box against hostile text: deep nesting reaches the learner as the importer's
clear message (not "RecursionError: ..."), any name the expression accepts can be set in
front of it, and the tooltip lists the op registry's functions (softplus too)."""

from __future__ import annotations

import pytest

from mgstudio.app.learn import install
from mgstudio.engine.ops import FUNCTIONS


def build_in_window(window, text: str):
    tools = install(window)
    tools.expression.edit.setText(text)
    task = tools.expression.build()
    assert task.wait()
    window.tasks.wait_all()
    return tools.expression, task


@pytest.mark.parametrize(
    "text",
    [
        "tanh(" + "-" * 2000 + "x)",  # the function-call rewrite walked this recursively
        "relu(" + "+" * 3000 + "x)",
        "sigmoid(" + "(" * 250 + "x" + ")" * 250 + ")",  # past Python's parenthesis limit
    ],
)
def test_deep_nesting_is_a_clear_message(window, text):
    box, task = build_in_window(window, text)
    assert task.state == "failed"
    assert "Error" not in box.error_text and "recursion" not in box.error_text, box.error_text
    assert "nested" in box.error_text or "deep" in box.error_text, box.error_text


@pytest.mark.parametrize("text", ["é = 3; f = é * 2", "ｘ = 3; f = x * 2", "x_1=3; f = x_1 * 2"])
def test_a_unicode_name_can_be_set_like_any_other(window, text):
    """Python reads names NFKC-normalised (fullwidth ｘ is x): a setting is read the same way."""
    box, task = build_in_window(window, text)
    assert task.state == "done", box.error_text
    doc = window.document
    assert doc.value_of(doc.selected_output).data == 6.0


def test_the_tooltip_names_every_function_of_the_registry(window):
    tools = install(window)
    tip = tools.expression.edit.toolTip()
    for name in FUNCTIONS:
        assert name in tip, name


def test_a_setting_the_expression_does_not_use_is_refused(window):
    """``y=3; x*2`` (a typo for x) built x*2 with x = 0 and said nothing."""
    box, task = build_in_window(window, "y=3; f = x * 2")
    assert task.state == "failed"
    assert "'y'" in box.error_text and "Error" not in box.error_text, box.error_text
    box, task = build_in_window(window, "x=3; f = x * 2")
    assert task.state == "done", box.error_text
