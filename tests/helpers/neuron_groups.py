"""Network documents with their neuron groups, for the heatmap tests and benchmark.

``build_network_document`` groups its neurons itself once helper A's grouping lands (a
``neuron`` group per neuron labelled ``L<layer>.N<neuron>``, in ``layer`` groups in an ``mlp``
group); until then ``grouped_network`` adds the same groups, found from the labels the
builder gives (weights ``L1.N1.w1``, neuron outputs ``L1.N1``, the last one ``score``)."""

from __future__ import annotations

from mgstudio.training import Trainer, preset
from mgstudio.training.network_doc import NetworkDocument, build_network_document


def neuron_gids(net: NetworkDocument) -> list[str]:
    return [g.id for g in net.document.groups if g.kind == "neuron"]


def ensure_groups(net: NetworkDocument, sizes: list[int]) -> list[str]:
    """The neuron groups of ``net`` (made here if the builder made none); ``sizes`` are the
    layers' widths, output layer included (``[16, 16, 1]``)."""
    if neuron_gids(net):
        return neuron_gids(net)
    doc = net.document
    by_label = {n.label: nid for nid, n in doc.nodes.items()}
    prev = list(net.input_ids)
    layers = []
    for li, width in enumerate(sizes, start=1):
        below: set[str] = set()
        for nid in prev:
            below.update(doc.upstream_ids(nid))
        outs, gids = [], []
        for ni in range(1, width + 1):
            last = li == len(sizes)
            out = net.score_id if last else by_label[f"L{li}.N{ni}"]
            members = [nid for nid in doc.upstream_ids(out) if nid not in below]
            gids.append(doc.group_nodes(members, kind="neuron", label=f"L{li}.N{ni}"))
            outs.append(out)
        layer_nodes = [nid for gid in gids for nid in doc.groups.members(gid)]
        layers.append(doc.group_nodes(layer_nodes, kind="layer", label=f"L{li}"))
        prev = outs
    doc.group_nodes([n for gid in layers for n in doc.groups.members(gid)], kind="mlp")
    return neuron_gids(net)


def grouped_network(
    hidden: tuple[int, ...] = (16, 16), activation: str = "relu", seed: int = 1337, **config
) -> tuple[Trainer, NetworkDocument, list[str]]:
    """A moons trainer (micrograd's demo by default), its network document and its neuron
    groups in layer order."""
    cfg = preset("micrograd-demo", hidden=hidden, activation=activation, seed=seed, **config)
    trainer = Trainer(cfg)
    net, gids = network_of(trainer)
    return trainer, net, gids


def network_of(trainer: Trainer, sample: int = 0) -> tuple[NetworkDocument, list[str]]:
    """The trainer's network document as it is now, and its neuron groups."""
    net = build_network_document(trainer, sample, use_dot=False)
    return net, ensure_groups(net, [*trainer.config.hidden, 1])
