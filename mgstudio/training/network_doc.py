"""An MLP as an editable canvas ``Document``: the graph it builds for one sample.

Each neuron becomes the nodes micrograd's ``Neuron.__call__`` makes, in the same order
(``((b + w1*x1) + w2*x2) + ...`` then the activation), so the document computes the model's
number exactly and its Backward gives the model's gradients for that sample. Parameters are
``input`` nodes labelled ``L1.N1.w1`` ... so a learner can nudge them; ``sync_document`` copies
trained values back in (one ``values_changed`` batch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mgstudio.document import Document
from mgstudio.engine import MLP

from .trainer import parameter_names

MAX_DOCUMENT_PARAMS = 500  # beyond this a canvas shows a wall of nodes, not a network

_COL = 170.0  # horizontal step between a neuron's stages (points)
_ROW = 60.0  # vertical step between nodes


def network_document(model: MLP, x: Sequence[float]) -> tuple[Document, dict[str, str]]:
    """Build the document of ``model`` on sample ``x``; returns it and a map from parameter
    names (``L1.N1.w1``, ``L1.N1.b``, in ``model.parameters()`` order) to node ids."""
    params = model.parameters()
    if len(params) > MAX_DOCUMENT_PARAMS:
        raise ValueError(f"this network has {len(params)} parameters; a canvas document holds "
                         f"at most {MAX_DOCUMENT_PARAMS} (try fewer or narrower layers)")
    nin = len(model.layers[0].neurons[0].w)
    if len(x) != nin:
        raise ValueError(f"the sample has {len(x)} numbers; the network takes {nin}")
    doc = Document()
    ids: dict[str, str] = {}
    with doc.batch():
        prev = [doc.add_node("input", label=f"x{i + 1}", value=float(v), pos=(0.0, i * _ROW))
                for i, v in enumerate(x)]
        col = 1.0
        row_base = 0.0
        for li, layer in enumerate(model.layers, start=1):
            outs = []
            for ni, neuron in enumerate(layer.neurons, start=1):
                top = row_base + (ni - 1) * (len(neuron.w) + 1) * _ROW
                name = f"L{li}.N{ni}"
                b = doc.add_node("input", label=f"{name}.b", value=neuron.b.data,
                                 pos=(col * _COL, top))
                ids[f"{name}.b"] = b
                acc = b
                for wi, (w, src) in enumerate(zip(neuron.w, prev), start=1):
                    y = top + wi * _ROW
                    wid = doc.add_node("input", label=f"{name}.w{wi}", value=w.data,
                                       pos=(col * _COL, y))
                    ids[f"{name}.w{wi}"] = wid
                    prod = doc.add_node("mul", pos=((col + 1) * _COL, y))
                    doc.connect(wid, prod, "a")
                    doc.connect(src, prod, "b")
                    total = doc.add_node("add", pos=((col + 2) * _COL, y))
                    doc.connect(acc, total, "a")
                    doc.connect(prod, total, "b")
                    acc = total
                if neuron.activation != "linear":
                    act = doc.add_node(neuron.activation, label=f"{name}.out",
                                       pos=((col + 3) * _COL, top + len(neuron.w) * _ROW))
                    doc.connect(acc, act, "a")
                    acc = act
                else:
                    doc.set_label(acc, f"{name}.out")
                outs.append(acc)
            prev = outs
            col += 4
    return doc, _ordered(ids, model)


def _ordered(ids: dict[str, str], model: MLP) -> dict[str, str]:
    return {name: ids[name] for name in parameter_names(model)}


def sync_document(doc: Document, ids: Mapping[str, str], params: Sequence[float]) -> None:
    """Put ``params`` (in ``model.parameters()`` order, e.g. ``trainer.snapshot().params``)
    into the document's parameter nodes, as one batch of edits."""
    if len(params) != len(ids):
        raise ValueError(f"{len(params)} parameters for {len(ids)} parameter nodes")
    with doc.batch():
        for nid, value in zip(ids.values(), params):
            doc.set_value(nid, float(value))
