"""The edits of a ``Document``: nodes, wires and fields, each checked first, then applied to
the graph and the binding, then announced (and nothing announced when nothing changed).

A mixin of ``Document`` (which holds the parts, the events and ``batch``): every edit returns
what its exact inverse needs, so undo commands stay tiny.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .errors import (
    DocumentError,
    DuplicateIdError,
    InvalidValueError,
    NotALeafError,
    PortOccupiedError,
    UnknownWireError,
)
from .graph import describe
from .groups import Group
from .kinds import KINDS
from .nodes import (
    Node,
    Wire,
    check_feature,
    check_label,
    check_number,
    check_param,
    check_pos,
    checked_node,
)

if TYPE_CHECKING:
    from .binding import Binding
    from .events import DocumentEvents
    from .graph import Graph
    from .groups import GroupIndex


@dataclass(frozen=True)
class Removal:
    """What ``remove_node``/``remove_nodes`` took out; ``restore_nodes`` puts it back exactly
    (same ids, same place in the node order, same wires, same selected output)."""

    nodes: tuple[tuple[int, Node], ...]
    wires: tuple[Wire, ...]
    selected_output: str | None = None
    #: every group as it was, when the removal changed one (None: no group held a node)
    groups: tuple[Group, ...] | None = None
    #: the prediction node, when the removal took it (None: it stayed or was not set)
    prediction: str | None = None

    @property
    def ids(self) -> list[str]:
        return [n.id for _, n in self.nodes]

    @property
    def node(self) -> Node:
        """The removed node, for a single ``remove_node``."""
        return self.nodes[0][1]


class Edits:
    """Every edit of a document (``Document`` provides what is declared below)."""

    if TYPE_CHECKING:
        events: DocumentEvents
        _graph: Graph
        _binding: Binding
        _selected: str | None
        _prediction: str | None
        _edited: bool

        @property
        def wires(self) -> tuple[Wire, ...]: ...
        def node(self, nid: str) -> Node: ...
        def describe(self, nid: str) -> str: ...
        def check_connect(self, src: str, dst: str, port: str) -> None: ...
        def batch(self) -> AbstractContextManager[Any]: ...
        def _changed(self, ids: Iterable[str]) -> None: ...
        def _groups_after_removal(self, gone: set[str]) -> tuple[Group, ...] | None: ...
        def _check_new_groups(
            self, groups: Iterable[Group], new_ids: Iterable[str]
        ) -> list[Group]: ...
        def _apply_groups(
            self, groups: Iterable[Group], checked: bool = False
        ) -> tuple[str, ...]: ...
        def _check_groups_with(
            self, groups: Iterable[Group], new_ids: Iterable[str]
        ) -> tuple[Group, ...]: ...
        @property
        def groups(self) -> GroupIndex: ...

    # --- edits: nodes -----------------------------------------------------------------------
    def new_id(self) -> str:
        """A fresh id, never handed out before in this document."""
        return self._graph.new_id()

    def add_node(
        self,
        kind: str,
        label: str = "",
        value: float | None = None,
        params: Mapping[str, float] | None = None,
        pos: tuple[float, float] = (0.0, 0.0),
        node_id: str | None = None,
    ) -> str:
        """Add a node (unwired); returns its id. Inverse: ``remove_node``."""
        graph = self._graph
        draft = Node(
            node_id if node_id is not None else graph.peek_id(),
            kind,
            label,
            value,
            params or {},
            pos,
        )
        node = graph.check_new_node(draft)
        if node_id is None:
            graph.new_id()  # consume the peeked id only once the node is valid
        with self.batch():
            self._insert_nodes([(len(graph.nodes), node)])
            self._rebind([node.id])
            self.events.node_added.emit(node.id)
        return node.id

    def remove_node(self, nid: str) -> Removal:
        """Remove a node and its wires; ``restore_node(record)`` undoes it exactly."""
        return self.remove_nodes([nid])

    def restore_node(self, record: Removal) -> list[str]:
        return self.restore_nodes(record)

    def remove_nodes(self, ids: Iterable[str]) -> Removal:
        """Remove several nodes and every wire touching them, as one edit."""
        ids = list(dict.fromkeys(ids))
        for nid in ids:
            self.node(nid)
        gone = set(ids)
        nodes = self._graph.nodes
        order = {nid: i for i, nid in enumerate(nodes)}
        entries = tuple(sorted(((order[n], nodes[n]) for n in ids), key=lambda e: e[0]))
        wires = tuple(w for w in self.wires if w.dst in gone or w.src in gone)
        selected = self._selected if self._selected in gone else None
        prediction = self._prediction if self._prediction in gone else None
        groups_after = self._groups_after_removal(gone)
        groups_before = self.groups.state() if groups_after is not None else None
        record = Removal(entries, wires, selected, groups_before, prediction)
        if not ids:
            return record
        with self.batch():
            # (derived from the valid state by dropping nodes and empty groups: no re-check)
            touched = self._apply_groups(groups_after, True) if groups_after is not None else ()
            affected = [w.dst for w in wires if w.dst not in gone]
            for w in wires:
                self._graph.unlink(w)
            for nid in ids:
                self._graph.delete_node(nid)
                self._binding.removed(nid)
            self._rebind(affected)
            for w in wires:
                self.events.wire_removed.emit(w)
            for _, node in entries:
                self.events.node_removed.emit(node.id)
            if selected is not None:
                self._selected = None
                self.events.output_changed.emit(None)
            if prediction is not None:
                self._prediction = None
                self.events.prediction_changed.emit(None)
            if touched:
                self.events.groups_changed.emit(touched)
        return record

    def restore_nodes(self, record: Removal) -> list[str]:
        """Put back what ``remove_nodes`` took out: same ids, order, wires and selection."""
        graph = self._graph
        for _, node in record.nodes:
            if node.id in graph.nodes:
                raise DuplicateIdError(f"can't restore {node.id!r}: that id is in use again")
        back = {node.id for _, node in record.nodes}
        for w in record.wires:
            for end in (w.src, w.dst):
                if end not in back:
                    self.node(end)
            if w.dst not in back and graph.taken(w.dst, w.port):
                raise PortOccupiedError(
                    f"can't restore the wire into input {w.port!r} of "
                    f"{self.describe(w.dst)}: it is wired again"
                )
        # the groups are checked before anything changes (all or nothing)
        groups = None if record.groups is None else self._check_groups_with(record.groups, back)
        if not record.nodes and not record.wires:
            return []
        with self.batch():
            self._insert_nodes(record.nodes)
            graph.link_all(record.wires)
            touched = self._apply_groups(groups, True) if groups is not None else ()
            self._rebind([*back, *(w.dst for w in record.wires)])
            for _, node in record.nodes:
                self.events.node_added.emit(node.id)
            for w in record.wires:
                self.events.wire_added.emit(w)
            if record.selected_output is not None:
                self._selected = record.selected_output
                self.events.output_changed.emit(record.selected_output)
            if record.prediction is not None:
                self._prediction = record.prediction
                self.events.prediction_changed.emit(record.prediction)
            if touched:
                self.events.groups_changed.emit(touched)
        return [node.id for _, node in record.nodes]

    def add_subgraph(
        self, nodes: Iterable[Node], wires: Iterable[Wire] = (), groups: Iterable[Group] = ()
    ) -> list[str]:
        """Add nodes (with their ids), wires into them and groups of them in one edit; all or
        nothing. Inverse: ``remove_nodes(ids)`` (which drops the groups left empty)."""
        graph = self._graph
        checked: list[Node] = []
        seen: set[str] = set()
        for node in nodes:
            node = graph.check_new_node(node)
            if node.id in seen:
                raise DuplicateIdError(f"the id {node.id!r} appears twice")
            seen.add(node.id)
            checked.append(node)
        wires = list(wires)
        new_groups = self._check_new_groups(groups, seen)
        if not checked and not wires:
            return []
        start = len(graph.nodes)
        before = (self._edited, self._binding.grads_current)
        self._insert_nodes([(start + i, node) for i, node in enumerate(checked)])
        linked: list[Wire] = []
        try:
            for w in wires:  # checked among the new nodes, so they go in first
                graph.check_connect(w.src, w.dst, w.port)
                graph.link_all([w])
                linked.append(w)
        except DocumentError:
            for w in linked:
                graph.unlink(w)
            for node in checked:
                graph.delete_node(node.id)
                self._binding.removed(node.id)
            self._edited, self._binding.grads_current = before  # nothing changed after all
            raise
        with self.batch():
            # (checked with the new nodes above, by _check_new_groups)
            touched = self._apply_groups([*self.groups, *new_groups], True) if new_groups else ()
            self._rebind([*(n.id for n in checked), *(w.dst for w in wires)])
            for node in checked:
                self.events.node_added.emit(node.id)
            for w in wires:
                self.events.wire_added.emit(w)
            if touched:
                self.events.groups_changed.emit(touched)
        return [n.id for n in checked]

    def _insert_nodes(self, entries: Iterable[tuple[int, Node]]) -> None:
        self._binding.added(self._graph.insert_nodes(entries))

    def _rebind(self, starts: Iterable[str]) -> None:
        self._changed(self._binding.rebind(starts))

    # --- edits: wires -----------------------------------------------------------------------
    def connect(self, src: str, dst: str, port: str) -> Wire:
        """Wire ``src``'s output into input ``port`` of ``dst``. Inverse: ``disconnect``."""
        self.check_connect(src, dst, port)
        wire = Wire(src, dst, port)
        with self.batch():
            self._graph.link_all([wire])
            self._rebind([dst])
            self.events.wire_added.emit(wire)
        return wire

    def disconnect(self, wire: Wire) -> Wire:
        """Remove a wire. Inverse: ``connect(wire.src, wire.dst, wire.port)``."""
        if self._graph.ins.get(wire.dst, {}).get(wire.port) != wire:
            raise UnknownWireError(f"there is no such wire in this document: {wire}")
        with self.batch():
            self._graph.unlink(wire)
            self._rebind([wire.dst])
            self.events.wire_removed.emit(wire)
        return wire

    # --- edits: fields ----------------------------------------------------------------------
    def set_value(self, nid: str, value: float) -> float:
        """Give a leaf a new number; downstream Values are re-evaluated in place. Returns the
        old number (the inverse is ``set_value(nid, old)``)."""
        node = self.node(nid)
        kind = KINDS[node.kind]
        if not kind.is_leaf:
            raise NotALeafError(
                f"{describe(node)} computes its value from its inputs; only inputs and "
                "constants hold a value you type"
            )
        new = check_number(value, f"the value of {describe(node)}")
        old = node.value
        assert old is not None  # a leaf always holds its number
        if _identical(new, old):
            return old  # nothing changed: no event (napari's rule)
        with self.batch():
            self._graph.nodes[nid] = replace(node, value=new)
            self._changed(self._binding.set_leaf(nid, new))
            self._edited = True
            self.events.node_changed.emit(nid)
        return old

    def set_values(self, values: Mapping[str, float]) -> dict[str, float]:
        """Give several leaves new numbers as one edit: every number is checked first (all or
        nothing), then what lies below them is re-evaluated once (each downstream Value
        once, not once per leaf) and one ``values_changed`` announces it, the leaves among
        its ids. No ``node_changed`` per leaf: what shows a number follows values_changed,
        and the node_changed listeners (labels, places, settings) would run hundreds of
        times for nothing at the training's frame rate. Returns the old numbers of the
        leaves that changed; ``set_values(old)`` is the exact inverse."""
        nodes = self._graph.nodes
        checked: dict[str, float] = {}
        for nid, value in values.items():
            node = self.node(nid)
            if not KINDS[node.kind].is_leaf:
                raise NotALeafError(
                    f"{describe(node)} computes its value from its inputs; only inputs and "
                    "constants hold a value you type"
                )
            try:  # the message names the node only when it is needed (hundreds of leaves)
                checked[nid] = check_number(value, "the value")
            except InvalidValueError:
                check_number(value, f"the value of {describe(node)}")
                raise
        old: dict[str, float] = {}
        for nid, new in checked.items():
            was = nodes[nid].value
            assert was is not None  # a leaf always holds its number
            if not _identical(new, was):
                old[nid] = was
        if not old:
            return old  # nothing changed: no event
        with self.batch():
            for nid in old:
                n = nodes[nid]  # checked above: made without dataclasses.replace's calls
                nodes[nid] = checked_node(
                    n.id, n.kind, n.label, checked[nid], n.params, n.pos, n.extra, n.feature
                )
            self._changed(self._binding.set_leaves({nid: checked[nid] for nid in old}))
            self._edited = True
        return old

    def set_label(self, nid: str, label: str) -> str:
        """Rename a node (its Value's label too). Returns the old label."""
        node = self.node(nid)
        label = check_label(label)
        old = node.label
        if label != old:
            with self.batch():
                self._graph.nodes[nid] = replace(node, label=label)
                self._binding.relabel(nid, label)
                self._edited = True
                self.events.node_changed.emit(nid)
        return old

    def set_param(self, nid: str, name: str, value: float) -> float:
        """Change a setting (e.g. the exponent of a pow node). Returns the old setting."""
        node = self.node(nid)
        new = check_param(KINDS[node.kind], name, value)
        old = node.params[name]
        if _identical(float(new), float(old)):
            return old
        with self.batch():
            self._graph.nodes[nid] = replace(node, params={**node.params, name: new})
            self._graph.changed()
            self._rebind([nid])
            self.events.node_changed.emit(nid)
        return old

    def set_feature(self, nid: str, feature: int | None) -> int | None:
        """Give an ``input`` leaf its training role: the dataset column it is fed (``feature``
        k >= 0), or None: a parameter, trained. Returns the old role (the inverse is
        ``set_feature(nid, old)``); announced as ``node_changed``."""
        node = self.node(nid)
        new = check_feature(KINDS[node.kind], feature)
        old = node.feature
        if new != old:
            with self.batch():
                self._graph.nodes[nid] = replace(node, feature=new)
                self._edited = True
                self.events.node_changed.emit(nid)
        return old

    def move_node(self, nid: str, pos: tuple[float, float]) -> tuple[float, float]:
        """Move a node on the canvas. Returns the old position."""
        node = self.node(nid)
        pos = check_pos(pos)
        old = node.pos
        if pos != old:
            with self.batch():
                self._graph.nodes[nid] = replace(node, pos=pos)
                self._edited = True
                self.events.node_changed.emit(nid)
        return old

    def move_nodes(
        self, positions: Mapping[str, tuple[float, float]]
    ) -> dict[str, tuple[float, float]]:
        """Move several nodes; returns their old positions (pass them back to undo)."""
        checked = {nid: check_pos(pos) for nid, pos in positions.items() if self.node(nid)}
        with self.batch():
            return {nid: self.move_node(nid, pos) for nid, pos in checked.items()}


def _identical(a: float, b: float) -> bool:
    """The same number, down to the sign of a zero (1/x tells -0.0 from 0.0)."""
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
