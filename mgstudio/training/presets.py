"""Named training runs: the lecture's walkthrough and micrograd's demo notebook."""

from __future__ import annotations

from typing import Any

from .config import TrainConfig
from .errors import ConfigError

PRESETS: dict[str, TrainConfig] = {
    # the lecture: MLP(3, [4, 4, 1]) of tanh neurons (the output too), sum of squared errors,
    # p.data += -0.1 * p.grad, 20 steps
    "walkthrough": TrainConfig(
        dataset="walkthrough",
        samples=4,
        noise=0.0,
        hidden=(4, 4),
        activation="tanh",
        loss="mse-sum",
        lr=0.1,
        steps=20,
    ),
    # demo.ipynb: moons(100, noise 0.1), seed 1337, MLP(2, [16, 16, 1]) relu, hinge + 1e-4 L2,
    # learning_rate = 1.0 - 0.9*k/100, 100 steps
    "micrograd-demo": TrainConfig(
        dataset="moons",
        samples=100,
        noise=0.1,
        hidden=(16, 16),
        activation="relu",
        loss="hinge",
        l2=1e-4,
        lr=1.0,
        lr_final=0.1,
        steps=100,
        seed=1337,
    ),
}


def preset(name: str, **changes: Any) -> TrainConfig:
    """The preset's config, with any field changed."""
    try:
        cfg = PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None
    return cfg.replace(**changes) if changes else cfg
