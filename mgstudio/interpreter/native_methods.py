"""The methods of lists, dicts, strings, tuples and sets a program may call.

Each entry takes the object and returns a bound builtin. Whatever can grow a container or a
string checks the size budget first (``"a" * 10**10`` and friends are refused before Python
tries to allocate them); ``sort`` takes a program's key function through the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ProgramError
from .objects import Builtin


def tables(m: Any) -> dict[type, dict[str, Callable[[Any], Any]]]:
    budget = m.budget
    items, spend_on = budget.items, budget.spend_on

    def bound(name: str, fn: Callable[..., Any]) -> Callable[[Any], Any]:
        # what a method returns (a copy, a split, an upper-cased text) is weighed as made
        return lambda obj: Builtin(name, lambda *a, **k: spend_on(fn(obj, *a, **k)), sig=(fn, obj))

    def extend(lst: list[Any], more: Any) -> None:
        more = m.materialize(more)
        items(len(lst) + len(more))
        budget.spend(8 * len(more))
        lst.extend(more)

    def append(lst: list[Any], x: Any) -> None:
        if len(lst) >= m.limits.items:
            items(len(lst) + 1)
        lst.append(x)

    def insert(lst: list[Any], i: Any, x: Any) -> None:
        if len(lst) >= m.limits.items:
            items(len(lst) + 1)
        budget.steps += len(lst) >> 5  # the items after i move: a long list's insert is slow
        lst.insert(i, x)

    def sort(lst: list[Any], key: Any = None, reverse: bool = False) -> None:
        budget.steps += len(lst) // 8  # a big sort costs time: the clock is looked at
        try:
            lst.sort(key=None if key is None else m.key_function(key), reverse=bool(reverse))
        except TypeError:
            raise ProgramError(
                "list.sort() cannot compare these (for Values, sort by v.data)"
            ) from None

    def join(sep: str, parts: Any) -> str:
        parts = m.materialize(parts)
        for p in parts:
            if type(p) is not str:
                raise ProgramError(f"join() needs strings, not {m.type_name(p)}")
        items(len(sep) * len(parts) + sum(map(len, parts)), "a string")
        return sep.join(parts)

    def replace(s: str, old: str, new: str, count: int = -1) -> str:
        if type(old) is not str or type(new) is not str:
            raise ProgramError("replace() needs two strings")
        grow = len(new) - len(old)
        if grow > 0:
            items(len(s) + grow * (s.count(old) if old else len(s) + 1), "a string")
        return s.replace(old, new, count)

    def no_format(s: str, *a: Any, **k: Any) -> str:
        raise ProgramError('str.format() is not available; write an f-string: f"{x:.4f}"')

    def dict_update(d: dict[Any, Any], other: Any = (), **kw: Any) -> None:
        if type(other) is dict:
            other = list(other.items())
        other = m.materialize(other)
        items(len(d) + len(other) + len(kw), "a dict")
        budget.spend(8 * (len(other) + len(kw)))
        d.update(other, **kw)

    def set_update(s: set[Any], other: Any) -> None:
        other = m.materialize(other)
        items(len(s) + len(other), "a set")
        budget.spend(8 * len(other))
        s.update(other)

    list_methods: dict[str, Callable[..., Any]] = {
        "append": append,
        "extend": extend,
        "pop": list.pop,
        "insert": insert,
        "remove": list.remove,
        "index": list.index,
        "count": list.count,
        "reverse": list.reverse,
        "sort": sort,
        "copy": list.copy,
        "clear": list.clear,
    }
    dict_methods: dict[str, Callable[..., Any]] = {
        "keys": lambda d: list(d.keys()),
        "values": lambda d: list(d.values()),
        "items": lambda d: list(d.items()),
        "get": dict.get,
        "pop": dict.pop,
        "setdefault": dict.setdefault,
        "update": dict_update,
        "copy": dict.copy,
        "clear": dict.clear,
    }
    str_methods: dict[str, Callable[..., Any]] = {
        "join": join,
        "replace": replace,
        "format": no_format,
        "split": str.split,
        "strip": str.strip,
        "lstrip": str.lstrip,
        "rstrip": str.rstrip,
        "upper": str.upper,
        "lower": str.lower,
        "title": str.title,
        "capitalize": str.capitalize,
        "startswith": str.startswith,
        "endswith": str.endswith,
        "find": str.find,
        "count": str.count,
        "isdigit": str.isdigit,
        "isalpha": str.isalpha,
    }
    tuple_methods: dict[str, Callable[..., Any]] = {"index": tuple.index, "count": tuple.count}
    set_methods: dict[str, Callable[..., Any]] = {
        "add": set.add,
        "remove": set.remove,
        "discard": set.discard,
        "pop": set.pop,
        "copy": set.copy,
        "clear": set.clear,
        "update": set_update,
        "union": lambda s, o: s | set(m.materialize(o)),
        "intersection": lambda s, o: s & set(m.materialize(o)),
        "difference": lambda s, o: s - set(m.materialize(o)),
    }
    out: dict[type, dict[str, Callable[[Any], Any]]] = {}
    for t, methods in (
        (list, list_methods),
        (dict, dict_methods),
        (str, str_methods),
        (tuple, tuple_methods),
        (set, set_methods),
    ):
        out[t] = {name: bound(f"{t.__name__}.{name}", fn) for name, fn in methods.items()}
    return out
