"""Plain SGD pieces: the learning-rate schedule and micrograd's inline mini-batch sampler."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import ConfigError


@dataclass(frozen=True)
class LearningRate:
    """``start`` constant, or decaying linearly from ``start`` toward ``final`` over ``steps``.

    The decay is micrograd demo's ``1.0 - 0.9*k/100`` written as
    ``start - (start - final) * k / steps`` (the same float operations in the same order), so
    step ``steps - 1`` uses ``start - (start - final) * (steps - 1) / steps``; past ``steps`` it
    stays at ``final``.
    """

    start: float
    final: float | None = None
    steps: int = 1

    def __post_init__(self) -> None:
        for name, x in (("learning rate", self.start), ("final learning rate", self.final)):
            if x is not None and (not math.isfinite(x) or x <= 0):
                raise ConfigError(f"the {name} must be a finite number > 0, not {x}")
        if self.final is not None and self.steps < 1:
            raise ConfigError("a decaying learning rate needs at least 1 step")

    def __call__(self, k: int) -> float:
        if self.final is None:
            return float(self.start)
        if k >= self.steps:
            return float(self.final)
        return self.start - (self.start - self.final) * k / self.steps


def minibatch(
    n_samples: int,
    batch_size: int | None,
    rng: np.random.RandomState | np.random.Generator | None = None,
) -> np.ndarray | None:
    """Indices of a random batch, drawn as micrograd's demo draws them
    (``np.random.permutation(n)[:batch_size]``); None means the whole dataset."""
    if batch_size is None:
        return None  # a batch as large as the data is still drawn: it reorders, as micrograd
    order = np.random.permutation(n_samples) if rng is None else rng.permutation(n_samples)
    return order[:batch_size]


def sgd_update(params: np.ndarray, grads: np.ndarray, lr: float) -> None:
    """``p -= lr * grad`` in place, as micrograd's loop does per Value."""
    params -= lr * grads
