"""The network layout: an MLP's groups as columns, neurons top to bottom (Qt-free).

``arrange_network`` places every node of a document that holds ``mlp`` groups: the mlp's
inputs (nodes outside it that feed it) in a column on the left, then one column per layer
group, left to right, its neurons top to bottom, then whatever follows (the loss) in columns
on the right, centred on the networks. Several mlps (a program's calls, one per sample) are
stacked top to bottom, what feeds several of them (the shared weights) in a column of its own
on the far left. A collapsed group outside the networks (the weights, the loss) is laid out
as one item, its block, like a node. Each group takes the room it is drawn in (``group_geometry``):

- a collapsed group takes its block (``block_size``); its members keep their arrangement and
  are moved rigidly so that ``anchor(members)`` (their top-left) is the block's top-left,
  which is where the canvas draws the block;
- an expanded neuron (or any group without groups inside) lays its own members out compactly
  with the layered layout, inside a frame of FRAME_MARGIN with a FRAME_HEADER title bar;
- an expanded layer stacks its groups top to bottom, an expanded mlp (or user group) puts them
  side by side, each inside its frame.

Rooms are separated by gaps, so no two frames or blocks overlap. Pure arithmetic, linear in
nodes + wires apart from the layered layout of each expanded neuron's few members.

``collapsed(gid)`` says whether a group counts as collapsed (default: its flag), so that a
caller can lay the network out as it will be once a group is collapsed or expanded, and move
the nodes in the same undo command.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .group_geometry import FRAME_HEADER, FRAME_MARGIN, block_size
from .layered import LAYER_GAP, layered_layout
from .layered import ROW_GAP as LAYERED_ROW_GAP

if TYPE_CHECKING:
    from .model import Document

#: the node box the layout leaves room for (the canvas draws nodes about this big)
NODE_W, NODE_H = 300.0, 60.0
#: inside an expanded neuron: between columns of its members, and between rows
INNER_COLUMN_GAP = 60.0
INNER_ROW_GAP = 20.0
#: between the columns of layers (and the inputs, and the loss): room for the wires
COLUMN_GAP = 100.0
#: between the rooms of groups in one column, and between nodes of the input/loss columns
SLOT_GAP = 24.0
ROW_GAP = 26.0
#: between two mlps of one document (they are stacked top to bottom: one call per sample)
BAND_GAP = 48.0
#: many networks (a program's calls) are laid out in rows of bands about this much wider than
#: tall (a window's shape), with GRID_GAP between the columns of bands: room for the wires
ASPECT = 1.6
GRID_GAP = 2 * COLUMN_GAP
#: how a collapsed group outside the networks is named among the nodes it is laid out with
#: (a node id never starts with a control character)
BLOCK_ITEM = "\x00block:"

Rect = tuple[float, float, float, float]  # left, top, right, bottom
Positions = dict[str, tuple[float, float]]


def network_groups(doc: Document) -> list[str]:
    """The outermost ``mlp`` groups (an mlp not inside another mlp), in document order."""
    index = doc.groups
    out = []
    for g in index:
        if g.kind == "mlp" and not any(
            index.get(a).kind == "mlp" for a in index.ancestors(g.id)[1:]
        ):
            out.append(g.id)
    return out


def network_of(doc: Document, gid: str) -> str | None:
    """The outermost mlp group ``gid`` is (part of), or None when it is in no mlp."""
    index = doc.groups
    if gid not in index:
        return None
    found = None
    for a in index.ancestors(gid):
        if index.get(a).kind == "mlp":
            found = a
    return found


def is_network(doc: Document, gid: str) -> bool:
    """Whether the group is an mlp or inside one: collapsing or expanding it re-lays the
    network out (``arrange_network``)."""
    return network_of(doc, gid) is not None


@dataclass
class NetworkArrangement:
    """Where the nodes go, and the room each group of the network takes there (its frame
    when expanded, its block when collapsed; left, top, right, bottom)."""

    positions: Positions
    rooms: dict[str, Rect]


Sizes = Mapping[str, tuple[float, float]]


def arrange_network(
    doc: Document,
    collapsed: Callable[[str], bool] | None = None,
    sizes: Sizes | None = None,
) -> dict[str, tuple[float, float]]:
    """Node id -> top-left position for every node of a document with networks (nothing
    when it holds no mlp group). Collapsed groups' members keep their current arrangement.
    ``sizes`` gives the nodes' boxes as drawn (width, height); NODE_W x NODE_H otherwise."""
    return network_arrangement(doc, collapsed, sizes=sizes).positions


def network_arrangement(
    doc: Document,
    collapsed: Callable[[str], bool] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    sizes: Sizes | None = None,
) -> NetworkArrangement:
    """``arrange_network`` with the rooms of the groups; ``positions`` (default: the nodes'
    own) is where collapsed groups' members are now."""
    return _Arranger(doc, collapsed, positions, sizes or {}).run()


def fresh_network_positions(doc: Document) -> dict[str, tuple[float, float]]:
    """The arrangement of a network just built: every group first laid out expanded (so a
    collapsed neuron's members are arranged compactly, ready to be expanded), then as the
    flags say."""
    expanded = network_arrangement(doc, lambda gid: False).positions
    current = {nid: node.pos for nid, node in doc.nodes.items()}
    current.update(expanded)
    return network_arrangement(doc, None, current).positions


class _Arranger:
    def __init__(
        self,
        doc: Document,
        collapsed: Callable[[str], bool] | None,
        positions: Mapping[str, tuple[float, float]] | None,
        sizes: Sizes,
    ) -> None:
        self.doc = doc
        self.sizes = sizes
        self.index = doc.groups
        if collapsed is None:
            index = self.index
            collapsed = lambda gid: index.get(gid).collapsed  # noqa: E731
        self.collapsed = collapsed
        self.current = positions
        self.pos: Positions = {}
        self.rooms: dict[str, Rect] = {}
        self._sizes: dict[str, tuple[float, float]] = {}
        self._compact: dict[str, Positions] = {}
        self._members: dict[str, list[str]] = {}
        self.edges: list[tuple[str, str]] = []  # (src, dst) of every wire, once there is a network
        self._out: dict[str, list[str]] = {}  # src -> the dst of each of its wires
        self._blocks: dict[str, str] = {}
        self._block_of: dict[str, str] = {}

    def _is_collapsed(self, gid: str) -> bool:
        return bool(self.collapsed(gid))

    def box(self, nid: str) -> tuple[float, float]:
        """The node's box (or a block's), in whole units (so that every position is whole:
        laying out again gives exactly the same numbers)."""
        gid = self._blocks.get(nid)
        w, h = self.size(gid) if gid is not None else self.sizes.get(nid, (NODE_W, NODE_H))
        return (float(math.ceil(w)), float(math.ceil(h)))

    def _now(self, nid: str) -> tuple[float, float]:
        if self.current is not None and nid in self.current:
            return self.current[nid]
        return self.doc.nodes[nid].pos

    def members(self, gid: str) -> list[str]:
        got = self._members.get(gid)
        if got is None:
            got = self._members[gid] = self.index.members(gid)
        return got

    # --- the whole document ---------------------------------------------------------------
    def run(self) -> NetworkArrangement:
        mlps = network_groups(self.doc)
        if not mlps:
            return NetworkArrangement({}, {})
        self.edges = [(w.src, w.dst) for w in self.doc.wires]
        for src, dst in self.edges:
            self._out.setdefault(src, []).append(dst)
        owner: dict[str, str] = {}
        for m in mlps:
            for nid in self.members(m):
                owner[nid] = m
        self._find_blocks(owner)
        # what feeds the networks, in document order (x1, x2, ...): an item (a node, or the
        # block of a collapsed group outside them) feeding one network sits in its band's
        # column, one feeding several (the shared weights) in a column of its own
        feeds: dict[str, set[str]] = {}
        for src, dst in self.edges:
            into = owner.get(dst)
            if into is not None and src not in owner:
                feeds.setdefault(self._item(src), set()).add(into)
        shared: list[str] = []
        inputs: dict[str, list[str]] = {m: [] for m in mlps}
        for item in self._items(owner):
            fed = feeds.get(item)
            if not fed:
                continue
            if len(fed) > 1:
                shared.append(item)
            else:
                inputs[next(iter(fed))].append(item)
        shared_w = max((self.box(i)[0] for i in shared), default=0.0)
        band_w = max((self.box(i)[0] for col in inputs.values() for i in col), default=0.0)
        band_left = shared_w + (COLUMN_GAP if shared_w else 0.0)
        mlp_left = band_left + band_w + (COLUMN_GAP if band_w else 0.0)
        # the bands (a network and the column feeding it) in rows of ``across``, as many as
        # make the whole about as wide as a window is for its height: four calls stack in
        # one column, a hundred (one per sample) make a grid, not a sliver
        heights = [max(self.size(m)[1], self._column_height(inputs[m])) for m in mlps]
        cell_w = mlp_left - band_left + max(self.size(m)[0] for m in mlps)
        mean_h = sum(heights) / len(heights) + BAND_GAP
        across = max(1, min(len(mlps), round(math.sqrt(len(mlps) * mean_h * ASPECT / cell_w))))
        row_h = [max(heights[i : i + across]) for i in range(0, len(mlps), across)]
        top = 0.0
        right = mlp_left
        for r, band_h in enumerate(row_h):
            for c, m in enumerate(mlps[r * across : (r + 1) * across]):
                dx = c * (cell_w + GRID_GAP)
                w, h = self.size(m)
                col = inputs[m]
                self.place(m, mlp_left + dx, top + _half(band_h - h))
                col_top = top + _half(band_h - self._column_height(col))
                self._place_column(col, band_left + dx, col_top)
                right = max(right, mlp_left + dx + w)
            top += band_h + BAND_GAP
        height = top - BAND_GAP
        self._place_column(shared, 0.0, _half(height - self._column_height(shared)))
        placed = set(shared).union(*inputs.values())
        rest = [i for i in self._items(owner) if i not in placed]
        if rest:
            self._place_rest(rest, right + COLUMN_GAP, height)
        return NetworkArrangement(
            {nid: (float(round(x)), float(round(y))) for nid, (x, y) in self.pos.items()},
            self.rooms,
        )

    def _find_blocks(self, owner: Mapping[str, str]) -> None:
        """The collapsed groups outside the networks (the shared weights, the loss): each is
        laid out as one item, its block, like a node."""
        self._block_of.clear()  # node id -> its block's item id
        self._blocks.clear()  # item id -> group id
        index = self.index
        for g in index:
            if not self._is_collapsed(g.id) or network_of(self.doc, g.id) is not None:
                continue
            if any(self._is_collapsed(a) for a in index.ancestors(g.id)[1:]):
                continue
            members = self.members(g.id)
            if not members or any(nid in owner or nid in self._block_of for nid in members):
                continue  # a block around a network (or inside another) is not moved
            item = BLOCK_ITEM + g.id
            self._blocks[item] = g.id
            for nid in members:
                self._block_of[nid] = item

    def _item(self, nid: str) -> str:
        return self._block_of.get(nid, nid)

    def _items(self, owner: Mapping[str, str]) -> list[str]:
        """The nodes outside the networks and the blocks, each once, in document order."""
        out: list[str] = []
        seen: set[str] = set()
        for nid in self.doc.nodes:
            if nid in owner:
                continue
            item = self._item(nid)
            if item not in seen:
                seen.add(item)
                out.append(item)
        return out

    def _column_height(self, col: list[str]) -> float:
        return sum(self.box(i)[1] for i in col) + max(len(col) - 1, 0) * ROW_GAP

    def _place_column(self, col: list[str], left: float, top: float) -> None:
        y = top
        for item in col:
            self._put(item, left, y)
            y += self.box(item)[1] + ROW_GAP

    def _put(self, item: str, left: float, top: float) -> None:
        """A node at (left, top), or a block: its room, its members moved as one."""
        gid = self._blocks.get(item)
        if gid is None:
            self.pos[item] = (left, top)
            return
        w, h = self.size(gid)
        self.rooms[gid] = (left, top, left + w, top + h)
        self._translate(gid, left, top)

    def _place_rest(self, rest: list[str], left: float, height: float) -> None:
        """What follows the networks (the loss), layered in columns to their right, centred
        on the bands together."""
        inside = set(rest)
        edges = list(
            dict.fromkeys(
                (self._item(s), self._item(d))
                for s, d in self.edges
                if self._item(s) in inside
                and self._item(d) in inside
                and self._item(s) != self._item(d)
            )
        )
        centres = self._grid(layered_layout(rest, edges), COLUMN_GAP, ROW_GAP)
        top = min(y for _, y in centres.values())
        bottom = max(y + self.box(item)[1] for item, (_, y) in centres.items())
        shift = max(0.0, _half(height - (bottom - top))) - top
        for item, (x, y) in centres.items():
            self._put(item, left + x, y + shift)

    # --- sizes ----------------------------------------------------------------------------
    def size(self, gid: str) -> tuple[float, float]:
        """Width and height of the room the group takes."""
        got = self._sizes.get(gid)
        if got is not None:
            return got
        g = self.index.get(gid)
        children = self.index.children(gid)
        if self._is_collapsed(gid):
            rows = len(children) if g.kind == "layer" else 0
            got = block_size(g.kind, rows)
        else:
            w, h = self._content(gid, children)
            got = (w + 2 * FRAME_MARGIN, h + 2 * FRAME_MARGIN + FRAME_HEADER)
        self._sizes[gid] = got
        return got

    def _content(self, gid: str, children: list[str]) -> tuple[float, float]:
        """The size of an expanded group's content: its groups in a column (a layer) or a row
        (anything else), and then its own nodes laid out compactly."""
        sizes = [self.size(c) for c in children]
        own = self.index.get(gid).nodes
        if own:
            sizes.append(self._compact_size(gid))
        if not sizes:
            return (0.0, 0.0)
        if self._stacks(gid):
            return (
                max(w for w, _ in sizes),
                sum(h for _, h in sizes) + SLOT_GAP * (len(sizes) - 1),
            )
        return (
            sum(w for w, _ in sizes) + COLUMN_GAP * (len(sizes) - 1),
            max(h for _, h in sizes),
        )

    def _stacks(self, gid: str) -> bool:
        return self.index.get(gid).kind == "layer"

    def _compact_layout(self, gid: str) -> Positions:
        """The group's own nodes laid out layered, top-left at (0, 0)."""
        got = self._compact.get(gid)
        if got is None:
            own = list(self.index.get(gid).nodes)
            inside = set(own)
            # from each member's own wires: scanning every wire per group is quadratic
            edges = [(s, d) for s in own for d in self._out.get(s, ()) if d in inside]
            got = self._grid(layered_layout(own, edges), INNER_COLUMN_GAP, INNER_ROW_GAP)
            self._compact[gid] = got
        return got

    def _compact_size(self, gid: str) -> tuple[float, float]:
        layout = self._compact_layout(gid)
        return (
            max(x + self.box(nid)[0] for nid, (x, _) in layout.items()),
            max(y + self.box(nid)[1] for nid, (_, y) in layout.items()),
        )

    # --- placing --------------------------------------------------------------------------
    def place(self, gid: str, left: float, top: float) -> None:
        """Put the group's room with its top-left at (left, top)."""
        w, h = self.size(gid)
        self.rooms[gid] = (left, top, left + w, top + h)
        if self._is_collapsed(gid):
            self._translate(gid, left, top)
            return
        x = left + FRAME_MARGIN
        y = top + FRAME_MARGIN + FRAME_HEADER
        stacks = self._stacks(gid)
        cw, ch = self._content(gid, self.index.children(gid))
        parts: list[tuple[str | None, tuple[float, float]]] = [
            (c, self.size(c)) for c in self.index.children(gid)
        ]
        if self.index.get(gid).nodes:
            parts.append((None, self._compact_size(gid)))
        for child, (pw, ph) in parts:
            # a column's rooms centred across it, a row's centred down it
            px = x + (_half(cw - pw) if stacks else 0.0)
            py = y + (0.0 if stacks else _half(ch - ph))
            if child is None:
                for nid, (nx, ny) in self._compact_layout(gid).items():
                    self.pos[nid] = (px + nx, py + ny)
            else:
                self.place(child, px, py)
            if stacks:
                y += ph + SLOT_GAP
            else:
                x += pw + COLUMN_GAP

    def _translate(self, gid: str, left: float, top: float) -> None:
        """A collapsed group's members, moved as one so that their top-left is (left, top)."""
        members = self.members(gid)
        if not members:
            return
        now = [self._now(nid) for nid in members]
        ax = min(x for x, _ in now)
        ay = min(y for _, y in now)
        for nid, (x, y) in zip(members, now):
            self.pos[nid] = (left + x - ax, top + y - ay)

    def _grid(
        self, centres: Mapping[str, tuple[float, float]], gap: float, row_gap: float
    ) -> Positions:
        """The layered layout's centres (on its LAYER_GAP x ROW_GAP grid) as top-left
        positions: each column as wide as its widest node, rows as tall as the tallest node
        of them all, ``gap`` / ``row_gap`` between; the top-left one at (0, 0)."""
        if not centres:
            return {}
        cells = {
            nid: (round(x / LAYER_GAP), y / LAYERED_ROW_GAP) for nid, (x, y) in centres.items()
        }
        y0 = min(r for _, r in cells.values())
        widths: dict[int, float] = {}
        tallest = 0.0
        for nid, (c, _) in cells.items():
            w, h = self.box(nid)
            widths[c] = max(widths.get(c, 0.0), w)
            tallest = max(tallest, h)
        lefts: dict[int, float] = {}
        x = 0.0
        for c in sorted(widths):
            lefts[c] = x
            x += widths[c] + gap
        dy = tallest + row_gap
        return {nid: (lefts[c], float(round((r - y0) * dy))) for nid, (c, r) in cells.items()}


def _half(x: float) -> float:
    """Half of a (whole) length, whole: centring keeps positions on whole units."""
    return float(math.floor(x / 2))
