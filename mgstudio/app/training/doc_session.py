"""Training the document on the canvas (issue 16): which runs train it, the run the worker
drives, the parameters shown moving on the canvas, and the run kept as one undo step.

A document with a feature leaf (or any document, once the learner picks Training ▸ Train
This Graph) trains itself instead of the settings' MLP: the settings dock gives the loss,
rate, steps, seed and test split; the dataset is the document's own (Training ▸ Edit
Dataset…), else the dock's generator. ``mgstudio.training.document_training.DocumentRun``
does the work on fresh Values (never the document's); the GUI thread copies its parameters
into the document (``Document.set_values``, at most ``APPLY_PER_SECOND`` times a second,
not undoable) and, when the run ends, pauses or is cancelled, pushes the steps since the
last such moment as one ``TrainRunCommand`` ("Train N steps": the values and the training
state before and after), so Ctrl+Z returns to before training.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from mgstudio.document.training_state import GeneratedData, TableData
from mgstudio.training.document_training import DocumentRun, settings_of

from ..model_commands import TrainRunCommand

if TYPE_CHECKING:
    from mgstudio.document import Document
    from mgstudio.document.training_state import TrainingState

    from .controller import TrainingController

APPLY_PER_SECOND = 15  # the canvas's parameters follow the run this often


class DocumentStepper:
    """What the worker drives for a document run: the run's ``Trainer`` (every attribute
    the worker and the plots read), whose ``step`` also keeps the step's parameters for the
    run's record. ``lock`` keeps a step and a read of the whole run apart."""

    def __init__(self, run: DocumentRun, doc: Document):
        self.run = run
        self.doc = doc
        self.lock = threading.Lock()
        self.inner = run.trainer

    def step(self) -> dict:
        with self.lock:
            records = self.run.run(1)
        if not records:  # cancelled between two steps: report the last one again
            return dict(self.inner.history[-1]) if self.inner.history else {}
        return records[0]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class DocumentSession:
    """The controller's side of document runs (``ctl.docs``)."""

    def __init__(self, ctl: TrainingController):
        self.ctl = ctl
        self.stepper: DocumentStepper | None = None
        self._values: dict[str, float] = {}  # the document's parameters at the last commit
        self._state: TrainingState | None = None  # and its training state
        self._committed = 0  # steps of the run already pushed as undo steps
        self._last_apply = 0.0

    # --- which training -----------------------------------------------------------------------
    def wanted(self) -> bool:
        """Train the window's document (it has a feature leaf, or Train This Graph is on)."""
        doc = self.ctl.window.document
        if doc is None:
            return False
        action = self.ctl.actions.get("train_graph")
        return bool(doc.feature_ids()) or (action is not None and action.isChecked())

    def outdated(self, trainer) -> bool:
        """The trainer is not this document's current run: another kind, another document,
        or the document was edited since (its values, roles, prediction or training)."""
        wanted = self.wanted()
        stepper = self.stepper
        if not isinstance(trainer, DocumentStepper) or stepper is not trainer:
            return wanted
        doc = self.ctl.window.document
        if not wanted or stepper.doc is not doc:
            return True
        model = stepper.run.model
        nodes = doc.nodes
        if any(nid not in nodes for nid in model.params):
            return True  # a parameter was deleted
        now = np.array([nodes[nid].value for nid in model.params], dtype=np.float64)
        ran = stepper.inner.snapshot().params
        return (
            not np.array_equal(now, ran)
            or doc.training is not self._state
            or doc.prediction_node() != model.prediction
            or tuple(i for ids in doc.feature_ids().values() for i in ids) != model.features
        )

    def state_from_panel(self, doc: Document) -> TrainingState:
        """The document's training state with the dock's settings and split (and the dock's
        generator when the document has no dataset of its own)."""
        panel = self.ctl.panel
        cfg = panel.config()
        settings = settings_of(cfg)  # the fields a document keeps
        data = doc.training.dataset
        if data is None:
            override = panel.dataset_override()
            if override is not None:  # the dock's CSV file
                rows = np.column_stack([override.X, override.y])
                names = (*override.feature_names, "target")
                data = TableData(names, rows)
            else:
                data = GeneratedData(cfg.dataset, cfg.samples, cfg.noise, cfg.seed)
        return doc.training.replace(dataset=data, settings=settings, test_ratio=panel.test_ratio())

    def new_stepper(self) -> DocumentStepper:
        """A run of the window's document from its current values (``TrainingError`` or
        ``ValueError`` with a sentence when it cannot be trained)."""
        self.commit()  # what the old run did is kept before a new one starts
        doc = self.ctl.window.document
        state = self.state_from_panel(doc)
        run = DocumentRun(doc, state)
        self.stepper = DocumentStepper(run, doc)
        self._values = {nid: float(x) for nid, x in zip(run.model.params, run.initial)}
        self._state = doc.training
        self._committed = 0
        return self.stepper

    # --- while it runs --------------------------------------------------------------------------
    def offer(self, params: np.ndarray, force: bool = False) -> None:
        """The run's parameters now: onto the document, at most APPLY_PER_SECOND a second."""
        stepper = self.stepper
        if stepper is None or stepper.doc is not self.ctl.window.document:
            return
        now = time.monotonic()
        if not force and now - self._last_apply < 1.0 / APPLY_PER_SECOND:
            return
        self._last_apply = now
        nodes = stepper.doc.nodes
        values = {nid: float(x) for nid, x in zip(stepper.run.model.params, params) if nid in nodes}
        stepper.doc.set_values(values)

    def commit(self) -> int:
        """Push the steps since the last commit as one undo step; returns how many."""
        stepper = self.stepper
        if stepper is None:
            return 0
        with stepper.lock:
            steps = stepper.inner.step_count - self._committed
            if steps <= 0:
                return 0
            values = stepper.run.values()
            state = stepper.run.state()
        doc = stepper.doc
        if doc is not self.ctl.window.document or self._state is None:
            return 0  # the document was closed: its window's history went with it
        command = TrainRunCommand(doc, steps, self._values, values, self._state, state)
        self.ctl.window.undo_stack.push(command)
        if command.error is not None:
            self.ctl.show_message(f"The run could not be kept: {command.error}")
            return 0
        self._values, self._state = values, state
        self._committed += steps
        return steps

    def forget(self) -> None:
        self.stepper = None
