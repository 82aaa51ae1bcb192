"""What a run reports besides its loss, decided by the task of its dataset.

Classification (targets ±1): accuracy, the share of samples whose score has the target's sign.
Regression (any other targets): accuracy means nothing there (a sign agreeing with a target of
1.9e5 is not "correct"), so it is ``None`` and the root-mean-square error, in the targets' own
units, is reported instead. The GUI, ``mgstudio train`` and its ``--json`` all read this.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .datasets import CLASSIFICATION, REGRESSION
from .errors import ConfigError
from .losses import accuracy

#: the loss a task trains with unless the learner picks another
DEFAULT_LOSS = {CLASSIFICATION: "hinge", REGRESSION: "mse"}


def default_loss(task: str) -> str:
    return DEFAULT_LOSS.get(task, "hinge")


def check_loss_for_task(loss: str, task: str) -> None:
    """Hinge compares signs with ±1 classes; on regression targets it trains nothing useful."""
    if task == REGRESSION and loss == "hinge":
        raise ConfigError(
            "the hinge loss is for classes (targets -1/+1 or 0/1); this dataset "
            "has other targets (regression): use mse or mse-sum"
        )


def rmse(scores: ArrayLike, y: ArrayLike) -> float:
    """sqrt(mean((score - y)²)), scaled so huge targets do not overflow the squares."""
    d = np.asarray(scores, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    if d.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        m = float(np.max(np.abs(d)))
        if not math.isfinite(m) or m == 0.0:
            return m
        return m * math.sqrt(float(np.mean((d / m) ** 2)))


def metrics(task: str, scores: ArrayLike, y: ArrayLike) -> dict[str, float | None]:
    """``{"accuracy": fraction or None, ...}`` for one evaluation of the model."""
    if task == REGRESSION:
        return {"accuracy": None, "rmse": rmse(scores, y)}
    return {"accuracy": float(accuracy(scores, y))}


def describe(record: Mapping[str, Any]) -> str:
    """The metrics of a record in words: ``accuracy 75.0%`` or ``rmse 12.5``."""
    if record.get("accuracy") is not None:
        return f"accuracy {record['accuracy'] * 100:.1f}%"
    if record.get("rmse") is not None:
        return f"rmse {record['rmse']:.6g}"
    return ""


def loss_words(n_samples: int, batch_size: int | None) -> str:
    """'loss' with what it is taken over, to tell it from one sample's loss on the canvas."""
    if batch_size is not None and batch_size < n_samples:
        return f"loss (batch of {batch_size})"
    return f"loss (all {n_samples} samples)"
