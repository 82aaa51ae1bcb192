"""Pieces of a document as data: copy (``fragment``), paste (``paste_fragment``), where a paste
lands (``paste_offset``) and the lecture's neuron as a prepared piece (``neuron_fragment``).

No Qt: the canvas puts the text on the system clipboard and reads it back; everything a paste
means is decided here, and the document validates a pasted piece as fully as a file.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from . import fileformat
from .errors import DocumentError, FileFormatError
from .group_format import group_to_dict
from .groups import Group, replace_group
from .json_limits import load_json
from .kinds import KINDS
from .nodes import check_pos

if TYPE_CHECKING:
    from .model import Document

MAX_CLIPBOARD_BYTES = 5_000_000
#: room below a copied piece for its last row of nodes (about a node's height and a gap)
BELOW_GAP = 110.0


# --- copy and paste -------------------------------------------------------------------------
def fragment(doc: Document, ids: Iterable[str]) -> dict[str, Any]:
    """The given nodes and the wires among them as JSON-able data (for the clipboard)."""
    wanted = set(ids)
    for nid in wanted:
        doc.node(nid)
    nodes = [n for nid, n in doc.nodes.items() if nid in wanted]
    wires = [w for w in doc.wires if w.src in wanted and w.dst in wanted]
    groups = copied_groups(doc, wanted)
    out: dict[str, Any] = {
        "format": fileformat.FRAGMENT_FORMAT,
        "version": (
            fileformat.VERSION
            if any(n.feature is not None for n in nodes)
            else fileformat.GROUPS_VERSION
            if groups
            else fileformat.PLAIN_VERSION
        ),
        "nodes": [fileformat.node_to_dict(n) for n in nodes],
        "wires": [fileformat.wire_to_dict(w) for w in wires],
    }
    if groups:
        out["groups"] = [group_to_dict(g) for g in groups]
    return out


def copied_groups(doc: Document, wanted: set[str]) -> list[Group]:
    """The groups a copy of these nodes takes along: those whose every node is copied (a
    group copied in part is left behind; a copied group whose parent is not becomes a
    top-level group of the piece)."""
    index = doc.groups
    whole = {g.id for g in index if set(index.members(g.id)) <= wanted and index.members(g.id)}
    return [
        g if g.parent is None or g.parent in whole else replace_group(g, parent=None)
        for g in index
        if g.id in whole
    ]


def paste_fragment(
    doc: Document, piece: Mapping[str, Any] | str, offset: tuple[float, float] = (0.0, 0.0)
) -> list[str]:
    """Add a copy of a fragment with fresh ids, shifted by ``offset``; returns the new ids in
    fragment order. Inverse: ``remove_nodes(new_ids)``. Also the way to insert a prepared
    piece such as a neuron: its ids only need to be unique within it."""
    if isinstance(piece, Mapping):
        try:
            text = json.dumps(dict(piece), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise FileFormatError(f"the pasted data is not JSON-able ({exc})") from None
        except RecursionError:
            raise FileFormatError("the pasted data is nested too deeply") from None
    else:
        text = piece
    parsed = fileformat.parse(text, fragment=True)
    dx, dy = check_pos(offset)
    fresh = {n.id: doc.new_id() for n in parsed.nodes}
    nodes = []
    for n in parsed.nodes:
        x, y = n.pos
        nodes.append(replace(n, id=fresh[n.id], pos=(x + dx, y + dy)))
    wires = [replace(w, src=fresh[w.src], dst=fresh[w.dst]) for w in parsed.wires]
    new_gid = {g.id: doc.new_group_id() for g in parsed.groups}
    groups = [
        replace_group(
            g,
            id=new_gid[g.id],
            nodes=tuple(fresh[n] for n in g.nodes),
            parent=new_gid[g.parent] if g.parent is not None else None,
        )
        for g in parsed.groups
    ]
    return doc.add_subgraph(nodes, wires, groups)


def fragment_bounds(text: str) -> tuple[float, float, float, float] | None:
    """``(left, top, right, bottom)`` of the fragment's node positions, if readable. (The
    document validates the fragment when pasting; a bad one is refused there.)"""
    try:
        nodes = load_json(text, MAX_CLIPBOARD_BYTES, what="the clipboard").get("nodes", [])
        xs = [float(n["pos"][0]) for n in nodes]
        ys = [float(n["pos"][1]) for n in nodes]
    except (DocumentError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None
    if not xs or not all(math.isfinite(v) for v in (*xs, *ys)):
        return None
    return (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Placement:
    """How far a paste moves the fragment's nodes."""

    dx: float
    dy: float
    step_down: float  # a repeated paste moves on by this (below the last copy)
    anchored: tuple[float, float] | None  # the scene point it was aimed at, if any

    def offset(self, count: int, step: float) -> tuple[float, float]:
        """The offset of the ``count``-th paste in a row at the same place."""
        if self.anchored is not None:
            return (self.dx + step * (count - 1), self.dy + step * (count - 1))
        return (self.dx, self.dy + self.step_down * (count - 1))


def paste_offset(text: str, at: tuple[float, float] | None) -> Placement:
    """Put the fragment's top-left at ``at``; without a point, just below the original."""
    bounds = fragment_bounds(text)
    if bounds is None:
        return Placement(0.0, 0.0, 0.0, at)
    left, top, _right, bottom = bounds
    if at is not None:
        return Placement(at[0] - left, at[1] - top, 0.0, at)
    below = bottom - top + BELOW_GAP
    return Placement(0.0, below, below, None)


# --- the lecture's neuron -------------------------------------------------------------------
#: with two inputs, the walkthrough's numbers: Backward shows o = 0.7071 and x1.grad = -1.5
LECTURE_VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
COLUMN = 400.0  # a record node is 230-320 px wide; the rest is room for its wires
ROW = 46.0
MAX_INPUTS = 64


def _default_values(n: int) -> dict[str, float]:
    if n == 2:
        return dict(LECTURE_VALUES)
    rng = random.Random(n)  # deterministic, like a fixed seed in a lesson
    values = {f"x{i}": 1.0 for i in range(1, n + 1)}
    values.update({f"w{i}": round(rng.uniform(-1, 1), 4) for i in range(1, n + 1)})
    values["b"] = 0.0
    return values


def neuron_fragment(
    n_inputs: int = 2,
    activation: str | None = "tanh",
    origin: tuple[float, float] = (0.0, 0.0),
    values: Mapping[str, float] | None = None,
    *,
    height: Callable[[str], float] = lambda kind: 0.0,
    activations: Iterable[str] | None = None,
) -> dict[str, Any]:
    """``x_i, w_i, b -> * -> + -> act`` as the fragment ``paste_fragment`` inserts, laid out
    left to right at ``origin``; ``height(kind)``: a node's height on the canvas (each node
    is centred on its row). ``activations``: the ones offered (default: every kind of one
    input, from ``KINDS``), "linear" (or None) meaning none."""
    if activations is None:
        activations = [name for name, k in KINDS.items() if k.inputs == ("a",)] + ["linear"]
    known = tuple(activations)
    if not 1 <= n_inputs <= MAX_INPUTS:
        raise ValueError(f"a neuron takes 1 to {MAX_INPUTS} inputs")
    act = None if activation in (None, "", "linear") else activation
    if act is not None and act not in known:
        raise ValueError(f"unknown activation {activation!r}; choose one of {known}")
    vals = _default_values(n_inputs)
    vals.update(values or {})
    ox, oy = origin
    xs = {f"x{i}" for i in range(1, n_inputs + 1)}
    nodes: list[dict[str, Any]] = []
    wires: list[dict[str, str]] = []
    centre_y: dict[str, float] = {}

    def add(
        nid: str, kind: str, label: str, col: int, cy: float, value: float | None = None
    ) -> None:
        # the inputs x_i stand in a column of their own, left of the neuron's group (its
        # frame and its collapsed block then leave them in view)
        col = col if nid in xs else col + 1
        node: dict[str, Any] = {
            "id": nid,
            "kind": kind,
            "label": label,
            "pos": [ox + col * COLUMN, oy + cy - height(kind) / 2],
        }
        if value is not None:
            node["value"] = value
        nodes.append(node)
        centre_y[nid] = cy

    def wire(src: str, dst: str, port: str) -> None:
        wires.append({"src": src, "dst": dst, "port": port})

    terms = []
    for i in range(1, n_inputs + 1):
        x, w, xw = f"x{i}", f"w{i}", f"x{i}w{i}"
        add(x, "input", x, 0, (2 * i - 2) * ROW, vals[x])
        add(w, "input", w, 0, (2 * i - 1) * ROW, vals[w])
        add(xw, "mul", xw, 1, (2 * i - 1.5) * ROW)
        wire(x, xw, "a")
        wire(w, xw, "b")
        terms.append(xw)
    add("b", "input", "b", 0, 2 * n_inputs * ROW, vals["b"])
    total, col, label = terms[0], 2, terms[0]
    for k, term in enumerate(terms[1:], start=1):
        # the lecture names the partial sum after its terms (x1w1x2w2); long ones get s2, s3…
        label = label + term if n_inputs <= 3 else f"s{k + 1}"
        nid = f"sum{k}"
        add(nid, "add", label, col, (centre_y[total] + centre_y[term]) / 2)
        wire(total, nid, "a")
        wire(term, nid, "b")
        total, col = nid, col + 1
    add("n", "add", "n" if act else "o", col, (centre_y[total] + centre_y["b"]) / 2)
    wire(total, "n", "a")
    wire("b", "n", "b")
    if act is not None:
        add("o", act, "o", col + 1, centre_y["n"])
        wire("n", "o", "a")
    inside = [n["id"] for n in nodes if n["id"] not in xs]
    return {
        "format": fileformat.FRAGMENT_FORMAT,
        "version": fileformat.GROUPS_VERSION,
        "nodes": nodes,
        "wires": wires,
        # the neuron holds its weights, bias and sums; the inputs x_i come from outside
        "groups": [{"id": "neuron", "kind": "neuron", "label": "neuron", "nodes": inside}],
    }
