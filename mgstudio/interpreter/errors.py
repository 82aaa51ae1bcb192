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


def python_words(exc: BaseException) -> str:
    """Python's message, with our internal class names turned into a learner's words."""
    text = str(exc) or type(exc).__name__
    for ours, theirs in (
        ("'Instance'", "an object"),
        ("'Function'", "a function"),
        ("'BoundMethod'", "a method"),
        ("'Builtin'", "a function"),
        ("'Module'", "a module"),
        ("'Class'", "a class"),
        ("'generator'", "a generator"),
    ):
        text = text.replace(ours, theirs)
    if isinstance(exc, KeyError):
        if text.startswith("'pop"):  # set.pop / dict.popitem on an empty one: a sentence
            return text.strip("'")
        return f"key {text} not found"
    if "integer string conversion" in text:  # Python's words name sys.set_int_max_str_digits
        return "a whole number of more than 4,300 digits cannot be turned into text or back"
    if "changed size during iteration" in text or "keys changed during" in text:
        kind = "set" if text.startswith("Set") else "dict"
        return (
            f"the {kind} changed size while a loop went over it "
            f"(loop over a copy instead: for k in list(the_{kind}))"
        )
    return text


def as_program_error(exc: Exception, line: int | None) -> ProgramError:
    """A Python exception raised by an operation of the program, as the learner's error at
    ``line`` (a statement's, or a lambda's)."""
    if isinstance(exc, ProgramError):
        return exc.at(line) if line else exc
    if isinstance(exc, RecursionError):
        return LimitReached("the program is nested too deeply", line)
    if isinstance(exc, MemoryError):
        return LimitReached("the program ran out of memory", line)
    if isinstance(exc, ZeroDivisionError):
        return ProgramError("division by zero", line)
    if isinstance(exc, OverflowError):
        text = str(exc)
        if "C ssize_t" in text or "C long" in text or "C int" in text:
            return ProgramError("a number is too large here (at most 2**63 - 1)", line)
        if text.startswith("(34"):  # errno ERANGE, from a float's ** : past ~1.8e308
            text = "past the largest float, about 1.8e308"
        return ProgramError(f"a number grew too large ({text})", line)
    return ProgramError(python_words(exc), line)
