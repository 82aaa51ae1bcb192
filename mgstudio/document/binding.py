"""Each complete node of a graph bound to a live engine ``Value``, and the grads on them.

A node is complete when every required input is wired from a complete node; it then has a
Value built with the engine's operators, an incomplete one has none. A structural edit
rebuilds the Values of the node it touches and of what lies downstream; a new leaf value
re-evaluates the downstream Values in place (same objects) with the engine's ``recompute``.
No events: each call returns the ids whose Value, data or grad changed, and the ``Document``
announces them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from mgstudio.engine import Value, recompute

from .graph import Graph
from .kinds import KINDS

#: how many sets of leaves ``set_leaves`` remembers the downstream of
BELOW_CACHE = 8


class Binding:
    """Node id -> its Value (None while incomplete), over one ``Graph``."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.values: dict[str, Value | None] = {}
        #: True while the grads on the Values are those of one backward pass (from
        #: ``backward_output``, or published step by step) that no edit has changed since
        self.grads_current = False
        #: the output the grads on show were computed from
        self.backward_output: str | None = None
        self._downstream: dict[str, list[Value]] = {}
        #: ``set_leaves``' cache: a set of leaves -> (the ids below them, their Values)
        self._below: dict[frozenset[str], tuple[tuple[str, ...], list[Value]]] = {}

    def structure_changed(self) -> None:
        self._downstream.clear()
        self._below.clear()
        self.grads_current = False

    def value_of(self, nid: str) -> Value | None:
        return self.values.get(nid)

    def bound(self) -> list[Value]:
        """Every bound Value (incomplete nodes have none), in node order."""
        return [v for v in self.values.values() if v is not None]

    # --- building ---------------------------------------------------------------------------
    def added(self, ids: Iterable[str]) -> None:
        """New nodes: unbound until ``rebind``."""
        self.values.update(dict.fromkeys(ids))

    def removed(self, nid: str) -> None:
        self.values.pop(nid, None)

    def rebind(self, starts: Iterable[str]) -> list[str]:
        """Build fresh Values for the start nodes and everything downstream of them; returns
        their ids."""
        graph = self.graph
        ids = graph.order(graph.reach(starts))
        for nid in ids:
            self.values[nid] = self.build(nid)
        self._downstream.clear()
        self._below.clear()
        self.grads_current = False
        return ids

    def build(self, nid: str) -> Value | None:
        node = self.graph.nodes[nid]
        kind = KINDS[node.kind]
        if kind.is_leaf:
            assert node.value is not None  # a leaf always holds its number
            v = Value(node.value)
        else:
            ins = self.graph.ins.get(nid, {})
            operands: list[Value | None] = []
            for port in kind.inputs:
                w = ins.get(port)
                if w is None:
                    if port not in kind.optional:
                        return None
                    operands.append(None)
                    continue
                src = self.values.get(w.src)
                if src is None:
                    return None
                operands.append(src)
            v = kind.build(operands, node.params)
        v.label = node.label
        return v

    def detached(self, ids: Iterable[str]) -> dict[str, Value | None]:
        """Fresh Values for ``ids`` (given in dependency order, each node's inputs among them),
        built as ``build`` builds the bound ones but owned by the caller: training compiles
        them while the document's own Values stay the document's."""
        other = Binding(self.graph)
        for nid in ids:
            other.values[nid] = other.build(nid)
        return other.values

    def bind_all(self) -> None:
        """Bind every node (a load): what ``build`` does, in dependency order."""
        nodes, values, ins_of = self.graph.nodes, self.values, self.graph.ins
        for nid in self.graph.topological_ids():
            node = nodes[nid]
            kind = KINDS[node.kind]
            if kind.params or kind.optional or not kind.inputs:
                values[nid] = self.build(nid)
                continue
            # most nodes of a big file: all inputs required, no settings; what build does,
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
        self.grads_current = False

    # --- data -------------------------------------------------------------------------------
    def downstream_values(self, nid: str) -> list[Value]:
        """The Values below ``nid`` (itself excluded), in dependency order; cached until the
        structure or a binding changes (a leaf edit asks it every time)."""
        hit = self._downstream.get(nid)
        if hit is None:
            values = self.values
            ids = self.graph.downstream_ids(nid)[1:]
            hit = self._downstream[nid] = [v for v in (values[i] for i in ids) if v is not None]
        return hit

    def set_leaf(self, nid: str, data: float) -> tuple[str, ...]:
        """A leaf's new number, re-evaluated downstream in place; the ids touched."""
        leaf = self.values[nid]
        if leaf is not None:
            leaf.data = data
        recompute(self.downstream_values(nid))
        self.grads_current = False
        return self.graph.downstream_ids(nid)

    def set_leaves(self, data: Mapping[str, float]) -> tuple[str, ...]:
        """Several leaves' new numbers, then one pass over what lies below any of them: each
        downstream Value is re-evaluated once, in dependency order (``set_leaf`` per leaf
        would redo the shared part of the graph once per leaf). The ids touched."""
        values = self.values
        for nid, x in data.items():
            leaf = values[nid]
            if leaf is not None:
                leaf.data = x
        key = frozenset(data)
        hit = self._below.get(key)
        if hit is None:
            graph = self.graph
            ids = tuple(graph.order(graph.reach(data)))
            below = [v for v in (values[i] for i in ids if i not in key) if v is not None]
            if len(self._below) >= BELOW_CACHE:
                self._below.clear()  # a few sets in use at a time (weights, a sample's inputs)
            hit = self._below[key] = (ids, below)
        recompute(hit[1])
        self.grads_current = False
        return hit[0]

    def relabel(self, nid: str, label: str) -> None:
        v = self.values.get(nid)
        if v is not None:
            v.label = label

    # --- grads ------------------------------------------------------------------------------
    def backward(self, target: str | None) -> list[str]:
        """Zero every grad, then backpropagate from ``target``; the ids whose grad changed."""
        # (dicts, no tuple per node: this runs on every edit with auto backward, and
        # thousands of fresh containers wake the cycle collector)
        live = {nid: v for nid, v in self.values.items() if v is not None}
        before = {nid: v.grad for nid, v in live.items()}
        for v in live.values():
            v.grad = 0.0
        root = live.get(target) if target is not None else None
        if root is not None:
            root.backward()
        self.grads_current = True
        self.backward_output = target
        # plain comparisons first, the nan-aware one only for what differs
        return [
            nid
            for nid, old in before.items()
            if live[nid].grad != old and not _same(old, live[nid].grad)
        ]

    def zero_grad(self) -> list[str]:
        """Set every grad to 0; the ids whose grad changed."""
        changed = []
        for nid, v in self.values.items():
            if v is not None and v.grad != 0.0:
                v.grad = 0.0
                changed.append(nid)
        self.grads_current = False
        return changed

    def grads_published(self, output: str | None) -> None:
        """The grads on the Values were set from outside (the step-through, one node at a
        time, from ``output``): they are current until the next edit."""
        self.grads_current = True
        self.backward_output = output


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))
