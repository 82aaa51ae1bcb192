"""The network on the canvas following the training: how long one ``apply_params`` takes on
micrograd's demo MLP(2, [16, 16, 1]) network document (~1000 nodes), the old way (one
``set_value`` per weight, each re-evaluating what lies below it) against the bulk
``Document.set_values`` (one pass below all the weights), and how many canvas updates a
second a run reaches when the window's controller drives it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_network_follow.py

Goals (issue #14): at least 10 updates a second while training; one update (the document
edit plus the canvas' handling of its events) within a frame, 16 ms, on the GUI thread.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mgstudio.training import Trainer, preset  # noqa: E402
from mgstudio.training.network_doc import (  # noqa: E402
    NetworkDocument,
    apply_params,
    build_network_document,
)

FRAME_MS = 16.0
STEADY_AFTER = 0.5  # seconds into the run


def apply_params_per_weight(net: NetworkDocument, params: np.ndarray) -> bool:
    """The baseline: what ``apply_params`` did before ``set_values`` (kept callable here)."""
    params = np.asarray(params, dtype=np.float64)
    if params.shape != (len(net.param_ids),) or not np.all(np.isfinite(params)):
        return False
    doc = net.document
    with doc.batch():
        for nid, p in zip(net.param_ids, params.tolist()):
            if doc.nodes[nid].value != p:
                doc.set_value(nid, p)
        doc.backward(net.loss_id)
    return True


def snapshots(count: int) -> tuple[Trainer, list[np.ndarray]]:
    """A trainer and ``count`` parameter vectors a step apart (every weight moves)."""
    trainer = Trainer(preset("micrograd-demo"))
    out = [trainer.snapshot().params]
    for _ in range(count - 1):
        trainer.step()
        out.append(trainer.snapshot().params)
    return trainer, out


def time_apply(fn, net: NetworkDocument, params: list[np.ndarray], rounds: int) -> list[float]:
    times = []
    for k in range(rounds):
        p = params[k % len(params)]
        start = time.perf_counter()
        assert fn(net, p)
        times.append(time.perf_counter() - start)
    return times


def p95(times: list[float]) -> float:
    return float(np.percentile(times, 95))


def describe(name: str, times: list[float]) -> str:
    return (
        f"{name:<28} mean {1e3 * statistics.fmean(times):7.2f} ms   "
        f"p95 {1e3 * p95(times):7.2f} ms   max {1e3 * max(times):7.2f} ms"
    )


def bench_document(rounds: int) -> None:
    trainer, params = snapshots(8)
    net = build_network_document(trainer, 0, use_dot=False)
    print(f"network document: {len(net.document.nodes)} nodes, {len(net.param_ids)} weights")
    for fn in (apply_params_per_weight, apply_params):  # warm both caches
        time_apply(fn, net, params, 4)
    before = time_apply(apply_params_per_weight, net, params, rounds)
    after = time_apply(apply_params, net, params, rounds)
    print(describe("before (set_value per weight)", before))
    print(describe("after (set_values)", after))
    print(
        f"ratio: {statistics.fmean(before) / statistics.fmean(after):.1f}x faster (mean), "
        f"{p95(before) / p95(after):.1f}x (p95)"
    )


def bench_window(
    seconds: float, steps: int, args_verbose: bool = False, network: bool = True
) -> None:
    """The window's controller trains micrograd's demo with its network on the canvas."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        tempfile.mkdtemp(prefix="mgstudio-bench-"),
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings
    from mgstudio.app.training import install, network_view

    win = MainWindow(settings=StudioSettings())
    win.resize(1400, 900)
    win.show()
    ctl = install(win)
    ctl.confirm = lambda title, text: True  # the ~1000-node network asks first
    ctl.panel.preset.setCurrentText("micrograd-demo")
    ctl.panel.steps.setValue(steps)
    ctl.panel.speed.setCurrentIndex(0)  # as fast as possible
    if network:
        assert ctl.show_network() is not None
    else:  # the same run with nothing on the canvas: what the plots and the thread cost
        ctl.reset()

    # the GUI thread's cost of each update: the edit and every handler of its events
    costs: list[float] = []
    real = network_view.apply_params

    def timed(net_, params_):
        start = time.perf_counter()
        try:
            return real(net_, params_)
        finally:
            costs.append(time.perf_counter() - start)

    network_view.apply_params = timed
    # the longest the GUI thread went without handling events (a frame timer's view)
    gaps: list[tuple[float, float]] = []  # (when, how long)
    ctl.train()
    updates0 = ctl.sync.updates if ctl.sync else 0
    start = last = time.perf_counter()
    while ctl.state == "running" and time.perf_counter() - start < seconds:
        app.processEvents()
        now = time.perf_counter()
        gaps.append((last - start, now - last))
        last = now
        time.sleep(0.001)
    wall = time.perf_counter() - start
    running = ctl.state == "running"
    ctl.pause()
    updates = (ctl.sync.updates if ctl.sync else 0) - updates0
    network_view.apply_params = real
    print(
        f"controller ({app.platformName()}{'' if network else ', no network shown'}): "
        f"{updates} canvas updates in {wall:.2f} s of "
        f"training = {updates / wall:.1f} updates/s "
        f"({ctl.trainer.step_count} steps{'' if running else ', the run ended first'})"
    )
    if costs:
        print(describe("one update on the GUI thread", costs))
    longs = [(t, g) for t, g in gaps if g > FRAME_MS / 1e3]
    worst = max(gaps, key=lambda tg: tg[1], default=(0.0, 0.0))
    # the first pass draws the plots for the run's start (the same without the network)
    steady = [g for t, g in gaps if t >= STEADY_AFTER] or [0.0]
    print(
        f"event-loop passes: {len(gaps)}, {len(longs)} longer than {FRAME_MS:g} ms; the "
        f"longest {1e3 * worst[1]:.1f} ms at {worst[0]:.2f} s; after {STEADY_AFTER:g} s: "
        f"p50 {1e3 * float(np.median(steady)):.1f} ms, "
        f"p99 {1e3 * float(np.percentile(steady, 99)):.1f} ms, longest {1e3 * max(steady):.1f} ms"
    )
    if args_verbose:
        for t, g in longs:
            print(f"  {t:6.2f} s: {1e3 * g:6.1f} ms")
    win.undo_stack.setClean()
    win.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=60)
    p.add_argument("--seconds", type=float, default=5.0, help="of training in the window")
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--no-window", action="store_true", help="only the document timings")
    p.add_argument("--verbose", action="store_true", help="list the long event-loop gaps")
    p.add_argument(
        "--baseline", action="store_true", help="also run without the network on the canvas"
    )
    args = p.parse_args(argv)
    bench_document(args.rounds)
    if not args.no_window:
        bench_window(args.seconds, args.steps, args.verbose)
        if args.baseline:
            bench_window(args.seconds, args.steps, args.verbose, network=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
