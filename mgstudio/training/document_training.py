"""Training a document: its saved dataset and settings, the ``Trainer``, and the run recorded
for the file (initial parameters, checkpoints, history).

``DocumentRun`` is made where the document lives (it compiles fresh Values of the document,
see ``document_model``), may then run in a worker thread, and hands back plain data: the new
parameter values and the ``TrainingState`` with the run appended. The caller applies both
through the Document API (``set_values`` and ``set_training``: one undo step in the app), so
the document changes only there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import fields

import numpy as np

from mgstudio.document import Document
from mgstudio.document.training_format import MAX_RUNS
from mgstudio.document.training_state import (
    GeneratedData,
    RunRecord,
    TableData,
    TrainingState,
    TrainSettings,
)

from .checkpoints import CheckpointLog
from .config import TrainConfig
from .datasets import DATASETS, Dataset, make_dataset, table_dataset
from .document_model import DocumentModel, ModelError, compile_document
from .errors import DatasetError
from .trainer import Record, Trainer

__all__ = [
    "DocumentRun",
    "SETTINGS_FIELDS",
    "config_of",
    "dataset_from_state",
    "history_arrays",
    "settings_of",
    "split_dataset",
    "train_document",
]


def dataset_from_state(state: TrainingState) -> Dataset:
    """The samples of the document's dataset (``DatasetError`` when it has none or names a
    generator this mgstudio does not have)."""
    data = state.dataset
    if data is None:
        raise DatasetError(
            "the document has no dataset: choose a generator or a table of samples "
            "(--dataset NAME or --csv FILE)"
        )
    if isinstance(data, GeneratedData):
        if data.name not in DATASETS:
            raise DatasetError(
                f"the document's dataset is {data.name!r}, which this mgstudio does not "
                f"have; choose one of {', '.join(DATASETS)}"
            )
        return make_dataset(data.name, data.n, data.noise, rng=np.random.RandomState(data.seed))
    assert isinstance(data, TableData)
    if data.rows.shape[0] < 2:
        raise DatasetError("the document's table has fewer than 2 samples: add rows first")
    return table_dataset("table", np.array(data.rows), tuple(data.columns[:-1]))


def split_dataset(data: Dataset, test_ratio: float, seed: int) -> tuple[Dataset, Dataset | None]:
    """``(train, test)``: the last ``n_test`` samples of a seeded permutation held out (see
    docs/CONTRACTS.md), the rest in their original order; ``test`` None when the ratio is 0."""
    n = data.n_samples
    if not test_ratio or n < 3:
        return data, None
    n_test = min(max(round(n * test_ratio), 1), n - 2)
    held = np.zeros(n, dtype=bool)
    held[np.random.RandomState(seed).permutation(n)[n - n_test :]] = True

    def part(mask: np.ndarray, suffix: str) -> Dataset:
        return Dataset(
            f"{data.name} ({suffix})",
            data.X[mask],
            data.y[mask],
            task=data.task,
            feature_names=data.feature_names,
            notes=data.notes,
        )

    return part(~held, "training"), part(held, "test")


#: the settings a document keeps: TrainConfig's fields of the same names
SETTINGS_FIELDS = tuple(f.name for f in fields(TrainSettings))


def config_of(settings: TrainSettings) -> TrainConfig:
    """The Trainer's config of a document's settings (checked there: ``ConfigError``)."""
    return TrainConfig(**{name: getattr(settings, name) for name in SETTINGS_FIELDS})


def settings_of(config: TrainConfig) -> TrainSettings:
    """A TrainConfig's fields that a document keeps (the MLP's shape is the graph's)."""
    return TrainSettings(**{name: getattr(config, name) for name in SETTINGS_FIELDS})


class DocumentRun:
    """One run of a document (see the module docstring and docs/CONTRACTS.md)."""

    def __init__(
        self,
        doc: Document,
        state: TrainingState | None = None,
        features: Sequence[str] | None = None,
        prediction: str | None = None,
        name: str | None = None,
    ) -> None:
        self.base_state = doc.training if state is None else state
        self.model: DocumentModel = compile_document(doc, features, prediction)
        self.settings = self.base_state.settings
        config = config_of(self.settings)
        data = dataset_from_state(self.base_state)
        m = len(self.model.features)
        self.notes: list[str] = []
        if m > data.n_inputs:
            raise ModelError(
                f"the document has {m} features but its dataset only {data.n_inputs} "
                "feature columns: mark fewer inputs as features, or choose other data"
            )
        if m < data.n_inputs:
            self.notes.append(
                f"the dataset has {data.n_inputs} feature columns; the document's {m} "
                f"features take the first {m}, the others are unused"
            )
            data = Dataset(
                data.name, data.X[:, :m], data.y, data.task, data.feature_names[:m], data.notes
            )
        self.dataset = data
        train, test = split_dataset(data, self.base_state.test_ratio, self.settings.seed)
        self.initial = self.model.initial_params()
        self.parent = _parent(self.base_state, self.model, self.initial)
        self.name = name if name is not None else f"run {len(self.base_state.runs) + 1}"
        self._log = CheckpointLog(len(self.model.params))
        self.trainer = Trainer(
            config,
            train,
            engine_factory=lambda _data: self.model.engine(config.loss, config.l2),
            test_set=test,
        )

    def run(
        self,
        steps: int | None = None,
        callback: Callable[[Record], object] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Record]:
        """``Trainer.run``, each step's parameters kept for the timeline."""
        trainer, log = self.trainer, self._log

        def after(record: Record) -> None:
            log.add(record["step"] + 1, trainer.engine.params())
            if callback is not None:
                callback(record)

        return trainer.run(steps, after, should_stop)

    def cancel(self) -> None:
        self.trainer.cancel()

    def reset(self) -> None:
        """Back to step 0: the initial parameters, no history, no checkpoints."""
        self.trainer.reset()
        self._log = CheckpointLog(len(self.model.params))

    def values(self) -> dict[str, float]:
        """The parameters now, by node id."""
        now = self.trainer.snapshot().params
        return {nid: float(x) for nid, x in zip(self.model.params, now)}

    def record(self) -> RunRecord:
        """The run so far, as the file keeps it."""
        steps, checkpoints = self._log.arrays()
        loss, accuracy, test = history_arrays(self.trainer.history, self.trainer.test_set)
        return RunRecord(
            name=self.name,
            params=self.model.params,
            initial=self.initial,
            settings=self.settings,
            parent=self.parent,
            features=self.model.features,
            prediction=self.model.prediction,
            checkpoint_steps=steps,
            checkpoints=checkpoints,
            loss=loss,
            accuracy=accuracy,
            test_loss=test,
        )

    def state(self) -> TrainingState:
        """The training state with this run appended, the position at its last step; past
        ``MAX_RUNS`` the oldest runs are dropped (a parent among them is forgotten)."""
        state, record = self.base_state, self.record()
        while len(state.runs) >= MAX_RUNS:
            state = delete_run(state, 0)
            record = record.replace(parent=_renumbered(record.parent, 0))
        runs = (*state.runs, record)
        return state.replace(runs=runs, position=(len(runs) - 1, record.steps))


def history_arrays(
    history: Sequence[Record], test_set: Dataset | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A trainer's records as a run keeps them: loss, accuracy (NaN for regression) and the
    test loss (empty without a test set)."""
    loss = np.array([r["loss"] for r in history], dtype=np.float64)
    acc = [math.nan if r["accuracy"] is None else r["accuracy"] for r in history]
    test = [r["test_loss"] for r in history] if test_set is not None else []
    return loss, np.array(acc, dtype=np.float32), np.array(test, dtype=np.float64)


def delete_run(state: TrainingState, index: int) -> TrainingState:
    """The state without run ``index``: later runs move up one place, a branch of the deleted
    run loses its parent (it keeps its own initial parameters, so it still replays), and a
    position on the deleted run is cleared."""
    if not 0 <= index < len(state.runs):
        return state
    runs = tuple(
        run.replace(parent=_renumbered(run.parent, index))
        if _renumbered(run.parent, index) != run.parent
        else run
        for i, run in enumerate(state.runs)
        if i != index
    )
    position = _renumbered(state.position, index)
    return state.replace(runs=runs, position=position)


def _renumbered(ref: tuple[int, int] | None, removed: int) -> tuple[int, int] | None:
    """A ``(run, step)`` reference once run ``removed`` is gone: None if it pointed there,
    one place earlier if it pointed past it."""
    if ref is None or ref[0] == removed:
        return None
    return (ref[0] - 1, ref[1]) if ref[0] > removed else ref


def _parent(state: TrainingState, model: DocumentModel, now: np.ndarray) -> tuple[int, int] | None:
    """The saved position, if the document's parameters are still exactly there."""
    if state.position is None:
        return None
    index, step = state.position
    run = state.runs[index]
    kept = run.params_at(step)
    if kept is None or set(run.params) != set(model.params):
        return None
    where = {nid: i for i, nid in enumerate(run.params)}  # (a run may list them in any order)
    if not np.array_equal(kept[[where[nid] for nid in model.params]], now):
        return None
    return state.position


def train_document(
    doc: Document,
    state: TrainingState | None = None,
    features: Sequence[str] | None = None,
    prediction: str | None = None,
    callback: Callable[[Record], object] | None = None,
) -> tuple[dict[str, float], TrainingState]:
    """A whole run: ``(new parameter values, new training state)`` for ``doc.set_values``
    and ``doc.set_training``."""
    run = DocumentRun(doc, state, features, prediction)
    run.run(callback=callback)
    return run.values(), run.state()
