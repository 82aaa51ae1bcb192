"""From the user's text to a checked ``ast`` tree: size, encoding, notebook lines, syntax,
the safety rules. Never compiled by Python, never run by Python."""

from __future__ import annotations

import ast
import re
import warnings
from typing import Literal

from .errors import ProgramError
from .safety import check_program

MAX_SOURCE_BYTES = 200_000
#: IPython's ``%matplotlib inline`` and ``!pip install`` lines, which are not Python
_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)


def decode(text: str | bytes) -> str:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProgramError(f"the code is not valid UTF-8 text ({exc.reason})") from None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        raise ProgramError(
            f"the code is {size / 1000:,.0f} KB, larger than the {MAX_SOURCE_BYTES // 1000} KB "
            "an mgstudio program may be (big data belongs in a file, not in the code)"
        )
    return text


def _too_deep(text: str, mode: Literal["exec", "eval"]) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text, mode=mode)
    except (RecursionError, MemoryError):
        return True
    except (SyntaxError, ValueError):
        return False  # a cut-off block: not (yet) too deep
    return False


def _too_deep_line(text: str, mode: Literal["exec", "eval"]) -> int:
    """The line where Python's parser gives up: the shortest run of first lines that is
    already too deep, found by halving (a dozen parses of at most 200 KB)."""
    lines = text.splitlines(keepends=True)
    lo, hi = 1, len(lines)  # the first ``hi`` lines are too deep
    while lo < hi:
        mid = (lo + hi) // 2
        if _too_deep("".join(lines[:mid]), mode):
            hi = mid
        else:
            lo = mid + 1
    return max(hi, 1)


def parse(text: str, mode: Literal["exec", "eval"] = "exec") -> tuple[ast.AST, list[str]]:
    """The checked tree of ``text`` and notes about lines left out."""
    notes: list[str] = []
    if mode == "exec":
        for match in _MAGIC.finditer(text):
            at = text.count("\n", 0, match.start()) + 1
            notes.append(f"line {at}: {match.group().strip()[:40]} skipped (a notebook command)")
        text = _MAGIC.sub("", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid escape sequence": about running it
            tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        msg = exc.msg or "invalid syntax"
        line: int | None = None if "null bytes" in msg else exc.lineno
        hint = ""
        if isinstance(exc, IndentationError) or "indent" in msg:
            hint = " (check that the lines of each block start with the same spaces)"
        raise ProgramError(f"this is not valid Python ({msg}){hint}", line) from None
    except (RecursionError, MemoryError):
        raise ProgramError(
            "the code is nested too deeply to read; split long expressions into several lines",
            _too_deep_line(text, mode),
        ) from None
    except ValueError as exc:
        raise ProgramError(f"this is not valid Python ({exc})") from None
    check_program(tree)
    return tree, notes
