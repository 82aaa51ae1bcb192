"""The undo step of an edit of a document's runs: a new ``TrainingState`` (a run renamed,
deleted, or a branch appended) and, for a branch, the parameter values it ended at."""

from __future__ import annotations

from collections.abc import Mapping

from mgstudio.document.training_state import TrainingState

from ..commands import DocumentCommand


class RunsEditCommand(DocumentCommand):
    """``doc.set_training(state)`` (+ ``doc.set_values(values)``); undo applies the inverses
    the document handed back, values first so that the state's position is true again."""

    def __init__(
        self,
        doc,
        state: TrainingState,
        text: str,
        values: Mapping[str, float] | None = None,
    ):
        super().__init__(doc, text)
        self.state = state
        self.values = dict(values or {})
        self._old_state: TrainingState | None = None
        self._old_values: dict[str, float] = {}

    def _redo(self) -> None:
        with self.doc.batch():
            self._old_values = self.doc.set_values(self.values) if self.values else {}
            self._old_state = self.doc.set_training(self.state)

    def _undo(self) -> None:
        assert self._old_state is not None  # undo follows a redo
        with self.doc.batch():
            if self._old_values:
                self.doc.set_values(self._old_values)
            self.doc.set_training(self._old_state)
