"""Code import speed: snippets of 2,000, 4,000 and 8,000 lines (the 8,000-line one is close to
the 200 KB limit), imported through the code importer (``import_code``: the interpreter runs
the snippet, then the document of every top-level Value is built and laid out).

    .venv/bin/python benchmarks/bench_import.py

Prints the best of a few runs per size (wall clock, and the process's CPU time, which other
programs on a busy machine disturb less) and the growth of the CPU time from each size to the
next: a linear import doubles (ratio ~2.0) when the snippet doubles; a quadratic one
quadruples. Goal: the 8,000-line snippet in under 2 s.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's mgstudio, not another installed copy

from mgstudio.document.code_import import import_code  # noqa: E402

GOAL_S = 2.0
SIZES = (2000, 4000, 8000)


def _snippets():
    path = ROOT / "tests" / "helpers" / "codegen.py"
    spec = importlib.util.spec_from_file_location("codegen", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.long_snippet


def best_of(text: str, repeat: int) -> tuple[float, float, int]:
    wall = cpu = float("inf")
    nodes = 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        doc = import_code(text)
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
        nodes = len(doc.nodes)
    return wall, cpu, nodes


def main() -> int:
    long_snippet = _snippets()
    times, cpus = {}, {}
    for lines in SIZES:
        text = long_snippet(lines)
        times[lines], cpus[lines], nodes = best_of(text, 3)
        print(
            f"{lines:5,d} lines ({len(text.encode()) / 1e3:5.0f} KB, {nodes:6,d} nodes): "
            f"{times[lines]:6.3f} s (CPU {cpus[lines]:6.3f} s)",
            flush=True,
        )
    ratios = [cpus[b] / cpus[a] for a, b in zip(SIZES, SIZES[1:])]
    print(
        "growth per doubling (CPU): "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f" (linear ~2, quadratic ~4): {'linear' if max(ratios) < 2.8 else 'NOT linear'}"
    )
    last = times[SIZES[-1]]
    print(
        f"{SIZES[-1]:,d} lines in {last:.2f} s (goal under {GOAL_S:g} s: "
        f"{'met' if last < GOAL_S else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
