"""A trained MLP as a canvas document: the expression graph of one sample, from its Values.

The model is called on ``Value`` inputs for one sample and the per-sample loss is added, so
the document is exactly the graph the engine builds (``b + w1*x1 + w2*x2 -> act`` per neuron,
micrograd's order). Weights and biases become ``input`` leaves named like
``Trainer.parameter_names()``; ``apply_params`` later writes a trainer snapshot into them.
Each neuron's nodes form a ``neuron`` group inside its layer's group inside the mlp's, laid
out in columns by ``document.network_layout``. The same builder (``model_document``) makes
the training pane's network, the lesson's MLP and ``python -m mgstudio network``'s.
No Qt here: the document layer and the engine only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mgstudio.document import KIND_FOR_OP, KINDS, Document
from mgstudio.document.groups import Group
from mgstudio.document.network_layout import NODE_H as NODE_H  # the node box, for callers
from mgstudio.document.network_layout import NODE_W as NODE_W
from mgstudio.document.network_layout import fresh_network_positions
from mgstudio.engine import MLP, Value

from .trainer import parameter_names

if TYPE_CHECKING:
    from .trainer import Trainer

#: above this many nodes the window asks first; above HARD_LIMIT it refuses
#: (the network opens as collapsed neuron blocks: micrograd's demo, 984 nodes, asks nothing)
SOFT_LIMIT = 1000
HARD_LIMIT = 1500


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


def network_size(trainer: Trainer) -> int:
    """How many nodes the trainer's network makes on the canvas (``node_count``)."""
    cfg = trainer.config
    return node_count(
        trainer.dataset.n_inputs, cfg.hidden, cfg.activation, cfg.final_activation, cfg.loss
    )


def sample_loss(loss: str, score: Value, target: float) -> Value:
    """One sample's term of the training loss (without the 1/n of a mean or the L2 term),
    with the operands in the order the loss functions build them."""
    term: Value
    if loss == "hinge":
        term = (Value(1.0, label="1") + Value(-target, label="-y") * score).relu()
    else:
        term = (score - Value(target, label="y")) ** 2
    return term


def build_network_document(
    trainer: Trainer, sample: int = 0, limit: int = HARD_LIMIT, use_dot: bool = True
) -> NetworkDocument:
    """The trainer's MLP on sample ``sample`` and that sample's loss, as grouped columns.

    ``use_dot`` is accepted for the callers that still pass it: the network layout is pure
    arithmetic (``network_layout``), never Graphviz."""
    data = trainer.dataset
    if not 0 <= sample < data.n_samples:
        raise IndexError(f"sample must be between 0 and {data.n_samples - 1}, not {sample}")
    count = network_size(trainer)
    if count > limit:
        raise NetworkTooLarge(
            f"this network would make about {count} nodes on the canvas (the limit is {limit});"
            f" try smaller hidden layers, e.g. 4,4"
        )
    model = trainer.model  # brings the Values' data up to date with the trainer
    # one sample's term, not the training loss the status bar shows: the label says which
    return model_document(
        model,
        [float(x) for x in data.X[sample]],
        float(data.y[sample]),
        trainer.config.loss,
        sample=sample,
        loss_label=f"loss of sample {sample}",
    )


def mlp_label(model: MLP) -> str:
    """How the mlp group is named: ``MLP(2, [16, 16, 1])``, as the model is built."""
    sizes = [len(layer.neurons) for layer in model.layers]
    nin = len(model.layers[0].neurons[0].w) if model.layers else 0
    return f"MLP({nin}, [{', '.join(map(str, sizes))}])"


def model_document(
    model: MLP,
    inputs: Sequence[float],
    target: float,
    loss: str,
    sample: int = 0,
    loss_label: str = "loss",
) -> NetworkDocument:
    """The expression graph of ``model`` on ``inputs`` and its loss against ``target``: one
    ``neuron`` group per neuron (its weights, bias, products, sums and activation; named
    ``L<layer>.N<neuron>`` like its output), one ``layer`` group per layer (``L1``, ...), one
    ``mlp`` group around them; the inputs stay outside, the loss is a ``group`` of its own.
    Neurons and the loss start collapsed, layers and the mlp expanded: the network opens as
    columns of neuron blocks between its inputs and its loss.
    Grads are those of a backward pass from the loss."""
    params = model.parameters()
    names = parameter_names(model)
    xs = [Value(float(x), label=f"x{i + 1}") for i, x in enumerate(inputs)]
    neurons: list[list[list[Value]]] = []  # per layer, per neuron: its Values
    x: list[Value] = xs
    for li, layer in enumerate(model.layers, start=1):
        outs = []
        layer_values = []
        for ni, neuron in enumerate(layer.neurons, start=1):
            out = neuron(x)
            out.label = f"L{li}.N{ni}"
            outs.append(out)
            layer_values.append(_values_between(out, x))
        neurons.append(layer_values)
        x = outs
    score = x[0]
    score.label = "score"
    loss_value = sample_loss(loss, score, float(target))
    loss_value.label = loss_label

    doc = Document()
    ids: dict[int, str] = {}
    roles = {id(p): ("input", name) for p, name in zip(params, names)}
    roles.update({id(v): ("input", v.label) for v in xs})
    wires: list[tuple[str, str, str]] = []
    # nodes in reading order: the inputs, then neuron by neuron (each in graph order), then
    # the loss; a neuron uses only the inputs and earlier neurons, so this is still in order
    rank = {id(v): 0 for v in xs}
    k = 1
    for layer_values in neurons:
        for values in layer_values:
            rank.update((id(v), k) for v in values)
            k += 1
    last = k
    in_order = sorted(loss_value.topological_order(), key=lambda v: rank.get(id(v), last))
    # one batch: the document settles its automatic output once, not after every node
    # (that is quadratic: every node added unwired is an output until it is wired)
    with doc.batch():
        for v in in_order:
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
        for src, dst, port in wires:
            doc.connect(src, dst, port)
    groups = _groups(doc, model, neurons, ids)
    inside = {nid for g in groups for nid in g.nodes} | {ids[id(v)] for v in xs}
    # the loss (the target, its difference, its square...) is one block after the network:
    # a learner reads "x -> MLP -> loss" at Fit and expands it to see the arithmetic
    rest = tuple(nid for nid in doc.nodes if nid not in inside)
    if rest:
        groups.append(Group("loss", "group", "loss", rest, None, True))
    doc.restore_groups(groups)
    doc.move_nodes(fresh_network_positions(doc))
    doc.backward(ids[id(loss_value)])
    return NetworkDocument(
        doc,
        sample,
        [ids[id(p)] for p in params],
        [ids[id(v)] for v in xs],
        ids[id(score)],
        ids[id(loss_value)],
    )


def _values_between(out: Value, inputs: Sequence[Value]) -> list[Value]:
    """The Values a neuron made for ``out`` from ``inputs``: its weights, bias, products,
    sums and activation (everything behind ``out`` short of the inputs), in graph order."""
    stop = {id(v) for v in inputs}
    seen: set[int] = set()
    found: list[Value] = []
    todo = [out]
    while todo:
        v = todo.pop()
        if id(v) in seen or id(v) in stop:
            continue
        seen.add(id(v))
        found.append(v)
        todo.extend(v._prev)
    return found


def _groups(
    doc: Document, model: MLP, neurons: list[list[list[Value]]], ids: dict[int, str]
) -> list[Group]:
    """The mlp, then each layer followed by its neurons; member nodes in document order."""
    order = {nid: i for i, nid in enumerate(doc.nodes)}
    mlp_id = "mlp"
    groups = [Group(mlp_id, "mlp", mlp_label(model), (), None, False)]
    for li, layer_values in enumerate(neurons, start=1):
        layer_id = f"L{li}"
        groups.append(Group(layer_id, "layer", f"L{li}", (), mlp_id, False))
        for ni, values in enumerate(layer_values, start=1):
            members = sorted((ids[id(v)] for v in values), key=order.__getitem__)
            groups.append(
                Group(f"L{li}-N{ni}", "neuron", f"L{li}.N{ni}", tuple(members), layer_id, True)
            )
    return groups


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
