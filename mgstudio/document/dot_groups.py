"""What the Graphviz picture needs to know of groups (``graphviz_io.dot_graph`` draws them):
which nodes a collapsed group hides, what its record shows, how clusters are titled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .groups import Group, GroupIndex
from .nodes import Wire


class _Wired(Protocol):
    @property
    def wires(self) -> Sequence[Wire]: ...


def groups_of(doc: object) -> GroupIndex | None:
    groups = getattr(doc, "groups", None)
    return groups if isinstance(groups, GroupIndex) and groups else None


def hidden_in(groups: GroupIndex) -> dict[str, str]:
    """Node -> the outermost collapsed group holding it (the nodes drawn as one record)."""
    out: dict[str, str] = {}
    for g in groups:
        if g.collapsed and not any(groups.get(a).collapsed for a in groups.ancestors(g.id)[1:]):
            for nid in groups.members(g.id):
                out[nid] = g.id
    return out


def outputs_of(doc: _Wired, groups: GroupIndex, gid: str) -> list[str]:
    """A group's outputs: members feeding a node outside it, or feeding nothing."""
    inside = set(groups.members(gid))
    feeding: dict[str, bool] = {}
    for w in doc.wires:
        if w.src in inside:
            feeding[w.src] = feeding.get(w.src, False) or w.dst not in inside
    return [nid for nid in groups.members(gid) if feeding.get(nid, True)]


def group_title(g: Group) -> str:
    return f"{g.label} ({g.kind})" if g.label else g.name


def dot_safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in text)
