"""How a program's values are written: ``print``, ``str()``, f-strings, and error messages.

Our own ``repr``: Python's would call into objects (``__repr__`` of anything reachable) and
recurse without bound on a list that holds itself. Here containers are cut at a depth and a
length, cycles print as ``[...]``, and a program's ``__repr__`` is called through the machine
like any other method.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mgstudio.engine import Value

from .errors import ProgramError

_MAX_DEPTH = 20
_MAX_ITEMS = 1000
_MAX_TEXT = 100_000
_SPEC_NUMBER = re.compile(r"\d+")
_MAX_WIDTH = 1000


def type_name(x: Any) -> str:
    from .objects import BoundMethod, Builtin, Class, Function, Instance, Module, Super

    t = type(x)
    if t is Instance:
        return f"a {x.cls.name} object"
    if t is Value:
        return "a Value"
    if x is Value:  # the engine's class itself (Value.tanh(a), say)
        return "the class Value"
    if x is None:
        return "None"
    if t in (Function, BoundMethod, Builtin):
        return "a function"
    if t is Class:
        return f"the class {x.name}"
    if t is Module:
        return f"the module {x.name}"
    if t is Super:
        return "super()"
    names = {
        bool: "a bool",
        int: "an int",
        float: "a float",
        str: "a string",
        list: "a list",
        tuple: "a tuple",
        dict: "a dict",
        set: "a set",
        range: "a range",
    }
    return names.get(t, "an iterator")


class Shower:
    """``show(x)`` is repr, ``text(x)`` is str; ``call_repr(obj)`` runs a program's
    ``__repr__`` (None when the class has none)."""

    def __init__(self, call_repr: Callable[[Any], str | None]):
        self.call_repr = call_repr

    def text(self, x: Any) -> str:
        return x if type(x) is str else self.show(x)

    def show(self, x: Any) -> str:
        out = self._show(x, 0, set())
        return out if len(out) <= _MAX_TEXT else out[: _MAX_TEXT - 1] + "…"

    def _show(self, x: Any, depth: int, seen: set[int]) -> str:
        from .objects import BoundMethod, Builtin, Class, Function, Instance, Module

        t = type(x)
        if t in (int, float, bool, str) or x is None or x is Ellipsis:
            if t is int and x.bit_length() > 10_000:
                return "<an int too long to print>"
            return repr(x)
        if t is Value:
            return f"Value(data={x.data!r}, grad={x.grad!r})"
        if t in (list, tuple, set, dict):
            if id(x) in seen or depth > _MAX_DEPTH:
                return "[...]" if t is list else "(...)" if t is tuple else "{...}"
            seen = seen | {id(x)}
            if t is dict:
                items = list(x.items())[:_MAX_ITEMS]
                body = ", ".join(
                    f"{self._show(k, depth + 1, seen)}: {self._show(v, depth + 1, seen)}"
                    for k, v in items
                )
                return "{" + body + (", …" if len(x) > _MAX_ITEMS else "") + "}"
            parts = [self._show(v, depth + 1, seen) for v in list(x)[:_MAX_ITEMS]]
            body = ", ".join(parts) + (", …" if len(x) > _MAX_ITEMS else "")
            if t is list:
                return "[" + body + "]"
            if t is set:
                return "{" + body + "}" if x else "set()"
            return "(" + body + ("," if len(x) == 1 else "") + ")"
        if t is range:
            return repr(x)
        if t is Instance:
            text = self.call_repr(x)
            return text if text is not None else f"<{x.cls.name} object>"
        if t is Class:
            return f"<class {x.name!r}>"
        if t is Function:
            return f"<function {x.name}>"
        if t is BoundMethod:
            return f"<method {x.fn.name}>"
        if t is Builtin:
            return f"<built-in {x.name}>"
        if t is Module:
            return f"<module {x.name!r}>"
        return "<iterator>"

    def format(self, x: Any, spec: str, conversion: int) -> str:
        """One ``{x!c:spec}`` of an f-string."""
        if conversion in (ord("r"), ord("a")):
            x = self.show(x)
        elif conversion == ord("s"):
            x = self.text(x)
        if not spec:
            return self.text(x)
        if any(int(n) > _MAX_WIDTH for n in _SPEC_NUMBER.findall(spec)):
            raise ProgramError(f"a format width or precision above {_MAX_WIDTH} is too large")
        if type(x) not in (int, float, bool, str):
            raise ProgramError(
                f"the format {spec!r} needs a number or a string, not {type_name(x)} "
                "(for a Value write v.data)"
            )
        try:
            return format(x, spec)
        except ValueError as exc:
            raise ProgramError(f"bad format {spec!r}: {exc}") from None
