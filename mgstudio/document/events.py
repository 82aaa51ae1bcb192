"""The document's signals (psygnal), which the canvas and panels subscribe to.

Structural signals fire once per change, after the document is consistent again (so a handler
may read anything). ``values_changed`` is batched: one emission per edit, backward pass or
``Document.batch()`` block, carrying every node id whose Value, data or grad changed.

Nothing fires when nothing changed (napari's rule): a value set to what it is, a node moved to
where it is, a label or setting given again, a backward pass that leaves every grad as it was,
and a batch whose touched nodes were all removed again (never an empty ``values_changed``).
"""

from __future__ import annotations

from psygnal import Signal, SignalGroup


class DocumentEvents(SignalGroup):
    node_added = Signal(str)
    node_removed = Signal(str)
    #: label, position, parameter, leaf value or training role (feature) of one node changed
    node_changed = Signal(str)
    wire_added = Signal(object)
    wire_removed = Signal(object)
    #: tuple of node ids whose bound Value, data or grad changed (one emission per edit)
    values_changed = Signal(tuple)
    #: the selected output (node id or None) changed
    output_changed = Signal(object)
    #: the prediction node training compares with the target (node id or None) changed
    prediction_changed = Signal(object)
    #: the training state (dataset, settings, runs; ``Document.training``) was replaced
    training_changed = Signal()
    #: tuple of group ids made, removed or changed (members, parent, label, collapsed flag)
    groups_changed = Signal(tuple)
