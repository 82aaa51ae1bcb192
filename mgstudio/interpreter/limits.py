"""The budgets a program runs within, and the counter that enforces them.

Each budget stops a different runaway: ``steps`` an endless loop, ``nodes`` a loop that builds
Values forever (memory), ``depth`` recursion without an end, ``seconds`` anything slow the
others miss (a long backward, say), ``items`` one container or string grown past reason,
``memory`` many of them (every string and list the program makes is weighed when it is
made, about a byte a character and eight a slot (``spend_on``), and the weights add up over
the whole run: a loop that keeps a megabyte string per round stops at the budget, not at the
machine's end),
``log_lines``/``log_chars`` what ``print`` may write.
The counter is bumped once per statement, loop round, call and comprehension item; the clock,
cancel and progress are looked at only every ``_EVERY`` steps, so the count costs one
attribute increment on the hot path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import LimitReached, ProgramCancelled

_CONTAINERS = (list, tuple, dict, set)
_T = TypeVar("_T")
_EVERY = 2048  # steps between looks at the clock, cancel() and progress()


@dataclass(frozen=True)
class Limits:
    steps: int = 5_000_000
    nodes: int = 500_000
    depth: int = 100
    seconds: float = 20.0
    items: int = 1_000_000
    log_lines: int = 10_000
    memory: int = 200_000_000  # approximate bytes of strings and containers made, in all
    log_chars: int = 1_000_000  # characters of print output kept (one print: a tenth)


@dataclass(frozen=True)
class Progress:
    """How far a run has come (for a progress line: "12,345 steps · 6,789 nodes")."""

    steps: int
    nodes: int
    seconds: float


class Budget:
    """The running counts; :meth:`look` raises when one is over."""

    __slots__ = (
        "limits",
        "steps",
        "nodes",
        "depth",
        "made",
        "next_look",
        "start",
        "progress",
        "cancel",
    )

    def __init__(
        self,
        limits: Limits,
        progress: Callable[[Progress], object] | None = None,
        cancel: Callable[[], bool] | None = None,
    ):
        self.limits = limits
        self.steps = 0
        self.nodes = 0
        self.depth = 0
        self.made = 0  # approximate bytes of strings and containers made so far
        self.next_look = _EVERY
        self.start = time.monotonic()
        self.progress = progress
        self.cancel = cancel

    def look(self) -> None:
        """Called when ``steps`` passes ``next_look``: every limit, cancel, progress."""
        self.next_look = self.steps + _EVERY
        lim = self.limits
        if self.steps > lim.steps:
            raise LimitReached(
                f"the program ran more than {lim.steps:,} steps and was stopped "
                "(a loop that never ends? give `while` a condition that becomes false)"
            )
        self.check_nodes()
        elapsed = time.monotonic() - self.start
        if elapsed > lim.seconds:
            raise LimitReached(f"the program ran longer than {lim.seconds:g} s and was stopped")
        if self.cancel is not None and self.cancel():
            raise ProgramCancelled("the program was cancelled")
        if self.progress is not None:
            self.progress(Progress(self.steps, self.nodes, elapsed))

    def check_nodes(self) -> None:
        if self.nodes > self.limits.nodes:
            raise LimitReached(
                f"the program made more than {self.limits.nodes:,} Values and was stopped "
                "(a loop that builds Values forever?)"
            )

    def items(self, n: int, what: str = "a list") -> None:
        if n > self.limits.items:
            raise LimitReached(f"{what} of more than {self.limits.items:,} items is too large")

    def spend(self, nbytes: int) -> None:
        """``nbytes`` more of strings or containers made. Making costs steps too (one per
        256 bytes), so a loop of big copies reaches the clock and cancel soon."""
        self.made += nbytes
        self.steps += nbytes >> 8
        if self.made > self.limits.memory:
            raise LimitReached(
                f"the program made more than {self.limits.memory // 1_000_000:,} MB of "
                "strings and lists and was stopped (a loop that keeps building big text "
                "or lists?)"
            )
        if self.steps >= self.next_look:
            self.look()

    def spend_on(self, x: _T) -> _T:
        """``x`` (a result just made), weighed and spent; returned as it is."""
        t = type(x)
        if t is str:
            self.spend(50 + len(x))  # type: ignore[arg-type]  # ~50 bytes of header, 1 a char
        elif t in _CONTAINERS:
            self.spend(56 + 8 * len(x))  # type: ignore[arg-type]  # a header, 8 bytes a slot
        return x

    def report(self) -> None:
        if self.progress is not None:
            self.progress(Progress(self.steps, self.nodes, time.monotonic() - self.start))
