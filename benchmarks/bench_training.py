"""One SGD step of micrograd's demo (moons 100, MLP(2, [16, 16, 1]) relu, hinge + 1e-4 L2):
mgstudio's Trainer on the tape vs the PyPI ``micrograd`` package vs hand-written numpy matmuls.

Run: ``.venv/bin/python benchmarks/bench_training.py [--micrograd-steps N]``.
Goals: the tape >= 1000x faster than micrograd, and at most 10x slower than plain numpy.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mgstudio.training import Trainer, preset  # noqa: E402
from mgstudio.training.datasets import moons  # noqa: E402

CONFIG = preset("micrograd-demo", engine="tape")


def time_tape(runs: int = 7) -> tuple[float, list[float]]:
    """Best ms/step over ``runs`` full 100-step runs of the preset (reset between runs)."""
    trainer = Trainer(CONFIG)
    trainer.run()  # warm-up: caches, buffers
    best = float("inf")
    losses: list[float] = []
    for _ in range(runs):
        trainer.reset()
        start = time.perf_counter()
        history = trainer.run()
        best = min(best, (time.perf_counter() - start) / len(history))
        losses = [r["loss"] for r in history]
    return best * 1e3, losses


def time_micrograd(steps: int) -> float:
    """Median ms of the notebook's step: forward, zero_grad, backward, update."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    np.random.seed(CONFIG.seed)
    random.seed(CONFIG.seed)
    ds = moons(CONFIG.samples, CONFIG.noise)
    X, y = ds.X, ds.y.astype(int)
    model = MLP(2, list(CONFIG.hidden) + [1])
    times = []
    for k in range(steps):
        start = time.perf_counter()
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + CONFIG.l2 * sum(
            p * p for p in model.parameters()
        )
        _ = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        times.append(time.perf_counter() - start)
        del inputs, scores, losses, total
    return statistics.median(times) * 1e3


class NumpyMLP:
    """The same MLP step with matrices: parameters in micrograd's order in one flat vector,
    each layer a (nout, nin + 1) view [W | b]; relu hidden layers, linear output."""

    def __init__(self, params: np.ndarray, sizes: list[int]):
        self.P = params.copy()
        self.G = np.zeros_like(self.P)
        self.layers = []
        off = 0
        for nin, nout in zip(sizes, sizes[1:]):
            n = nout * (nin + 1)
            block = self.P[off : off + n].reshape(nout, nin + 1)
            gblock = self.G[off : off + n].reshape(nout, nin + 1)
            self.layers.append((block[:, :nin], block[:, nin], gblock[:, :nin], gblock[:, nin]))
            off += n

    def step(self, X, y, lr: float, alpha: float) -> tuple[float, float]:
        acts = [X]
        h = X
        last = len(self.layers) - 1
        for i, (W, b, _, _) in enumerate(self.layers):
            h = h @ W.T + b
            if i != last:
                h = np.maximum(h, 0.0)
            acts.append(h)
        s = h[:, 0]
        margin = 1.0 - y * s
        active = margin > 0
        loss = float(np.sum(margin[active])) / len(y) + alpha * float(self.P @ self.P)
        acc = float(np.mean((y > 0) == (s > 0)))
        d = (np.where(active, -y, 0.0) / len(y))[:, None]
        for i in range(last, -1, -1):
            W, _, gW, gb = self.layers[i]
            if i != last:
                d = d * (acts[i + 1] > 0)
            gW[...] = d.T @ acts[i]
            gb[...] = d.sum(axis=0)
            d = d @ W
        self.G += 2.0 * alpha * self.P
        self.P -= lr * self.G
        return loss, acc


def time_numpy(runs: int = 7) -> tuple[float, list[float]]:
    init = Trainer(CONFIG)
    X, y = init.dataset.X, init.dataset.y
    params = init.snapshot().params
    sizes = [X.shape[1], *CONFIG.hidden, 1]
    lrs = [1.0 - 0.9 * k / 100 for k in range(CONFIG.steps)]
    best = float("inf")
    losses: list[float] = []
    for _ in range(runs + 1):
        net = NumpyMLP(params, sizes)
        start = time.perf_counter()
        losses = [net.step(X, y, lr, CONFIG.l2)[0] for lr in lrs]
        best = min(best, (time.perf_counter() - start) / len(lrs))
    return best * 1e3, losses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--micrograd-steps",
        type=int,
        default=3,
        help="steps of PyPI micrograd to time (each takes seconds)",
    )
    args = parser.parse_args(argv)

    tape_ms, tape_losses = time_tape()
    numpy_ms, numpy_losses = time_numpy()
    agree = max(abs(a - b) for a, b in zip(tape_losses, numpy_losses))
    print(
        "micrograd demo step: moons(100, noise 0.1), MLP(2, [16, 16, 1]) relu, hinge + 1e-4 L2, SGD"
    )
    print(
        f"tape (Trainer.step):  {tape_ms:.3f} ms/step   (best of 7 runs of 100 steps; step 99 "
        f"loss {tape_losses[-1]:.12f})"
    )
    print(
        f"numpy matmul MLP:     {numpy_ms:.3f} ms/step   (same step by hand; its losses "
        f"agree with the tape's to {agree:.1e})"
    )
    try:
        mg_ms = time_micrograd(args.micrograd_steps)
    except ImportError:
        print("PyPI micrograd:       not installed (pip install micrograd==0.1.0)")
        mg_ms = None
    else:
        print(f"PyPI micrograd 0.1.0: {mg_ms:.1f} ms/step (median of {args.micrograd_steps} steps)")
    if mg_ms is not None:
        print(f"tape vs micrograd:    {mg_ms / tape_ms:.0f}x faster (goal >= 1000x)")
    print(f"tape vs numpy:        {tape_ms / numpy_ms:.1f}x slower (limit 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
