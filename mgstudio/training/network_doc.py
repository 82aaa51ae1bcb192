"""A trained MLP as a canvas document: the expression graph of one sample, from its Values.

The model is called on ``Value`` inputs for one sample and the per-sample loss is added, so
the document is exactly the graph the engine builds (``b + w1*x1 + w2*x2 -> act`` per neuron,
micrograd's order). Weights and biases become ``input`` leaves named like
``Trainer.parameter_names()``; ``apply_params`` later writes a trainer snapshot into them.
No Qt here: the document layer and the engine only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mgstudio.document import KIND_FOR_OP, KINDS, Document
from mgstudio.document.graphviz_io import layout_positions
from mgstudio.document.layered import LAYER_GAP, ROW_GAP
from mgstudio.engine import MLP, Value

if TYPE_CHECKING:
    from .trainer import Trainer

#: above this many nodes the window asks first; above HARD_LIMIT it refuses
SOFT_LIMIT = 400
HARD_LIMIT = 1500
#: dot takes ~1 s on a thousand nodes; the pure-Python layering is instant
DOT_LIMIT = 400
# graphviz_io lays out 160x70 boxes; the canvas draws nodes about this big
NODE_W, NODE_H = 300.0, 60.0


class NetworkTooLarge(ValueError):
    """The expanded graph would not stay smooth on the canvas."""


@dataclass
class NetworkDocument:
    """The document and which of its nodes stand for what."""

    document: Document
    sample: int
    param_ids: list[str]
    input_ids: list[str]
    score_id: str
    loss_id: str


def node_count(
    n_inputs: int,
    hidden: Sequence[int],
    activation: str = "relu",
    final_activation: str | None = None,
    loss: str = "hinge",
) -> int:
    """How many nodes ``build_network_document`` makes for this architecture."""
    sizes = [n_inputs, *hidden, 1]
    if final_activation is None:
        final_activation = "linear" if activation == "relu" else activation
    total = n_inputs
    for i, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        act = final_activation if i == len(sizes) - 2 else activation
        # per neuron: nin weights, a bias, nin products, nin sums, the activation
        total += nout * (3 * nin + 1 + (act != "linear"))
    # hinge: -y, *, 1, +, relu; squared error: y, -, **2
    return total + (5 if loss == "hinge" else 3)


def sample_loss(loss: str, score: Value, target: float) -> Value:
    """One sample's term of the training loss (without the 1/n of a mean or the L2 term),
    with the operands in the order the loss functions build them."""
    term: Value
    if loss == "hinge":
        term = (Value(1.0, label="1") + Value(-target, label="-y") * score).relu()
    else:
        term = (score - Value(target, label="y")) ** 2
    return term


def forward_labelled(model: MLP, xs: list[Value]) -> Value:
    """``model(xs)`` layer by layer, each neuron's output labelled ``L<layer>.N<neuron>``."""
    x = xs
    for li, layer in enumerate(model.layers, start=1):
        outs = [neuron(x) for neuron in layer.neurons]
        for ni, out in enumerate(outs, start=1):
            out.label = f"L{li}.N{ni}"
        x = outs
    return x[0]


def build_network_document(
    trainer: Trainer, sample: int = 0, limit: int = HARD_LIMIT, use_dot: bool = True
) -> NetworkDocument:
    """The trainer's MLP on sample ``sample`` and that sample's loss, laid out left to right."""
    data = trainer.dataset
    if not 0 <= sample < data.n_samples:
        raise IndexError(f"sample must be between 0 and {data.n_samples - 1}, not {sample}")
    cfg = trainer.config
    count = node_count(data.n_inputs, cfg.hidden, cfg.activation, cfg.final_activation, cfg.loss)
    if count > limit:
        raise NetworkTooLarge(
            f"this network would make about {count} nodes on the canvas (the limit is {limit});"
            f" try smaller hidden layers, e.g. 4,4"
        )
    model = trainer.model  # brings the Values' data up to date with the trainer
    params = model.parameters()
    names = trainer.parameter_names()
    xs = [Value(float(x), label=f"x{i + 1}") for i, x in enumerate(data.X[sample])]
    score = forward_labelled(model, xs)
    score.label = "score"
    loss = sample_loss(cfg.loss, score, float(data.y[sample]))
    # one sample's term, not the training loss the status bar shows: the label says which
    loss.label = f"loss of sample {sample}"

    doc = Document()
    ids: dict[int, str] = {}
    roles = {id(p): ("input", name) for p, name in zip(params, names)}
    roles.update({id(x): ("input", x.label) for x in xs})
    wires: list[tuple[str, str, str]] = []
    for v in loss.topological_order():
        if id(v) in ids:
            continue
        if v.op is None:
            kind, label = roles.get(id(v), ("constant", v.label))
            ids[id(v)] = doc.add_node(kind, label=label, value=v.data)
            continue
        kind = KIND_FOR_OP[v.op.name]
        is_pow = v.op.name == "pow" and v.param is not None
        params_ = {"exponent": float(v.param or 0.0)} if is_pow else None
        ids[id(v)] = doc.add_node(kind, label=v.label, params=params_)
        wires += [
            (ids[id(src)], ids[id(v)], port) for port, src in zip(KINDS[kind].inputs, v._prev)
        ]
    with doc.batch():
        for src, dst, port in wires:
            doc.connect(src, dst, port)
    _lay_out(doc, use_dot and len(doc.nodes) <= DOT_LIMIT)
    doc.backward(ids[id(loss)])
    return NetworkDocument(
        doc,
        sample,
        [ids[id(p)] for p in params],
        [ids[id(x)] for x in xs],
        ids[id(score)],
        ids[id(loss)],
    )


def _lay_out(doc: Document, use_dot: bool) -> None:
    centres = layout_positions(doc, use_dot=use_dot)
    sx, sy = (NODE_W + 80.0) / LAYER_GAP, (NODE_H + 26.0) / ROW_GAP
    doc.move_nodes(
        {
            nid: (round(cx * sx - NODE_W / 2), round(cy * sy - NODE_H / 2))
            for nid, (cx, cy) in centres.items()
        }
    )


def apply_params(net: NetworkDocument, params: np.ndarray) -> bool:
    """Write a snapshot's parameters into the weight leaves, then backward from the loss.
    Returns False (and changes nothing) when a parameter is not finite."""
    params = np.asarray(params, dtype=np.float64)
    if params.shape != (len(net.param_ids),) or not np.all(np.isfinite(params)):
        return False
    doc = net.document
    with doc.batch():  # one edit: one recompute below the weights, one backward, one event
        doc.set_values(dict(zip(net.param_ids, params.tolist())))
        doc.backward(net.loss_id)
    return True
