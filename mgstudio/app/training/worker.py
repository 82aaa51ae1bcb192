"""The training loop in a ``QThread``: a worker ``QObject`` moved to the thread runs
``Trainer.step()`` and reports plain numbers through signals, throttled.

Control goes the other way through flags under one ``threading.Condition`` (the worker's event
loop is busy inside ``run`` while it trains, so queued calls would wait for the run to end):
``pause``, ``resume``, ``step_once``, ``cancel`` and ``set_pace`` are safe from the GUI thread.
Every run carries a generation number; cancelling generation ``g`` ends that run at its next
step and the GUI ignores late signals of older generations.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from mgstudio.training import TrainingDiverged

PROGRESS_EVERY = 0.05  # seconds between progress signals (the GUI wants ~20 per second)
SNAPSHOT_EVERY = 0.04  # the weights (a copy): the network on the canvas shows 10+ a second
PLOTS_EVERY = 0.2  # the predictions and the decision grid cost more: they ride along less often
TABLE_LIMIT = 64  # predictions for every sample ride along for datasets this small

# Destroying a running QThread aborts the process; should a window never close (an exception in
# a script), these threads are still stopped before the interpreter tears them down.
_RUNNERS: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for runner in list(_RUNNERS):
        runner.shutdown(timeout_ms=5000)


class TrainingWorker(QObject):
    """Lives in the training thread; see the module docstring."""

    #: (generation, the latest record: step, loss, accuracy, lr)
    progress = Signal(int, object)
    #: (generation, {"step", "params", "predictions" or None, "grid" or None}); predictions
    #: and grid come with every snapshot due after PLOTS_EVERY, and with the last
    snapshot = Signal(int, object)
    #: (generation, "done" | "cancelled")
    finished = Signal(int, str)
    #: (generation, the learner-facing message of TrainingDiverged)
    diverged = Signal(int, str)
    #: (generation, an unexpected error's message)
    failed = Signal(int, str)

    def __init__(self):
        super().__init__()
        self._cond = threading.Condition()
        self._cancelled_upto = 0
        self._paused = False
        self._steps_wanted = 0
        self._interval = 0.0  # seconds per step; 0 runs flat out

    # --- called from the GUI thread ----------------------------------------------------------
    def prepare(self, paused: bool, steps: int = 0) -> None:
        """Set the flags a run starts with, before its start request is queued."""
        with self._cond:
            self._paused = paused
            self._steps_wanted = steps
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._steps_wanted = 0
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def step_once(self) -> None:
        """While paused: one more step."""
        with self._cond:
            self._paused = True
            self._steps_wanted += 1
            self._cond.notify_all()

    def cancel(self, generation: int) -> None:
        """End run ``generation`` (and any older one) after its current step."""
        with self._cond:
            self._cancelled_upto = max(self._cancelled_upto, generation)
            self._cond.notify_all()

    def set_pace(self, steps_per_second: float) -> None:
        """Limit the speed so that a learner can watch; 0 means as fast as possible."""
        with self._cond:
            self._interval = 1.0 / steps_per_second if steps_per_second > 0 else 0.0
            self._cond.notify_all()

    # --- runs in the training thread --------------------------------------------------------
    @Slot(int, object, object)
    def run(self, generation: int, trainer, grid) -> None:
        """Train until done, cancelled or diverged. ``grid`` is None or ``(xx, yy)``."""
        last_progress = last_snapshot = last_plots = 0.0
        next_due = time.monotonic()
        record = None
        reason = "done"
        behind = False  # the last step went out without all of its reports
        try:
            while True:
                with self._cond:
                    idle = self._paused and self._steps_wanted == 0
                if idle and behind and record is not None:
                    # paused between reports: the plots and the canvas show where it stopped
                    self._final(generation, trainer, grid, record)
                    behind = False
                with self._cond:
                    while (
                        self._cancelled_upto < generation
                        and self._paused
                        and self._steps_wanted == 0
                    ):
                        self._cond.wait(0.5)
                    if self._cancelled_upto >= generation:
                        reason = "cancelled"
                        break
                    single = self._paused
                    if trainer.done:
                        break
                    if single:
                        self._steps_wanted -= 1
                    interval = self._interval
                record = trainer.step()
                now = time.monotonic()
                reported = single or now - last_progress >= PROGRESS_EVERY
                if reported:
                    self.progress.emit(generation, dict(record))
                    last_progress = now
                plots = False
                if single or now - last_snapshot >= SNAPSHOT_EVERY:
                    plots = single or now - last_plots >= PLOTS_EVERY
                    self.snapshot.emit(generation, _snapshot(trainer, grid, plots))
                    last_snapshot = now
                    if plots:
                        last_plots = now
                behind = not (reported and plots)
                if interval and not single:
                    next_due = max(next_due + interval, now - interval)
                    self._sleep_until(next_due, generation)
                else:
                    time.sleep(0)  # let the GUI thread take the GIL between steps
        except TrainingDiverged as exc:
            self._final(generation, trainer, grid, record)
            self.diverged.emit(generation, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - any failure must reach the learner, not die here
            self.failed.emit(generation, f"{type(exc).__name__}: {exc}")
            return
        self._final(generation, trainer, grid, record)
        self.finished.emit(generation, reason)

    def _sleep_until(self, due: float, generation: int) -> None:
        with self._cond:
            while self._cancelled_upto < generation and not self._paused:
                left = due - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)

    def _final(self, generation, trainer, grid, record) -> None:
        if record is not None:
            self.progress.emit(generation, dict(record))
        self.snapshot.emit(generation, _snapshot(trainer, grid))


def _snapshot(trainer, grid, plots: bool = True) -> dict:
    snap = trainer.snapshot()
    out = {"step": snap.step, "params": snap.params, "predictions": None, "grid": None}
    if not plots:
        return out
    with np.errstate(all="ignore"):
        if trainer.dataset.n_samples <= TABLE_LIMIT:
            out["predictions"] = trainer.predict(trainer.dataset.X)
        if grid is not None:
            out["grid"] = trainer.predict_grid(*grid)
    return out


class TrainingRunner(QObject):
    """Owns the thread and the worker (both stay referenced here) and starts runs."""

    _start = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.generation = 0
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("mgstudio-training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.worker_thread)
        # queued: the slot runs in the training thread
        self._start.connect(self.worker.run)
        self.worker_thread.start()
        _RUNNERS.add(self)

    def start(self, trainer, grid=None, paused: bool = False, steps: int = 0) -> int:
        """Queue a run (ending the previous one); returns its generation."""
        self.worker.cancel(self.generation)
        self.generation += 1
        self.worker.prepare(paused, steps)
        self._start.emit(self.generation, trainer, grid)
        return self.generation

    def cancel(self) -> int:
        """End the current run; its late signals carry an old generation from now on."""
        self.worker.cancel(self.generation)
        self.generation += 1
        return self.generation

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop the run and the thread; True once the thread has finished."""
        if self.worker_thread.isFinished():
            return True
        self.worker.cancel(self.generation)
        self.worker_thread.quit()
        return self.worker_thread.wait(timeout_ms)
