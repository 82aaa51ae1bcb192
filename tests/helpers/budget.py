"""How many examples a hypothesis suite runs. Suites write the number for the full run (CI and
the README's test command); ``examples(n)`` scales it by the loaded profile's ``max_examples``
(tests/conftest.py): the quick local profile runs a fifth, ``ci`` all of them, ``long`` 20
times as many (benchmarks/fuzz_long.py runs the same strategies for minutes)."""

from __future__ import annotations

from hypothesis import settings

FULL = 100  # the ci profile's max_examples: the scale a suite's own numbers are written for


def examples(full: int) -> int:
    """``full`` examples under the ci profile, proportionally fewer or more under others."""
    return max(1, round(full * settings.default.max_examples / FULL))
