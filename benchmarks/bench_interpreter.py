"""The safe interpreter against Python itself: the lecture's training loop (MLP(3, [4, 4, 1]),
4 samples, squared-error loss, zero_grad, backward, SGD) run for 100 steps

- by ``mgstudio.interpreter.run_program`` (the program is interpreted, never run by Python);
- by CPython running the same text with the PyPI ``micrograd`` package (the baseline the
  issue names; benchmark-owned code, so ``exec`` is fine here);
- by CPython running it with mgstudio's own engine (what the interpreter's Values cost
  without the interpretation).

    .venv/bin/python benchmarks/bench_interpreter.py [--steps 100] [--repeat 5]

Goal (issue #15): 100 steps in under 1 s through the interpreter. Prints the median times and
the ratios interpreter / PyPI micrograd and interpreter / mgstudio engine under Python.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import types
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mgstudio.interpreter import Limits, run_program  # noqa: E402

PROGRAM = """\
import random
from micrograd.nn import MLP

random.seed(1337)
n = MLP(3, [4, 4, 1])
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
for k in range(STEPS):
    ypred = [n(x) for x in xs]
    loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
    n.zero_grad()
    loss.backward()
    for p in n.parameters():
        p.data += -0.05 * p.grad
print(loss.data)
"""


def interpreted(text: str) -> float:
    run = run_program(text, limits=Limits(seconds=120))
    return float(run.log[-1])


def native(text: str, nn: types.ModuleType) -> float:
    """``text`` run by CPython with ``nn`` as ``micrograd.nn`` (benchmark-owned code)."""
    modules = dict(sys.modules)
    sys.modules["micrograd.nn"] = nn
    try:
        out = io.StringIO()
        with redirect_stdout(out):
            exec(compile(text, "<bench>", "exec"), {"__name__": "__bench__"})  # noqa: S102
    finally:
        sys.modules.clear()
        sys.modules.update(modules)
    return float(out.getvalue().split()[-1])


def timed(fn, repeat: int) -> tuple[float, float]:
    times, result = [], 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    text = PROGRAM.replace("STEPS", str(args.steps))
    import micrograd.nn as pypi_nn

    from mgstudio.engine import nn as engine_nn

    t_interp, loss_i = timed(lambda: interpreted(text), args.repeat)
    t_pypi, loss_p = timed(lambda: native(text, pypi_nn), args.repeat)
    t_engine, loss_e = timed(lambda: native(text, engine_nn), args.repeat)
    print(f"lecture training loop, {args.steps} steps, median of {args.repeat}:")
    print(f"  interpreter            {t_interp * 1000:8.1f} ms   final loss {loss_i!r}")
    print(f"  CPython + PyPI micrograd {t_pypi * 1000:6.1f} ms   final loss {loss_p!r}")
    print(f"  CPython + mgstudio engine {t_engine * 1000:5.1f} ms   final loss {loss_e!r}")
    print(f"ratio interpreter / PyPI micrograd: {t_interp / t_pypi:.2f}")
    print(f"ratio interpreter / mgstudio engine under CPython: {t_interp / t_engine:.2f}")
    goal = (
        "met" if t_interp < 1.0 and args.steps == 100 else "n/a" if args.steps != 100 else "MISSED"
    )
    print(f"goal (100 steps under 1 s): {goal}")
    same = loss_i == loss_p
    print(f"same final loss as PyPI micrograd: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
