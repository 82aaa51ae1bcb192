"""Progress of long CLI runs on stderr: quiet for quick runs, then a line now and then
(rewritten in place on a terminal), so that stdout stays the command's output."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

#: nothing is shown for runs shorter than this (seconds)
DELAY = 1.0
#: then at most one update per this many seconds
EVERY = 0.5


class StderrProgress:
    """A ``progress(done, total)`` callback: ``StderrProgress("gradient check", "leaves")``."""

    def __init__(
        self,
        what: str,
        unit: str,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.what, self.unit = what, unit
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.start = clock()
        self.last: float | None = None
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.start < DELAY or (
            self.last is not None and now - self.last < EVERY and done < total
        ):
            return
        self.last = now
        text = f"{self.what}: {done:,} of {total:,} {self.unit}"
        if self._tty():
            self.stream.write("\r" + text)
        else:
            self.stream.write(text + "\n")
        self.shown = True
        self.stream.flush()

    def close(self) -> None:
        """End the in-place line (if one was written)."""
        if self.shown and self._tty():
            self.stream.write("\n")
            self.stream.flush()

    def _tty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())
