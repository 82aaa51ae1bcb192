"""How a program ends without a result: always one of these, always naming the line."""

from __future__ import annotations


class ProgramError(Exception):
    """A construct the interpreter refuses, or a failure while running (``line`` is 1-based,
    None when the whole text is at fault). ``str(error)`` is the sentence a learner reads:
    ``line 7: `open` is not available in mgstudio programs``."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        #: what the program printed before it stopped (``run_program`` fills it in)
        self.log: list[str] = []

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message

    def at(self, line: int) -> ProgramError:
        """This error, placed at ``line`` if it has no line yet (raised inside a builtin)."""
        if not self.line:  # None, or 0: inside micrograd.nn's own code
            self.line = line
        return self


class LimitReached(ProgramError):
    """The program ran out of a budget: steps, nodes, nesting or time."""


class ProgramCancelled(ProgramError):
    """The caller's ``cancel()`` said stop."""


def refuse(message: str, line: int | None = None) -> ProgramError:
    return ProgramError(message, line)
