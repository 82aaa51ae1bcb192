"""``Trainer``: an MLP, a dataset, a loss and SGD, advanced one step at a time.

Made to be driven from a worker thread: ``step()`` and ``run()`` return plain numbers,
``cancel()`` (thread-safe) or ``should_stop`` ends a run between steps, ``predict_grid`` gives
decision-boundary scores and ``snapshot()`` a copy of the parameters. The model's ``Value``s
are brought up to date when ``trainer.model`` is read (cheap), so the app can show them.

Seeding is micrograd demo's: ``np.random.seed(seed); random.seed(seed)``, then the data, then
the model (``random.uniform`` per weight), so a seed gives the same run as PyPI micrograd.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike

from mgstudio.engine import MLP

from .config import TrainConfig
from .datasets import Dataset, make_dataset
from .engines import Engine, ScalarEngine, TapeEngine
from .errors import TrainingDiverged, TrainingError
from .losses import array_loss
from .metrics import check_loss_for_task, metrics
from .optim import LearningRate, minibatch

# Divergence is judged against the run's own start (issue 11.12): a loss this many times the
# first one (and above 1), or inf/nan. No absolute ceiling: regression targets of 1000 start
# with losses of 1e6 and more, and that is the data, not the learning rate.
MAX_GROWTH = 1e3

# np.random/random are process-global: seeding and drawing the model must not interleave
# between two trainers set up on different threads.
_SEED_LOCK = threading.Lock()

#: one step's numbers: ``{"step", "loss", "accuracy", "lr"}`` (+ ``rmse`` for regression,
#: + ``test_loss`` with a test set)
Record = dict[str, Any]
#: makes the engine of a model that is not the settings' MLP (a document: its parameters
#: are its own, so the trainer draws no weights), given the training data
EngineFactory = Callable[[Dataset], Engine]


@dataclass(frozen=True)
class Snapshot:
    """A copy of the parameters (and their grads) after ``step`` steps."""

    step: int
    params: np.ndarray
    grads: np.ndarray


class Trainer:
    """Train ``MLP(n_inputs, [*hidden, 1])`` on a dataset, or the model an
    ``engine_factory`` makes (a document); see the module docstring. With ``test_set`` each
    record carries ``test_loss``: the loss function (without L2) on those samples, for the
    same parameters as ``loss``."""

    def __init__(
        self,
        config: TrainConfig | None = None,
        dataset: Dataset | None = None,
        *,
        engine_factory: EngineFactory | None = None,
        test_set: Dataset | None = None,
    ):
        self.config = config if config is not None else TrainConfig()
        self._given_dataset = dataset
        self._engine_factory = engine_factory
        self.test_set = test_set
        self._lock = threading.RLock()
        self._cancel = threading.Event()
        self.reset()

    # --- set-up -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to step 0: same seed, same data, same initial weights, empty history."""
        cfg = self.config
        with self._lock:
            with _SEED_LOCK:
                np.random.seed(cfg.seed)
                random.seed(cfg.seed)
                if self._given_dataset is not None:
                    self.dataset = self._given_dataset
                else:
                    self.dataset = make_dataset(cfg.dataset, cfg.samples, cfg.noise)
                check_loss_for_task(cfg.loss, self.dataset.task)
                model = None
                if self._engine_factory is None:
                    model = MLP(
                        self.dataset.n_inputs,
                        [*cfg.hidden, 1],
                        activation=cfg.activation,
                        final_activation=cfg.final_activation,
                    )
                # later mini-batches continue the seeded stream, as in micrograd's notebook,
                # but privately: other users of np.random cannot shift this run
                self._rng = np.random.RandomState()
                self._rng.set_state(np.random.get_state())
            self._model = model
            if model is None:
                assert self._engine_factory is not None
                self._engine = self._engine_factory(self.dataset)
            else:
                self._engine = self._make_engine(model)
            self._schedule = LearningRate(cfg.lr, cfg.lr_final, max(cfg.steps, 1))
            self.history: list[Record] = []
            self.step_count = 0
            self.diverged: str | None = None
            self._first_loss: float | None = None
            self._cancel.clear()

    def _make_engine(self, model: MLP) -> Engine:
        cfg = self.config
        engine = cfg.engine
        if engine in ("auto", "tape"):  # the tape is part of the engine: always there
            return TapeEngine(model, cfg.loss, cfg.l2, self.dataset.n_inputs)
        return ScalarEngine(model, cfg.loss, cfg.l2)

    @property
    def task(self) -> str:
        """``classification`` or ``regression``: which metrics the records carry."""
        return self.dataset.task

    @property
    def engine_name(self) -> str:
        return self._engine.name

    @property
    def model(self) -> MLP:
        """The MLP, its parameters' ``.data``/``.grad`` brought up to date."""
        with self._lock:
            if self._model is None:
                raise TrainingError("this trainer trains a document, not the settings' MLP")
            self._engine.sync_model()
            return self._model

    @property
    def engine(self) -> Engine:
        """The engine computing the steps (a document's run reads its parameters here)."""
        return self._engine

    @property
    def done(self) -> bool:
        return self.step_count >= self.config.steps

    @property
    def learning_rate(self) -> float:
        """The rate the next step will use."""
        return self._schedule(self.step_count)

    # --- training -----------------------------------------------------------------------------
    def step(self) -> Record:
        """One SGD step; returns and records ``{"step", "loss", "accuracy", "lr"}`` (the loss
        and accuracy are measured before the update, as micrograd's demo prints them). For a
        regression dataset ``accuracy`` is None and ``rmse`` is added (see ``metrics``)."""
        with self._lock:
            if self.diverged is not None:
                raise TrainingDiverged(self.diverged, self.step_count, math.nan)
            cfg = self.config
            k = self.step_count
            X, y = self.dataset.X, self.dataset.y
            idx = minibatch(X.shape[0], cfg.batch_size, self._rng)
            if idx is not None:
                X, y = X[idx], y[idx]
            lr = self._schedule(k)
            loss, scores, finish = self._engine.step(X, y, lr, cfg.zero_grad)
            self._check_loss(k, loss, lr)
            measured = metrics(self.dataset.task, scores, y)
            if self.test_set is not None:  # before the update, as the loss
                measured["test_loss"] = self._test_loss()
            finish()
            if not np.all(np.isfinite(self._engine.params())):
                self._fail(k, loss, self._update_failed(k, lr))
            record = {"step": k, "loss": float(loss), **measured, "lr": float(lr)}
            self.history.append(record)
            self.step_count = k + 1
            return record

    def _check_loss(self, k: int, loss: float, lr: float) -> None:
        if self._first_loss is None:
            if not math.isfinite(loss):
                # measured before any update: the data or the initial weights, not the rate
                self._fail(
                    k,
                    loss,
                    f"training cannot start: the loss of the initial weights "
                    f"is already {loss} (before any update, so not the learning rate). "
                    "The inputs or targets are too large for the model: scale them "
                    "down.",
                )
            self._first_loss = loss
            return
        if not math.isfinite(loss):
            self._fail(
                k, loss, f"training diverged at step {k}: the loss became {loss}. {_advice(lr)}"
            )
        if loss > 1.0 and loss > MAX_GROWTH * self._first_loss:
            self._fail(
                k,
                loss,
                f"training diverged at step {k}: the loss grew from "
                f"{self._first_loss:.3g} to {loss:.3g}. {_advice(lr)}",
            )

    def _update_failed(self, k: int, lr: float) -> str:
        if not np.all(np.isfinite(self._engine.grads())):
            # the gradient itself overflowed: no learning rate makes that update finite
            return (
                f"training stopped at step {k}: the gradients became inf/nan (before the "
                "learning rate was applied, so it is not the cause). The inputs or "
                "targets are too large for the model: scale them down."
            )
        return (
            f"training diverged at step {k}: the update made the parameters inf/nan. {_advice(lr)}"
        )

    def _fail(self, k: int, loss: float, message: str) -> NoReturn:
        self.diverged = message
        raise TrainingDiverged(message, k, loss)

    def _test_loss(self) -> float:
        test = self.test_set
        assert test is not None
        with np.errstate(all="ignore"):
            loss, _ = array_loss(self.config.loss, self._engine.predict(test.X), test.y)
        return float(loss)

    def evaluate(self) -> Record:
        """Loss and metrics of the current parameters on the whole dataset (no update)."""
        with self._lock:
            data = self.dataset
            loss, scores, _ = self._engine.step(data.X, data.y, 0.0, True)
            return {
                "step": self.step_count,
                "loss": float(loss),
                **metrics(data.task, scores, data.y),
            }

    def run(
        self,
        steps: int | None = None,
        callback: Callable[[Record], object] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Record]:
        """Run ``steps`` more steps (default: up to ``config.steps``); ``callback(record)`` after
        each; stops early when ``should_stop()`` is true or ``cancel()`` was called. Returns the
        new records. Raises ``TrainingDiverged`` (the records so far stay in ``history``)."""
        if steps is None:
            steps = max(self.config.steps - self.step_count, 0)
        self._cancel.clear()
        new: list[Record] = []
        for _ in range(steps):
            if self._cancel.is_set() or (should_stop is not None and should_stop()):
                break
            record = self.step()
            new.append(record)
            if callback is not None:
                callback(record)
        return new

    def records_since(self, index: int) -> list[Record]:
        """``history[index:]`` copied under the lock: for a GUI polling a worker's run."""
        with self._lock:
            return [dict(r) for r in self.history[index:]]

    def cancel(self) -> None:
        """Ask a running ``run()`` to stop after the current step (safe from any thread)."""
        self._cancel.set()

    # --- reading the model --------------------------------------------------------------------
    def predict(self, X: ArrayLike) -> np.ndarray:
        """The model's scores for the rows of ``X`` (n, n_inputs)."""
        rows = np.asarray(X, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != self.dataset.n_inputs:
            raise ValueError(f"X must have shape (n, {self.dataset.n_inputs}), not {rows.shape}")
        with self._lock:
            return self._engine.predict(rows)

    def predict_grid(self, xx: ArrayLike, yy: ArrayLike) -> np.ndarray:
        """Scores on a 2-D grid (``np.meshgrid`` arrays), shaped like ``xx``: for contour
        plots of the decision boundary. Needs a 2-input dataset."""
        gx = np.asarray(xx, dtype=np.float64)
        gy = np.asarray(yy, dtype=np.float64)
        if self.dataset.n_inputs != 2:
            raise ValueError(
                f"a decision grid needs 2 inputs; this dataset has {self.dataset.n_inputs}"
            )
        if gx.shape != gy.shape:
            raise ValueError(f"xx and yy must have the same shape, not {gx.shape}/{gy.shape}")
        scores = self.predict(np.column_stack([gx.ravel(), gy.ravel()]))
        return scores.reshape(gx.shape)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self.step_count, self._engine.params(), self._engine.grads())

    def restore(self, snap: Snapshot) -> None:
        """Put back a snapshot's parameters and grads (the history is left as it is)."""
        with self._lock:
            self._engine.load(snap.params, snap.grads)
            self.step_count = snap.step
            self.diverged = None

    def parameter_names(self) -> list[str]:
        """``L1.N1.w1``, ..., ``L1.N1.b``, ... in ``model.parameters()`` order."""
        return parameter_names(self.model)


def parameter_names(model: MLP) -> list[str]:
    """``L<layer>.N<neuron>.w<i>`` and ``...b`` for each parameter, in ``parameters()`` order."""
    names: list[str] = []
    for li, layer in enumerate(model.layers, start=1):
        for ni, neuron in enumerate(layer.neurons, start=1):
            names += [f"L{li}.N{ni}.w{wi}" for wi in range(1, len(neuron.w) + 1)]
            names.append(f"L{li}.N{ni}.b")
    return names


def _advice(lr: float) -> str:
    return f"Try a smaller learning rate (this step used {lr:g})."
