"""The engine against PyPI micrograd on micrograd's own demo step, from one run:

    .venv/bin/python benchmarks/bench_engine.py

The step: 100 moons samples (noise 0.1), ``MLP(2, [16, 16, 1])``, mean hinge loss plus
``1e-4 * sum(p*p)``, one full-batch forward, ``zero_grad`` and ``backward``; seeds as in
micrograd's ``demo.ipynb``. The cyclic GC stays on, as users run it. Times are medians.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _moons import demo_loss, make_moons  # noqa: E402

import mgstudio.engine as mg  # noqa: E402

EXPECTED_LOSS = 0.8958441028683222


def demo_setup(nn_module):
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(100, noise=0.1)
    return X, y, nn_module.MLP(2, [16, 16, 1])


def time_scalar(nn_module, value_cls, repeats: int) -> tuple[float, float]:
    X, y, model = demo_setup(nn_module)
    times, loss = [], None
    for _ in range(repeats):
        loss = None  # users' loops drop the previous graph when the next loss replaces it
        t0 = time.perf_counter()
        loss = demo_loss(model, X, y, value_cls)
        model.zero_grad()
        loss.backward()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), float(loss.data)


def tape_step_setup():
    """The same step on a Tape: a per-sample graph compiled once, the batch in numpy."""
    X, y, model = demo_setup(mg)
    xs = [mg.Value(0.0, label="x1"), mg.Value(0.0, label="x2")]
    yv = mg.Value(0.0, label="y")
    score = model(xs)
    per_sample = (1 + -yv * score).relu()
    t0 = time.perf_counter()
    tape = mg.Tape.compile(outputs=[per_sample, score], inputs=xs + [yv], params=model.parameters())
    step_compile_s = time.perf_counter() - t0
    XY = np.column_stack([X, y]).astype(float)
    seed = np.zeros((len(XY), 2))
    seed[:, 0] = 1.0 / len(XY)

    def step():
        Y = tape.forward(XY)
        pgrad, _ = tape.backward(seed)
        p = tape.params_array
        loss = Y[:, 0].sum() * (1.0 / len(XY)) + 1e-4 * (p @ p)
        return loss, pgrad + 2e-4 * p

    step.compile_s = step_compile_s
    step.tape = tape
    return step


def numpy_step_setup():
    """A plain numpy matrix MLP doing the same step, as the floor to compare the tape with."""
    X, y, model = demo_setup(mg)
    mats = [
        (
            np.array([[w.data for w in n.w] for n in layer.neurons]),
            np.array([n.b.data for n in layer.neurons]),
        )
        for layer in model.layers
    ]
    yf = y.astype(float)

    def step():
        acts, h = [X], X
        for i, (W, b) in enumerate(mats):
            h = h @ W.T + b
            if i < len(mats) - 1:
                h = np.maximum(h, 0.0)
            acts.append(h)
        margin = 1.0 - yf * h[:, 0]
        loss = np.maximum(margin, 0.0).mean() + 1e-4 * sum((W * W).sum() + b @ b for W, b in mats)
        g = ((margin > 0.0) * -yf / len(yf))[:, None]
        grads = []
        for i in range(len(mats) - 1, -1, -1):
            W, b = mats[i]
            grads.append((g.T @ acts[i] + 2e-4 * W, g.sum(0) + 2e-4 * b))
            if i:
                g = (g @ W) * (acts[i] > 0)
        return loss, grads

    return step


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    import micrograd.engine
    import micrograd.nn

    t_mg, loss_mg = time_scalar(micrograd.nn, micrograd.engine.Value, repeats=5)
    gc.collect()  # micrograd's garbage cycles are its own cost, not the next contender's
    t_ours, loss_ours = time_scalar(mg, mg.Value, repeats=15)
    gc.collect()
    tape_step = tape_step_setup()
    tape_step()
    t_tape, (loss_tape, _) = median_time(tape_step, repeats=300)
    numpy_step = numpy_step_setup()
    numpy_step()
    t_np, (loss_np, _) = median_time(numpy_step, repeats=300)

    print(
        "micrograd demo step: 100 moons, MLP(2,[16,16,1]), hinge + 1e-4 L2, "
        "forward + zero_grad + backward, GC on"
    )
    print(f"micrograd 0.1.0 (PyPI): {t_mg:8.3f} s   loss {loss_mg!r}")
    print(
        f"mgstudio scalar Value:  {t_ours:8.3f} s   loss {loss_ours!r}   "
        f"{t_mg / t_ours:.1f}x faster than micrograd (goal >= 5x)"
    )
    same = loss_mg == loss_ours == EXPECTED_LOSS
    print(f"losses identical to the last bit: {same} (expected {EXPECTED_LOSS!r})")
    print(
        f"mgstudio Tape:          {t_tape * 1e3:8.3f} ms  loss {float(loss_tape)!r}   "
        f"{t_mg / t_tape:.0f}x faster than micrograd (goal >= 1000x), "
        f"|loss - scalar| = {abs(loss_tape - loss_ours):.1e}"
    )
    print(f"  ({tape_step.tape!r}, compiled once in {tape_step.compile_s * 1e3:.1f} ms)")
    print(
        f"numpy matrix MLP:       {t_np * 1e3:8.3f} ms  loss {float(loss_np)!r}   "
        f"Tape / numpy = {t_tape / t_np:.1f}x (goal <= 10x)"
    )


if __name__ == "__main__":
    main()
