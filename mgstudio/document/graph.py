"""The graph index of a document: nodes in their order, wires in both directions, the one
walker that orders them, the one wire check, and the caches the rest asks on every edit.

Plain data, no Values and no events: ``Document`` adds those. Loading builds one of these from
a file's checked nodes and wires (``fileformat.parse``) and the document adopts it, so a big
file is indexed once.

Two walks answer every question about the wires: ``order`` (inputs before the nodes that use
them; a cycle is what it cannot order) and ``reach`` (everything a chain of wires leads to,
upstream or downstream, with the chain it took).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from enum import Enum

from .errors import (
    CycleError,
    DocumentError,
    DuplicateIdError,
    PortOccupiedError,
    SelfLoopError,
    UnknownNodeError,
    UnknownPortError,
)
from .kinds import KINDS
from .nodes import (
    Node,
    Wire,
    check_feature,
    check_id,
    check_label,
    check_params,
    check_pos,
    check_value,
    kind_named,
)

_AUTO_ID = re.compile(r"n([0-9]{1,15})")
#: the same ids, one per line of a text of many ids (one scan in C for a whole file's ids)
_AUTO_ID_LINES = re.compile(r"^n([0-9]{1,15})$", re.MULTILINE)
_NO_WIRES: dict[Wire, None] = {}


def describe(node: Node) -> str:
    """``mul 'e'`` or ``mul n3``: how messages name a node."""
    return f"{node.kind} {node.label!r}" if node.label else f"{node.kind} {node.id}"


def short_name(node: Node) -> str:
    return repr(node.label) if node.label else node.id


class WireFault(Enum):
    """Why a wire cannot exist (the one check; an edit and a file word it differently)."""

    NOT_TEXT = "not text"
    NO_SOURCE = "no source"
    NO_TARGET = "no target"
    NO_PORT = "no port"
    SELF_LOOP = "self loop"
    PORT_TAKEN = "port taken"


def wire_fault(
    nodes: Mapping[str, Node],
    src: object,
    dst: object,
    port: object,
    taken: Callable[[str, str], bool],
) -> WireFault | None:
    """The first test ``src -> dst.port`` fails, in the order messages are made; None if it
    passes them all (a cycle is the walkers' business). ``taken(dst, port)``: already wired.
    Loading runs the same tests inline for its common wire and asks here only on a failure."""
    if type(src) is not str or type(dst) is not str or type(port) is not str:
        return WireFault.NOT_TEXT
    if src not in nodes:
        return WireFault.NO_SOURCE
    if dst not in nodes:
        return WireFault.NO_TARGET
    if port not in KINDS[nodes[dst].kind].inputs:
        return WireFault.NO_PORT
    if src == dst:
        return WireFault.SELF_LOOP
    if taken(dst, port):
        return WireFault.PORT_TAKEN
    return None


class Graph:
    """Nodes (in the order they were added), wires into and out of each, cached answers."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        #: node id -> input port -> the wire feeding it
        self.ins: dict[str, dict[str, Wire]] = {}
        #: node id -> the wires leaving it (a dict: ordered, and removal by key is cheap)
        self.outs: dict[str, dict[Wire, None]] = {}
        self.next_id = 1
        self._on_change: weakref.WeakMethod[Callable[[], None]] | None = None
        self._wires: tuple[Wire, ...] | None = None
        self._outputs: list[str] | None = None
        self._topo: list[str] | None = None
        self._downstream: dict[str, tuple[str, ...]] = {}

    # --- reading ----------------------------------------------------------------------------
    def node(self, nid: str) -> Node:
        try:
            return self.nodes[nid]
        except (KeyError, TypeError):
            raise UnknownNodeError(f"there is no node {nid!r} in this document") from None

    @property
    def wires(self) -> tuple[Wire, ...]:
        """Every wire, ordered by target node then by input port (stable, so files diff)."""
        if self._wires is None:
            out: list[Wire] = []
            for nid, node in self.nodes.items():
                ins = self.ins.get(nid)
                if ins:
                    out.extend(ins[p] for p in KINDS[node.kind].inputs if p in ins)
            self._wires = tuple(out)
        return self._wires

    def output_ids(self) -> list[str]:
        """Nodes nobody consumes, in node order."""
        if self._outputs is None:  # asked on every edit (backward's default output)
            outs = self.outs
            self._outputs = [nid for nid in self.nodes if not outs.get(nid)]
        return list(self._outputs)

    def topological_ids(self) -> list[str]:
        """Every node id, inputs before the nodes that use them (ties in node order)."""
        if self._topo is None:  # binding and the node table both ask after a load
            self._topo = self.order(self.nodes, whole=True)
        return list(self._topo)

    def adopt_order(self, order: list[str]) -> None:
        """The whole graph's order, already computed (by ``check_acyclic`` on load)."""
        self._topo = order

    # --- the walkers ------------------------------------------------------------------------
    def order(self, ids: Iterable[str], whole: bool = False) -> list[str]:
        """The given ids in dependency order, only wires among them counting; ties in the
        given order, a node's consumers in wire order. Nodes on a cycle are left out (
        ``check_acyclic`` names one). ``whole``: the ids are every node (no membership
        count needed: every wire counts)."""
        ins, outs = self.ins, self.outs
        if whole:
            indegree = {nid: len(ins[nid]) if nid in ins else 0 for nid in ids}
        else:
            indegree = dict.fromkeys(ids, 0)
            for nid in indegree:
                for w in ins.get(nid, {}).values():
                    if w.src in indegree:
                        indegree[nid] += 1
        ready = [nid for nid in reversed(list(indegree)) if indegree[nid] == 0]
        out: list[str] = []
        while ready:
            nid = ready.pop()
            out.append(nid)
            later = []
            for w in outs.get(nid, _NO_WIRES):
                d = w.dst
                k = indegree.get(d)
                if k is not None:
                    indegree[d] = k - 1
                    if k == 1:
                        later.append(d)
            if later:
                later.reverse()
                ready.extend(later)
        return out

    def reach(
        self, starts: Iterable[str], upstream: bool = False, goal: str | None = None
    ) -> dict[str, str | None]:
        """Every node a chain of wires leads to from ``starts`` (downstream, or upstream),
        the starts included, each with the node it was reached from (None for a start), in
        discovery order. Stops early once ``goal`` is reached."""
        parent: dict[str, str | None] = {}
        stack = [s for s in starts if s in self.nodes]
        for s in stack:
            parent[s] = None
        ins, outs = self.ins, self.outs
        while stack:
            nid = stack.pop()
            if nid == goal:
                break
            nexts = (
                [w.src for w in ins.get(nid, {}).values()]
                if upstream
                else [w.dst for w in outs.get(nid, _NO_WIRES)]
            )
            for n in nexts:
                if n not in parent:
                    parent[n] = nid
                    stack.append(n)
        return parent

    def path(self, start: str, goal: str) -> list[str] | None:
        """A chain of wires start -> ... -> goal, if goal depends on start."""
        parent = self.reach([start], goal=goal)
        if goal not in parent:
            return None
        chain: list[str] = []
        at: str | None = goal
        while at is not None:
            chain.append(at)
            at = parent[at]
        return chain[::-1]

    def upstream_ids(self, nid: str) -> list[str]:
        """The node and every node it depends on, in dependency order."""
        self.node(nid)
        seen = self.reach([nid], upstream=True)
        return self.order(n for n in self.nodes if n in seen)

    def downstream_ids(self, nid: str) -> tuple[str, ...]:
        """The node and everything downstream of it, in dependency order (cached until the
        structure changes: a leaf edit asks it every time)."""
        hit = self._downstream.get(nid)
        if hit is None:
            hit = self._downstream[nid] = tuple(self.order(self.reach([nid])))
        return hit

    def check_acyclic(self) -> list[str]:
        """Every id in dependency order; raises CycleError naming one cycle if the wires make
        a node depend on itself."""
        order = self.order(self.nodes, whole=True)
        if len(order) == len(self.nodes):
            self._topo = order  # the whole order: kept for ``topological_ids``
            return order
        # Every leftover node still waits for a leftover producer, but it may have no
        # leftover consumer (a sink fed by the cycle): so walk *backward* through producers
        # until one repeats; that stretch, reversed, is a cycle.
        done = set(order)
        path: list[str] = []
        at: dict[str, int] = {}
        nid = next(n for n in self.nodes if n not in done)
        while nid not in at:
            at[nid] = len(path)
            path.append(nid)
            nid = next(w.src for w in self.ins[nid].values() if w.src not in done)
        cycle = (path[at[nid] :] + [nid])[::-1]
        names = " → ".join(short_name(self.nodes[n]) for n in cycle)
        raise CycleError(f"the wires make a cycle: {names}; a value cannot depend on itself")

    # --- checks -----------------------------------------------------------------------------
    def check_connect(self, src: str, dst: str, port: str) -> None:
        """Raise the DocumentError that wiring ``src`` into ``dst.port`` would raise."""
        source = self.node(src)
        target = self.node(dst)
        fault = wire_fault(self.nodes, src, dst, port, self.taken)
        # every refusal reads "can't wire X into Y: why", whole, so no caller adds a prefix
        if fault is WireFault.NO_PORT:
            kind = KINDS[target.kind]
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
        if fault is WireFault.SELF_LOOP:
            raise SelfLoopError(f"can't wire {describe(source)} into itself: would make a cycle")
        if fault is WireFault.PORT_TAKEN:
            taken = self.ins[dst][port]
            raise PortOccupiedError(
                f"can't wire {short_name(source)} into {describe(target)}: input {port!r} of "
                f"{describe(target)} is already wired (from "
                f"{short_name(self.nodes[taken.src])}); remove that wire first"
            )
        if fault is not None:  # pragma: no cover - node() above caught the others
            raise DocumentError(f"can't wire {src!r} into {dst!r}")
        chain = self.path(dst, src)
        if chain is not None:
            names = " → ".join(short_name(self.nodes[n]) for n in [*chain, dst])
            raise CycleError(
                f"can't wire {short_name(source)} into {short_name(target)}: would make a "
                f"cycle: {names}"
            )

    def taken(self, dst: str, port: str) -> bool:
        """Whether input ``port`` of ``dst`` is wired."""
        return port in self.ins.get(dst, {})

    def check_new_node(self, node: Node) -> Node:
        """The node with every field checked and normalised (raises DocumentError)."""
        kind = kind_named(node.kind)
        nid = check_id(node.id)
        if nid in self.nodes:
            raise DuplicateIdError(f"the id {nid!r} is already used by {describe(self.nodes[nid])}")
        return Node(
            id=nid,
            kind=kind.name,
            label=check_label(node.label),
            value=check_value(kind, node.value),
            params=check_params(kind, node.params),
            pos=check_pos(node.pos),
            extra=dict(node.extra),
            feature=check_feature(kind, node.feature),
        )

    # --- ids --------------------------------------------------------------------------------
    def peek_id(self) -> str:
        while f"n{self.next_id}" in self.nodes:
            self.next_id += 1
        return f"n{self.next_id}"

    def new_id(self) -> str:
        """A fresh id, never handed out before in this document."""
        nid = self.peek_id()
        self.next_id += 1
        return nid

    def _note_ids(self, ids: list[str]) -> None:
        text = "\n".join(ids)
        if text.count("\n") == len(ids) - 1:  # no id holds a line break: one scan of them all
            numbers = _AUTO_ID_LINES.findall(text)
            if numbers:
                self.next_id = max(self.next_id, max(map(int, numbers)) + 1)
        else:
            for nid in ids:
                m = _AUTO_ID.fullmatch(nid)
                if m:
                    self.next_id = max(self.next_id, int(m.group(1)) + 1)

    # --- changing ---------------------------------------------------------------------------
    def insert_nodes(self, entries: Iterable[tuple[int, Node]]) -> list[str]:
        """Insert nodes at their places in the node order (ascending indices); their ids."""
        entries = list(entries)
        nodes = self.nodes
        if not nodes and [e[0] for e in entries] == list(range(len(entries))):
            nodes.update([(e[1].id, e[1]) for e in entries])  # a new document, in order
        elif all(index >= len(nodes) + i for i, (index, _) in enumerate(entries)):
            for _, node in entries:  # the common case: appending
                nodes[node.id] = node
        else:
            items = list(nodes.items())
            for index, node in entries:  # ascending: each lands where it was
                items.insert(index, (node.id, node))
            nodes.clear()  # in place: read-only views of it stay live
            nodes.update(items)
        ids = [node.id for _, node in entries]
        self._note_ids(ids)
        self.changed()
        return ids

    def delete_node(self, nid: str) -> None:
        del self.nodes[nid]
        self.ins.pop(nid, None)
        self.outs.pop(nid, None)
        self.changed()

    def link_all(self, wires: Iterable[Wire]) -> None:
        """Record wires in both directions; caches are reset once, not per wire."""
        ins, outs = self.ins, self.outs
        for w in wires:
            ins.setdefault(w.dst, {})[w.port] = w
            outs.setdefault(w.src, {})[w] = None
        self.changed()

    def unlink(self, w: Wire) -> None:
        ins = self.ins.get(w.dst)
        if ins is not None and ins.get(w.port) == w:
            del ins[w.port]
        outs = self.outs.get(w.src)
        if outs is not None:
            outs.pop(w, None)
        self.changed()

    def changed(self) -> None:
        """The structure changed: forget every cached answer."""
        self._wires = None
        self._outputs = None
        self._topo = None
        self._downstream.clear()
        if self._on_change is not None:
            hook = self._on_change()
            if hook is not None:
                hook()

    def on_change(self, method: Callable[[], None]) -> None:
        """Call the bound ``method`` after every structural change (the document resets what
        it derived). Held weakly: a document and its graph form no reference cycle, so a
        closed 100,000-node document is freed at once, not by the next full collection."""
        self._on_change = weakref.WeakMethod(method)


def indexed(nodes: Iterable[Node], wires: Iterable[Wire]) -> Graph:
    """A graph of nodes and wires already checked (ids unique, ports known, one wire per
    input), indexed at once."""
    graph = Graph()
    graph.insert_nodes(enumerate(nodes))
    graph.link_all(wires)
    return graph
