"""JSON text under the limits every input shares (files, the clipboard, swap files): a size
cap, UTF-8, finite numbers, no key twice in an object, bounded nesting. Every failure is a
``FileFormatError`` with a sentence a learner can read."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import FileFormatError

MAX_FILE_BYTES = 50_000_000
#: nesting allowed inside an unknown field's value (deeper breaks json.dumps on save)
MAX_DEPTH = 32


def load_json(
    text: str | bytes, max_bytes: int | None = None, what: str = "an mgstudio document"
) -> Any:
    """JSON text under the limits every input shares: at most ``max_bytes``, UTF-8, finite
    numbers, no key twice in an object, nesting within Python's recursion limit. Every
    failure is a FileFormatError (never a RecursionError or ValueError)."""
    if max_bytes is None:
        max_bytes = MAX_FILE_BYTES
    if isinstance(text, (bytes, bytearray, memoryview)):
        if len(text) > max_bytes:
            raise FileFormatError(too_big_message(len(text), max_bytes))
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                f"this is not a text file (byte {exc.start} is not UTF-8)"
            ) from None
    elif not isinstance(text, str):
        raise FileFormatError(f"expected JSON text, not {type(text).__name__}")
    elif len(text) > max_bytes:
        raise FileFormatError(too_big_message(len(text), max_bytes))
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"line {exc.lineno}: this is not valid JSON ({exc.msg} at column {exc.colno})"
        ) from None
    except RecursionError:
        raise FileFormatError(f"the JSON is nested too deeply to be {what}") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise FileFormatError(f"the JSON holds a number this program cannot read ({exc})") from None


def too_big_message(n: int, limit: int | None = None) -> str:
    if limit is None:
        limit = MAX_FILE_BYTES
    return (
        f"the file is too large ({n / 1e6:.1f} MB); mgstudio opens documents up to "
        f"{limit / 1e6:g} MB"
    )


def nesting_depth(value: Any) -> int:
    # without recursion: the value may be nearly as deep as the recursion limit
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # called for every object of the file: the common case stays in C
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise FileFormatError(f"the key {key!r} appears twice in one JSON object")
            seen.add(key)
    return out


def _reject_constant(name: str) -> float:
    raise FileFormatError(f"numbers in a document must be finite; this file contains {name}")


def _finite_float(s: str) -> float:
    f = float(s)
    if not math.isfinite(f):
        raise FileFormatError(f"the number {s[:30]} is too large")
    return f


def unknown_fields(
    obj: Mapping[str, Any], known: Iterable[str], where: str | None = None
) -> dict[str, Any]:
    """The fields of ``obj`` this version does not know (kept, and written back on save),
    each checked to nest at most MAX_DEPTH levels."""
    extra = {k: v for k, v in obj.items() if k not in known}
    for key, value in extra.items():
        if isinstance(value, (dict, list)) and nesting_depth(value) > MAX_DEPTH:
            prefix = f"{where}: " if where else ""
            raise FileFormatError(
                f"{prefix}the field {key!r} nests more than {MAX_DEPTH} levels deep"
            )
    return extra
