"""A program that stops midway keeps what it printed: ``ProgramError.log`` holds the lines
printed before the failure (a refusal, a limit, a cancel), so a learner sees how far it got."""

from __future__ import annotations

import pytest

from mgstudio.interpreter import LimitReached, Limits, ProgramCancelled, ProgramError, run_program


def test_an_error_midway_carries_the_lines_printed_before_it():
    text = "for i in range(5):\n    print('step', i)\n    if i == 2:\n        f = open('x')\n"
    with pytest.raises(ProgramError) as info:
        run_program(text)
    err = info.value
    assert err.line == 4 and "open" in err.message
    assert err.log == ["step 0", "step 1", "step 2"]


def test_a_failure_in_an_operation_carries_its_log():
    text = "print('before')\nxs = [1, 2]\nprint(xs[5])\nprint('after')\n"
    with pytest.raises(ProgramError) as info:
        run_program(text)
    assert info.value.line == 3 and info.value.log == ["before"]


def test_a_refusal_before_running_has_an_empty_log():
    # the whole program is checked before its first line runs: nothing was printed
    with pytest.raises(ProgramError) as info:
        run_program("print('hi')\nimport os\n")
    assert info.value.log == [] and info.value.line == 2


def test_a_limit_keeps_the_log():
    text = "print('start')\nx = 0\nwhile True:\n    x = x + 1\n"
    with pytest.raises(LimitReached) as info:
        run_program(text, limits=Limits(steps=5_000))
    assert info.value.log == ["start"]


def test_a_cancel_keeps_the_log():
    text = "print('start')\nx = 0\nwhile True:\n    x = x + 1\n"
    with pytest.raises(ProgramCancelled) as info:
        run_program(text, cancel=lambda: True)
    assert info.value.log == ["start"]


def test_a_new_error_starts_with_an_empty_log():
    assert ProgramError("nothing ran").log == []
