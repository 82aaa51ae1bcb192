"""Places for nodes a file gives no position (``pos`` may be left out of a node).

Without this they all stacked at 0,0: unreadable, and a canvas painting thousands of full
records on one spot took minutes to open. Now:

- no node has a position: the layered layout (as code import lays out a snippet), folded
  into bands when the graph is a long chain, with the graph's corner at 0,0;
- some have: each missing node goes next to the nodes it is wired to (right of its operands,
  or left of its consumers), on a free point of the layout grid where its box overlaps no
  other; groups wired to no placed node, and large numbers of missing nodes, are laid out
  together below the rest.

Linear in nodes + wires (the layout's sorts aside).
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Mapping, Sequence

from .layered import LAYER_GAP, NODE_HEIGHT, NODE_WIDTH, ROW_GAP, layered_layout
from .nodes import MAX_COORD, Node, Wire

#: above this many missing nodes they are laid out as one block, not one by one: walking a
#: long chain away from its one placed node would leave the grid (and the coordinate limits)
NEIGHBOUR_LIMIT = 10_000
BLOCK_GAP = 2 * ROW_GAP  # between the placed nodes and a block of new ones below them

Pos = tuple[float, float]


def place_missing(
    nodes: Sequence[Node], wires: Iterable[Wire], missing: Iterable[str]
) -> dict[str, Pos]:
    """Top-left positions for the ``missing`` nodes (ids of ``nodes``); the others stay."""
    missing = {nid: None for nid in missing}
    if not missing:
        return {}
    ids = [n.id for n in nodes]
    edges = [(w.src, w.dst) for w in wires]
    placed = {n.id: n.pos for n in nodes if n.id not in missing}
    if not placed:
        return _block(ids, edges, (0.0, 0.0))
    out: dict[str, Pos] = {}
    if len(missing) <= NEIGHBOUR_LIMIT:
        out = _next_to_neighbours(ids, edges, placed, missing)
    rest = [nid for nid in missing if nid not in out]
    if rest:
        left = min(x for x, _ in placed.values())
        bottom = max(y for _, y in [*placed.values(), *out.values()])
        out.update(_block(rest, edges, (left, bottom + ROW_GAP + BLOCK_GAP)))
    return out


def _block(ids: Sequence[str], edges: list[tuple[str, str]], corner: Pos) -> dict[str, Pos]:
    """The layered layout of these nodes (wires among them), its top-left corner at
    ``corner``; rounded, as code import rounds its positions."""
    centres = layered_layout(ids, edges, fold=True)
    x0 = min(x for x, _ in centres.values())
    y0 = min(y for _, y in centres.values())
    cx, cy = corner
    out: dict[str, Pos] = {}
    lo, hi = -MAX_COORD, MAX_COORD
    for nid, (x, y) in centres.items():  # a whole positionless file: no call per clamp
        px, py = float(round(cx + x - x0)), float(round(cy + y - y0))
        out[nid] = (px if lo <= px <= hi else _clamp(px), py if lo <= py <= hi else _clamp(py))
    return out


def _next_to_neighbours(
    ids: Sequence[str],
    edges: list[tuple[str, str]],
    placed: Mapping[str, Pos],
    missing: Mapping[str, None],
) -> dict[str, Pos]:
    """A spot for every missing node wired (through other missing ones, possibly) to a placed
    node: a layer right of its operands, else a layer left of its consumers, at their
    average height, moved down the grid column until the spot is free."""
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for src, dst in edges:
        preds.setdefault(dst, []).append(src)
        succs.setdefault(src, []).append(dst)
    where = dict(placed)
    grid = _Grid(where.values())
    order = _topological([nid for nid in ids if nid in missing], preds, missing)
    out: dict[str, Pos] = {}
    for step, nbrs, dx in ((order, preds, LAYER_GAP), (order[::-1], succs, -LAYER_GAP)):
        for nid in step:
            if nid in out:
                continue
            known = [where[m] for m in nbrs.get(nid, ()) if m in where]
            if not known:
                continue
            x = (max if dx > 0 else min)(p[0] for p in known) + dx
            y = sum(p[1] for p in known) / len(known)
            spot = grid.take(x, y)
            if abs(spot[0]) > MAX_COORD or abs(spot[1]) > MAX_COORD:
                continue  # off the limits: this one goes into the block below
            out[nid] = where[nid] = spot
    return out


def _topological(
    ids: list[str], preds: Mapping[str, list[str]], members: Container[str]
) -> list[str]:
    """The given ids, operands first (only wires among them count)."""
    indegree = {nid: sum(1 for p in preds.get(nid, ()) if p in members) for nid in ids}
    users: dict[str, list[str]] = {}
    for nid in ids:
        for p in preds.get(nid, ()):
            if p in members:
                users.setdefault(p, []).append(nid)
    ready = [nid for nid in reversed(ids) if indegree[nid] == 0]
    out = []
    while ready:
        nid = ready.pop()
        out.append(nid)
        for u in reversed(users.get(nid, ())):
            indegree[u] -= 1
            if indegree[u] == 0:
                ready.append(u)
    return out


class _Grid:
    """Cells of the layout grid (LAYER_GAP by ROW_GAP) that a node's box covers. A new node
    sits on a grid point, so its box lies inside one cell and misses every box it does not
    share a cell with. A taken cell sends the next node down its column; jumps remember how
    far, so that a crowd of nodes aiming at one spot costs each of them a step or two, not
    a walk past all the others."""

    def __init__(self, positions: Iterable[Pos]):
        self.taken: set[tuple[int, int]] = set()
        for x, y in positions:  # a placed node's box may straddle up to 2 x 2 cells
            for ix in range(
                math.floor(x / LAYER_GAP), math.floor((x + NODE_WIDTH) / LAYER_GAP) + 1
            ):
                for iy in range(
                    math.floor(y / ROW_GAP), math.floor((y + NODE_HEIGHT) / ROW_GAP) + 1
                ):
                    self.taken.add((ix, iy))
        self.jump: dict[tuple[int, int], int] = {}

    def take(self, x: float, y: float) -> Pos:
        """The free grid point nearest below (x, y) in its column, now taken."""
        cx, cy = round(x / LAYER_GAP), round(y / ROW_GAP)
        path = []
        while (cx, cy) in self.taken:
            path.append(cy)
            cy = self.jump.get((cx, cy), cy + 1)
        for row in path:
            self.jump[cx, row] = cy
        self.taken.add((cx, cy))
        return (cx * LAYER_GAP, cy * ROW_GAP)


def _clamp(v: float) -> float:
    return max(-MAX_COORD, min(MAX_COORD, v))
