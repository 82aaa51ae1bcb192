"""The lecture's neuron as a clipboard fragment: ``x_i, w_i, b -> * -> + -> act``.

With two inputs it carries the walkthrough's numbers (x1=2, x2=0, w1=-3, w2=1,
b=6.8813735870195432), so Backward shows o = 0.7071 and x1.grad = -1.5 as in the lecture.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from mgstudio.document import KINDS
from mgstudio.document.fileformat import FRAGMENT_FORMAT, VERSION
from mgstudio.engine.nn import ACTIVATIONS

LECTURE_VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
COLUMN = 400.0  # a record node is 230-320 px wide; the rest is room for its wires
ROW = 46.0
MAX_INPUTS = 64


def node_height(kind: str) -> float:
    """Height of a node of ``kind`` on the canvas."""
    from .node_item import node_height as height  # local: no QtWidgets just to build a fragment

    return height(len(KINDS[kind].inputs))


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
    origin=(0.0, 0.0),
    values: Mapping[str, float] | None = None,
) -> dict:
    """The fragment ``Document.paste_fragment`` inserts, laid out left to right at ``origin``."""
    if not 1 <= n_inputs <= MAX_INPUTS:
        raise ValueError(f"a neuron takes 1 to {MAX_INPUTS} inputs")
    act = None if activation in (None, "", "linear") else activation
    if act is not None and act not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")
    vals = _default_values(n_inputs)
    vals.update(values or {})
    ox, oy = origin
    nodes: list[dict] = []
    wires: list[dict] = []
    centre_y: dict[str, float] = {}

    def add(nid, kind, label, col, cy, value=None):
        node = {
            "id": nid,
            "kind": kind,
            "label": label,
            "pos": [ox + col * COLUMN, oy + cy - node_height(kind) / 2],
        }
        if value is not None:
            node["value"] = value
        nodes.append(node)
        centre_y[nid] = cy

    def wire(src, dst, port):
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
    return {"format": FRAGMENT_FORMAT, "version": VERSION, "nodes": nodes, "wires": wires}
