"""The plain data of a document: ``Node`` and ``Wire`` records and the checks every node field
passes, whether it comes from an edit, a file or the clipboard.

Both records are immutable: the document replaces a node when it changes, so an undo record
that holds an old ``Node`` can never be changed behind its back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from .errors import InvalidValueError, UnknownKindError, UnknownParamError
from .kinds import KINDS, Kind

MAX_LABEL = 200
MAX_ID = 64
#: positions beyond this are surely a broken file (and make a canvas unusable)
MAX_COORD = 1e7
# control characters (Unicode category Cc), line/paragraph separators and lone surrogates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,63}")  # MAX_ID characters


@dataclass(frozen=True, eq=False, init=False)
class Wire(tuple[str, str, str]):  # a dataclass over a tuple, see below
    """``src``'s output feeds the input ``port`` of ``dst``.

    The three ends are the items of a tuple: a wire is hashed and compared by the tuple's own
    C code (a big file's wires are keys of the document's indexes: a generated Python
    ``__hash__`` and ``__init__`` were a call each, 128,000 times per load). It is still a
    dataclass (``dataclasses.replace`` and ``fields`` work on it)."""

    src: str
    dst: str
    port: str
    #: fields of the file this mgstudio does not know, written back on save; not part of a
    #: wire's identity (a wire is its two ends and the port, wherever it came from)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __new__(cls, src: str, dst: str, port: str, extra: Mapping[str, Any] | None = None) -> Wire:
        self = tuple.__new__(cls, (src, dst, port))
        if extra:
            object.__setattr__(self, "extra", extra)
        return self

    def __getnewargs__(self) -> tuple[str, str, str, Mapping[str, Any] | None]:
        # copy and pickle build it as __new__ expects
        return (self[0], self[1], self[2], self.__dict__.get("extra"))

    __hash__ = tuple.__hash__


# read from the tuple (C getters); a wire without unknown fields shares one empty mapping
Wire.src = property(itemgetter(0), doc="the node whose output the wire carries")  # type: ignore[assignment]
Wire.dst = property(itemgetter(1), doc="the node it feeds")  # type: ignore[assignment]
Wire.port = property(itemgetter(2), doc="the input of dst it feeds")  # type: ignore[assignment]
Wire.extra = MappingProxyType({})


@dataclass(frozen=True, eq=True)
class Node:
    """One node: read it, change it through the ``Document`` (which replaces it)."""

    id: str
    kind: str
    label: str = ""
    value: float | None = None
    params: Mapping[str, float] = field(default_factory=dict)
    pos: tuple[float, float] = (0.0, 0.0)
    #: fields of the file this mgstudio does not know, kept so that saving writes them back
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: an ``input`` leaf's role in training: the dataset column it is fed (a feature), or
    #: None: a parameter, trained (see docs/CONTRACTS.md, "Training a document")
    feature: int | None = None

    __hash__ = None  # type: ignore[assignment]  # params/extra are dicts

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]


_new = object.__new__
_set = object.__setattr__


def checked_node(
    node_id: str,
    kind: str,
    label: str,
    value: float | None,
    params: Mapping[str, float],
    pos: tuple[float, float],
    extra: Mapping[str, Any],
    feature: int | None = None,
) -> Node:
    """``Node(...)`` of fields a loader has checked already: the same object, made without the
    frozen dataclass ``__init__`` (a call per field, 100,000 nodes a file)."""
    node = _new(Node)
    _set(
        node,
        "__dict__",
        {
            "id": node_id,
            "kind": kind,
            "label": label,
            "value": value,
            "params": params,
            "pos": pos,
            "extra": extra,
            "feature": feature,
        },
    )
    return node


def shown(x: Any, limit: int = 60) -> str:
    """``repr(x)`` cut to ``limit`` characters: a message quotes what a file or the clipboard
    held without carrying all of it (a pasted 1 MB id made a 1 MB error message)."""
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_named(name: Any) -> Kind:
    if not isinstance(name, str) or name not in KINDS:
        known = ", ".join(KINDS)
        raise UnknownKindError(f"there is no node kind {shown(name)}; the kinds are: {known}")
    return KINDS[name]


def check_number(x: Any, what: str) -> float:
    """A finite float, or InvalidValueError naming ``what``."""
    if type(x) is float and x - x == 0.0:  # fast path: finite floats (inf - inf is nan)
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise InvalidValueError(f"{what} must be a number, not {_type_name(x)}")
    try:
        f = float(x)
    except (OverflowError, ValueError):
        raise InvalidValueError(f"{what} is too large") from None
    if not math.isfinite(f):
        raise InvalidValueError(f"{what} must be a finite number, not {f!r}")
    return f


def check_label(label: Any) -> str:
    if not isinstance(label, str):
        raise InvalidValueError(f"a label must be text, not {_type_name(label)}")
    if len(label) > MAX_LABEL:
        raise InvalidValueError(f"a label can be at most {MAX_LABEL} characters long")
    if _CONTROL.search(label):
        raise InvalidValueError(
            "a label is one line of text without control characters or broken characters"
        )
    return label


def check_pos(pos: Any) -> tuple[float, float]:
    if not isinstance(pos, (list, tuple)) or len(pos) != 2:
        raise InvalidValueError("a position is a pair of numbers [x, y]")
    x = check_number(pos[0], "a position's x")
    y = check_number(pos[1], "a position's y")
    if abs(x) > MAX_COORD or abs(y) > MAX_COORD:
        raise InvalidValueError(f"a position must lie within ±{MAX_COORD:g}")
    return (x, y)


def check_id(node_id: Any, what: str = "a node id") -> str:
    """A short name (``ID_PATTERN``): a node's id, or a group's (``what="a group id"``)."""
    if not isinstance(node_id, str) or not ID_PATTERN.fullmatch(node_id):
        raise InvalidValueError(
            f"{what} is a short name of letters, digits, '_' and '-' starting with a letter "
            f"(at most {MAX_ID} characters), not {shown(node_id)}"
        )
    return node_id


def check_value(kind: Kind, value: Any) -> float | None:
    """The value a node of ``kind`` holds: a finite number for leaves, None otherwise."""
    if not kind.is_leaf:
        if value is not None:
            raise InvalidValueError(
                f"a {kind.name} node computes its value from its inputs; only inputs and "
                "constants hold a value you type"
            )
        return None
    if value is None:
        return kind.default_value
    return check_number(value, f"the value of an {kind.name}")


#: the highest dataset column a feature leaf may name (a table has far fewer columns; this
#: only bounds what a file or an edit may hold)
MAX_FEATURE = 9_999


def check_feature(kind: Kind, feature: Any) -> int | None:
    """An ``input`` leaf's dataset column (a whole number >= 0), or None (a parameter)."""
    if feature is None:
        return None
    if kind.name != "input":
        raise InvalidValueError(
            f"only input nodes take a dataset column (a feature); a {kind.name} node cannot"
        )
    if isinstance(feature, bool) or not isinstance(feature, int):
        raise InvalidValueError(
            f"a feature is the number of a dataset column (0, 1, ...), not {_type_name(feature)}"
        )
    if not 0 <= feature <= MAX_FEATURE:
        raise InvalidValueError(
            f"a feature is a dataset column between 0 and {MAX_FEATURE}, not {feature}"
        )
    return int(feature)


def check_param(kind: Kind, name: Any, value: Any) -> float:
    param = kind.param(name) if isinstance(name, str) else None
    if param is None:
        have = ", ".join(p.name for p in kind.params) or "none"
        raise UnknownParamError(
            f"a {kind.name} node has no setting {shown(name)} (its settings: {have})"
        )
    number = check_number(value, f"the {param.name} of a {kind.name} node")
    if param.type is int:
        if not number.is_integer():
            raise InvalidValueError(f"the {param.name} of a {kind.name} node is a whole number")
        return int(number)
    return number


def check_params(kind: Kind, params: Any) -> dict[str, float]:
    """All of the kind's parameters: the given ones checked, defaults for the rest."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise InvalidValueError(
            f"settings are a mapping of name to number, not {_type_name(params)}"
        )
    out = kind.default_params()
    for name, value in params.items():
        out[name] = check_param(kind, name, value)
    return out


def _type_name(x: Any) -> str:
    if x is None:
        return "nothing (null)"
    if isinstance(x, bool):
        return "true/false"
    if isinstance(x, str):
        return f"the text {x[:40]!r}"
    if isinstance(x, (list, tuple)):
        return "a list"
    if isinstance(x, Mapping):
        return "an object"
    return type(x).__name__
