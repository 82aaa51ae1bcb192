"""What a learner types as an answer, read safely, and the one rule that says it is right.

Typed text is hostile input: only a plain decimal or scientific number is read (``-1.5``,
``.5``, ``2e-3``; a ``−`` as typeset counts as a minus), by a regular expression and then
``float()``: nothing is evaluated, so ``1/2``, ``2**3``, ``__import__`` and ``nan`` are all
refused with a sentence saying what is accepted. ``.`` is the decimal point (``0,5`` is refused
with a hint, not read as 5 or as 0.5: a comma is also how lists are typed).

A number is right when ``|typed - true| <= RELATIVE * max(1, |true|)``: within 0.001 for
grads of ordinary size and within 0.1 % of big ones, so the four decimals the canvas shows
always pass and a sign or factor-of-two mistake never does. Lesson exercises reuse both
(``read_number``, ``is_close``, ``check_number``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: the tolerance, relative to the magnitude of the true answer (at least 1)
RELATIVE = 1e-3
#: longer text is refused before it is looked at
MAX_CHARS = 40

# ASCII digits only: ``\d`` would take any script's digits (and float() reads them too)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
SIGNS = ("up", "down", "stay")
_SIGN_WORDS = {
    "up": "up", "u": "up", "+": "up",
    "down": "down", "d": "down", "-": "down",
    "stay": "stay", "s": "stay", "0": "stay", "same": "stay",
}  # fmt: skip


class AnswerError(ValueError):
    """The typed text is not an answer; ``str(e)`` says what is accepted, in plain words."""


def read_number(text: str) -> float:
    """The number typed, or ``AnswerError``."""
    raw = text.strip()
    if not raw:
        raise AnswerError("Type a number, for example 0.5 or -1.5e-2.")
    if len(raw) > MAX_CHARS:
        raise AnswerError(f"That is too long for a number (at most {MAX_CHARS} characters).")
    cleaned = raw.replace("−", "-")
    if _NUMBER.fullmatch(cleaned) is None:
        if "," in cleaned and _NUMBER.fullmatch(cleaned.replace(",", ".")):
            raise AnswerError(f"Use a point as the decimal mark: {cleaned.replace(',', '.')}")
        raise AnswerError(
            f"'{_shown(raw)}' is not a plain number: type digits with an optional sign, "
            "decimal point and exponent (0.5, -2, 1e-3); expressions are not worked out."
        )
    value = float(cleaned)
    if not math.isfinite(value):
        raise AnswerError(f"'{_shown(raw)}' is too large for a number.")
    return value


def read_sign(text: str) -> str:
    """``up``, ``down`` or ``stay`` from a word or a key (u/d/s, +/-/0), or ``AnswerError``."""
    word = _SIGN_WORDS.get(text.strip().lower().replace("−", "-"))
    if word is None:
        raise AnswerError("Answer up, down or stay (or press U, D or S).")
    return word


def is_close(typed: float, true: float) -> bool:
    """The rule for a right number (see the module docstring); a non-finite truth needs the
    same non-finite number."""
    if not math.isfinite(true):
        return typed == true
    return abs(typed - true) <= RELATIVE * max(1.0, abs(true))


def sign_of(slope: float, zero: float = 1e-12) -> str:
    """Which way the output moves when a leaf is nudged up, from its grad: ``stay`` when the
    grad is 0 (within ``zero``, the rounding of a sum that cancels)."""
    if slope != slope or abs(slope) <= zero:
        return "stay"
    return "up" if slope > 0 else "down"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one typed answer: ``right``, or ``problem`` (the text was no answer:
    nothing is scored)."""

    right: bool
    typed: float | str | None = None
    problem: str = ""

    @property
    def readable(self) -> bool:
        return not self.problem


def check_number(text: str, true: float) -> Verdict:
    try:
        typed = read_number(text)
    except AnswerError as e:
        return Verdict(False, None, str(e))
    return Verdict(is_close(typed, true), typed)


def check_sign(text: str, true: str) -> Verdict:
    try:
        typed = read_sign(text)
    except AnswerError as e:
        return Verdict(False, None, str(e))
    return Verdict(typed == true, typed)


def _shown(text: str) -> str:
    """Typed text quoted back, printable and short."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= 20 else clean[:19] + "…"
