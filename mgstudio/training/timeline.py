"""The timeline of a document's runs (Qt-free): which kept step a position shows, the
predictions and decision-boundary scores there, and the edits of the list of runs.

A position between two kept steps shows the kept step at or before it (``kept_at``): the
numbers on screen are always ones the run really had, read straight from the file, and a
scrub costs one vector copy and one batched replay, never training. The app says which step
is shown when it differs from the one asked for. (Replaying the missing steps would need the
run's exact data order and rate schedule per step; a kept step needs neither, and a run keeps
every step while it is short, at most ``max_kept`` evenly spaced steps when it is long.)

``Scrubber`` compiles the document once per run with the tape (``compile_document``, fresh
Values, the document's own never touched) and evaluates any parameter vector over the samples
and over the boundary grid in one batch each.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mgstudio.document import Document
from mgstudio.document.training_state import RunRecord, TrainingState

from .datasets import Dataset
from .document_model import DocumentModel, compile_document
from .document_training import dataset_from_state, delete_run
from .engines import TapeEngine

__all__ = [
    "Scrubber",
    "delete_run",
    "history_records",
    "kept_at",
    "rename_run",
    "run_dataset",
    "start_step",
    "values_at",
    "with_position",
]


def kept_at(run: RunRecord, step: int) -> int:
    """The kept step at or before ``step`` (0, the initial parameters, when none is)."""
    step = max(0, min(int(step), run.steps))
    i = int(np.searchsorted(run.checkpoint_steps, step, side="right"))
    return int(run.checkpoint_steps[i - 1]) if i > 0 else 0


def values_at(run: RunRecord, step: int, doc: Document | None = None) -> dict[str, float]:
    """``{param id: value}`` at the kept step at or before ``step``, for ``doc.set_values``;
    ids no longer in ``doc`` (a parameter deleted after training) are skipped."""
    vector = run.params_at(kept_at(run, step))
    assert vector is not None  # kept_at answers a kept step
    return {
        nid: float(x)
        for nid, x in zip(run.params, vector)
        if doc is None or (nid in doc and doc.node(nid).kind == "input")
    }


def start_step(state: TrainingState, index: int) -> int:
    """Where run ``index`` starts on a common step axis: 0 for a run of its own, the parent's
    start plus the step it continued from for a branch (so runs line up where they split)."""
    start, seen = 0, set()
    while index not in seen and 0 <= index < len(state.runs):
        seen.add(index)  # a file's parents point backwards; this guards a cycle anyway
        parent = state.runs[index].parent
        if parent is None:
            break
        index, step = parent
        start += step
    return start


def history_records(run: RunRecord, start: int = 0) -> list[dict[str, float | int | None]]:
    """The run's history as the Trainer's records (step, loss, accuracy, and the test loss
    when the run had a test split) for the plots, its steps counted from ``start``."""
    acc = run.accuracy.astype(np.float64)
    records: list[dict[str, float | int | None]] = [
        {
            "step": start + k,
            "loss": float(run.loss[k]),
            "accuracy": None if np.isnan(a) else float(a),
        }
        for k, a in enumerate(acc)
    ]
    for record, test in zip(records, run.test_loss):  # (empty without a test split)
        record["test_loss"] = float(test)
    return records


def run_dataset(state: TrainingState, run: RunRecord) -> Dataset:
    """The samples the run learnt from (the document's dataset, its first ``features``
    columns), or ``DatasetError``."""
    data = dataset_from_state(state)
    m = len(run.features)
    if 0 < m < data.n_inputs:
        data = Dataset(
            data.name, data.X[:, :m], data.y, data.task, data.feature_names[:m], data.notes
        )
    return data


class Scrubber:
    """One run of one document, compiled once: the numbers of any of its kept steps."""

    def __init__(self, doc: Document, run: RunRecord):
        self.run = run
        self.model: DocumentModel = compile_document(
            doc, features=list(run.features) or None, prediction=run.prediction
        )
        self.engine: TapeEngine = self.model.engine(run.settings.loss)
        where = {nid: i for i, nid in enumerate(run.params)}
        # the engine's parameters in the run's vector order; one the run does not list keeps
        # the document's value (a parameter added after training)
        self._take = np.array([where.get(nid, -1) for nid in self.model.params], dtype=np.int64)
        self._fixed = self.model.initial_params()

    def params(self, step: int) -> np.ndarray:
        """The engine's parameter vector at the kept step at or before ``step``."""
        vector = self.run.params_at(kept_at(self.run, step))
        assert vector is not None
        out = self._fixed.copy()
        known = self._take >= 0
        out[known] = vector[self._take[known]]
        return out

    def evaluate(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The prediction of every row of ``X`` (samples, features) under ``params``: one
        batched replay of the tape (the grid of a boundary plot is just more rows)."""
        self.engine.load(params)
        with np.errstate(all="ignore"):
            return self.engine.predict(np.asarray(X, dtype=np.float64))

    def grid_scores(self, params: np.ndarray, grid: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Scores over a ``(xx, yy)`` mesh, shaped like ``xx``."""
        xx, yy = grid
        flat = np.column_stack([xx.ravel(), yy.ravel()])
        return self.evaluate(params, flat).reshape(xx.shape)


# --- edits of the list of runs (each returns a new state; the app pushes it as an undo step) --
def rename_run(state: TrainingState, index: int, name: str) -> TrainingState:
    """The state with run ``index`` called ``name`` (stripped; empty keeps the old name)."""
    name = " ".join(name.split())[:80]
    if not name or not 0 <= index < len(state.runs):
        return state
    runs = list(state.runs)
    runs[index] = runs[index].replace(name=name)
    return state.replace(runs=tuple(runs))


def with_position(state: TrainingState, index: int, step: int) -> TrainingState:
    """The state whose position is run ``index`` at the kept step at or before ``step``."""
    run = state.runs[index]
    return state.replace(position=(index, kept_at(run, step)))


def same_values(doc: Document, values: Mapping[str, float]) -> bool:
    """Whether the document's leaves already hold exactly ``values``."""
    return all(doc.node(nid).value == x for nid, x in values.items())
