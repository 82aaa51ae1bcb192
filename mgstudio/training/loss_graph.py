"""The full-batch loss graph of micrograd's demo as one grouped document.

micrograd's ``demo.ipynb`` trains ``MLP(2, [16, 16, 1])`` (relu, linear output) on 100 moons
with ``loss = data_loss + reg_loss``: the mean svm max-margin loss ``(1 + -y*score).relu()``
over every sample plus ``1e-4 * sum(p*p)``. Its graph is the biggest a learner meets in the
lecture: 65,818 Values (``node_count``). Here it is built as node and wire lists in the
engine's operand order (``1 + t`` is ``add(1, t)``, ``sum`` starts from the constant 0) and
bound once, without calling the engine op by op, so it is ready in well under a second.

Groups, so the window can show it collapsed:

- one ``group`` per sample (``sample 17``) holding that sample's
  inputs, its loss term (``1 + -y*score`` and the relu) and a ``neuron`` group per neuron
  (``L1.N3``: the products, the sums and the activation);
- the shared weights and biases in a ``group`` ``parameters`` with a ``group`` per neuron
  (``L1.N3 parameters``). Not ``mlp`` or ``neuron``: those kinds are drawn as a network and
  as a neuron with its activation and output, and these hold only leaves, each feeding all
  100 samples (a node is in one group at most, so a weight cannot sit in every sample's
  neuron: the sample neurons get their weights through their ports instead);
- the L2 regularisation (``p*p``, their sum, ``alpha *``) and the data loss (the sum of the
  100 terms and ``* 1/n``) in a group each; the total ``loss`` stands alone, the output.

By default every top-level group is collapsed (``collapsed``), the parameters too: each
weight feeds all 100 samples, so an expanded parameters block sends 33,700 wires across the
canvas (a pan drew thousands a frame), while between two collapsed groups a canvas can draw
one bundle per pair.

Layout without dot (65,818 nodes): inside a neuron the sums run left to right with each
product under its sum, neurons stack in a layer's column, layers follow left to right; the
sample blocks fill a grid about as wide as a screen is, the parameters and the regularisation
stand to the left, the data loss and the total to the right. Qt-free.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mgstudio.document import Document, Node, Wire
from mgstudio.document.bulk_gc import promote_young
from mgstudio.document.groups import Group
from mgstudio.document.nodes import checked_node
from mgstudio.engine import gc_paused

from .datasets import Dataset, moons

#: the demo's seed (``np.random.seed(1337); random.seed(1337)``), architecture and alpha
SEED = 1337
HIDDEN = (16, 16)
ALPHA = 1e-4
#: scene units between node columns and rows (the canvas draws nodes about 300 x 60)
COL = 340.0
ROW = 80.0
#: free columns and rows around each sample block
GAP_COLS = 2
GAP_ROWS = 6
#: the grid of sample blocks is about this much wider than tall (a screen's shape)
ASPECT = 1.6
_NO_PARAMS: dict[str, float] = {}


@dataclass
class LossGraph:
    """The document and which of its nodes and groups stand for what."""

    document: Document
    loss_id: str
    #: the weight and bias leaves in ``MLP.parameters()`` order
    param_ids: list[str]
    #: per sample, its input leaves
    input_ids: list[list[str]]
    #: per sample, the ``sample i`` group
    sample_groups: list[str]
    parameters_group: str
    data_loss_id: str
    reg_loss_id: str
    #: per sample, its score (the last neuron's output)
    score_ids: list[str] = field(default_factory=list)


def node_count(n_samples: int = 100, n_inputs: int = 2, hidden: Sequence[int] = HIDDEN) -> int:
    """How many nodes (micrograd Values) the loss graph has: 65,818 for the demo."""
    sizes = [n_inputs, *hidden, 1]
    params = sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:]))
    # per neuron nin products and nin sums (from the bias), and its relu except the last layer
    per_sample = n_inputs + sum(
        nout * (2 * nin + (i < len(sizes) - 2))
        for i, (nin, nout) in enumerate(zip(sizes, sizes[1:]))
    )
    per_sample += 5  # the constants -y and 1, the product, the sum, the relu
    # each sample's term joins the data-loss sum; the sum's 0, 1/n and its product; the
    # parameters, each squared and summed (from a 0), alpha and its product; the total
    return n_samples * (per_sample + 1) + 3 + 3 * params + 3 + 1


def demo_parameters(
    hidden: Sequence[int] = HIDDEN, n_inputs: int = 2, seed: int = SEED
) -> list[float]:
    """The demo model's initial parameters in ``parameters()`` order: micrograd draws each
    weight with ``random.uniform(-1, 1)`` layer by layer after ``random.seed(seed)``; biases
    start at 0. (A private ``random.Random``: the global stream is left alone.)"""
    rnd = random.Random(seed)
    sizes = [n_inputs, *hidden, 1]
    out: list[float] = []
    for nin, nout in zip(sizes, sizes[1:]):
        for _ in range(nout):
            out += [rnd.uniform(-1, 1) for _ in range(nin)]
            out.append(0.0)
    return out


def demo_dataset(seed: int = SEED) -> Dataset:
    """The demo's 100 moons (``np.random.seed(1337)``, ``make_moons(100, noise=0.1)``)."""
    return moons(100, 0.1, np.random.RandomState(seed))


class _Builder:
    """Node and wire lists with fresh ids ``n1, n2, ...``, in dependency order (the fields are
    right by construction: ``checked_node`` skips the frozen dataclass's per-field setters)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.wires: list[Wire] = []

    def leaf(self, kind: str, label: str, value: float, x: float, y: float) -> str:
        nid = f"n{len(self.nodes) + 1}"
        self.nodes.append(checked_node(nid, kind, label, float(value), _NO_PARAMS, (x, y), {}))
        return nid

    def op(
        self, kind: str, x: float, y: float, a: str, b: str | None = None, label: str = ""
    ) -> str:
        """``kind(a, b)`` (``b`` None: a one-input kind)."""
        nid = f"n{len(self.nodes) + 1}"
        self.nodes.append(checked_node(nid, kind, label, None, _NO_PARAMS, (x, y), {}))
        self.wires.append(Wire(a, nid, "a"))
        if b is not None:
            self.wires.append(Wire(b, nid, "b"))
        return nid


def build_loss_graph(
    dataset: Dataset | None = None,
    hidden: Sequence[int] = HIDDEN,
    params: Sequence[float] | None = None,
    alpha: float = ALPHA,
    collapsed: bool = True,
) -> LossGraph:
    """The demo's full-batch loss (default: its 100 moons, its seeded initial weights) as a
    grouped document; ``params`` in ``MLP.parameters()`` order (a trainer's snapshot);
    ``collapsed``: the top-level groups (samples, parameters, regularisation, data loss)."""
    data = demo_dataset() if dataset is None else dataset
    X = np.asarray(data.X, dtype=np.float64)
    y = np.asarray(data.y, dtype=np.float64)
    n_samples, n_inputs = X.shape
    sizes = [n_inputs, *hidden, 1]
    if params is None:
        params = demo_parameters(hidden, n_inputs)
    params = [float(p) for p in params]
    n_params = sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:]))
    if len(params) != n_params:
        raise ValueError(f"this MLP has {n_params} parameters, not {len(params)}")
    layers = list(zip(sizes, sizes[1:]))
    last = len(layers) - 1
    b = _Builder()
    groups: list[Group] = []
    gids = iter(f"g{i}" for i in range(1, 10**9))

    # --- the parameters: one row per neuron (w1 .. wn, b), layers one under the other ------
    widest = max(nin for nin, _ in layers) + 1
    px0 = -(widest + 3 + GAP_COLS) * COL
    param_gid = next(gids)
    groups.append(Group(param_gid, "group", "parameters", (), None, collapsed))
    weights: list[list[list[str]]] = []  # [layer][neuron] -> the neuron's w ids then its b
    param_ids: list[str] = []
    row = 0
    it = iter(params)
    for li, (nin, nout) in enumerate(layers, start=1):
        layer: list[list[str]] = []
        for ni in range(1, nout + 1):
            ids = [
                b.leaf("input", f"L{li}.N{ni}.w{wi}", next(it), px0 + (wi - 1) * COL, row * ROW)
                for wi in range(1, nin + 1)
            ]
            ids.append(b.leaf("input", f"L{li}.N{ni}.b", next(it), px0 + nin * COL, row * ROW))
            groups.append(
                Group(next(gids), "group", f"L{li}.N{ni} parameters", tuple(ids), param_gid)
            )
            layer.append(ids)
            param_ids += ids
            row += 1
        weights.append(layer)
        row += 1

    # --- the regularisation: under the parameters, each p*p with the running sum below it --
    ry0 = (row + GAP_ROWS) * ROW
    reg: list[str] = [b.leaf("constant", "0", 0.0, px0 - COL, ry0 + ROW)]
    acc = reg[0]
    r = 0
    for layer in weights:
        for ids in layer:
            for k, p in enumerate(ids):
                x, yy = px0 + k * COL, ry0 + r * 2 * ROW
                sq = b.op("mul", x, yy, p, p)
                acc = b.op("add", x, yy + ROW, acc, sq)
                reg += [sq, acc]
            r += 1
    reg_y = ry0 + r * 2 * ROW
    reg.append(b.leaf("constant", "alpha", alpha, px0, reg_y))
    reg_loss = b.op("mul", px0 + COL, reg_y, reg[-1], acc, label="reg_loss")
    reg.append(reg_loss)
    groups.append(Group(next(gids), "group", "L2 regularisation", tuple(reg), None, collapsed))

    # --- the samples -------------------------------------------------------------------------
    # a sample block's columns: inputs, then each layer (nin sums and its activation), then
    # the loss term (-y, the product, 1, the sum, the relu)
    starts: list[int] = []
    col = 1
    for i, (nin, _) in enumerate(layers):
        starts.append(col)
        col += nin + (i < last) + 1
    loss_col = col
    block_cols = loss_col + 4
    block_rows = max(nout * 3 for _, nout in layers)
    pitch_x = (block_cols + GAP_COLS) * COL
    pitch_y = (block_rows + GAP_ROWS) * ROW
    per_row = max(1, round(math.sqrt(n_samples * ASPECT * pitch_y / pitch_x)))
    terms: list[str] = []
    input_ids: list[list[str]] = []
    score_ids: list[str] = []
    sample_groups: list[str] = []
    for s in range(n_samples):
        x0 = (s % per_row) * pitch_x
        y0 = (s // per_row) * pitch_y
        sample_gid = next(gids)
        sample_groups.append(sample_gid)
        own = [b.leaf("input", f"x{i + 1}", X[s, i], x0, y0 + i * ROW) for i in range(n_inputs)]
        input_ids.append(list(own))
        neuron_groups: list[Group] = []
        outs = own
        for li, (nin, nout) in enumerate(layers, start=1):
            cx = x0 + starts[li - 1] * COL
            next_outs = []
            for ni in range(1, nout + 1):
                wb = weights[li - 1][ni - 1]
                ny = y0 + (ni - 1) * 3 * ROW
                inside: list[str] = []
                acc = wb[-1]  # micrograd's sum starts from the bias
                for k in range(nin):
                    x = cx + k * COL
                    prod = b.op("mul", x, ny + ROW, wb[k], outs[k])
                    acc = b.op("add", x, ny, acc, prod)
                    inside += [prod, acc]
                name = f"L{li}.N{ni}"
                if li - 1 < last:
                    acc = b.op("relu", cx + nin * COL, ny, acc, label=name)
                    inside.append(acc)
                else:
                    b.nodes[-1] = _labelled(b.nodes[-1], "score")
                neuron_groups.append(Group(next(gids), "neuron", name, tuple(inside), sample_gid))
                next_outs.append(acc)
            outs = next_outs
        score = outs[0]
        score_ids.append(score)
        lx = x0 + loss_col * COL
        neg_y = b.leaf("constant", "-y", -y[s], lx, y0 + ROW)
        margin = b.op("mul", lx + COL, y0, neg_y, score)
        one = b.leaf("constant", "1", 1.0, lx + COL, y0 + ROW)
        hinge = b.op("add", lx + 2 * COL, y0, one, margin)
        term = b.op("relu", lx + 3 * COL, y0, hinge, label=f"loss of sample {s}")
        terms.append(term)
        own += [neg_y, margin, one, hinge, term]
        groups.append(Group(sample_gid, "group", f"sample {s}", tuple(own), None, collapsed))
        groups += neuron_groups

    # --- the data loss and the total, right of the samples ------------------------------------
    dx = per_row * pitch_x
    data_ids = [b.leaf("constant", "0", 0.0, dx, 0.0)]
    acc = data_ids[0]
    for s, term in enumerate(terms):
        acc = b.op("add", dx + COL, (s + 1) * ROW, acc, term)
        data_ids.append(acc)
    end_y = (n_samples + 1) * ROW
    inv_n = b.leaf("constant", "1/n", 1.0 / n_samples, dx, end_y)
    data_loss = b.op("mul", dx + COL, end_y + ROW, acc, inv_n, label="data_loss")
    data_ids += [inv_n, data_loss]
    groups.append(Group(next(gids), "group", "data loss", tuple(data_ids), None, collapsed))
    loss = b.op("add", dx + 2 * COL, end_y + ROW, data_loss, reg_loss, label="loss")

    # as a file load does: the collector paused while 65,818 nodes and Values are made, and
    # what they leave promoted, so no collection scans them all (document.bulk_gc)
    with gc_paused():
        doc = Document._from_checked(b.nodes, b.wires)
        doc.title = f"micrograd demo: full-batch loss of {n_samples} samples"
        doc.restore_groups(groups)
        promote_young()
    return LossGraph(
        doc,
        loss,
        param_ids,
        input_ids,
        sample_groups,
        param_gid,
        data_loss,
        reg_loss,
        score_ids,
    )


def _labelled(node: Node, label: str) -> Node:
    return checked_node(node.id, node.kind, label, node.value, node.params, node.pos, {})
