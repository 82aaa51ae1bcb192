"""The errors training can raise, each with a message a learner can act on."""

from __future__ import annotations


class TrainingError(Exception):
    """Base class of every error raised by ``mgstudio.training``."""


class DatasetError(TrainingError):
    """A dataset could not be made or read (bad CSV, bad size, unknown name)."""


class ConfigError(TrainingError, ValueError):
    """A training setting is out of range or unknown."""


class TrainingDiverged(TrainingError):
    """The loss became nan/inf or exploded; the run stopped before applying the update."""

    def __init__(self, message: str, step: int, loss: float):
        super().__init__(message)
        self.step = step
        self.loss = loss
