"""The layered layout without Graphviz: the one copy that code import, loading files whose
nodes have no positions, Auto-arrange without ``dot`` and the training network all use.

Longest-path layers run left to right (leaves pulled next to their first consumer), then each
layer is ordered by the barycenter of its neighbours. Everything is linear in nodes + wires
(the sorts aside), so that a 100,000-node file can be laid out while it opens.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

#: a node id (any hashable: the document's are strings, code import's are its own)
N = TypeVar("N", bound=Hashable)

#: the layouts' grid, in scene units (Qt pixels; dot's points are used 1:1): boxes the size
#: of a canvas node, centre to centre LAYER_GAP apart across and ROW_GAP apart down
NODE_WIDTH = 300.0
NODE_HEIGHT = 60.0
LAYER_GAP = NODE_WIDTH + 80.0
ROW_GAP = NODE_HEIGHT + 26.0

#: with ``fold``: a strip of layers this many times wider than tall is folded into bands
FOLD_ASPECT = 3.0
FOLD_MIN_LAYERS = 64
BAND_GAP = 2 * ROW_GAP  # between bands, so that one band reads apart from the next


def layered_layout(
    ids: Sequence[N],
    edges: Iterable[tuple[N, N]],
    sweeps: int = 4,
    fold: bool = False,
) -> dict[N, tuple[float, float]]:
    """Node centres, left to right. With ``fold``, a graph much deeper than wide (a long
    chain) is cut into bands stacked top to bottom, like lines of text, so that it fits a
    screen-like shape (and the coordinate limits of a file) instead of one endless strip."""
    return _layered(list(dict.fromkeys(ids)), list(edges), sweeps, fold)[0]


def _layered(
    ids: list[N], edges: list[tuple[N, N]], sweeps: int, fold: bool
) -> tuple[dict[N, tuple[float, float]], bool]:
    """The layout, and whether it was folded into more than one band."""
    if not ids:
        return {}, False
    # nodes are numbered by their place in ``ids``: lists indexed by number, not dicts keyed
    # by id, for every per-node table (a 100,000-node file is laid out while it opens)
    count = len(ids)
    index = {n: i for i, n in enumerate(ids)}
    preds: list[list[int]] = [[] for _ in range(count)]
    succs: list[list[int]] = [[] for _ in range(count)]
    at = index.get
    for src, dst in edges:
        s, d = at(src), at(dst)
        if s is not None and d is not None:
            preds[d].append(s)
            succs[s].append(d)
    members = range(count)
    alone = [i for i in members if not preds[i] and not succs[i]] if fold else []
    if alone and len(alone) < count:
        # folded, nodes wired to nothing would stand in one tall first layer and make the
        # first band that tall: they go into a compact grid below the bands instead. The
        # wired ones are laid out with the same numbers and neighbour lists (no wire
        # touches the others), not numbered and listed a second time
        wired = [i for i in members if preds[i] or succs[i]]
        pos, folded = _layout(ids, wired, preds, succs, sweeps, fold)
        if folded:
            below = max(y for _, y in pos.values()) + ROW_GAP + BAND_GAP
            per_row = max(1, math.ceil(math.sqrt(len(alone) * FOLD_ASPECT * ROW_GAP / LAYER_GAP)))
            for k, n in enumerate(alone):
                row, col = divmod(k, per_row)
                pos[ids[n]] = (col * LAYER_GAP, below + row * ROW_GAP)
            return pos, True
    return _layout(ids, members, preds, succs, sweeps, fold)


def _layout(
    ids: list[N],
    members: Sequence[int],
    preds: list[list[int]],
    succs: list[list[int]],
    sweeps: int,
    fold: bool,
) -> tuple[dict[N, tuple[float, float]], bool]:
    """``_layered`` of the nodes numbered ``members`` (ascending; the wires among them are
    all their wires)."""
    count = len(ids)
    order = _topological(count, preds, succs, members)
    layer = [0] * count
    for n in order:  # (lists, not generators: this runs once per node of a big file)
        ps = preds[n]
        if ps:
            layer[n] = 1 + max([layer[p] for p in ps])
    # sources sit just before their nearest consumer, not all the way left
    for n in reversed(order):
        if not preds[n] and succs[n]:
            layer[n] = max(0, min([layer[s] for s in succs[n]]) - 1)
    n_layers = max(layer) + 1
    layers: list[list[int]] = [[] for _ in range(n_layers)]
    for n in members:
        layers[layer[n]].append(n)
    rank = [0.0] * count
    for col in layers:
        for i, n in enumerate(col):
            rank[n] = float(i)
    at_rank = rank.__getitem__
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        seq = layers if forward else layers[::-1]
        nbrs = preds if forward else succs
        for col in seq:
            if len(col) < 2:  # a lone node keeps rank 0 (a long chain is mostly these)
                continue
            # by the mean rank of the neighbours on the side just swept, ties in node order
            # (a node's number is its place in ``ids``)
            keyed = []
            for n in col:
                ms = nbrs[n]
                keyed.append((sum(map(at_rank, ms)) / len(ms) if ms else rank[n], n))
            keyed.sort()
            for i, entry in enumerate(keyed):
                n = col[i] = entry[1]
                rank[n] = float(i)
    tallest = max(len(col) for col in layers)
    per_band = _band_length(n_layers, tallest, len(members)) if fold else n_layers
    pos: dict[N, tuple[float, float]] = {}
    top = 0.0
    for first in range(0, n_layers, per_band):
        band = layers[first : first + per_band]
        tall = max(len(col) for col in band)  # each band as tall as its own tallest layer
        for x, col in enumerate(band):
            offset = (tall - len(col)) / 2.0 if per_band == n_layers else 0.0  # bands: top
            left = x * LAYER_GAP
            for i, n in enumerate(col):
                pos[ids[n]] = (left, top + (i + offset) * ROW_GAP)
        top += tall * ROW_GAP + BAND_GAP
    return pos, per_band < n_layers


def _band_length(n_layers: int, tallest: int, n_nodes: int) -> int:
    """Layers per band: all of them unless the strip is far wider than tall; then about as
    many bands (of the average layer's height) as make the whole roughly FOLD_ASPECT : 1,
    the shape of a wide screen."""
    width = n_layers * LAYER_GAP
    if n_layers < FOLD_MIN_LAYERS or width <= FOLD_ASPECT * (tallest * ROW_GAP + BAND_GAP):
        return n_layers
    typical = n_nodes / n_layers * ROW_GAP + BAND_GAP
    bands = max(1, round(math.sqrt(width / (FOLD_ASPECT * typical))))
    return max(FOLD_MIN_LAYERS // 2, math.ceil(n_layers / bands))


def _topological(
    count: int,
    preds: list[list[int]],
    succs: list[list[int]],
    members: Sequence[int] | None = None,
) -> list[int]:
    """Kahn's algorithm in node order (nodes numbered 0 .. count-1, or those of ``members``,
    ascending); nodes on a cycle (never in a valid document) are appended at the end so that
    every node still gets a place."""
    if members is None:
        members = range(count)
    # distinct producers (a node reading one twice waits for it once); one needs no set
    remaining = [len(ps) if len(ps) < 2 else len(set(ps)) for ps in preds]
    ready = [n for n in reversed(members) if remaining[n] == 0]
    out: list[int] = []
    seen = bytearray(count)
    while ready:
        n = ready.pop()
        if seen[n]:
            continue
        seen[n] = 1
        out.append(n)
        ss = succs[n]
        for s in ss if len(ss) < 2 else dict.fromkeys(ss):
            remaining[s] -= 1
            if remaining[s] == 0:
                ready.append(s)
    done = len(out)
    out.extend(n for n in members if not seen[n])
    for n in out[done:]:
        preds[n] = [p for p in preds[n] if seen[p]]
    return out
