"""What a document keeps of its training: the dataset, the settings and the runs (Qt-free).

The document owns one ``TrainingState`` (``Document.training``, replaced whole by
``set_training``, which returns the old one: an undo step holds two of these). Everything
here is immutable: the numpy arrays are made read-only, so a state an undo command holds can
never change behind its back. The file fields are written and checked by
``training_format``; the maths (which generator, which loss, the split, the run) is
``mgstudio.training``'s, which this layer cannot import: names such as a generator's or a
loss's are checked here only as short text, and by the trainer when it runs.

A run's vectors hold the values of the run's ``params`` (node ids, in that order) at step 0
(``initial``) and after ``checkpoint_steps[i]`` updates (``checkpoints[i]``); ``loss[k]`` is
the loss of the parameters before step k's update (as micrograd's demo prints it), so a run
of ``steps`` steps has ``steps`` history entries and its last checkpoint (if any) is at
``steps``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

__all__ = [
    "GeneratedData",
    "RunRecord",
    "TableData",
    "TrainSettings",
    "TrainingState",
    "frozen_array",
]


def frozen_array(values: Any, dtype: Any, ndim: int = 1) -> np.ndarray:
    """A read-only copy of ``values`` as a C-ordered array of ``dtype`` and ``ndim`` dims."""
    arr = np.array(values, dtype=dtype, copy=True, order="C")
    if arr.ndim != ndim:
        if arr.size == 0:
            arr = arr.reshape((0,) * ndim)
        else:
            raise ValueError(f"expected a {ndim}-dimensional array, not shape {arr.shape}")
    arr.setflags(write=False)
    return arr


def _same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


@dataclass(frozen=True)
class GeneratedData:
    """A built-in generator of ``mgstudio.training.datasets`` (``moons``, ``circles``, ``xor``,
    ``spiral``, ``walkthrough``), drawn with ``n`` samples, ``noise`` and its own ``seed``."""

    name: str
    n: int = 100
    noise: float = 0.1
    seed: int = 1337


@dataclass(frozen=True, eq=False)
class TableData:
    """A table of samples: ``rows`` (n, len(columns)) float64, the last column the target."""

    columns: tuple[str, ...]
    rows: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        rows = frozen_array(self.rows, np.float64, 2)
        if rows.size == 0:  # an empty table still has its columns
            rows = frozen_array(np.zeros((0, len(self.columns))), np.float64, 2)
        if rows.shape[1] != len(self.columns):
            raise ValueError(f"{len(self.columns)} columns but rows of {rows.shape[1]} numbers")
        object.__setattr__(self, "rows", rows)

    @property
    def n_features(self) -> int:
        """The columns a feature leaf may take (all but the target)."""
        return len(self.columns) - 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TableData):
            return NotImplemented
        return self.columns == other.columns and _same_arrays(self.rows, other.rows)

    __hash__ = None  # type: ignore[assignment]


DatasetSpec = GeneratedData | TableData


@dataclass(frozen=True)
class TrainSettings:
    """The settings of a document's training, named as ``training.config.TrainConfig``'s."""

    loss: str = "mse"
    l2: float = 0.0
    lr: float = 0.1
    lr_final: float | None = None
    steps: int = 100
    batch_size: int | None = None
    seed: int = 1337
    zero_grad: bool = True

    def replace(self, **changes: Any) -> TrainSettings:
        return replace(self, **changes)


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One training run (see the module docstring)."""

    name: str
    #: parameter node ids, the order of every vector below
    params: tuple[str, ...]
    #: the parameters at step 0
    initial: np.ndarray
    #: the settings it ran with
    settings: TrainSettings = field(default_factory=TrainSettings)
    #: (run index, step) it continued from, or None for a run from its own initial values
    parent: tuple[int, int] | None = None
    #: the feature leaves (node ids) in column order, and the prediction node, it trained
    features: tuple[str, ...] = ()
    prediction: str | None = None
    #: steps (ascending, 1..steps) whose parameters are kept, and those parameters (K, P)
    checkpoint_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    checkpoints: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: per step: the training loss (float64), accuracy (float32, NaN for regression) and
    #: the test loss (float64; empty when the run had no test split)
    loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    test_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        s = object.__setattr__
        s(self, "params", tuple(self.params))
        s(self, "features", tuple(self.features))
        p = len(self.params)
        s(self, "initial", frozen_array(self.initial, np.float64))
        s(self, "checkpoint_steps", frozen_array(self.checkpoint_steps, np.int64))
        cps = frozen_array(self.checkpoints, np.float64, 2)
        if cps.size == 0:
            cps = frozen_array(np.zeros((len(self.checkpoint_steps), p)), np.float64, 2)
        s(self, "checkpoints", cps)
        s(self, "loss", frozen_array(self.loss, np.float64))
        s(self, "accuracy", frozen_array(self.accuracy, np.float32))
        s(self, "test_loss", frozen_array(self.test_loss, np.float64))
        if self.initial.shape != (p,):
            raise ValueError(f"{p} parameters but an initial vector of {self.initial.shape}")
        if self.checkpoints.shape != (len(self.checkpoint_steps), p):
            raise ValueError(
                f"{len(self.checkpoint_steps)} checkpoint steps of {p} parameters but "
                f"checkpoints of shape {self.checkpoints.shape}"
            )
        n = len(self.loss)
        if len(self.accuracy) != n or len(self.test_loss) not in (0, n):
            raise ValueError("loss, accuracy and test loss must cover the same steps")

    @property
    def steps(self) -> int:
        """How many steps the run made."""
        return len(self.loss)

    def params_at(self, step: int) -> np.ndarray | None:
        """The parameters after ``step`` updates, if kept (step 0: ``initial``)."""
        if step == 0:
            return self.initial
        i = int(np.searchsorted(self.checkpoint_steps, step))
        if i < len(self.checkpoint_steps) and self.checkpoint_steps[i] == step:
            return np.asarray(self.checkpoints[i])
        return None

    def nearest_step(self, step: int) -> int:
        """The kept step closest to ``step`` (ties: the earlier), 0 included."""
        kept = np.concatenate(([0], self.checkpoint_steps))
        return int(kept[int(np.argmin(np.abs(kept - step)))])

    def replace(self, **changes: Any) -> RunRecord:
        return replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunRecord):
            return NotImplemented
        return (
            (self.name, self.params, self.settings, self.parent, self.features, self.prediction)
            == (
                other.name,
                other.params,
                other.settings,
                other.parent,
                other.features,
                other.prediction,
            )
            and _same_arrays(self.initial, other.initial)
            and _same_arrays(self.checkpoint_steps, other.checkpoint_steps)
            and _same_arrays(self.checkpoints, other.checkpoints)
            and _same_arrays(self.loss, other.loss)
            and _same_arrays(self.accuracy, other.accuracy)
            and _same_arrays(self.test_loss, other.test_loss)
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class TrainingState:
    """The top-level ``"training"`` field: dataset, split, settings and runs."""

    #: None: no dataset chosen yet
    dataset: GeneratedData | TableData | None = None
    #: the fraction of samples held out to measure the test loss (0: none)
    test_ratio: float = 0.0
    settings: TrainSettings = field(default_factory=TrainSettings)
    runs: tuple[RunRecord, ...] = ()
    #: (run index, step) the document's parameter values are at, or None (edited since,
    #: or never trained)
    position: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", tuple(self.runs))

    def replace(self, **changes: Any) -> TrainingState:
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        """Nothing worth saving: a document with an empty state writes no training field."""
        return self == TrainingState()
