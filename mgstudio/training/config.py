"""``TrainConfig``: every setting of a training run, validated in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from mgstudio.engine.nn import ACTIVATIONS

from .datasets import DATASETS, MAX_SAMPLES
from .errors import ConfigError
from .losses import check_loss

MAX_LAYERS = 8
MAX_WIDTH = 256
MAX_STEPS = 1_000_000
ENGINES = ("auto", "tape", "scalar")


@dataclass(frozen=True)
class TrainConfig:
    """A training run. ``lr_final`` None keeps the rate constant; otherwise it decays linearly
    from ``lr`` toward ``lr_final`` over ``steps`` (micrograd's demo schedule).
    ``final_activation`` None means the MLP's default (linear after relu, else the same)."""

    dataset: str = "moons"
    samples: int = 100
    noise: float = 0.1
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    final_activation: str | None = None
    loss: str = "hinge"
    l2: float = 0.0
    lr: float = 1.0
    lr_final: float | None = None
    steps: int = 100
    batch_size: int | None = None
    seed: int = 1337
    zero_grad: bool = True
    engine: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if self.dataset not in DATASETS:
            raise ConfigError(
                f"unknown dataset {self.dataset!r}; choose one of {', '.join(DATASETS)}"
            )
        _whole("samples", self.samples, 2, MAX_SAMPLES)
        _finite("noise", self.noise, 0.0, allow_zero=True)
        if len(self.hidden) > MAX_LAYERS:
            raise ConfigError(f"at most {MAX_LAYERS} hidden layers, not {len(self.hidden)}")
        for width in self.hidden:
            _whole("a hidden layer's width", width, 1, MAX_WIDTH)
        for name in (self.activation, self.final_activation):
            if name is not None and name not in ACTIVATIONS:
                raise ConfigError(
                    f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
                )
        check_loss(self.loss)
        _finite("the L2 strength", self.l2, 0.0, allow_zero=True)
        _finite("the learning rate", self.lr, 0.0)
        if self.lr_final is not None:
            _finite("the final learning rate", self.lr_final, 0.0)
        _whole("steps", self.steps, 0, MAX_STEPS)
        if self.batch_size is not None:
            _whole("the batch size", self.batch_size, 1, MAX_SAMPLES)
        _whole("the seed", self.seed, 0, 2**32 - 1)
        if self.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")

    def replace(self, **changes: Any) -> TrainConfig:
        return replace(self, **changes)


def _whole(what: str, x: object, lo: int, hi: int) -> None:
    if isinstance(x, bool) or not isinstance(x, int):
        raise ConfigError(f"{what} must be a whole number, not {x!r}")
    if not lo <= x <= hi:
        raise ConfigError(f"{what} must be between {lo} and {hi}, not {x}")


def _finite(what: str, x: object, lo: float, allow_zero: bool = False) -> None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ConfigError(f"{what} must be a number, not {x!r}")
    ok = math.isfinite(x) and (x >= lo if allow_zero else x > lo)
    if not ok:
        sign = ">=" if allow_zero else ">"
        raise ConfigError(f"{what} must be a finite number {sign} {lo:g}, not {x}")
