"""The nodes and wires of a big document that have no canvas item yet, as numpy columns.

Opening a 100,000-node file made an item for every node and wire: a second and a half of
Python per open, and half a million objects for the collector to scan, for a screen that
shows a few hundred. Now the scene makes items only for what is shown (or asked for, or
selected), and keeps the rest here: where each node's box is and where each wire runs,
worked out from the document alone (positions and the shared record shapes), so that the
scene can find what a rectangle holds, draw far-zoom boxes and straight wires, and fit its
bounds without an item. Each row is taken (``take_node``/``take_wire``) once its item exists.
"""

from __future__ import annotations

import numpy as np

from mgstudio.document.kinds import KINDS

from .node_shape import geometry_for, label_cell_width
from .wire_item import HIT_WIDTH


class Pending:
    """Columns of the item-less nodes (``x y`` top-left, extents, body size) and wires
    (curve ends, hit boxes, their order of addition)."""

    def __init__(self, document, style, node_ids, wires, wire_order=None):
        nodes = document.nodes
        self.ids: list[str] = list(node_ids)
        self.index = {nid: i for i, nid in enumerate(self.ids)}
        n = len(self.ids)
        # one shape per (kind, label cell width, settings) seen: most nodes of a big file
        # share a few, so the per-node work is two dict look-ups
        shapes: list = []
        shape_of: dict = {}
        widths: dict[str, float] = {}
        no_ports: frozenset = frozenset()
        kinds = self._kinds = []
        numbers = []
        places = []
        for nid in self.ids:
            node = nodes[nid]
            kind, label, params = node.kind, node.label, node.params
            kinds.append(kind)
            places.append(node.pos)
            width = widths.get(label)
            if width is None:
                width = widths[label] = label_cell_width(style, label)
            # a pow's badge shows its exponent while that input is unwired
            wired = set(document.inputs_of(nid)) if kind == "pow" else no_ports
            key = (kind, width, tuple(params.items()) if params else (), *sorted(wired))
            k = shape_of.get(key)
            if k is None:
                k = shape_of[key] = len(shapes)
                shapes.append(geometry_for(style, KINDS[kind], label, params, wired))
            numbers.append(k)
        shape_no = np.array(numbers, dtype=np.int64)
        xy = np.array(places, dtype=float).reshape(n, 2)
        self.shapes = shapes
        self.shape_no = shape_no
        self.x, self.y = xy[:, 0].copy(), xy[:, 1].copy()
        ext = np.array([g.extent for g in shapes] or [(0.0, 0.0, 0.0, 0.0)])[shape_no]
        self.left, self.top = self.x + ext[:, 0], self.y + ext[:, 1]
        self.right, self.bottom = self.x + ext[:, 2], self.y + ext[:, 3]
        self.alive = np.ones(n, dtype=bool)
        #: nodes inside a collapsed group: no item, no box, no wire of theirs drawn (the
        #: group's block stands for them; see scene_groups)
        self.hidden = np.zeros(n, dtype=bool)
        self._build_wires(list(wires), wire_order)

    def _build_wires(self, wires, wire_order) -> None:
        self.wires = wires
        self._wire_index: dict | None = None  # (dst, port) -> row, made when first asked
        m = len(wires)
        index, shapes, shape_no = self.index, self.shapes, self.shape_no
        src = np.fromiter((index[w.src] for w in wires), dtype=np.int64, count=m)
        dst = np.fromiter((index[w.dst] for w in wires), dtype=np.int64, count=m)
        # the port's row: shapes of one kind list the inputs in the kind's order
        slot = _port_slots()
        if slot is not None:
            port_no = np.fromiter((slot[w.port] for w in wires), dtype=np.int64, count=m)
        else:
            kinds = self._kinds
            port_no = np.fromiter(
                (KINDS[kinds[d]].inputs.index(w.port) for w, d in zip(wires, dst.tolist())),
                dtype=np.int64,
                count=m,
            )
        width = max((len(g.rows) for g in shapes), default=0) or 1
        rows = np.zeros((max(len(shapes), 1), width))
        for k, g in enumerate(shapes):
            rows[k, : len(g.rows)] = g.rows
        row = rows[shape_no[dst], port_no] if m else np.zeros(0)
        out = np.array([(g.out_x, g.out_y) for g in shapes] or [(0.0, 0.0)])[shape_no[src]]
        x0, y0 = self.x[src] + out[:, 0], self.y[src] + out[:, 1]
        x1, y1 = self.x[dst], self.y[dst] + row
        bend = np.maximum(40.0, np.abs(x1 - x0) * 0.5)  # as wire_item._bend
        h = HIT_WIDTH / 2
        self.ends = np.stack([x0, y0, x1, y1], axis=1)
        self.boxes = np.stack(
            [
                np.minimum(x0, x1 - bend) - h,
                np.minimum(y0, y1) - h,
                np.maximum(x0 + bend, x1) + h,
                np.maximum(y0, y1) + h,
            ],
            axis=1,
        )
        self.order = np.arange(m) if wire_order is None else np.asarray(wire_order, dtype=np.int64)
        self.wire_alive = np.ones(m, dtype=bool)
        self._src, self._dst = src, dst
        self.wire_hidden = np.zeros(m, dtype=bool)
        # each node's wires (either end), as slices of one sorted array
        ends = np.concatenate([src, dst])
        by = np.argsort(ends, kind="stable")
        self._by_node = by % max(m, 1)
        self._node_starts = np.searchsorted(ends[by], np.arange(len(self.ids) + 1))

    # --- what the scene asks -----------------------------------------------------------------
    def nodes_in(self, left: float, top: float, right: float, bottom: float) -> list[str]:
        """Ids of item-less nodes whose bounds meet a scene rectangle."""
        hit = (
            self.alive
            & ~self.hidden
            & (self.left <= right)
            & (self.right >= left)
            & (self.top <= bottom)
            & (self.bottom >= top)
        )
        ids = self.ids
        return [ids[i] for i in np.flatnonzero(hit).tolist()]

    def wires_in(self, left: float, top: float, right: float, bottom: float) -> np.ndarray:
        """Rows of item-less wires whose hit box meets a scene rectangle."""
        b = self.boxes
        return np.flatnonzero(
            self.wire_alive
            & ~self.wire_hidden
            & (b[:, 0] <= right)
            & (b[:, 2] >= left)
            & (b[:, 1] <= bottom)
            & (b[:, 3] >= top)
        )

    def wires_of(self, nid: str, shown: bool = False) -> list[int]:
        """Rows of the item-less wires at either end of a node (``shown``: not those at a
        hidden node)."""
        i = self.index.get(nid)
        if i is None:
            return []
        rows = self._by_node[self._node_starts[i] : self._node_starts[i + 1]]
        if shown:
            return [j for j in rows.tolist() if self.wire_alive[j] and not self.wire_hidden[j]]
        return [j for j in rows.tolist() if self.wire_alive[j]]

    def set_hidden(self, hidden) -> None:
        """Hide these nodes (ids; others shown) and every wire at them."""
        self.hidden[:] = False
        index = self.index
        rows = [index[nid] for nid in hidden if nid in index]
        if rows:
            self.hidden[np.array(rows, dtype=np.int64)] = True
        self.wire_hidden = self.hidden[self._src] | self.hidden[self._dst]

    def has_node(self, nid: str) -> bool:
        i = self.index.get(nid)
        return i is not None and bool(self.alive[i])

    def take_node(self, nid: str) -> None:
        i = self.index.get(nid)
        if i is not None:
            self.alive[i] = False

    def take_wire(self, j: int) -> None:
        self.wire_alive[j] = False

    def wire_row(self, dst: str, port: str) -> int | None:
        if self._wire_index is None:
            self._wire_index = {(w.dst, w.port): j for j, w in enumerate(self.wires)}
        j = self._wire_index.get((dst, port))
        return j if j is not None and self.wire_alive[j] else None

    def node_count(self) -> int:
        return int(self.alive.sum())

    def alive_ids(self) -> list[str]:
        ids = self.ids
        return [ids[i] for i in np.flatnonzero(self.alive).tolist()]

    def alive_wires(self) -> tuple[list, list[int]]:
        rows = np.flatnonzero(self.wire_alive).tolist()
        return [self.wires[j] for j in rows], [int(self.order[j]) for j in rows]

    def bounds(self) -> tuple[float, float, float, float] | None:
        """``(left, top, right, bottom)`` around the item-less shown nodes' bounds (None:
        none)."""
        a = self.alive & ~self.hidden
        if not a.any():
            return None
        return (
            float(self.left[a].min()),
            float(self.top[a].min()),
            float(self.right[a].max()),
            float(self.bottom[a].max()),
        )

    def shape(self, nid: str):
        """A node's record shape, as worked out for the columns."""
        return self.shapes[self.shape_no[self.index[nid]]]

    def body_rect(self, nid: str) -> tuple[float, float, float, float]:
        """A node's body (what a far-zoom box shows) as ``(x, y, width, height)``."""
        i = self.index[nid]
        r = self.shapes[self.shape_no[i]].rect
        return (float(self.x[i]), float(self.y[i]), r.width(), r.height())


def _port_slots() -> dict[str, int] | None:
    """Input name -> its place among a kind's inputs if that is the same in every kind (one
    look-up per wire), else None (each wire asks its node's kind)."""
    slots: dict[str, int] = {}
    for kind in KINDS.values():
        for i, port in enumerate(kind.inputs):
            if slots.setdefault(port, i) != i:
                return None
    return slots
