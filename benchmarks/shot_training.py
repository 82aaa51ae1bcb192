"""Train from the studio window, measure the live plot's frame rate, and save screenshots.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python benchmarks/shot_training.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/shot_training.py --steps 5000

Runs micrograd's demo settings (moons, 2-16-16-1) for ``--steps`` steps (as fast as the
machine goes unless ``--speed`` picks another entry of the Speed list) and counts the frames
the plot pane blits while the run is live; then saves ``--out`` (moons: curves and decision
boundary) and ``--out-network`` (the lecture's walkthrough MLP on the canvas with its
predictions table).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def wait_until(app, done, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.001)


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument(
        "--speed",
        type=int,
        default=0,
        help="index into the Speed list (0: as fast as possible, 2: 50 steps/s)",
    )
    p.add_argument("--out", default="training.png")
    p.add_argument("--out-network", default="training_network.png")
    args = p.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        tempfile.mkdtemp(prefix="mgstudio-shot-"),
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings
    from mgstudio.app.training import install

    win = MainWindow(settings=StudioSettings())
    win.resize(1400, 900)
    win.show()
    ctl = install(win)
    ctl.panel.preset.setCurrentText("micrograd-demo")
    ctl.panel.steps.setValue(args.steps)
    ctl.panel.speed.setCurrentIndex(args.speed)
    settle(app)

    t0 = time.perf_counter()
    ctl.train()  # the first Train also loads matplotlib's Qt backend
    first_train = time.perf_counter() - t0
    blits0, full0 = ctl.plots.blit_count, ctl.plots.full_draws
    t1 = time.perf_counter()
    wait_until(app, lambda: ctl.state != "running")
    run = time.perf_counter() - t1
    blits = ctl.plots.blit_count - blits0
    times = ctl.plots.blit_times[blits0:]
    print(
        f"platform {app.platformName()}, state {ctl.state}, {ctl.trainer.step_count} steps "
        f"in {run:.2f} s ({ctl.trainer.step_count / run:.0f} steps/s)"
    )
    print(f"first Train (matplotlib import + figure): {first_train:.2f} s")
    print(
        f"live plot: {blits} blitted frames in {run:.2f} s = {blits / run:.1f} fps; "
        f"{ctl.plots.full_draws - full0} full redraws; "
        f"blit {1000 * sum(times) / max(len(times), 1):.2f} ms mean, "
        f"{1000 * max(times, default=0):.2f} ms max"
    )
    settle(app, 0.5)
    win.grab().save(args.out)
    print(f"saved {os.path.abspath(args.out)}")

    ctl.panel.preset.setCurrentText("walkthrough")
    ctl.panel.speed.setCurrentIndex(0)
    ctl.panel.sample.setValue(0)
    ctl.show_network()
    ctl.train()
    wait_until(app, lambda: ctl.state != "running")
    settle(app, 0.8)
    win.grab().save(args.out_network)
    print(
        f"saved {os.path.abspath(args.out_network)}; network sync updates: "
        f"{ctl.sync.updates if ctl.sync else 0}"
    )
    win.undo_stack.setClean()
    win.close()
    print(f"worker thread finished: {ctl.runner.worker_thread.isFinished()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
