"""The settings' MLP shown on the canvas as one expression graph (Show Network on Canvas),
and kept following a new trainer (split out of ``controller``; ``ctl`` is the
``TrainingController``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgstudio.training import Trainer
from mgstudio.training.network_doc import (
    HARD_LIMIT,
    SOFT_LIMIT,
    NetworkTooLarge,
    apply_params,
    build_network_document,
    network_size,
)

from ..canvas.readable import show_readably
from .network_view import NetworkSync, same_graph, trace_sample
from .sample_picker import describe_sample

if TYPE_CHECKING:
    from .controller import TrainingController

#: the window's name for the network document (the sample it traces changes: the loss node,
#: the picker and the status bar say which)
NETWORK_NAME = "MLP network"


def follow_network(ctl: TrainingController, old: NetworkSync) -> None:
    """Put the new trainer's network where the old one was shown: the same document (new
    weights, the chosen sample of the new data) when its shape is the same, else anew."""
    trainer = ctl.trainer
    assert isinstance(trainer, Trainer)  # the settings' MLP (a document run shows no network)
    sample = min(ctl.panel.sample.value(), trainer.dataset.n_samples - 1)
    count = network_size(trainer)
    if (
        count > SOFT_LIMIT
        and count != len(old.net.document.nodes)
        and not ctl.confirm(
            "Large network",
            f"The new network makes {count} nodes on the canvas; it "
            "will be slow to draw and to update. Show it in place of the old one?",
        )
    ):
        ctl.show_message(
            "The network on the canvas is the old run's: Show Network on Canvas shows this one"
        )
        return
    try:
        net = build_network_document(trainer, sample)
    except (NetworkTooLarge, IndexError) as exc:
        ctl.show_message(f"The network on the canvas no longer follows: {exc}")
        return
    if same_graph(net, old.net, values=False):
        # the same graph: write the sample and the new weights in place (the view, zoom,
        # selection and undo history stay as the learner left them)
        with old.net.document.batch():
            trace_sample(old.net, trainer.dataset, sample)
            apply_params(old.net, trainer.snapshot().params)
        if same_graph(net, old.net):  # every number agrees now (else: the new one)
            ctl._follow(old.net, trainer)
            return
    if open_document(ctl, net.document, NETWORK_NAME):
        ctl._follow(net, trainer)


def show_network(ctl: TrainingController):
    """Open the MLP for the chosen sample as a document; returns it (None if not shown)."""
    if ctl.closed:
        return None
    if ctl.docs.wanted():
        ctl.show_message(
            "This document is trained itself (it has feature leaves): the canvas shows it "
            "learning; the settings' MLP is shown once no leaf is a feature"
        )
        return None
    if ctl.trainer is None or (ctl._stale and not ctl.going):
        if not ctl._new_trainer(follow=False):
            return None
    trainer = ctl.trainer
    assert isinstance(trainer, Trainer)  # made above, for the settings' MLP
    data = trainer.dataset
    sample = ctl.panel.sample.value()
    if sample >= data.n_samples:
        ctl.show_message(f"there are {data.n_samples} samples; showing sample 0")
        sample = 0
    count = network_size(trainer)
    if count > HARD_LIMIT:
        ctl.show_message(
            f"The network would make {count} nodes (at most {HARD_LIMIT} "
            "stay usable on the canvas): try smaller hidden layers"
        )
        return None
    if count > SOFT_LIMIT and not ctl.confirm(
        "Large network",
        f"This network makes {count} nodes on the canvas; it will be slow to draw "
        "and to update while training. Show it anyway?",
    ):
        return None
    try:
        net = build_network_document(trainer, sample)
    except (NetworkTooLarge, IndexError) as exc:
        ctl.show_message(str(exc))
        return None
    if ctl.last_snapshot is not None:
        apply_params(net, ctl.last_snapshot["params"])
    if not open_document(ctl, net.document, NETWORK_NAME):
        return None
    ctl._follow(net, trainer)
    ctl.plots.mark_sample(sample)
    ctl.show_message(
        f"The MLP as one expression: {len(net.document.nodes)} nodes, "
        f"sample {sample} ({describe_sample(data, sample)}); its weights follow the "
        "training, the sample picker (or a click on the plot) chooses the sample"
    )
    return net


def open_document(ctl: TrainingController, doc, name: str) -> bool:
    win = ctl.window
    if not win.maybe_save():
        return False
    win.set_document(doc, None, name=name)
    # readable from the start: a big MLP is shown around its loss, not as slivers
    show_readably(win.canvas)
    return True
