"""The builtin functions a program sees, each our own over the program's values.

They are not Python's builtins passed through: anything that reads an iterable reads it with
the machine (item by item, within the budgets), anything that calls back (``sorted(key=)``,
``map``) calls the program's function through the machine, and ``print`` writes to the log.
"""

from __future__ import annotations

from typing import Any

from mgstudio.engine import Value

from .errors import ProgramError
from .objects import Builtin, Class, Instance

_NUMBERS = (int, float, bool)
#: round(x, n) past this many digits gives the same answer (a program's int has fewer)
MAX_ROUND_DIGITS = 40_000


def make_builtins(m: Any, shower: Any) -> dict[str, Any]:
    materialize, call, text = m.materialize, m.call, shower.text

    spend_on = m.budget.spend_on
    one_print = m.limits.log_chars // 10

    def print_(*args: Any, sep: Any = " ", end: Any = "\n") -> None:
        if type(sep) is not str or type(end) is not str:
            raise ProgramError("print()'s sep and end must be strings")
        parts: list[str] = []
        size = 0
        for i, a in enumerate(args):  # stops once past what one print may show
            piece = text(a) if i == 0 else sep + text(a)
            parts.append(piece)
            size += len(piece)
            if size > one_print:  # say() cuts it and says so
                break
        m.say("".join(parts) + end)

    def str_(x: Any = "") -> str:
        if type(x) is str:
            return x
        out: str = spend_on(text(x))
        return out

    def repr_(x: Any) -> str:
        out: str = spend_on(shower.show(x))
        return out

    def sum_(iterable: Any, start: Any = 0) -> Any:
        items = materialize(iterable)
        if type(start) is not Value and not any(type(x) is Value for x in items):
            if type(start) not in _NUMBERS or not all(type(x) in _NUMBERS for x in items):
                bad = next((x for x in items if type(x) not in _NUMBERS), start)
                raise ProgramError(f"sum() adds numbers and Values, not {m.type_name(bad)}")
            return sum(items, start)  # Python's own float sum, exactly as the program would
        made = m.made
        acc = start
        for x in items:
            acc = acc + x
            if type(acc) is not Value:
                raise ProgramError(f"sum() adds numbers and Values, not {m.type_name(x)}")
            made(acc)
        return acc

    def extreme(pick: Any, name: str) -> Any:
        def run(*args: Any, key: Any = None, default: Any = _MISSING) -> Any:
            items = materialize(args[0]) if len(args) == 1 else list(args)
            if not items:
                if default is _MISSING:
                    raise ProgramError(f"{name}() of an empty sequence")
                return default
            try:
                return pick(items, key=None if key is None else m.key_function(key))
            except TypeError:
                raise ProgramError(
                    f"{name}() cannot compare these (for Values, compare v.data)"
                ) from None

        return run

    def len_(x: Any) -> int:
        if type(x) not in (list, tuple, str, dict, set, range):
            raise ProgramError(f"{m.type_name(x)} has no len()")
        return len(x)

    def number(kind: type) -> Any:
        def convert(x: Any = 0) -> Any:
            if type(x) is Value:
                raise ProgramError(f"{kind.__name__}() of a Value: write v.data for its number")
            if type(x) not in (*_NUMBERS, str):
                raise ProgramError(f"{kind.__name__}() of {m.type_name(x)} is not a number")
            return kind(x)

        return convert

    def map_(fn: Any, *iterables: Any) -> Any:
        if not iterables:
            raise ProgramError("map() needs a function and at least one list")
        its = [m.iterate(i) for i in iterables]
        return (call(fn, args) for args in zip(*its))

    def filter_(fn: Any, iterable: Any) -> Any:
        it = m.iterate(iterable)
        if fn is None:
            return (x for x in it if x)
        return (x for x in it if call(fn, (x,)))

    def sorted_(iterable: Any, key: Any = None, reverse: Any = False) -> list[Any]:
        items: list[Any] = materialize(iterable)
        m.budget.steps += len(items) // 8  # a big sort costs time: the clock is looked at
        try:
            items.sort(key=None if key is None else m.key_function(key), reverse=bool(reverse))
        except TypeError:
            raise ProgramError(
                "sorted() cannot compare these (for Values, sort by v.data)"
            ) from None
        return items

    def reversed_(x: Any) -> Any:
        if type(x) not in (list, tuple, str, range):
            raise ProgramError(
                f"reversed() needs a list, tuple, string or range, not {m.type_name(x)}"
            )
        return reversed(x)

    def isinstance_(x: Any, kinds: Any) -> bool:
        options = kinds if type(kinds) is tuple else (kinds,)
        for k in options:
            if k is Value:
                if type(x) is Value:
                    return True
            elif type(k) is Class:
                if type(x) is Instance and x.cls.is_subclass(k):
                    return True
            elif type(k) is Builtin and k.pytype is not None:
                if isinstance(x, k.pytype):
                    return True
            else:
                raise ProgramError(f"isinstance() needs a class, not {m.type_name(k)}")
        return False

    def container(kind: type) -> Any:
        def make(x: Any = ()) -> Any:
            items = materialize(x)
            try:
                return kind(items)
            except TypeError:
                raise ProgramError(f"{kind.__name__}() cannot hold these items") from None

        return make

    def dict_(x: Any = (), **kw: Any) -> dict[Any, Any]:
        pairs = list(x.items()) if type(x) is dict else materialize(x)
        out: dict[Any, Any] = {}
        for p in pairs:
            if type(p) not in (tuple, list) or len(p) != 2:
                raise ProgramError("dict() needs pairs (key, value)")
            out[p[0]] = p[1]
        out.update(kw)
        return out

    def round_(x: Any, n: Any = None) -> Any:
        if type(x) not in _NUMBERS or (n is not None and type(n) not in (int, bool)):
            raise ProgramError("round() needs a number (for a Value, round(v.data))")
        if n is None:
            return round(x)
        n = int(n)
        if type(x) is int and n < -MAX_ROUND_DIGITS:  # Python would compute 10**-n first
            return 0
        return round(x, max(min(n, MAX_ROUND_DIGITS), -MAX_ROUND_DIGITS))

    def abs_(x: Any) -> Any:
        if type(x) not in _NUMBERS:
            raise ProgramError(f"abs() needs a number, not {m.type_name(x)}")
        return abs(x)

    def any_(x: Any) -> bool:
        for item in m.iterate(x):
            m.budget.steps += 1
            if item:
                return True
        return False

    def all_(x: Any) -> bool:
        for item in m.iterate(x):
            m.budget.steps += 1
            if not item:
                return False
        return True

    def range_(*args: Any) -> range:
        if not all(type(a) in (int, bool) for a in args):
            raise ProgramError("range() needs whole numbers (int)")
        return range(*args)

    def zip_(*its: Any) -> Any:
        return zip(*[m.iterate(i) for i in its])

    def enumerate_(it: Any, start: Any = 0) -> Any:
        if type(start) is not int:
            raise ProgramError("enumerate()'s start must be an int")
        return enumerate(m.iterate(it), start)

    table: dict[str, Any] = {
        "print": print_,
        "sum": sum_,
        "min": extreme(min, "min"),
        "max": extreme(max, "max"),
        "len": len_,
        "abs": abs_,
        "round": round_,
        "range": range_,
        "zip": zip_,
        "enumerate": enumerate_,
        "map": map_,
        "filter": filter_,
        "sorted": sorted_,
        "reversed": reversed_,
        "isinstance": isinstance_,
        "any": any_,
        "all": all_,
        "repr": repr_,
    }
    out: dict[str, Any] = {name: Builtin(name, fn) for name, fn in table.items()}
    typed: dict[str, tuple[type, Any]] = {
        "float": (float, number(float)),
        "int": (int, number(int)),
        "bool": (bool, lambda x=False: bool(x)),
        "str": (str, str_),
        "list": (list, container(list)),
        "tuple": (tuple, container(tuple)),
        "set": (set, container(set)),
        "dict": (dict, dict_),
    }
    for name, (pytype, fn) in typed.items():
        out[name] = Builtin(name, fn, pytype)
    out["Value"] = Value
    return out


_MISSING = object()
