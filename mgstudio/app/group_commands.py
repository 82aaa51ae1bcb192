"""Undo commands for groups: group a selection, ungroup, rename, collapse or expand, and set
every group at once (with a relayout).

All of them share one shape (``GroupEditCommand``): the first redo takes
``before = doc.groups.state()`` and the positions it will change, makes the edit through the
Document API, and keeps what the edit gave (``after``); undo is ``doc.restore_groups(before)``
(and the old positions), later redos are ``doc.restore_groups(after)``, so a new group keeps
its id through any number of undo/redo and the file saves byte for byte as before. A refused
first redo (``GroupError``, a bad label) pushes nothing: ``DocumentCommand`` keeps the
sentence on ``command.error`` for the status bar.

A group inside an ``mlp`` (a network on the canvas) is laid out as columns of layers: its
collapse/expand moves the network's nodes to the network layout in the same undo step
(``network_positions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mgstudio.document.groups import Group, GroupError
from mgstudio.document.network_layout import arrange_network, is_network, network_groups

from .commands import DocumentCommand

Positions = dict[str, tuple[float, float]]


def has_network(doc) -> bool:
    """True when the document holds a network (an ``mlp`` group): Auto-arrange lays it out
    as columns of layers."""
    return bool(network_groups(doc))


def network_positions(doc) -> Positions:
    """Where the network layout puts the nodes now, with the document's collapsed flags
    (the one place the window calls the network layout)."""
    placed = arrange_network(doc)  # collapsed=None: the document's own flags
    return {nid: (float(x), float(y)) for nid, (x, y) in placed.items() if nid in doc.nodes}


def group_title(group: Group) -> str:
    """How the undo history names a group: its label, else kind and id."""
    return group.label or f"{group.kind} {group.id}"


class GroupEditCommand(DocumentCommand):
    """Base of the group commands: one group edit (``_edit``) and, optionally, nodes moved
    with it (``_positions``), undone together by restoring the state from before."""

    def __init__(self, doc, text: str, parent=None):
        super().__init__(doc, text, parent)
        self.before: tuple[Group, ...] | None = None
        self.after: tuple[Group, ...] | None = None
        self.old_pos: Positions = {}
        self.new_pos: Positions = {}

    def _edit(self) -> None:
        raise NotImplementedError

    def _positions(self) -> Mapping[str, tuple[float, float]] | None:
        """Where nodes go once the edit is made (None: nowhere)."""
        return None

    def _redo(self) -> None:
        doc = self.doc
        if self.after is not None:
            with doc.batch():
                doc.restore_groups(self.after)
                if self.new_pos:
                    doc.move_nodes(self.new_pos)
            return
        before = doc.groups.state()
        with doc.batch():
            self._edit()
            try:
                moved = self._positions() or {}
                new = {nid: p for nid, p in moved.items() if tuple(doc.nodes[nid].pos) != tuple(p)}
                self.old_pos = {nid: (doc.nodes[nid].pos[0], doc.nodes[nid].pos[1]) for nid in new}
                if new:
                    doc.move_nodes(new)
            except Exception:  # refused, or a bug in a layout: all or nothing
                doc.restore_groups(before)
                raise
            self.new_pos = new
        self.before, self.after = before, doc.groups.state()

    def _undo(self) -> None:
        assert self.before is not None
        with self.doc.batch():
            if self.old_pos:
                self.doc.move_nodes(self.old_pos)
            self.doc.restore_groups(self.before)


class GroupSelectionCommand(GroupEditCommand):
    """Put nodes in a new group of kind ``group`` named ``group N`` (rename it later)."""

    def __init__(self, doc, ids: Iterable[str], label: str | None = None, kind: str = "group"):
        self.ids = list(dict.fromkeys(ids))
        n = len(self.ids)
        super().__init__(doc, f"Group {n} node{'s' * (n != 1)}")
        self.label = label
        self.kind = kind
        self.group_id: str | None = None

    def _edit(self) -> None:
        if not self.ids:
            raise GroupError("select the nodes to group first")
        gid = self.doc.new_group_id()
        number = gid[1:] if gid.startswith("g") and gid[1:].isdigit() else gid
        label = self.label if self.label is not None else f"{self.kind} {number}"
        self.group_id = self.doc.group_nodes(self.ids, kind=self.kind, label=label, group_id=gid)
        self.setText(f"Group {len(self.ids)} node{'s' * (len(self.ids) != 1)} as {label!r}")


class UngroupCommand(GroupEditCommand):
    """Dissolve a group; its nodes and nested groups go to the group around it."""

    def __init__(self, doc, gid: str):
        self.gid = gid
        group = doc.groups.get(gid) if gid in doc.groups else None
        super().__init__(doc, f"Ungroup {group_title(group) if group else gid}")

    def _edit(self) -> None:
        self.doc.ungroup(self.gid)


class RenameGroupCommand(GroupEditCommand):
    """Give a group a new name (checked by the document like a node's label)."""

    def __init__(self, doc, gid: str, label: str):
        self.gid = gid
        self.label = label
        group = doc.groups.get(gid) if gid in doc.groups else None
        old = group_title(group) if group else gid
        super().__init__(doc, f"Rename {old} to {label or '(no name)'}")

    def _edit(self) -> None:
        group = self.doc.groups.get(self.gid)
        if group.label == self.label:  # no empty step on the stack
            raise GroupError(f"{group.name} is called that already")
        self.doc.set_group_label(self.gid, self.label)


class CollapseGroupCommand(GroupEditCommand):
    """Collapse or expand a group (``collapsed=None``: toggle). Inside a network the nodes
    move to the network layout for the new flags, in the same step."""

    def __init__(self, doc, gid: str, collapsed: bool | None = None):
        self.gid = gid
        group = doc.groups.get(gid) if gid in doc.groups else None
        if collapsed is None:  # a toggle
            collapsed = not group.collapsed if group is not None else True
        self.collapsed = bool(collapsed)
        verb = "Collapse" if self.collapsed else "Expand"
        super().__init__(doc, f"{verb} {group_title(group) if group else gid}")

    def _edit(self) -> None:
        if self.doc.set_group_collapsed(self.gid, self.collapsed) == self.collapsed:
            state = "collapsed" if self.collapsed else "expanded"
            raise GroupError(f"{self.doc.groups.get(self.gid).name} is {state} already")

    def _positions(self):
        return network_positions(self.doc) if is_network(self.doc, self.gid) else None


class SetGroupsCommand(GroupEditCommand):
    """Every group at once (``groups``; None keeps them) and nodes moved (``positions``;
    None: to the network layout), as one step: Auto-arrange of a network, a builder's
    groups."""

    def __init__(
        self,
        doc,
        groups: Iterable[Group] | None = None,
        positions: Mapping[str, tuple[float, float]] | None = None,
        text: str = "Arrange nodes",
    ):
        super().__init__(doc, text)
        self.groups = tuple(groups) if groups is not None else None
        self.positions = dict(positions) if positions is not None else None

    def _edit(self) -> None:
        if self.groups is not None:
            self.doc.restore_groups(self.groups)

    def _positions(self):
        return self.positions if self.positions is not None else network_positions(self.doc)

    def _redo(self) -> None:
        super()._redo()
        if self.after == self.before and not self.new_pos and not self._done:
            raise GroupError("nothing to change: the groups and the layout are as they were")


def target_group(doc, ids: Iterable[str], chosen: Iterable[str] = ()) -> str | None:
    """The group an Ungroup, Collapse or Rename of this selection means: a group the canvas
    selected itself (a frame, a block: ``chosen``), else the outermost group whose nodes are
    exactly the selection, else the innermost group holding every selected node."""
    index = doc.groups
    for gid in chosen:
        if gid in index:
            return gid
    if not index:  # (cheap first: the canvas asks on every selection change)
        return None
    wanted = {nid for nid in ids if nid in doc.nodes}
    if not wanted:
        return None
    # only the groups around one selected node can hold them all (a big grouped graph has
    # thousands of groups: this looks at a few, innermost first)
    around: list[str] = []
    for gid in index.chain(next(iter(wanted))):
        members = index.members(gid)
        if len(members) >= len(wanted) and wanted.issubset(members):
            around.append(gid)
    exact = [gid for gid in around if len(index.members(gid)) == len(wanted)]
    if exact:
        return exact[-1]  # the outermost
    return around[0] if around else None
