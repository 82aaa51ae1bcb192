"""Readable names for a program's Values and objects, from where the program keeps them.

``n.layers[0].neurons[1].w[2]`` becomes ``L0.N1.w2``: a list of objects held in an attribute
is named by the attribute's initial (``layers`` -> ``L``), a list of Values by the whole
attribute (``w2``), a top-level list by its variable (``xs[1]`` -> ``xs1``). The top-level
object's own name is left out when it is the only object the names start from (``n`` in
the lecture); with several (two MLPs), it stays in front (``n.L0.N1.w2``).
Paths are found breadth first, so each thing gets its shortest path.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from mgstudio.engine import Value

from .objects import Instance

_MAX_VISITS = 200_000
_MAX_DEPTH = 8

Segment = tuple[str, Any]  # ("attr", name) | ("index", i) | ("key", k)


class Paths:
    """``values``/``objects``: id(Value)/id(Instance) -> name; ``owners``: id(Value) -> the
    object whose attributes hold it (a neuron for its weights)."""

    def __init__(self) -> None:
        self.values: dict[int, str] = {}
        self.objects: dict[int, str] = {}
        self.owners: dict[int, Instance] = {}


def find_paths(globals_: dict[str, Any]) -> Paths:
    """The names of everything reachable from the program's top-level names."""
    raw: dict[int, tuple[str, list[Segment], Any]] = {}
    out = Paths()
    todo: deque[tuple[Any, str, list[Segment], Instance | None]] = deque()
    # a top-level name holding a Value itself (a loop's leftover ``p``) is its name only when
    # no object keeps it: a neuron's weight stays L2.N0.b, and keeps its owner
    loose: list[tuple[str, Value]] = []
    for name, obj in globals_.items():
        if type(obj) is Value:
            loose.append((name, obj))
        elif type(obj) in (Instance, list, tuple, dict):
            todo.append((obj, name, [], None))
    visits = 0
    seen: set[int] = set()
    while todo and visits < _MAX_VISITS:
        obj, root, segs, owner = todo.popleft()
        visits += 1
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        t = type(obj)
        if t is Value or t is Instance:
            raw[id(obj)] = (root, segs, obj)
            if t is Value:
                if owner is not None:
                    out.owners[id(obj)] = owner
                continue
        if len(segs) >= _MAX_DEPTH:
            continue
        if t is Instance:
            for k, v in obj.attrs.items():
                todo.append((v, root, [*segs, ("attr", k)], obj))
        elif t in (list, tuple):
            for i, v in enumerate(obj):
                if type(v) in (Value, Instance, list, tuple, dict):
                    todo.append((v, root, [*segs, ("index", i)], owner))
        elif t is dict:
            for k, v in obj.items():
                if type(k) is str and k.isidentifier():
                    todo.append((v, root, [*segs, ("key", k)], owner))
    for name, v in loose:
        if id(v) not in seen:
            seen.add(id(v))
            raw[id(v)] = (name, [], v)
    roots = {
        root for root, segs, obj in raw.values() if segs and type(globals_.get(root)) is Instance
    }
    drop_root = len(roots) == 1
    for key, (root, segs, obj) in raw.items():
        dropped = drop_root and type(globals_.get(root)) is Instance
        text = _format(root, segs, dropped, type(obj) is Value)
        (out.values if type(obj) is Value else out.objects)[key] = text
    return out


def _format(root: str, segs: list[Segment], drop_root: bool, is_value: bool) -> str:
    if not segs:
        return root
    tokens: list[str] = [] if drop_root else [root]
    i = 0
    while i < len(segs):
        kind, what = segs[i]
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        if kind in ("attr", "key") and nxt is not None and nxt[0] == "index":
            # the list holding the Value itself keeps its whole name (w2); lists of objects
            # on the way are named by their initial (layers[0] -> L0)
            whole = is_value and i + 2 == len(segs)
            head = str(what) if whole else str(what)[:1].upper()
            tokens.append(f"{head}{nxt[1]}")
            i += 2
            while i < len(segs) and segs[i][0] == "index":  # w[1][2] -> w1_2
                tokens[-1] += f"_{segs[i][1]}"
                i += 1
            continue
        if kind == "index":
            if tokens:
                tokens[-1] += f"{what}" if tokens[-1][-1:].isalpha() else f"_{what}"
            else:
                tokens.append(f"{root}{what}")
        else:
            tokens.append(str(what))
        i += 1
    return ".".join(tokens)
