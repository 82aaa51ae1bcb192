"""Scrubbing the timeline of a 10,000-step run: the time per position to update the canvas,
the predictions table and the decision boundary, against one frame (16 ms).

Builds the run headless (the settings' MLP of a preset as a network document, trained with
``DocumentRun`` as ``train --preset … --save`` does), opens it in a real main window (offscreen
unless a display is set) with the training tools installed, and moves the slider over
``--positions`` steps spread over the run. Each position is timed from the slider's move until
the event loop has drawn it (canvas items repainted, boundary blitted, table filled), in wall
time and in the GUI thread's CPU time (the machine may be shared: the CPU time is what the
position itself costs).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_timeline.py
    .venv/bin/python benchmarks/bench_timeline.py --preset walkthrough   # the table, no map
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout, not an installed mgstudio

FRAME_MS = 16.0


def _save(preset_name: str, steps: int, path: Path) -> float:
    import subprocess

    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mgstudio",
            "train",
            "--preset",
            preset_name,
            "--steps",
            str(steps),
            "--json",
            "--save",
            str(path),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="micrograd-demo")
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--positions", type=int, default=200)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.mgs"
        took = _save(args.preset, args.steps, path)
        print(f"trained {args.preset} for {args.steps} steps and saved it in {took:.1f} s")
        return _scrub(path, args.positions)


def _scrub(path: Path, positions: int) -> int:
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings
    from mgstudio.app.training import install
    from mgstudio.document import Document

    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(settings=StudioSettings())
    window.resize(1500, 950)
    controller = install(window)
    window.show()
    app.processEvents()
    start = time.perf_counter()
    doc = Document.load(path)
    window.set_document(doc, path)
    app.processEvents()
    timeline = controller.timeline
    opened = time.perf_counter() - start
    run = timeline.run
    assert run is not None, "the saved document has no run"
    plots = controller.plots
    print(
        f"opened {path.name}: {len(doc.nodes)} nodes, {len(run.params)} parameters, "
        f"{len(run.checkpoint_steps)} kept steps of {run.steps}, in {opened:.2f} s; "
        f"boundary {'yes' if timeline.grid is not None else 'no'}, "
        f"table {'yes' if not plots.table.isHidden() else 'no'}"
    )
    slider = timeline.bar.slider
    # warm up: the first move switches the plots to blitting (one full draw)
    slider.setValue(run.steps // 2)
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)
    rng = np.random.default_rng(0)
    steps = rng.integers(0, run.steps + 1, size=positions)
    times, cpu = [], []
    shown_before = timeline.shown_step
    changed = 0
    for step in steps:
        t0, c0 = time.perf_counter(), time.thread_time()
        slider.setValue(int(step))
        app.processEvents()  # the coalescing timer applies it; paints are flushed
        times.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.thread_time() - c0) * 1000.0)
        if timeline.shown_step != shown_before:
            changed += 1
        shown_before = timeline.shown_step
    timeline.settle()
    app.processEvents()
    med, worst = statistics.median(times), max(times)
    p95 = float(np.percentile(times, 95))
    within = sum(t <= FRAME_MS for t in times)
    print(
        f"{positions} scrub positions ({changed} new kept steps): median {med:.2f} ms, "
        f"95th percentile {p95:.2f} ms, max {worst:.2f} ms per position; "
        f"{within} of {positions} within one frame"
    )
    print(
        f"ratio to one frame ({FRAME_MS:g} ms): median {med / FRAME_MS:.2f}, "
        f"max {worst / FRAME_MS:.2f}  (goal: <= 1)"
    )
    # the GUI thread's own CPU time: what the position costs, whatever else the machine runs
    cmed, cworst = statistics.median(cpu), max(cpu)
    print(
        f"GUI-thread CPU time per position: median {cmed:.2f} ms, max {cworst:.2f} ms "
        f"(ratio to one frame: median {cmed / FRAME_MS:.2f}, max {cworst / FRAME_MS:.2f})"
    )
    print(f"plots: {plots.blit_count} blits, {plots.full_draws} full draws")
    window.undo_stack.setClean()
    window.close()
    controller.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
