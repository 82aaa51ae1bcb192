"""micrograd's demo data and loss, shared by the benchmarks.

``make_moons`` follows scikit-learn's algorithm on numpy's global RNG (half circles from
``linspace``, indices shuffled with ``np.random.shuffle``, then Gaussian noise), so with
``np.random.seed(1337)`` it gives the exact points of micrograd's ``demo.ipynb``.
"""

from __future__ import annotations

import numpy as np


def make_moons(n_samples: int = 100, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles; labels are -1/+1 as in micrograd's demo."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack(
        [
            np.append(np.cos(t_out), 1 - np.cos(t_in)),
            np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5),
        ]
    ).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    np.random.shuffle(order)
    X, y = X[order], y[order]
    X = X + np.random.normal(scale=noise, size=X.shape)
    return X, y * 2 - 1


def demo_loss(model, X, y, value_cls):
    """The demo's full-batch loss: mean hinge loss plus ``1e-4 * sum(p*p)``."""
    inputs = [list(map(value_cls, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss
