"""The group edits of a ``Document``: group a selection, ungroup, rename, collapse, and set
every group at once (a builder's groups, an undo).

A mixin of ``Document``, like ``edits.Edits``. Each edit checks first, then replaces the
records in the ``GroupIndex`` and announces ``groups_changed`` with the ids it touched
(nothing when nothing changed). The inverse of any of them is ``restore_groups`` of the
``groups.state()`` taken before: the whole state is a tuple of immutable records, so an undo
record is one tuple, and undoing restores the order too (the file saves byte for byte).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import UnknownNodeError
from .groups import (
    Group,
    GroupError,
    GroupIndex,
    Ports,
    check_all,
    check_fields,
    check_group_id,
    check_group_kind,
    replace_group,
    same_structure,
)
from .nodes import check_label

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .events import DocumentEvents
    from .graph import Graph
    from .nodes import Node


class GroupEdits:
    """Group edits (``Document`` provides what is declared below)."""

    if TYPE_CHECKING:
        events: DocumentEvents
        _graph: Graph
        _groups: GroupIndex

        def node(self, nid: str) -> Node: ...
        def batch(self) -> AbstractContextManager[Any]: ...

    @property
    def groups(self) -> GroupIndex:
        """The document's groups (read them here; change them through the edits below)."""
        return self._groups

    def group_ports(self, gid: str) -> Ports:
        """The wires crossing into the group and its output nodes, derived from the wires."""
        return self._groups.ports(gid, self._graph.ins, self._graph.outs)

    def new_group_id(self) -> str:
        return self._groups.new_id()

    # --- edits ------------------------------------------------------------------------------
    def group_nodes(
        self,
        ids: Iterable[str],
        kind: str = "group",
        label: str = "",
        collapsed: bool = False,
        group_id: str | None = None,
    ) -> str:
        """Put the nodes in a new group; returns its id. Groups whose nodes are all chosen go
        inside it; the chosen nodes may all lie inside one group (the new one goes in there),
        but may not take part of a group and leave the rest. Inverse: ``restore_groups``."""
        chosen = list(dict.fromkeys(ids))
        if not chosen:
            raise GroupError("choose the nodes to group first")
        for nid in chosen:
            self.node(nid)
        check_group_kind(kind)
        label = check_label(label)
        index = self._groups
        if group_id is not None and check_group_id(group_id) in index:
            raise GroupError(f"there is a group {group_id!r} already")
        wanted = set(chosen)
        whole: set[str] = set()
        around: list[str] = []  # groups holding every chosen node and more
        for g in index:
            members = set(index.members(g.id))
            if not members & wanted:
                continue
            if members <= wanted:
                whole.add(g.id)
            elif wanted <= members:
                around.append(g.id)
            else:
                raise GroupError(
                    f"the selection takes part of {g.name} and leaves the rest; select all of "
                    "it, or only nodes inside it"
                )
        parent = max(around, key=index.depth) if around else None
        # a fresh id only once the grouping is sure to happen (a refused one uses none up)
        gid = group_id if group_id is not None else index.new_id()
        direct = tuple(nid for nid in chosen if index.group_of(nid) == parent)
        moved = [g for g in whole if index.get(g).parent == parent]
        new = Group(gid, kind, label, direct, parent, bool(collapsed))
        state: list[Group] = []
        for g in index:
            if g.id == parent:
                g = replace_group(g, nodes=tuple(n for n in g.nodes if n not in wanted))
            elif g.id in moved:
                g = replace_group(g, parent=gid)
            state.append(g)
        state.append(new)
        self._set_groups(state, [gid, *moved, *([parent] if parent else [])])
        return gid

    def ungroup(self, gid: str) -> None:
        """Dissolve a group: its nodes and nested groups go to the group around it (or to the
        top level). Inverse: ``restore_groups``."""
        index = self._groups
        old = index.get(gid)
        state: list[Group] = []
        for g in index:
            if g.id == gid:
                continue
            if g.id == old.parent:
                g = replace_group(g, nodes=g.nodes + old.nodes)
            elif g.parent == gid:
                g = replace_group(g, parent=old.parent)
            state.append(g)
        self._set_groups(state, [gid, *index.children(gid), *([old.parent] if old.parent else [])])

    def set_group_collapsed(self, gid: str, collapsed: bool) -> bool:
        """Collapse or expand a group; returns the old flag (the inverse sets it back)."""
        old = self._groups.get(gid)
        if old.collapsed != bool(collapsed):
            self._replace(replace_group(old, collapsed=bool(collapsed)))
        return old.collapsed

    def set_group_label(self, gid: str, label: str) -> str:
        """Rename a group; returns the old name."""
        old = self._groups.get(gid)
        label = check_label(label)
        if label != old.label:
            self._replace(replace_group(old, label=label))
        return old.label

    def restore_groups(self, groups: Iterable[Group]) -> None:
        """Set every group at once (checked as a file's are): the inverse of any group edit
        (pass back ``groups.state()`` from before it), and how builders add theirs."""
        touched = self._apply_groups(groups)
        if touched:
            with self.batch():
                self.events.groups_changed.emit(touched)

    # --- helpers ----------------------------------------------------------------------------
    def _apply_groups(self, groups: Iterable[Group], checked: bool = False) -> tuple[str, ...]:
        """Check (unless ``checked``: derived from a valid state, or checked before the edit
        began) and set every group without announcing it; returns the ids that changed (a
        reorder alone counts every group)."""
        new = tuple(groups)
        fields_only = same_structure(self._groups, new)
        if fields_only is not None:  # a label or flag (a collapse and its undo): no re-index
            for g in fields_only:
                check_fields(g)
            self._groups.swap(fields_only)
            return tuple(g.id for g in fields_only)
        if not checked:
            new = check_all(new, self._graph.nodes)
        old = {g.id: g for g in self._groups}
        touched = [g.id for g in new if old.pop(g.id, None) != g] + list(old)
        if not touched and [g.id for g in new] != self._groups.ids():
            touched = [g.id for g in new]
        if touched:
            self._groups.restore(new)
        return tuple(touched)

    def _replace(self, group: Group) -> None:
        """One group's own fields changed (label, flag): checked and swapped in alone."""
        check_fields(group)
        self._groups.swap([group])
        with self.batch():
            self.events.groups_changed.emit((group.id,))

    def _set_groups(self, state: list[Group], touched: list[str]) -> None:
        checked = check_all(state, self._graph.nodes)
        self._groups.restore(checked)
        with self.batch():
            self.events.groups_changed.emit(tuple(dict.fromkeys(touched)))

    def _groups_after_removal(self, gone: set[str]) -> tuple[Group, ...] | None:
        """The groups once these nodes are gone, or None when no group held one."""
        return self._groups.without_nodes(gone)

    def _check_groups_with(
        self, groups: Iterable[Group], new_ids: Iterable[str]
    ) -> tuple[Group, ...]:
        """A whole state checked against the nodes once ``new_ids`` are back (a restore
        checks before it changes anything: all or nothing)."""
        nodes: dict[str, object] = dict.fromkeys(self._graph.nodes)
        nodes.update(dict.fromkeys(new_ids))
        return check_all(groups, nodes)

    def _check_new_groups(self, groups: Iterable[Group], new_ids: Iterable[str]) -> list[Group]:
        """Groups arriving with new nodes (a paste, a piece): checked with the current ones."""
        groups = list(groups)
        if not groups:
            return []
        nodes: dict[str, object] = dict.fromkeys(self._graph.nodes)
        nodes.update(dict.fromkeys(new_ids))
        for g in groups:
            for nid in g.nodes:
                if nid not in nodes:
                    raise UnknownNodeError(f"{g.name} holds {nid!r}, which is not a node")
        check_all([*self._groups, *groups], nodes)
        return groups
