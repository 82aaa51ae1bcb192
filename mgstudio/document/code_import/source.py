"""From the user's text to an ``ast`` tree, within the size limit; never compiled or run."""

from __future__ import annotations

import ast
import warnings
from typing import Literal

from mgstudio.interpreter import ProgramError
from mgstudio.interpreter.source import MAX_SOURCE_BYTES as MAX_SOURCE_BYTES
from mgstudio.interpreter.source import decode

from .errors import CodeImportError


def parse_source(text: str | bytes, mode: Literal["exec", "eval"]) -> ast.AST:
    """The tree of ``text`` (``mode``: a module, or one expression); every way a text can fail
    to be Python becomes a :class:`CodeImportError` with the line when Python knows it."""
    try:  # the size and encoding rules are the interpreter's, for every importer
        text = decode(text)
    except ProgramError as exc:
        raise CodeImportError(exc.message) from None
    try:
        with warnings.catch_warnings():
            # "invalid escape sequence" and such are about running the code, which we never do
            warnings.simplefilter("ignore")
            return ast.parse(text, mode=mode)
    except SyntaxError as exc:
        line = exc.lineno
        msg = exc.msg or "invalid syntax"
        if "null bytes" in msg:
            line = None
        raise CodeImportError(f"this is not valid Python ({msg})", line) from None
    except (RecursionError, MemoryError):
        raise CodeImportError(
            "the code is nested too deeply to read; split long expressions into several assignments"
        ) from None
    except ValueError as exc:  # e.g. null bytes on some Python versions
        raise CodeImportError(f"this is not valid Python ({exc})") from None
