"""Undo commands for what makes a document a model (issue 16): a leaf's training role, the
prediction, the training state (dataset, settings, runs) and a whole training run.

Each calls only the Document API (``set_feature``, ``set_prediction``, ``set_training``,
``set_values``) and undoes with the inverse the document handed back, as ``commands`` does.
"""

from __future__ import annotations

from collections.abc import Mapping

from mgstudio.document.training_state import TrainingState

from .commands import DocumentCommand, node_name


def role_text(feature: int | None) -> str:
    """How the history and the inspector name a role: ``feature x0`` or ``parameter``."""
    return "parameter" if feature is None else f"feature x{feature}"


class SetFeatureCommand(DocumentCommand):
    """Make an input leaf a feature (dataset column ``k``) or a parameter (None)."""

    def __init__(self, doc, nid: str, feature: int | None, parent=None):
        super().__init__(doc, f"Make {node_name(doc, nid)} a {role_text(feature)}", parent)
        self.nid = nid
        self.new = feature
        self.old: int | None = None
        self._first = True

    def _redo(self) -> None:
        old = self.doc.set_feature(self.nid, self.new)
        if self._first:
            self.old, self._first = old, False

    def _undo(self) -> None:
        self.doc.set_feature(self.nid, self.old)


class SetPredictionCommand(DocumentCommand):
    """Choose the node training compares with the targets (None: the default output)."""

    def __init__(self, doc, nid: str | None, parent=None):
        what = "the default output" if nid is None else node_name(doc, nid)
        super().__init__(doc, f"Use {what} as the prediction", parent)
        self.nid = nid
        self.old: str | None = None
        self._first = True

    def _redo(self) -> None:
        old = self.doc.set_prediction(self.nid)
        if self._first:
            self.old, self._first = old, False

    def _undo(self) -> None:
        self.doc.set_prediction(self.old)


class SetTrainingCommand(DocumentCommand):
    """Replace the document's training state (a dataset edit, a new split): ``text`` says
    what changed ("Add a point", "Paste 12 rows")."""

    def __init__(self, doc, state: TrainingState, text: str, parent=None):
        super().__init__(doc, text, parent)
        self.new = state
        self.old: TrainingState | None = None

    def _redo(self) -> None:
        old = self.doc.set_training(self.new)
        if self.old is None:
            self.old = old

    def _undo(self) -> None:
        assert self.old is not None
        self.doc.set_training(self.old)


class TrainRunCommand(DocumentCommand):
    """A training run as one step: the parameters' values before and after, and the
    training state before and after (the run appended). The values were shown live while
    the run went, so the first redo only makes sure they are the final ones."""

    def __init__(
        self,
        doc,
        steps: int,
        old_values: Mapping[str, float],
        new_values: Mapping[str, float],
        old_state: TrainingState,
        new_state: TrainingState,
        parent=None,
    ):
        super().__init__(doc, f"Train {steps} step{'s' if steps != 1 else ''}", parent)
        self.steps = steps
        # a parameter deleted since the run began is left out (the Document refuses ids
        # that are gone; undo must restore the rest)
        self.old_values = dict(old_values)
        self.new_values = dict(new_values)
        self.old_state = old_state
        self.new_state = new_state

    def _present(self, values: Mapping[str, float]) -> dict[str, float]:
        nodes = self.doc.nodes
        return {nid: x for nid, x in values.items() if nid in nodes}

    def _redo(self) -> None:
        with self.doc.batch():
            self.doc.set_values(self._present(self.new_values))
            self.doc.set_training(self.new_state)

    def _undo(self) -> None:
        with self.doc.batch():
            self.doc.set_values(self._present(self.old_values))
            self.doc.set_training(self.old_state)
