"""The arithmetic, comparison and unary operators, guarded.

A Value on either side goes straight to the engine (the hot path of every training step).
Otherwise the operands are the program's plain data, and what Python would happily spend
minutes or gigabytes on is refused first: integers past ``MAX_INT_BITS`` bits
(``2**10**10``), strings and lists past the item budget (``'a' * 10**10``).
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

from mgstudio.engine import Value

from .errors import LimitReached, ProgramError
from .show import MAX_WIDTH, too_wide, type_name

MAX_INT_BITS = 100_000
_SEQ = (str, list, tuple)

BINARY_SYMBOLS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
}
_PLAIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "<<": operator.lshift,
    ">>": operator.rshift,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
}
_WORDS = {
    "+": "add",
    "-": "subtract",
    "*": "multiply",
    "/": "divide",
    "//": "floor-divide",
    "%": "take % of",
    "**": "raise",
}


def _bits(x: Any) -> int:
    return abs(int(x)).bit_length() if type(x) in (int, bool) else 0


def plain_binary(
    symbol: str, items: int, spend: Callable[[Any], Any] | None = None
) -> Callable[[Any, Any], Any]:
    """``a <symbol> b`` for operands that are not Values, with the size guards; ``spend``
    weighs a string or list it makes (the run's memory budget)."""
    fn = _PLAIN[symbol]

    def guard(a: Any, b: Any) -> None:
        ta, tb = type(a), type(b)
        if symbol == "**" and ta in (int, bool) and tb in (int, bool) and b > 0:
            if _bits(a) > 1 and b * _bits(a) > MAX_INT_BITS:
                raise LimitReached(f"{a} ** {b} is a number too large to compute")
        elif symbol == "*":
            if ta in (int, bool) and tb in (int, bool):
                if _bits(a) + _bits(b) > MAX_INT_BITS:
                    raise LimitReached("this product is a number too large to compute")
            elif ta in _SEQ and tb in (int, bool):
                _check_size(len(a) * b, items)
            elif tb in _SEQ and ta in (int, bool):
                _check_size(len(b) * a, items)
        elif symbol == "+" and ta in _SEQ and ta is tb:
            _check_size(len(a) + len(b), items)
        elif symbol == "<<" and ta in (int, bool) and tb in (int, bool):
            if b > 0 and _bits(a) + b > MAX_INT_BITS:
                raise LimitReached(f"{a} << {b} is a number too large to compute")
        elif symbol == "%" and ta is str:
            _check_percent(a, b)

    def apply(a: Any, b: Any) -> Any:
        guard(a, b)
        try:
            r = fn(a, b)
        except TypeError as exc:
            if symbol == "%" and type(a) is str:  # the format and its values disagree
                raise ProgramError(f"'%' formatting: {exc}") from None
            raise ProgramError(_cannot(symbol, a, b)) from None
        tr = type(r)
        if tr in _SEQ:
            if spend is not None:
                spend(r)
        elif tr is complex:
            raise ProgramError(f"{a!r} {symbol} {b!r} has no real value (it is a complex number)")
        return r

    return apply


#: one ``%`` conversion: (mapping key), flags, width, .precision, length, the conversion
_PERCENT_SPEC = re.compile(r"%(\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.S)
_PLAIN_DATA = (int, float, bool, str, type(None))


def _check_percent(fmt: str, args: Any) -> None:
    """``"%s: %.4f" % (name, x)`` with plain data only: no object's ``__str__`` runs, and no
    width asks for a gigabyte of spaces, written (``%1000000d``) or passed (``%*d``)."""
    values = args.values() if type(args) is dict else args if type(args) is tuple else (args,)
    if not all(type(v) in _PLAIN_DATA for v in values):
        raise ProgramError(
            "'%' formatting takes numbers and strings (for a Value, format v.data); "
            'an f-string works too: f"{v.data:.4f}"'
        )
    positional = list(values) if type(args) is not dict else []
    at = 0
    for key, width, precision, conversion in _PERCENT_SPEC.findall(fmt):
        if conversion == "%":
            continue
        for part in (width, precision):
            if part == "*":
                n = positional[at] if at < len(positional) else 0
                at += 1
                if type(n) is int and abs(n) > MAX_WIDTH:
                    raise ProgramError(
                        f"a format width or precision above {MAX_WIDTH} is too large (got {n})"
                    )
            elif part and too_wide(part):
                raise ProgramError(f"a format width or precision above {MAX_WIDTH} is too large")
        if not key:
            at += 1


def _check_size(n: int, items: int) -> None:
    if n > items:
        raise LimitReached(f"a string or list of {n:,} items is too large (at most {items:,})")


def _cannot(symbol: str, a: Any, b: Any) -> str:
    word = _WORDS.get(symbol)
    if word == "raise":
        return f"cannot raise {type_name(a)} to the power of {type_name(b)}"
    if word:
        return f"cannot {word} {type_name(a)} and {type_name(b)} ({symbol})"
    return f"the operator {symbol} does not apply to {type_name(a)} and {type_name(b)}"


def value_binary(symbol: str) -> Callable[[Any, Any], Any]:
    """``a <symbol> b`` when one side is a Value (the engine's operator, error words ours)."""
    fn = _PLAIN[symbol]

    def apply(a: Any, b: Any) -> Any:
        try:
            r = fn(a, b)
        except TypeError:
            hint = ""
            if symbol == "**" and type(b) is Value:
                hint = " (micrograd supports a number as the exponent: x**2)"
            raise ProgramError(_cannot(symbol, a, b) + hint) from None
        if type(r) is not Value:
            raise ProgramError(_cannot(symbol, a, b))
        return r

    return apply


COMPARE: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
    ast.Is: ("is", operator.is_),
    ast.IsNot: ("is not", operator.is_not),
    ast.In: ("in", lambda a, b: operator.contains(b, a)),
    ast.NotIn: ("not in", lambda a, b: not operator.contains(b, a)),
}


def compare_error(symbol: str, a: Any, b: Any) -> ProgramError:
    hint = " (compare v.data, the Value's number)" if Value in (type(a), type(b)) else ""
    return ProgramError(f"cannot compare {type_name(a)} and {type_name(b)} with {symbol}{hint}")
