"""Random text typed into the inspector's number fields: a valid number is taken, anything
else gives a message and changes nothing; never an exception."""

from __future__ import annotations

import math

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, Qt

from mgstudio.app.canvas.numbers import parse_number
from mgstudio.app.commands import ConnectCommand

FIELDS = settings(
    max_examples=examples(400),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

typed = (
    st.text(max_size=30)
    | st.from_regex(
        r"\s*[-+−]?[0-9]{0,4}([.,][0-9]{0,4})?([eE][-+]?[0-9]{1,4})?\s*", fullmatch=True
    )
    | st.floats().map(repr)
    | st.sampled_from(
        [
            "",
            " ",
            "nan",
            "-inf",
            "1e999",
            "1,5",
            "1.5.5",
            "0x10",
            "1_000",
            "２",
            "١٢",
            "−3",
            "__import__('os')",
            "2+3",
            "1e-400",
            "1,000.5",
            "\t7\n",
            "\x00",
            "infinity",
            "NaN(1)",
        ]
    )
)


# QTest's key clicks abort (an assert in qasciikey.cpp) on anything but printable ASCII;
# setText takes any text, so the number fields get all of Unicode and key clicks get ASCII
keyboard_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)


def expected(text: str) -> float | None:
    """What a field should take from ``text``: a finite number, or nothing."""
    try:
        x = parse_number(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    field.setText(text)
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Return ends the edit as a user's would


@pytest.fixture
def leaf_and_pow(window):
    """A leaf feeding an unwired-exponent pow node, the leaf shown in the inspector."""
    canvas, doc = window.canvas, window.document
    leaf = canvas.add_node_at("input", QPointF(0, 0))
    p = canvas.add_node_at("pow", QPointF(300, 0))
    canvas.push(ConnectCommand(doc, leaf, p, "a"))
    return leaf, p


def check_typing(window, qtbot, nid: str, field, current, text: str) -> None:
    doc, inspector, stack = window.document, window.inspector, window.undo_stack
    before, depth = doc.to_json(), stack.count()
    messages = []
    inspector.message.connect(messages.append)
    try:
        type_into(qtbot, field, text)
    finally:
        inspector.message.disconnect(messages.append)
    want = expected(text)
    if want is None:
        assert doc.to_json() == before and stack.count() == depth
        assert inspector.error.text().strip() and messages == [inspector.error.text()]
        assert "Traceback" not in inspector.error.text()
    else:
        assert current() == want
        assert not inspector.error.isVisibleTo(inspector)
        assert stack.count() in (depth, depth + 1)
    assert set(doc.nodes) >= {nid}


@FIELDS
@given(text=typed)
def test_data_field_takes_numbers_and_explains_the_rest(window, qtbot, leaf_and_pow, text):
    leaf, _ = leaf_and_pow
    window.canvas.select_ids([leaf])
    inspector = window.inspector
    assert inspector.node_id == leaf and not inspector.data_edit.isReadOnly()
    check_typing(
        window, qtbot, leaf, inspector.data_edit, lambda: window.document.nodes[leaf].value, text
    )


@FIELDS
@given(text=typed)
def test_exponent_field_takes_numbers_and_explains_the_rest(window, qtbot, leaf_and_pow, text):
    _, p = leaf_and_pow
    window.canvas.select_ids([p])
    inspector = window.inspector
    field = inspector._param_fields["exponent"]
    check_typing(window, qtbot, p, field, lambda: window.document.nodes[p].params["exponent"], text)


@settings(FIELDS, max_examples=examples(100))
@given(text=keyboard_text)
def test_read_only_fields_ignore_typing(window, qtbot, leaf_and_pow, text):
    _, p = leaf_and_pow
    window.canvas.select_ids([p])
    inspector = window.inspector
    before = window.document.to_json()
    for field in (inspector.data_edit, inspector.grad_edit):
        assert field.isReadOnly()
        field.setFocus()
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.document.to_json() == before


@settings(FIELDS, max_examples=examples(100))
@given(text=keyboard_text)
def test_step_box_stays_in_range(window, qtbot, text):
    spin = window.inspector.step_spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.minimum() <= spin.value() <= spin.maximum()
    assert math.isfinite(window.inspector.step())


def test_exponent_typed_back_clears_the_complaint(window, qtbot, leaf_and_pow):
    # found by the fuzzer above: the data field dropped its complaint when the old number was
    # typed back, the exponent field kept it on show
    _, p = leaf_and_pow
    window.canvas.select_ids([p])
    inspector = window.inspector
    field = inspector._param_fields["exponent"]
    type_into(qtbot, field, "two")
    assert inspector.error.isVisibleTo(inspector)
    type_into(qtbot, field, "2.0")
    assert not inspector.error.isVisibleTo(inspector)
    type_into(qtbot, field, "two")
    type_into(qtbot, field, "2")  # the same number spelled differently
    assert not inspector.error.isVisibleTo(inspector)
