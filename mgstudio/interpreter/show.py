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
MAX_WIDTH = 1000  # a format's width or precision (f-strings and %)
_MAX_WIDTH = MAX_WIDTH


def too_wide(digits: str) -> bool:
    """A width or precision written in a format, past :data:`MAX_WIDTH` (a 5,000-digit one
    never reaches ``int()``, which would refuse it with words about ``sys``)."""
    return len(digits) > 4 or int(digits) > MAX_WIDTH


def type_name(x: Any) -> str:
    from .objects import BoundMethod, Builtin, Class, Function, Instance, Module, Super

    t = type(x)
    if t is Instance:
        article = "an" if x.cls.name[:1].lower() in "aeiou" else "a"
        return f"{article} {x.cls.name} object"
    if t is Value:
        return "a Value"
    if x is Value:  # the engine's class itself (Value.tanh(a), say)
        return "the class Value"
    if x is None:
        return "None"
    if t is Builtin and x.pytype is not None:
        return f"the class {x.pytype.__name__}"
    if t in (Function, BoundMethod, Builtin):
        return "a function"
    if t is Class:
        return f"the class {x.name}"
    if x is Value:
        return "the class Value"
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


def qualified(cls: Any) -> str:
    """``__main__.Neuron`` for a program's class, ``micrograd.nn.Neuron`` for micrograd's
    (its code is numbered line 0)."""
    return f"{'micrograd.nn' if cls.line == 0 else '__main__'}.{cls.name}"


class Shower:
    """``show(x)`` is repr, ``text(x)`` is str; ``call_repr(obj)`` runs a program's
    ``__repr__`` (None when the class has none)."""

    def __init__(self, call_repr: Callable[[Any], str | None]):
        self.call_repr = call_repr
        self._room = _MAX_TEXT

    def text(self, x: Any) -> str:
        return x if type(x) is str else self.show(x)

    def show(self, x: Any) -> str:
        out: list[str] = []
        outer = self._room  # a program's __repr__ may call repr() in the middle of ours
        self._room = _MAX_TEXT  # characters still to write: a list of big reprs stops early
        try:
            self._write(x, 0, set(), out)
        finally:
            self._room = outer
        text = "".join(out)
        return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"

    def _put(self, out: list[str], piece: str) -> None:
        out.append(piece)
        self._room -= len(piece)

    def _write(self, x: Any, depth: int, seen: set[int], out: list[str]) -> None:
        t = type(x)
        if t in (int, float, bool, str) or x is None or x is Ellipsis:
            if t is int and x.bit_length() > 10_000:
                self._put(out, "<an int too long to print>")
            else:
                self._put(out, repr(x))
            return
        if t is Value:
            self._put(out, f"Value(data={x.data!r}, grad={x.grad!r})")
            return
        if t not in (list, tuple, set, dict):
            self._put(out, self._other(x))
            return
        if id(x) in seen or depth > _MAX_DEPTH:
            self._put(out, "[...]" if t is list else "(...)" if t is tuple else "{...}")
            return
        if t is set and not x:
            self._put(out, "set()")
            return
        seen = seen | {id(x)}
        brackets: dict[type, str] = {list: "[]", tuple: "()", set: "{}", dict: "{}"}
        opening, closing = brackets[t][0], brackets[t][1]
        self._put(out, opening)
        items = list(x.items())[:_MAX_ITEMS] if t is dict else list(x)[:_MAX_ITEMS]
        for i, item in enumerate(items):
            if self._room <= 0:
                break
            if i:
                self._put(out, ", ")
            if t is dict:
                self._write(item[0], depth + 1, seen, out)
                self._put(out, ": ")
                self._write(item[1], depth + 1, seen, out)
            else:
                self._write(item, depth + 1, seen, out)
        if len(x) > len(items) or self._room <= 0:
            self._put(out, ", …")
        if t is tuple and len(x) == 1:
            self._put(out, ",")
        self._put(out, closing)

    def _other(self, x: Any) -> str:
        """Python's words for a class, function or module (without its address)."""
        from .objects import BoundMethod, Builtin, Class, Function, Instance, Module, Super

        t = type(x)
        if t is Instance:
            text = self.call_repr(x)
            return text if text is not None else f"<{qualified(x.cls)} object>"
        if x is Value:
            return "<class 'micrograd.engine.Value'>"
        if t is Class:
            return f"<class '{qualified(x)}'>"
        if t is Function:
            return f"<function {x.name}>"
        if t is BoundMethod:
            owner = x.fn.owner.name + "." if x.fn.owner is not None else ""
            return f"<bound method {owner}{x.fn.name} of {self.show(x.obj)}>"
        if t is Builtin:
            if x.pytype is not None:
                return f"<class {x.pytype.__name__!r}>"
            if "." in x.name and not x.name.startswith(("math.", "random.")):
                kind, name = x.name.split(".", 1)
                return f"<built-in method {name} of {kind} object>"
            return f"<built-in function {x.name.split('.')[-1]}>"
        if t is Module:
            return f"<module {x.name!r}>"
        if t is Super:
            return "<super object>"
        if t is range:
            return repr(x)
        name = t.__name__
        return f"<{'generator' if name == 'generator' else name} object>"

    def format(self, x: Any, spec: str, conversion: int) -> str:
        """One ``{x!c:spec}`` of an f-string."""
        if conversion in (ord("r"), ord("a")):
            x = self.show(x)
        elif conversion == ord("s"):
            x = self.text(x)
        if not spec:
            return self.text(x)
        if any(too_wide(n) for n in _SPEC_NUMBER.findall(spec)):
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
