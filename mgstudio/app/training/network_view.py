"""Keeps a network document on the canvas in step with the trainer: the snapshots' weights
are written into the document's leaves (one bulk edit, then backward) up to SYNC_HZ times a
second, so the learner watches the numbers of one big expression change while it trains."""

from __future__ import annotations

import time
from collections.abc import Callable

from mgstudio.training.network_doc import NetworkDocument, apply_params

#: updates a second at most: the worker offers weights 25 times a second and the frame timer
#: (20 ms) flushes what waited, so the canvas follows at about 15 a second, 10 or more on a
#: busy machine (a 1000-node document takes ~2 ms an update, ~6 ms with the canvas' handling
#: of it: a frame's budget is 16 ms)
SYNC_HZ = 20.0
SYNC_EVERY = 1.0 / SYNC_HZ


class NetworkSync:
    """Writes snapshots into ``net`` while ``is_shown()`` says the document is on screen.

    ``offer`` keeps the newest weights and applies them when SYNC_EVERY has passed since the
    last update; ``flush`` (the controller's frame timer) applies the ones that came too soon,
    so the canvas never stays behind the training by more than SYNC_EVERY and a frame."""

    def __init__(
        self,
        net: NetworkDocument,
        trainer,
        is_shown,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.net = net
        self.trainer = trainer
        self.is_shown = is_shown
        self.updates = 0
        self._clock = clock
        self._last: float | None = None
        self._pending = None

    @property
    def active(self) -> bool:
        return self.is_shown(self.net.document)

    def offer(self, trainer, params, force: bool = False) -> bool:
        """Take ``params`` if they belong to our trainer; apply them if due (or ``force``)."""
        if trainer is not self.trainer or not self.active:
            return False
        self._pending = params
        return self.flush(force)

    def flush(self, force: bool = False) -> bool:
        """Apply the newest offered weights if SYNC_EVERY has passed (or ``force``)."""
        if self._pending is None or not self.active:
            return False
        now = self._clock()
        if not force and self._last is not None and now - self._last < SYNC_EVERY:
            return False
        params, self._pending = self._pending, None
        self._last = now
        if apply_params(self.net, params):
            self.updates += 1
            return True
        return False


def same_graph(new, old, values: bool = True) -> bool:
    """Whether network document ``old`` (as the canvas holds it) has the graph of ``new``:
    the same nodes, wires, sample inputs and target; only the weights may differ. Not
    ``values``: the shape alone (the sample and its numbers may differ too)."""
    a, b = new.document, old.document
    if (new.param_ids, new.loss_id) != (old.param_ids, old.loss_id):
        return False
    if values and new.sample != old.sample:
        return False
    if list(a.nodes) != list(b.nodes) or set(a.wires) != set(b.wires):
        return False
    weights = set(new.param_ids)
    for nid, n in a.nodes.items():
        m = b.nodes[nid]
        if n.kind != m.kind or n.params != m.params:
            return False
        if values and nid not in weights and n.value != m.value:  # an input or the target
            return False
    return True


#: the labels ``network_doc.sample_loss`` gives the target's constant, with the sign each holds
TARGET_LABELS = {"y": 1.0, "-y": -1.0}


def target_leaf(net: NetworkDocument) -> tuple[str, float] | None:
    """The constant holding the sample's target (``y``, or ``-y`` for the hinge loss) and the
    sign it holds it with: the leaf of the loss that the score does not depend on."""
    doc = net.document
    above_score = set(doc.upstream_ids(net.score_id))
    for nid in doc.upstream_ids(net.loss_id):
        node = doc.nodes[nid]
        if nid not in above_score and node.kind == "constant" and node.label in TARGET_LABELS:
            return nid, TARGET_LABELS[node.label]
    return None


def trace_sample(net: NetworkDocument, dataset, sample: int) -> bool:
    """Put sample ``sample``'s inputs and target into the same document (one bulk edit, the
    loss renamed, then backward): the canvas traces another datapoint with the same weights.
    False (nothing changed) when the sample or the document does not fit."""
    if not 0 <= sample < dataset.n_samples or len(net.input_ids) != dataset.n_inputs:
        return False
    target = target_leaf(net)
    if target is None:
        return False
    values = dict(zip(net.input_ids, (float(x) for x in dataset.X[sample])))
    tid, sign = target
    values[tid] = sign * float(dataset.y[sample])
    doc = net.document
    with doc.batch():
        doc.set_values(values)
        if doc.nodes[net.loss_id].label == f"loss of sample {net.sample}":
            doc.set_label(net.loss_id, f"loss of sample {sample}")
        net.sample = sample
        doc.backward(net.loss_id)
    return True
