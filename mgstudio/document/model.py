"""``Document``: the editable graph a learner builds, bound to live engine ``Value``s.

Every complete node (all required inputs wired, all of them complete) is bound to a ``Value``
built with the engine's operators; an incomplete node has no Value and shows no number. A
structural edit rebuilds only the Values of the node it touches and of what lies downstream; a
new leaf value re-evaluates the downstream Values in place (same objects) with the engine's
``recompute``. Every edit returns what its exact inverse needs, so undo commands stay tiny.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from mgstudio.engine import Value, gc_paused, recompute

from . import fileformat, outputs
from .bulk_gc import promote_young
from .errors import (
    CycleError,
    DocumentError,
    DuplicateIdError,
    FileFormatError,
    NotALeafError,
    PortOccupiedError,
    SelfLoopError,
    UnknownNodeError,
    UnknownPortError,
    UnknownWireError,
)
from .events import DocumentEvents
from .fileformat import describe, short_name
from .kinds import KINDS
from .nodes import (
    Node,
    Wire,
    check_id,
    check_label,
    check_number,
    check_param,
    check_params,
    check_pos,
    check_value,
    kind_named,
)

_AUTO_ID = re.compile(r"n([0-9]{1,15})")
#: the same ids, one per line of a text of many ids (one scan in C for a whole file's ids)
_AUTO_ID_LINES = re.compile(r"^n([0-9]{1,15})$", re.MULTILINE)


@dataclass(frozen=True)
class Removal:
    """What ``remove_node``/``remove_nodes`` took out; ``restore_nodes`` puts it back exactly
    (same ids, same place in the node order, same wires, same selected output)."""

    nodes: tuple[tuple[int, Node], ...]
    wires: tuple[Wire, ...]
    selected_output: str | None = None

    @property
    def ids(self) -> list[str]:
        return [n.id for _, n in self.nodes]

    @property
    def node(self) -> Node:
        """The removed node, for a single ``remove_node``."""
        return self.nodes[0][1]


class Document:
    """Nodes, wires and their live Values; see docs/CONTRACTS.md for the API's shape."""

    def __init__(self) -> None:
        self.events = DocumentEvents()
        self.title = ""
        self.description = ""
        #: top-level file fields this version does not know, written back on save
        self.extra: dict[str, Any] = {}
        #: True once ``backward`` ran and no edit has changed a value since
        self.grads_current = False
        #: the output the last ``backward`` started from
        self.backward_output: str | None = None
        self._nodes: dict[str, Node] = {}
        self._nodes_view = MappingProxyType(self._nodes)
        self._in: dict[str, dict[str, Wire]] = {}
        self._out: dict[str, dict[Wire, None]] = {}
        self._outputs_cache: list[str] | None = None
        self._topo_cache: list[str] | None = None
        self._values: dict[str, Value | None] = {}
        self._selected: str | None = None
        #: the automatic output, after the ones it replaced (see ``outputs``); re-checked
        #: after structural edits
        self._auto: list[str] = []
        self._auto_stale = False
        self._next_id = 1
        self._wires_cache: tuple[Wire, ...] | None = None
        self._downstream_cache: dict[str, tuple[tuple[str, ...], list[Value]]] = {}
        self._depth = 0
        self._pending: dict[str, None] = {}

    # --- reading ----------------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        """Node id -> Node, in the order they were added (read-only)."""
        return self._nodes_view

    @property
    def wires(self) -> tuple[Wire, ...]:
        """Every wire, ordered by target node then by input port (stable, so files diff)."""
        if self._wires_cache is None:
            out = []
            for nid, node in self._nodes.items():
                ins = self._in.get(nid)
                if ins:
                    out.extend(ins[p] for p in KINDS[node.kind].inputs if p in ins)
            self._wires_cache = tuple(out)
        return self._wires_cache

    def __len__(self) -> int:
        return len(self._nodes)

    def __bool__(self) -> bool:  # an empty document is still a document (``doc or ...``)
        return True

    def __contains__(self, nid: object) -> bool:
        return nid in self._nodes

    def node(self, nid: str) -> Node:
        try:
            return self._nodes[nid]
        except (KeyError, TypeError):
            raise UnknownNodeError(f"there is no node {nid!r} in this document") from None

    def values(self) -> list[Value]:
        """Every bound Value (incomplete nodes have none), in node order."""
        return [v for v in self._values.values() if v is not None]

    def value_of(self, nid: str) -> Value | None:
        """The node's live Value, or None while the node is incomplete."""
        self.node(nid)
        return self._values.get(nid)

    def is_complete(self, nid: str) -> bool:
        return self.value_of(nid) is not None

    def inputs_of(self, nid: str) -> dict[str, Wire]:
        """Input port -> the wire feeding it (unwired ports are absent)."""
        self.node(nid)
        return dict(self._in.get(nid, {}))

    def consumers_of(self, nid: str) -> list[Wire]:
        """The wires leaving this node."""
        self.node(nid)
        return list(self._out.get(nid, {}))

    def missing_inputs(self, nid: str) -> list[str]:
        """Required ports of this node that have no wire yet."""
        node = self.node(nid)
        ins = self._in.get(nid, {})
        return [p for p in KINDS[node.kind].required if p not in ins]

    def why_incomplete(self, nid: str) -> str | None:
        """A sentence saying why the node shows no number, or None if it does."""
        if self.value_of(nid) is not None:
            return None
        node = self._nodes[nid]
        missing = self.missing_inputs(nid)
        if missing:
            ports = " and ".join(repr(p) for p in missing)
            return f"{describe(node)} needs a wire into input {ports}"
        for w in self._in.get(nid, {}).values():
            if self._values.get(w.src) is None:
                return (
                    f"{describe(node)} waits for {describe(self._nodes[w.src])}, "
                    "which is incomplete"
                )
        return f"{describe(node)} is incomplete"

    def describe(self, nid: str) -> str:
        """``mul 'e'`` (or ``mul n3`` without a label): how messages name a node."""
        return describe(self.node(nid))

    def output_ids(self) -> list[str]:
        """Nodes nobody consumes, in the order they were added."""
        if self._outputs_cache is None:  # asked on every edit (backward's default output)
            self._outputs_cache = [nid for nid in self._nodes if not self._out.get(nid)]
        return list(self._outputs_cache)

    @property
    def selected_output(self) -> str | None:
        return self._selected

    def set_selected_output(self, nid: str | None) -> str | None:
        """Choose the node ``backward`` starts from (None: pick automatically)."""
        if nid is not None:
            self.node(nid)
        old = self._selected
        if old != nid:
            self._selected = nid
            self.events.output_changed.emit(nid)
        return old

    def default_output(self) -> str | None:
        """The node ``backward()`` starts from: the selected output, else the automatic one.
        Every panel asks this; the rule lives in ``outputs`` (complete sinks first, the
        current choice kept while it stays valid, so a paste never steals it)."""
        if self._selected is not None:
            return self._selected
        return self._auto_output()

    def _auto_output(self) -> str | None:
        if self._auto_stale:
            self._auto_stale = False
            self._auto = outputs.choose_output(self, self._auto)
        return self._auto[-1] if self._auto else None

    def topological_ids(self) -> list[str]:
        """Every node id, inputs before the nodes that use them (ties in node order)."""
        if self._topo_cache is None:  # binding and the node table both ask after a load
            self._topo_cache = self._topo(list(self._nodes))
        return list(self._topo_cache)

    # --- events -----------------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[Document]:
        """Group edits so that ``values_changed`` fires once, at the end of the block."""
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1
            if self._depth == 0 and self._auto_stale:
                self._auto_output()  # settle it after every edit, before the next can steal
            if self._depth == 0 and self._pending:
                ids = tuple(nid for nid in self._pending if nid in self._nodes)
                self._pending = {}
                if ids:
                    self.events.values_changed.emit(ids)

    def _changed(self, ids: Iterable[str]) -> None:
        self._pending.update(dict.fromkeys(ids))

    # --- checks -----------------------------------------------------------------------------
    def check_connect(self, src: str, dst: str, port: str) -> None:
        """Raise the DocumentError that ``connect(src, dst, port)`` would raise, if any."""
        source = self.node(src)
        target = self.node(dst)
        kind = KINDS[target.kind]
        # every refusal reads "can't wire X into Y: why", whole, so no caller adds a prefix
        if port not in kind.inputs:
            if kind.is_leaf:
                raise UnknownPortError(
                    f"can't wire {short_name(source)} into {describe(target)}: it is a leaf, "
                    "with no inputs to wire into"
                )
            have = ", ".join(repr(p) for p in kind.inputs)
            raise UnknownPortError(
                f"can't wire {short_name(source)} into {describe(target)}: "
                f"it has no input {port!r} (its inputs: {have})"
            )
        if src == dst:
            raise SelfLoopError(f"can't wire {describe(source)} into itself: would make a cycle")
        taken = self._in.get(dst, {}).get(port)
        if taken is not None:
            raise PortOccupiedError(
                f"can't wire {short_name(source)} into {describe(target)}: input {port!r} of "
                f"{describe(target)} is already wired (from "
                f"{short_name(self._nodes[taken.src])}); remove that wire first"
            )
        path = self._path(dst, src)
        if path is not None:
            names = " → ".join(short_name(self._nodes[n]) for n in [*path, dst])
            raise CycleError(
                f"can't wire {short_name(source)} into {short_name(target)}: would make a "
                f"cycle: {names}"
            )

    def _path(self, start: str, goal: str) -> list[str] | None:
        """A chain of wires start -> ... -> goal, if goal depends on start."""
        parent: dict[str, str | None] = {start: None}
        stack = [start]
        while stack:
            nid = stack.pop()
            if nid == goal:
                path = []
                at: str | None = nid
                while at is not None:
                    path.append(at)
                    at = parent[at]
                return path[::-1]
            for w in self._out.get(nid, ()):
                if w.dst not in parent:
                    parent[w.dst] = nid
                    stack.append(w.dst)
        return None

    def _check_new_node(self, node: Node) -> Node:
        """The node with every field checked and normalised (raises DocumentError)."""
        kind = kind_named(node.kind)
        nid = check_id(node.id)
        if nid in self._nodes:
            raise DuplicateIdError(f"the id {nid!r} is already used by {self.describe(nid)}")
        return Node(
            id=nid,
            kind=kind.name,
            label=check_label(node.label),
            value=check_value(kind, node.value),
            params=check_params(kind, node.params),
            pos=check_pos(node.pos),
            extra=dict(node.extra),
        )

    # --- edits: nodes -----------------------------------------------------------------------
    def new_id(self) -> str:
        """A fresh id, never handed out before in this document."""
        nid = self._peek_id()
        self._next_id += 1
        return nid

    def _peek_id(self) -> str:
        while f"n{self._next_id}" in self._nodes:
            self._next_id += 1
        return f"n{self._next_id}"

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
        draft = Node(
            node_id if node_id is not None else self._peek_id(),
            kind,
            label,
            value,
            params or {},
            pos,
        )
        node = self._check_new_node(draft)
        if node_id is None:
            self.new_id()  # consume the peeked id only once the node is valid
        with self.batch():
            self._insert_node(len(self._nodes), node)
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
        order = {nid: i for i, nid in enumerate(self._nodes)}
        entries = tuple(sorted(((order[n], self._nodes[n]) for n in ids), key=lambda e: e[0]))
        wires = tuple(w for w in self.wires if w.dst in gone or w.src in gone)
        selected = self._selected if self._selected in gone else None
        record = Removal(entries, wires, selected)
        with self.batch():
            affected = [w.dst for w in wires if w.dst not in gone]
            for w in wires:
                self._unlink(w)
            for nid in ids:
                self._delete_node(nid)
            self._rebind(affected)
            for w in wires:
                self.events.wire_removed.emit(w)
            for _, node in entries:
                self.events.node_removed.emit(node.id)
            if selected is not None:
                self._selected = None
                self.events.output_changed.emit(None)
        return record

    def restore_nodes(self, record: Removal) -> list[str]:
        """Put back what ``remove_nodes`` took out: same ids, order, wires and selection."""
        for _, node in record.nodes:
            if node.id in self._nodes:
                raise DuplicateIdError(f"can't restore {node.id!r}: that id is in use again")
        back = {node.id for _, node in record.nodes}
        for w in record.wires:
            for end in (w.src, w.dst):
                if end not in back:
                    self.node(end)
            if w.dst not in back and w.port in self._in.get(w.dst, {}):
                raise PortOccupiedError(
                    f"can't restore the wire into input {w.port!r} of "
                    f"{self.describe(w.dst)}: it is wired again"
                )
        with self.batch():
            self._insert_nodes(record.nodes)
            for w in record.wires:
                self._link(w)
            self._rebind([*back, *(w.dst for w in record.wires)])
            for _, node in record.nodes:
                self.events.node_added.emit(node.id)
            for w in record.wires:
                self.events.wire_added.emit(w)
            if record.selected_output is not None:
                self._selected = record.selected_output
                self.events.output_changed.emit(record.selected_output)
        return [node.id for _, node in record.nodes]

    def add_subgraph(self, nodes: Iterable[Node], wires: Iterable[Wire] = ()) -> list[str]:
        """Add nodes (with their ids) and wires into them in one edit; all or nothing.
        Inverse: ``remove_nodes(ids)``."""
        checked: list[Node] = []
        seen: set[str] = set()
        for node in nodes:
            node = self._check_new_node(node)
            if node.id in seen:
                raise DuplicateIdError(f"the id {node.id!r} appears twice")
            seen.add(node.id)
            checked.append(node)
        wires = list(wires)
        start = len(self._nodes)
        for i, node in enumerate(checked):
            self._insert_node(start + i, node)
        linked: list[Wire] = []
        try:
            for w in wires:
                self.check_connect(w.src, w.dst, w.port)
                self._link(w)
                linked.append(w)
        except DocumentError:
            for w in linked:
                self._unlink(w)
            for node in checked:
                self._delete_node(node.id)
            raise
        with self.batch():
            self._rebind([*(n.id for n in checked), *(w.dst for w in wires)])
            for node in checked:
                self.events.node_added.emit(node.id)
            for w in wires:
                self.events.wire_added.emit(w)
        return [n.id for n in checked]

    def _insert_node(self, index: int, node: Node) -> None:
        self._insert_nodes([(index, node)])

    def _insert_nodes(self, entries: Iterable[tuple[int, Node]]) -> None:
        """Insert nodes at their places in the node order (ascending indices)."""
        entries = list(entries)
        if not self._nodes and [e[0] for e in entries] == list(range(len(entries))):
            self._nodes.update([(e[1].id, e[1]) for e in entries])  # a new document, in order
        elif all(index >= len(self._nodes) + i for i, (index, _) in enumerate(entries)):
            for _, node in entries:  # the common case: appending
                self._nodes[node.id] = node
        else:
            items = list(self._nodes.items())
            for index, node in entries:  # ascending: each lands where it was
                items.insert(index, (node.id, node))
            self._nodes.clear()  # in place: the read-only view stays live
            self._nodes.update(items)
        ids = [node.id for _, node in entries]
        self._values.update(dict.fromkeys(ids))
        text = "\n".join(ids)
        if text.count("\n") == len(ids) - 1:  # no id holds a line break: one scan of them all
            numbers = _AUTO_ID_LINES.findall(text)
            if numbers:
                self._next_id = max(self._next_id, max(map(int, numbers)) + 1)
        else:
            for nid in ids:
                m = _AUTO_ID.fullmatch(nid)
                if m:
                    self._next_id = max(self._next_id, int(m.group(1)) + 1)
        self._structure_changed()

    def _delete_node(self, nid: str) -> None:
        del self._nodes[nid]
        self._values.pop(nid, None)
        self._in.pop(nid, None)
        self._out.pop(nid, None)
        self._structure_changed()

    # --- edits: wires -----------------------------------------------------------------------
    def connect(self, src: str, dst: str, port: str) -> Wire:
        """Wire ``src``'s output into input ``port`` of ``dst``. Inverse: ``disconnect``."""
        self.check_connect(src, dst, port)
        wire = Wire(src, dst, port)
        with self.batch():
            self._link(wire)
            self._rebind([dst])
            self.events.wire_added.emit(wire)
        return wire

    def disconnect(self, wire: Wire) -> Wire:
        """Remove a wire. Inverse: ``connect(wire.src, wire.dst, wire.port)``."""
        if self._in.get(wire.dst, {}).get(wire.port) != wire:
            raise UnknownWireError(f"there is no such wire in this document: {wire}")
        with self.batch():
            self._unlink(wire)
            self._rebind([wire.dst])
            self.events.wire_removed.emit(wire)
        return wire

    def _link(self, w: Wire) -> None:
        self._link_all([w])

    def _link_all(self, wires: Iterable[Wire]) -> None:
        """Record wires in both directions; caches are reset once, not per wire."""
        ins, outs = self._in, self._out
        for w in wires:
            ins.setdefault(w.dst, {})[w.port] = w
            outs.setdefault(w.src, {})[w] = None
        self._structure_changed()

    def _unlink(self, w: Wire) -> None:
        ins = self._in.get(w.dst)
        if ins is not None and ins.get(w.port) == w:
            del ins[w.port]
        outs = self._out.get(w.src)
        if outs is not None:
            outs.pop(w, None)
        self._structure_changed()

    def _structure_changed(self) -> None:
        self._wires_cache = None
        self._outputs_cache = None
        self._topo_cache = None
        self._downstream_cache.clear()
        self.grads_current = False
        self._auto_stale = True

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
        with self.batch():
            self._nodes[nid] = replace(node, value=new)
            ids, values = self._downstream(nid)
            leaf = self._values[nid]
            if leaf is not None:
                leaf.data = new
            recompute(values)
            self.grads_current = False
            self._changed(ids)
            self.events.node_changed.emit(nid)
        return old

    def set_label(self, nid: str, label: str) -> str:
        """Rename a node (its Value's label too). Returns the old label."""
        node = self.node(nid)
        label = check_label(label)
        old = node.label
        self._nodes[nid] = replace(node, label=label)
        v = self._values.get(nid)
        if v is not None:
            v.label = label
        self.events.node_changed.emit(nid)
        return old

    def set_param(self, nid: str, name: str, value: float) -> float:
        """Change a setting (e.g. the exponent of a pow node). Returns the old setting."""
        node = self.node(nid)
        new = check_param(KINDS[node.kind], name, value)
        old = node.params[name]
        with self.batch():
            self._nodes[nid] = replace(node, params={**node.params, name: new})
            self._structure_changed()
            self._rebind([nid])
            self.events.node_changed.emit(nid)
        return old

    def move_node(self, nid: str, pos: tuple[float, float]) -> tuple[float, float]:
        """Move a node on the canvas. Returns the old position."""
        node = self.node(nid)
        pos = check_pos(pos)
        old = node.pos
        if pos != old:
            self._nodes[nid] = replace(node, pos=pos)
            self.events.node_changed.emit(nid)
        return old

    def move_nodes(self, positions: Mapping[str, tuple[float, float]]) -> dict[str, tuple]:
        """Move several nodes; returns their old positions (pass them back to undo)."""
        checked = {nid: check_pos(pos) for nid, pos in positions.items() if self.node(nid)}
        return {nid: self.move_node(nid, pos) for nid, pos in checked.items()}

    def set_description(self, text: str) -> str:
        if not isinstance(text, str) or len(text) > fileformat.MAX_DESCRIPTION:
            raise DocumentError(
                f"a description is text of at most {fileformat.MAX_DESCRIPTION} characters"
            )
        old, self.description = self.description, text
        return old

    # --- binding ----------------------------------------------------------------------------
    def _topo(self, ids: Iterable[str]) -> list[str]:
        """The given ids in dependency order (only wires among them count)."""
        ids = list(ids)
        members = set(ids)
        indegree = {nid: 0 for nid in ids}
        for nid in ids:
            for w in self._in.get(nid, {}).values():
                if w.src in members:
                    indegree[nid] += 1
        ready = [nid for nid in reversed(ids) if indegree[nid] == 0]
        out: list[str] = []
        while ready:
            nid = ready.pop()
            out.append(nid)
            later = []
            for w in self._out.get(nid, ()):
                if w.dst in members:
                    indegree[w.dst] -= 1
                    if indegree[w.dst] == 0:
                        later.append(w.dst)
            ready.extend(reversed(later))
        return out

    def _closure(self, starts: Iterable[str]) -> list[str]:
        """The start nodes and everything downstream of them, in discovery order."""
        seen: dict[str, None] = {}
        stack = [s for s in starts if s in self._nodes]
        for s in stack:
            seen[s] = None
        while stack:
            nid = stack.pop()
            for w in self._out.get(nid, ()):
                if w.dst not in seen:
                    seen[w.dst] = None
                    stack.append(w.dst)
        return list(seen)

    def _downstream(self, nid: str) -> tuple[tuple[str, ...], list[Value]]:
        """The node and everything downstream, in dependency order, with their Values (cached
        until the structure changes)."""
        hit = self._downstream_cache.get(nid)
        if hit is None:
            ids = tuple(self._topo(self._closure([nid])))
            values = [v for v in (self._values[i] for i in ids[1:]) if v is not None]
            hit = self._downstream_cache[nid] = (ids, values)
        return hit

    def _rebind(self, starts: Iterable[str]) -> None:
        """Build fresh Values for the start nodes and everything downstream of them."""
        ids = self._topo(self._closure(starts))
        for nid in ids:
            self._values[nid] = self._build(nid)
        self._downstream_cache.clear()
        self.grads_current = False
        self._changed(ids)

    def _build(self, nid: str) -> Value | None:
        node = self._nodes[nid]
        kind = KINDS[node.kind]
        if kind.is_leaf:
            v = Value(node.value)
        else:
            ins = self._in.get(nid, {})
            operands: list[Value | None] = []
            for port in kind.inputs:
                w = ins.get(port)
                if w is None:
                    if port not in kind.optional:
                        return None
                    operands.append(None)
                    continue
                src = self._values.get(w.src)
                if src is None:
                    return None
                operands.append(src)
            v = kind.build(operands, node.params)
        v.label = node.label
        return v

    def _bind_all(self) -> None:
        nodes, values, ins_of = self._nodes, self._values, self._in
        for nid in self.topological_ids():
            node = nodes[nid]
            kind = KINDS[node.kind]
            if kind.params or kind.optional or not kind.inputs:
                values[nid] = self._build(nid)
                continue
            # most nodes of a big file: all inputs required, no settings; what _build does,
            # without its general path (a load binds every node)
            ins = ins_of.get(nid)
            operands = []
            for port in kind.inputs:
                w = ins.get(port) if ins else None
                src = values.get(w.src) if w is not None else None
                if src is None:
                    values[nid] = None
                    break
                operands.append(src)
            else:
                v = kind._build(*operands)
                v.label = node.label
                values[nid] = v

    # --- backward ---------------------------------------------------------------------------
    def backward(self, output: str | None = None) -> str | None:
        """Zero every grad, then backpropagate from ``output`` (default: ``default_output()``).
        Returns the id it started from (None when there is nothing to start from)."""
        target = self.default_output() if output is None else output
        if target is not None:
            self.node(target)
        values = self._values
        # (one dict, no tuple per node: this runs on every edit with auto backward, and
        # thousands of fresh containers wake the cycle collector)
        before = {nid: v.grad for nid, v in values.items() if v is not None}
        for v in values.values():
            if v is not None:
                v.grad = 0.0
        root = values.get(target) if target is not None else None
        if root is not None:
            root.backward()
        with self.batch():
            # plain comparisons first, the nan-aware one only for what differs
            self._changed(
                [
                    nid
                    for nid, old in before.items()
                    if values[nid].grad != old and not _same(old, values[nid].grad)
                ]
            )
            self.grads_current = True
            self.backward_output = target
        return target

    def zero_grad(self) -> list[str]:
        """Set every grad to 0 (one values_changed); returns the ids whose grad changed."""
        changed = []
        for nid, v in self._values.items():
            if v is not None and v.grad != 0.0:
                v.grad = 0.0
                changed.append(nid)
        with self.batch():
            self._changed(changed)
            self.grads_current = False
        return changed

    def upstream_ids(self, nid: str) -> list[str]:
        """The node and every node it depends on, in dependency order."""
        self.node(nid)
        seen = {nid: None}
        stack = [nid]
        while stack:
            for w in self._in.get(stack.pop(), {}).values():
                if w.src not in seen:
                    seen[w.src] = None
                    stack.append(w.src)
        return self._topo(n for n in self._nodes if n in seen)

    def downstream_ids(self, nid: str) -> list[str]:
        """The node and every node that depends on it, in dependency order."""
        self.node(nid)
        return list(self._downstream(nid)[0])

    # --- clipboard --------------------------------------------------------------------------
    def fragment(self, ids: Iterable[str]) -> dict[str, Any]:
        """The given nodes and the wires among them as JSON-able data (for the clipboard)."""
        wanted = set(ids)
        for nid in wanted:
            self.node(nid)
        nodes = [n for nid, n in self._nodes.items() if nid in wanted]
        wires = [w for w in self.wires if w.src in wanted and w.dst in wanted]
        return {
            "format": fileformat.FRAGMENT_FORMAT,
            "version": fileformat.VERSION,
            "nodes": [fileformat.node_to_dict(n) for n in nodes],
            "wires": [fileformat.wire_to_dict(w) for w in wires],
        }

    def paste_fragment(
        self, fragment: Mapping[str, Any] | str, offset: tuple[float, float] = (0.0, 0.0)
    ) -> list[str]:
        """Add a copy of a fragment with fresh ids, shifted by ``offset``; returns the new ids
        in fragment order. Inverse: ``remove_nodes(new_ids)``. Also the way to insert a
        prepared piece such as a neuron: its ids only need to be unique within it."""
        import json

        if isinstance(fragment, Mapping):
            try:
                text = json.dumps(dict(fragment), allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise FileFormatError(f"the pasted data is not JSON-able ({exc})") from None
            except RecursionError:
                raise FileFormatError("the pasted data is nested too deeply") from None
        else:
            text = fragment
        parsed = fileformat.parse(text, fragment=True)
        dx, dy = check_pos(offset)
        fresh = {n.id: self.new_id() for n in parsed.nodes}
        nodes = []
        for n in parsed.nodes:
            x, y = n.pos
            nodes.append(replace(n, id=fresh[n.id], pos=(x + dx, y + dy)))
        wires = [replace(w, src=fresh[w.src], dst=fresh[w.dst]) for w in parsed.wires]
        return self.add_subgraph(nodes, wires)

    # --- files ------------------------------------------------------------------------------
    def to_json(self) -> str:
        return fileformat.dump(
            self._nodes.values(),
            self.wires,
            title=self.title,
            description=self.description,
            selected_output=self._selected,
            extra=self.extra,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Document:
        """A document from ``.mgs`` text; raises DocumentError (FileFormatError) if invalid."""
        with gc_paused():
            doc = cls._from_json(text)
            promote_young()  # its objects live as long as it does: no young-generation scan
            return doc

    @classmethod
    def _from_json(cls, text: str | bytes) -> Document:
        parsed = fileformat.parse(text)
        doc = cls._from_checked(parsed.nodes, parsed.wires, parsed.order)
        doc.title = parsed.title
        doc.description = parsed.description
        doc.extra = parsed.extra
        doc._selected = parsed.selected_output
        return doc

    @classmethod
    def _from_checked(
        cls, nodes: Iterable[Node], wires: Iterable[Wire], order: list[str] | None = None
    ) -> Document:
        """A new document of nodes and wires checked as a file's are (every field, unique ids,
        known ports, one wire per input, no cycle): inserted at once, bound once. A big file
        or snippet has thousands, and edit by edit each would be checked and announced.
        ``order``: the ids in dependency order if the check already sorted them."""
        doc = cls()
        doc._insert_nodes(enumerate(nodes))
        doc._link_all(wires)
        if order is not None:
            doc._topo_cache = order
        doc._bind_all()
        doc.grads_current = False
        doc._auto_output()
        return doc

    def save(self, path: str | os.PathLike) -> None:
        """Write the document atomically (the old file survives any failure)."""
        fileformat.write_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike) -> Document:
        data = fileformat.read_file(path)
        try:
            return cls.from_json(data)
        except DocumentError as exc:
            raise type(exc)(f"{os.path.basename(os.fspath(path))}: {exc}") from None


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))
