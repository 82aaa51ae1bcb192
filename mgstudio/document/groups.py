"""Groups: named sets of nodes (a neuron, a layer, an MLP, or a learner's own group).

A ``Group`` lists the nodes it holds directly; a nested group names its ``parent``, so the
nodes of a group are its own and those of every group inside it (``GroupIndex.members``).
A node belongs directly to at most one group. What a group shows as its ports is derived from
the wires that cross its boundary (``GroupIndex.ports``), never stored: a wire added or removed
across the boundary changes the ports by itself.

``GroupIndex`` is the document's index of its groups (Qt-free, like ``graph.Graph``); the
edits that change it live in ``group_edits`` and go through ``Document``. Its whole state is a
tuple of immutable records (``state``), so an undo record is that tuple and undoing is
``restore`` (exact, order included: a file saves byte for byte as before).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import DocumentError, InvalidValueError, UnknownNodeError
from .nodes import Wire, check_id, check_label, shown

#: what a group stands for; nesting is free (a neuron inside a layer inside an mlp is the
#: networks' convention, a learner's ``group`` may hold anything)
GROUP_KINDS = ("neuron", "layer", "mlp", "group")
#: deeper nesting is surely a broken file (a network is three levels)
MAX_DEPTH = 32
MAX_GROUPS = 50_000


class GroupError(DocumentError):
    """A group edit that cannot be done (an unknown group, a selection that splits one)."""


class UnknownGroupError(GroupError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Group:
    """One group; change it through the ``Document`` (which replaces it)."""

    id: str
    kind: str
    label: str = ""
    #: the nodes it holds directly (a nested group's nodes are the nested group's)
    nodes: tuple[str, ...] = ()
    parent: str | None = None
    collapsed: bool = False
    #: fields of the file this mgstudio does not know, written back on save
    extra: Mapping[str, Any] = field(default_factory=dict)

    __hash__ = None  # type: ignore[assignment]  # extra is a dict

    @property
    def name(self) -> str:
        """How messages name it: ``neuron 'L1.N2'`` (or ``group g3`` without a label)."""
        return f"{self.kind} {self.label!r}" if self.label else f"{self.kind} {self.id}"


@dataclass(frozen=True)
class Ports:
    """Where a group meets the rest: the wires coming in (ordered as the document's wires)
    and its outputs (member nodes feeding a node outside, or feeding nothing at all)."""

    inputs: tuple[Wire, ...]
    outputs: tuple[str, ...]


def check_group_kind(kind: Any) -> str:
    if not isinstance(kind, str) or kind not in GROUP_KINDS:
        raise InvalidValueError(
            f"a group's kind is one of {', '.join(GROUP_KINDS)}, not {shown(kind)}"
        )
    return kind


def check_group_id(gid: Any) -> str:
    return check_id(gid, "a group id")


class GroupIndex:
    """The groups of one document, with the node -> group index."""

    def __init__(self) -> None:
        self._groups: dict[str, Group] = {}
        self._of: dict[str, str] = {}
        self._children: dict[str, list[str]] = {}
        self._next = 1
        #: ports asked for since the last change of wires or members (a canvas asks for
        #: every block's on each refresh; a sample of the loss graph has 647 members)
        self._ports: dict[str, Ports] = {}

    # --- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._groups)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def __iter__(self) -> Iterator[Group]:
        return iter(self._groups.values())

    def __contains__(self, gid: object) -> bool:
        return gid in self._groups

    def get(self, gid: str) -> Group:
        try:
            return self._groups[gid]
        except (KeyError, TypeError):
            raise UnknownGroupError(f"there is no group {gid!r} in this document") from None

    def ids(self) -> list[str]:
        return list(self._groups)

    def group_of(self, nid: str) -> str | None:
        """The innermost group holding the node, or None."""
        return self._of.get(nid)

    def children(self, gid: str) -> list[str]:
        self.get(gid)
        return list(self._children.get(gid, ()))

    def ancestors(self, gid: str) -> list[str]:
        """The group and the groups around it, innermost first."""
        out = [gid]
        parent = self.get(gid).parent
        while parent is not None:
            out.append(parent)
            parent = self._groups[parent].parent
        return out

    def chain(self, nid: str) -> list[str]:
        """The groups holding a node, innermost first (empty when it is in none)."""
        gid = self._of.get(nid)
        return [] if gid is None else self.ancestors(gid)

    def descendants(self, gid: str) -> list[str]:
        """The group and every group inside it, parents before children."""
        out = [gid]
        i = 0
        while i < len(out):
            out.extend(self._children.get(out[i], ()))
            i += 1
        return out

    def members(self, gid: str) -> list[str]:
        """Every node inside the group, nested groups' nodes included."""
        return [nid for g in self.descendants(gid) for nid in self._groups[g].nodes]

    def top_level(self) -> list[str]:
        return [g.id for g in self._groups.values() if g.parent is None]

    def depth(self, gid: str) -> int:
        return len(self.ancestors(gid)) - 1

    def ports(
        self,
        gid: str,
        ins: Mapping[str, Mapping[str, Wire]],
        outs: Mapping[str, Mapping[Wire, None]],
    ) -> Ports:
        """The wires crossing into the group and its output nodes (from the graph's index);
        kept until ``wires_changed`` or a change of the groups' members."""
        known = self._ports.get(gid)
        if known is not None:
            return known
        members = self.members(gid)
        inside = set(members)
        inputs: list[Wire] = []
        outputs: list[str] = []
        for nid in members:
            into = ins.get(nid)
            if into:
                inputs.extend(w for w in into.values() if w.src not in inside)
            leaving = outs.get(nid)
            if not leaving or any(w.dst not in inside for w in leaving):
                outputs.append(nid)
        self._ports[gid] = found = Ports(tuple(inputs), tuple(outputs))
        return found

    def wires_changed(self) -> None:
        """Nodes or wires changed: ports are derived again when next asked for."""
        self._ports.clear()

    def state(self) -> tuple[Group, ...]:
        """Every group, in order: what an undo record keeps."""
        return tuple(self._groups.values())

    # --- changing (the Document's edits call these after checking) --------------------------
    def new_id(self) -> str:
        while f"g{self._next}" in self._groups:
            self._next += 1
        gid = f"g{self._next}"
        self._next += 1
        return gid

    def restore(self, groups: Iterable[Group]) -> None:
        """Replace every group (already checked: ``check_all``)."""
        self._groups = {g.id: g for g in groups}
        self._ports.clear()
        self._reindex()

    def swap(self, groups: Iterable[Group]) -> None:
        """Replace records by ones of the same id, members and parent (a new label, kind or
        flag): nothing to check against the nodes or re-index (a collapse in a document of
        65,818 nodes and 3,436 groups stays well inside a frame)."""
        for g in groups:
            old = self._groups[g.id]
            assert old.nodes == g.nodes and old.parent == g.parent
            self._groups[g.id] = g

    def _reindex(self) -> None:
        self._of = {nid: g.id for g in self._groups.values() for nid in g.nodes}
        self._children = {}
        for g in self._groups.values():
            if g.parent is not None:
                self._children.setdefault(g.parent, []).append(g.id)
        for gid in self._groups:
            if gid.startswith("g") and gid[1:].isdigit():
                self._next = max(self._next, int(gid[1:]) + 1)

    def without_nodes(self, gone: set[str]) -> tuple[Group, ...] | None:
        """The groups once ``gone`` are deleted (groups left empty go too, and a group whose
        children all went); None when no group held any of them."""
        touched = {self._of[nid] for nid in gone if nid in self._of}
        if not touched:
            return None
        kept: dict[str, Group] = {}
        for g in self._groups.values():
            kept[g.id] = (
                Group(
                    g.id,
                    g.kind,
                    g.label,
                    tuple(n for n in g.nodes if n not in gone),
                    g.parent,
                    g.collapsed,
                    g.extra,
                )
                if g.id in touched
                else g
            )
        return prune_empty(kept)


def prune_empty(groups: dict[str, Group]) -> tuple[Group, ...]:
    """The groups that still hold a node, themselves or through a nested group; a nested
    group whose parent goes moves up to the nearest kept ancestor."""
    holds: dict[str, bool] = {gid: bool(g.nodes) for gid, g in groups.items()}
    for g in groups.values():
        if g.nodes:
            parent = g.parent
            seen = 0
            while parent is not None and parent in groups and seen <= MAX_DEPTH:
                holds[parent] = True
                parent = groups[parent].parent
                seen += 1
    out: list[Group] = []
    for g in groups.values():
        if not holds[g.id]:
            continue
        parent = g.parent
        while parent is not None and not holds.get(parent, False):
            parent = groups[parent].parent if parent in groups else None
        out.append(g if parent == g.parent else _with(g, parent=parent))
    return tuple(out)


def _with(g: Group, **changes: Any) -> Group:
    return dataclasses.replace(g, **changes)


replace_group = _with


def check_fields(g: Group) -> None:
    """The checks of one group's own fields (not its members or parent)."""
    check_group_id(g.id)
    check_group_kind(g.kind)
    check_label(g.label)
    if not isinstance(g.collapsed, bool):
        raise InvalidValueError(f'{g.name}: "collapsed" is true or false')


def same_structure(old: Iterable[Group], new: tuple[Group, ...]) -> list[Group] | None:
    """The records of ``new`` that differ from ``old`` when they differ only in their own
    fields (same ids in the same order, same members and parents); None when the structure
    changed (then ``check_all`` checks everything)."""
    old_t = tuple(old)
    if len(old_t) != len(new):
        return None
    changed: list[Group] = []
    for a, b in zip(old_t, new):
        if a is b:
            continue
        if a.id != b.id or a.nodes != b.nodes or a.parent != b.parent:
            return None
        if a != b:
            changed.append(b)
    return changed


def check_all(groups: Iterable[Group], nodes: Mapping[str, Any]) -> tuple[Group, ...]:
    """Check a whole set of groups against the document's nodes: ids, kinds, labels, members
    (existing nodes, each in one group at most), parents (existing, no loop, at most
    MAX_DEPTH deep) and no empty group. Raises GroupError (or InvalidValueError) naming the
    first problem; returns the groups as a tuple."""
    out = tuple(groups)
    if len(out) > MAX_GROUPS:
        raise GroupError(f"a document holds at most {MAX_GROUPS:,} groups, not {len(out):,}")
    by_id: dict[str, Group] = {}
    owner: dict[str, str] = {}
    for g in out:
        check_group_id(g.id)
        if g.id in by_id:
            raise GroupError(f"two groups have the id {g.id!r}")
        check_fields(g)
        by_id[g.id] = g
        for nid in g.nodes:
            if nid not in nodes:
                raise UnknownNodeError(f"{g.name} holds {shown(nid)}, which is not a node")
            if owner.get(nid) == g.id:
                raise GroupError(f"{g.name} lists {nid!r} twice")
            if nid in owner:
                other = by_id[owner[nid]]
                raise GroupError(
                    f"{nid!r} is in {other.name} and in {g.name}; a node is in one group at "
                    "most (put one group inside the other instead)"
                )
            owner[nid] = g.id
    has_child = {g.parent for g in out if g.parent is not None}
    for g in out:
        depth, parent = 0, g.parent
        while parent is not None:
            if parent not in by_id:
                raise GroupError(f"{g.name} is inside {shown(parent)}, which is not a group")
            if parent == g.id or depth >= MAX_DEPTH:
                raise GroupError(f"{g.name} is inside itself or nested more than {MAX_DEPTH} deep")
            depth += 1
            parent = by_id[parent].parent
        if not g.nodes and g.id not in has_child:
            raise GroupError(f"{g.name} holds no nodes")
    return out
