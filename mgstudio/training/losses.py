"""Losses, twice: as ``Value`` graphs (micrograd's exact expressions, the reference) and on numpy
arrays of per-sample scores with their gradient (the fast path behind the tape).

* ``mse-sum``: the lecture's ``sum((yout - ygt)**2)``
* ``mse``: the same divided by the number of samples
* ``hinge``: micrograd's demo, ``mean(relu(1 - y*score))``

An optional L2 term ``alpha * sum(p*p)`` over the parameters is added to any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from mgstudio.engine import Value

from .errors import ConfigError

LOSSES = ("hinge", "mse", "mse-sum")

#: each loss over PyTorch tensors ``scores`` and ``y`` (B,), as the torch-module export
#: writes it: the same operations as ``array_loss`` (a test holds every loss to one)
TORCH_LOSSES = {
    "hinge": "torch.relu(1.0 - y * scores).sum() * (1.0 / len(y))",
    "mse": "((scores - y) ** 2).sum() * (1.0 / len(y))",
    "mse-sum": "((scores - y) ** 2).sum()",
}
#: the L2 term over the module's parameters (``alpha * sum(p*p)``, as ``l2_penalty``)
TORCH_L2 = "{alpha!r} * sum((p * p).sum() for p in net.parameters())"


def check_loss(name: str) -> str:
    if name not in LOSSES:
        raise ConfigError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return name


# --- Value graphs ---------------------------------------------------------------------------
def value_loss(
    name: str,
    scores: list[Value],
    ys: Iterable[float],
    params: Iterable[Value] = (),
    alpha: float = 0.0,
) -> Value:
    """The loss as one ``Value`` graph, written as the lecture and micrograd's demo write it
    (same operations in the same order, so the numbers match theirs)."""
    check_loss(name)
    targets = [float(y) for y in ys]
    total: Value
    if name == "hinge":
        losses = [(1 + -yi * si).relu() for yi, si in zip(targets, scores)]
        total = _sum(losses) * (1.0 / len(losses))
    else:
        total = _sum((si - yi) ** 2 for yi, si in zip(targets, scores))
        if name == "mse":
            total = total * (1.0 / len(scores))
    if alpha:
        total = total + alpha * _sum(p * p for p in params)
    return total


def _sum(values: Iterable[Value]) -> Value:
    """Python's ``sum``, as micrograd's code writes it (``0 +`` the first Value gives a Value)."""
    return cast(Value, sum(values))


# --- numpy ----------------------------------------------------------------------------------
def array_loss(name: str, scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """``(loss, dloss/dscores)`` for per-sample ``scores`` (B,) and targets ``y`` (B,)."""
    check_loss(name)
    n = scores.shape[0]
    if name == "hinge":
        margin = 1.0 - y * scores
        active = margin > 0
        loss = float(margin[active].sum()) * (1.0 / n)
        dscores = np.where(active, -y, 0.0) * (1.0 / n)
        return loss, dscores
    diff = scores - y
    scale = 1.0 if name == "mse-sum" else 1.0 / n
    return float(np.sum(diff * diff)) * scale, 2.0 * diff * scale


def l2_penalty(params: np.ndarray, alpha: float) -> tuple[float, np.ndarray]:
    """``(alpha * sum(p*p), its gradient)``."""
    if not alpha:
        return 0.0, np.zeros_like(params)
    return alpha * float(np.dot(params, params)), 2.0 * alpha * params


def accuracy(scores: ArrayLike, y: ArrayLike) -> float:
    """The fraction of samples whose score has the target's sign (micrograd's demo)."""
    s = np.asarray(scores, dtype=np.float64)
    t = np.asarray(y, dtype=np.float64)
    return int(np.count_nonzero((t > 0) == (s > 0))) / len(t)
