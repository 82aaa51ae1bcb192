"""Step-through backward over a document: the chain rule one node at a time (no Qt).

A pass starts from an output: every grad of its graph is set to 0 and the output's to 1 (or,
with ``zero_first`` off, the leaves keep what earlier passes left, as a training loop without
``zero_grad`` would). Each step takes the next node (outputs first, in reverse topological
order), multiplies its grad by each local derivative and adds the product into that input's
grad; ``back`` undoes a step exactly. The engine's ``BackwardStepper`` does the arithmetic;
this model knows the document: which node each Value is, and it publishes the grads it
changes through ``Document.publish_grads``, so every view of the document shows them and
auto backward leaves them alone until the next edit. A view renders ``stepper`` (order,
position, history); while ``publishing`` is True the document events are its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from mgstudio.engine import Value
from mgstudio.engine.stepper import BackwardStepper, Step

from .model import Document
from .outputs import why_backward_idle

NOTHING = "There is nothing to backpropagate from: build a graph first."


class StepThrough:
    """The state of one step-through: the pass (``stepper``), its output and pass count."""

    def __init__(self, document: Document | None = None) -> None:
        self.document = document
        #: the walk of the current pass (order, position, history), None while idle
        self.stepper: BackwardStepper | None = None
        #: the node the pass started from
        self.root: str | None = None
        #: passes since the step-through last went idle (with zero_first off they add up)
        self.passes = 0
        #: True while the grads are being announced (the document's events are ours)
        self.publishing = False
        self._ids: dict[int, str] = {}

    # --- state ------------------------------------------------------------------------------
    def attach(self, document: Document | None) -> None:
        self.stop()
        self.document = document

    def stop(self) -> bool:
        """Go idle (the graph changed, another output was chosen); whether a pass was on."""
        was = self.stepper is not None
        self.stepper = None
        self.root = None
        self.passes = 0
        return was

    @property
    def active(self) -> bool:
        return self.stepper is not None

    @property
    def needs_start(self) -> bool:
        """No pass, or the last one is over (the next step starts a new pass)."""
        return self.stepper is None or self.stepper.done

    def node_id(self, value: Value) -> str | None:
        """The document node whose Value this is (None for a Value of no node)."""
        return self._ids.get(id(value))

    def operand_ids(self, step: Step) -> list[str]:
        """The nodes whose grad the step added into."""
        ids = self._ids
        return [ids[id(c.operand)] for c in step.contributions if id(c.operand) in ids]

    # --- the verbs --------------------------------------------------------------------------
    def start(self, root: str | None, zero_first: bool = True) -> str | None:
        """Start a pass from ``root``; None once started, else the sentence saying why not."""
        doc = self.document
        if doc is None:
            return NOTHING
        value = doc.value_of(root) if root is not None else None
        if value is None:
            return why_backward_idle(doc, root, verb="The step-through") or NOTHING
        old = {}
        if not zero_first:
            old = {nid: v.grad for nid in doc.nodes if (v := doc.value_of(nid)) is not None}
        self.root = root
        self._ids = {id(v): nid for nid in doc.nodes if (v := doc.value_of(nid)) is not None}
        self.stepper = stepper = BackwardStepper(value)
        if old:
            # a training loop without zero_grad: each forward pass builds fresh inner nodes
            # (grad 0), but the leaves (the parameters) keep the grads of earlier passes
            for v in stepper.topo:
                nid = self._ids.get(id(v))
                if not v._prev and v is not value and nid in old:
                    v.grad = old[nid]
        self.passes += 1
        self._publish(self._ids[id(v)] for v in stepper.topo if id(v) in self._ids)
        return None

    def step(self) -> Step | None:
        """One node further (None at the end of the pass, or with no pass)."""
        if self.stepper is None:
            return None
        step = self.stepper.step()
        if step is not None:
            self._publish(self.operand_ids(step))
        return step

    def back(self) -> Step | None:
        """Undo the last step, restoring each grad it changed exactly."""
        if self.stepper is None:
            return None
        step = self.stepper.back()
        if step is not None:
            self._publish(self.operand_ids(step))
        return step

    def rewind(self) -> None:
        """Undo every step of this pass (grads back to where it started), one announcement."""
        if self.stepper is None:
            return
        changed: dict[str, None] = {}
        while (step := self.stepper.back()) is not None:
            changed.update(dict.fromkeys(self.operand_ids(step)))
        self._publish(changed)

    def run_to_end(self) -> None:
        """Every remaining step of this pass, one announcement."""
        if self.stepper is None:
            return
        changed: dict[str, None] = {}
        while (step := self.stepper.step()) is not None:
            changed.update(dict.fromkeys(self.operand_ids(step)))
        self._publish(changed)

    def _publish(self, ids: Iterable[str]) -> None:
        doc = self.document
        if doc is None:
            return
        self.publishing = True
        try:
            doc.publish_grads(dict.fromkeys(ids), self.root)
        finally:
            self.publishing = False
