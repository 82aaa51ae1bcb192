"""Keeps a network document on the canvas in step with the trainer: every so often the
snapshot's weights are written into the document's leaves and backward runs again, so the
learner watches the numbers of one big expression change while it trains."""

from __future__ import annotations

import time

from mgstudio.training.network_doc import NetworkDocument, apply_params

SYNC_EVERY = 0.2  # seconds; a 1000-node document takes ~0.1 s to update


class NetworkSync:
    """Writes snapshots into ``net`` while ``is_shown()`` says the document is on screen."""

    def __init__(self, net: NetworkDocument, trainer, is_shown):
        self.net = net
        self.trainer = trainer
        self.is_shown = is_shown
        self.updates = 0
        self._last = 0.0

    @property
    def active(self) -> bool:
        return self.is_shown(self.net.document)

    def offer(self, trainer, params, force: bool = False) -> bool:
        """Apply ``params`` if they belong to our trainer and enough time has passed."""
        if trainer is not self.trainer or not self.active:
            return False
        now = time.monotonic()
        if not force and now - self._last < SYNC_EVERY:
            return False
        self._last = now
        if apply_params(self.net, params):
            self.updates += 1
            return True
        return False


def same_graph(new, old) -> bool:
    """Whether network document ``old`` (as the canvas holds it) has the graph of ``new``:
    the same nodes, wires, sample inputs and target; only the weights may differ."""
    a, b = new.document, old.document
    if (new.sample, new.param_ids, new.loss_id) != (old.sample, old.param_ids, old.loss_id):
        return False
    if list(a.nodes) != list(b.nodes) or set(a.wires) != set(b.wires):
        return False
    weights = set(new.param_ids)
    for nid, n in a.nodes.items():
        m = b.nodes[nid]
        if n.kind != m.kind or n.params != m.params:
            return False
        if nid not in weights and n.value != m.value:  # an input or the target changed
            return False
    return True
