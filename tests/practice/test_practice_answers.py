"""Typed answers: plain numbers only (never evaluated), and the one closeness rule."""

from __future__ import annotations

import math

import pytest
from helpers.budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.practice.answers import (
    MAX_CHARS,
    AnswerError,
    check_number,
    check_sign,
    is_close,
    read_number,
    read_sign,
    sign_of,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.5", 0.5),
        (" -1.5 ", -1.5),
        ("+2", 2.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e-3", 0.001),
        ("-2.5E+2", -250.0),
        ("−0.5", -0.5),  # the typeset minus
        ("0", 0.0),
    ],
)
def test_plain_numbers_are_read(text, value):
    assert read_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1/2",
        "2**3",
        "0.5*2",
        "__import__('os').system('true')",
        "(0.5)",
        "nan",
        "inf",
        "-inf",
        "infinity",
        "1e",
        "e5",
        "--1",
        "+-1",
        "0x10",
        "1_000",
        "１",  # a full-width digit: float() would read it
        "١٢",  # Arabic-Indic digits
        "0.5\x00",
        "1e9999",  # too large for a float (and more than 3 exponent digits)
        "1 2",
        "0.5.5",
        "x" * 10_000,
    ],
)
def test_anything_else_is_refused_in_plain_words(text):
    with pytest.raises(AnswerError) as caught:
        read_number(text)
    message = str(caught.value)
    assert message and "Traceback" not in message and len(message) < 200
    assert message.isprintable()


def test_a_decimal_comma_is_refused_with_the_point_spelled_out():
    with pytest.raises(AnswerError, match=r"decimal mark: 0\.5"):
        read_number("0,5")
    with pytest.raises(AnswerError, match="not a plain number"):
        read_number("1,000,000")


def test_long_text_is_refused_before_it_is_read():
    with pytest.raises(AnswerError, match=f"at most {MAX_CHARS}"):
        read_number("1" * (MAX_CHARS + 1))


def test_closeness_is_relative_to_the_magnitude():
    assert is_close(0.5004, 0.5) and not is_close(0.502, 0.5)
    assert is_close(0.0009, 0.0) and not is_close(0.0011, 0.0)
    assert is_close(1000.9, 1000.0) and not is_close(1001.1, 1000.0)
    assert is_close(-1.5, -1.4999999999999993)  # what the four decimals on canvas show
    assert not is_close(1.5, -1.5) and not is_close(1.0, 0.5)  # sign and factor 2
    assert is_close(float("inf"), float("inf")) and not is_close(1e308, float("inf"))


def test_check_number_keeps_unreadable_text_apart_from_wrong_answers():
    assert check_number("0.5", 0.5).right
    wrong = check_number("0.4", 0.5)
    assert not wrong.right and wrong.readable and wrong.typed == 0.4
    bad = check_number("1/2", 0.5)
    assert not bad.right and not bad.readable and "not a plain number" in bad.problem


def test_signs():
    assert [read_sign(t) for t in ("up", "U", "+", "down", "d", "-", "−", "stay", "S", "0")] == [
        "up", "up", "up", "down", "down", "down", "down", "stay", "stay", "stay",
    ]  # fmt: skip
    with pytest.raises(AnswerError, match="up, down or stay"):
        read_sign("sideways")
    assert (sign_of(0.5), sign_of(-1e-3), sign_of(0.0), sign_of(float("nan"))) == (
        "up", "down", "stay", "stay",
    )  # fmt: skip
    assert check_sign("d", "down").right and not check_sign("u", "down").right
    assert not check_sign("?", "down").readable


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=examples(200))
def test_every_finite_float_as_printed_reads_back_exactly(x):
    assert read_number(repr(x)) == x
    assert is_close(read_number(f"{x:.6e}"), x)


@given(st.text(max_size=60))
@settings(max_examples=examples(400))
def test_any_text_is_a_plain_number_or_a_plain_sentence(text):
    try:
        value = read_number(text)
    except AnswerError as e:
        assert str(e) and str(e).isprintable()
        return
    # accepted: only sign, ASCII digits, one point and an exponent, read as float() reads them
    cleaned = text.strip().replace("−", "-")
    assert set(cleaned) <= set("0123456789+-.eE")
    assert value == float(cleaned) and math.isfinite(value)
