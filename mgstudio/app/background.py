"""Long work off the GUI thread: one mechanism for import, layout, rendering and gradient
checks, so that the window never freezes and every such job can be cancelled.

A job is a Qt-free callable ``fn(progress)``. It calls ``progress(done, total)`` now and then
(``total`` 0 means "busy, no count"); once the user cancels, that call raises
:class:`Cancelled`, which unwinds the job through its own ``finally`` blocks (``dot`` is
killed, leaves are restored). A job with hooks of its own (the code importer's
``progress(fraction)`` and ``cancel()``) is handed ``progress.fraction`` (shown as a
percentage) and ``progress.cancelled`` (the Cancel flag); the importer's
``ImportCancelled`` ends the task as cancelled, like :class:`Cancelled`. A job whose work has
no known end but can say how far it got (the interpreter's steps and nodes) reports words with
``progress.status(text)``: a busy bar under "Running the program: 12,345 steps · 6,789 nodes".
Stopping is always cooperative: a job that asks neither goes on until it ends, and its result
is then dropped.

Each job runs in a ``QThread`` of its own, owned by a :class:`Task` that lives in the GUI
thread; the worker's signals reach the task's bound slots, so results and progress are handled
in the GUI thread (a signal connected to a lambda would run it in the worker). A progress
dialog with Cancel appears only when the job is still running after ``SHOW_DELAY_MS``, so
quick jobs show nothing. :class:`BackgroundTasks` keeps every running task referenced and
stops them all when the window closes (cancel, ``quit()``, ``wait()``).
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from mgstudio.document import DocumentError
from mgstudio.document.code_import import ImportCancelled

#: a job finishing sooner than this shows no dialog (no flash for small inputs)
SHOW_DELAY_MS = 400
#: the worker reports progress at most this often (seconds)
PROGRESS_EVERY = 0.05


class Cancelled(Exception):
    """The user pressed Cancel (or the window closed); raised inside the job."""


_LIVE: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    # destroying a running QThread aborts the process: stop any that a script left running
    for tasks in list(_LIVE):
        try:
            tasks.shutdown(timeout_ms=5000)
        except RuntimeError:  # its Qt side is already gone at exit: nothing left to stop
            pass


class Progress:
    """What a job is given as ``progress``: call it with ``(done, total)``; a job with its own
    hooks takes :meth:`fraction` and :meth:`cancelled` instead."""

    def __init__(self, task: Task, emit: Callable[[], None]):
        self._task, self._emit = task, emit

    def __call__(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` (0: busy); raises :class:`Cancelled` once cancelled."""
        if self._task._cancel.is_set():
            raise Cancelled()
        self._report(done, total, percent=False)

    def fraction(self, f: float) -> None:
        """Report a fraction from 0 to 1, shown as a percentage. It never raises: a job that
        reports this way stops through its own ``cancel`` hook (:meth:`cancelled`)."""
        self._report(int(max(0.0, min(1.0, f)) * 100), 100, percent=True)

    def status(self, text: str) -> None:
        """Say how far the job got, in words, with no known end (shown under a busy bar).
        Never raises, like :meth:`fraction`: the job stops through :meth:`cancelled`."""
        self._report(0, 0, percent=False, text=text)

    def cancelled(self) -> bool:
        """True once the user cancelled (or the window closed): the job's ``cancel()``."""
        return self._task._cancel.is_set()

    def _report(self, done: int, total: int, percent: bool, text: str = "") -> None:
        task = self._task
        task._latest = (done, total, percent, text)
        now = time.monotonic()
        if now - task._last_emit >= PROGRESS_EVERY:
            task._last_emit = now
            self._emit()
        time.sleep(0)  # give the GUI thread the GIL between steps


class _Worker(QObject):
    """Lives in the task's thread and runs the job once."""

    progressed = Signal()
    finished = Signal()

    def __init__(self, task: Task):
        super().__init__()
        self.task = task

    @Slot()
    def run(self) -> None:
        task = self.task
        try:
            if task._cancel.is_set():  # cancelled before its thread got going
                outcome: tuple[str, Any] = ("cancelled", None)
            else:
                outcome = ("done", task.fn(Progress(task, self.progressed.emit)))
        except (Cancelled, ImportCancelled):
            outcome = ("cancelled", None)
        except DocumentError as exc:
            outcome = ("failed", str(exc))
        except MemoryError:
            outcome = ("failed", "there is not enough memory for this graph")
        except Exception as exc:  # noqa: BLE001 - reach the user as a message, not a traceback
            outcome = ("failed", f"{type(exc).__name__}: {exc}")
        task._outcome = outcome
        task._ended.set()
        self.finished.emit()


class Task(QObject):
    """One job: start it with :meth:`BackgroundTasks.run`. ``state`` is ``running``, ``done``,
    ``cancelled`` or ``failed``; ``result`` holds what the job returned, ``error`` the message
    of a failure. Callbacks run in the GUI thread, once."""

    #: (state) after the callbacks ran
    ended = Signal(str)

    def __init__(
        self,
        title: str,
        fn: Callable,
        on_done: Callable | None = None,
        on_failed: Callable | None = None,
        on_cancelled: Callable | None = None,
        parent_widget: QWidget | None = None,
        dialog: bool = True,
    ):
        super().__init__()
        self.title = title
        self.fn = fn
        self.on_done, self.on_failed, self.on_cancelled = on_done, on_failed, on_cancelled
        self.state = "running"
        self.result: Any = None
        self.error = ""
        self.dialog: QProgressDialog | None = None
        self._parent_widget = parent_widget
        self._want_dialog = dialog
        self._cancel = threading.Event()
        self._ended = threading.Event()
        self._latest = (0, 0, False, "")  # done, total, shown as a percentage, words
        self._last_emit = 0.0
        self._outcome: tuple[str, Any] | None = None
        self._delivered = False
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"mgstudio-task: {title}")
        self.worker = _Worker(self)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)

    # --- GUI thread ---------------------------------------------------------------------------
    def start(self) -> None:
        self.worker_thread.start()
        if self._want_dialog:
            QTimer.singleShot(SHOW_DELAY_MS, self, self._show_dialog)

    @property
    def running(self) -> bool:
        return self.state == "running"

    def cancel(self) -> None:
        """Stop the job at its next progress call (or cancel check); nothing it would have
        delivered is delivered."""
        if not self.running:
            return
        self._cancel.set()
        if self.dialog is not None:
            self.dialog.setLabelText(f"{self.title}: cancelling…")

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until the job ends and deliver its outcome now (scripts and tests; the
        window itself never waits). True once the task has ended."""
        if self.running and not self._ended.wait(timeout_ms / 1000):
            return False
        self._deliver()
        return True

    def shutdown(self, timeout_ms: int) -> bool:
        """Cancel, stop the thread and wait for it; callbacks are not run."""
        self._delivered = self._delivered or self.running
        self._cancel.set()
        self.worker_thread.quit()
        ok = self.worker_thread.wait(timeout_ms)
        self._close_dialog()
        if self.running:
            self.state = "cancelled"
        return ok

    def _show_dialog(self) -> None:
        if not self.running or self.dialog is not None:
            return
        dlg = QProgressDialog(self.title + "…", "Cancel", 0, 0, self._parent_widget)
        dlg.setWindowTitle(self.title)
        dlg.setMinimumWidth(380)  # room for "… 12,345 of 67,890" and the window title
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(self.cancel)
        self.dialog = dlg
        self._on_progress()
        dlg.show()

    @Slot()
    def _on_progress(self) -> None:
        dlg = self.dialog
        if dlg is None or not self.running or self._cancel.is_set():
            return
        done, total, percent, text = self._latest
        if text:
            dlg.setMaximum(0)
            dlg.setLabelText(f"{self.title}: {text}")
        elif total > 0:
            dlg.setMaximum(total)
            dlg.setValue(min(done, total))
            dlg.setLabelText(
                f"{self.title}: {done}%" if percent else f"{self.title}: {done:,} of {total:,}"
            )
        else:
            dlg.setMaximum(0)  # a busy bar: the job gives no count

    @Slot()
    def _on_finished(self) -> None:
        self.worker_thread.quit()
        self._deliver()

    def _deliver(self) -> None:
        if self._delivered:
            return
        self._delivered = True
        self.worker_thread.quit()
        self.worker_thread.wait()
        self._close_dialog()
        state, value = self._outcome or ("failed", "the job did not finish")
        if state == "done" and self._cancel.is_set():
            state, value = "cancelled", None  # cancelled after it finished: drop the result
        self.state = state
        if state == "done":
            self.result = value
            if self.on_done is not None:
                self.on_done(value)
        elif state == "failed":
            self.error = value
            if self.on_failed is not None:
                self.on_failed(value)
        elif self.on_cancelled is not None:
            self.on_cancelled()
        self.ended.emit(state)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None


class BackgroundTasks(QObject):
    """The window's running tasks: starts them, keeps them referenced, stops them on close."""

    def __init__(self, parent_widget: QWidget | None = None):
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.tasks: list[Task] = []
        self.closed = False
        _LIVE.add(self)

    def run(
        self,
        title: str,
        fn: Callable,
        on_done: Callable | None = None,
        on_failed: Callable | None = None,
        on_cancelled: Callable | None = None,
        dialog: bool = True,
    ) -> Task:
        """Start ``fn(progress)`` in a thread (``progress``: a :class:`Progress`); see the
        module docstring."""
        task = Task(title, fn, on_done, on_failed, on_cancelled, self.parent_widget, dialog)
        if self.closed:
            task.state = "cancelled"
            return task
        self.tasks.append(task)
        task.ended.connect(self._forget)
        task.start()
        return task

    @Slot(str)
    def _forget(self, _state: str) -> None:
        self.tasks = [t for t in self.tasks if t.running]

    def running(self) -> list[Task]:
        return [t for t in self.tasks if t.running]

    def cancel_all(self) -> None:
        for task in self.running():
            task.cancel()

    def wait_all(self, timeout_ms: int = 60_000) -> bool:
        """Wait for every running task and deliver it (scripts and tests only)."""
        ok = True
        for task in list(self.tasks):
            ok = task.wait(timeout_ms) and ok
        return ok

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every task and wait for its thread (the window is closing)."""
        self.closed = True
        ok = True
        for task in list(self.tasks):
            ok = task.shutdown(timeout_ms) and ok
        self.tasks = []
        return ok


def tasks_for(widget: QWidget | None) -> BackgroundTasks:
    """The background tasks of ``widget``'s window (its ``tasks``), made on first use for a
    window that has none (a panel tested on its own)."""
    top = widget.window() if widget is not None else None
    tasks = getattr(top, "tasks", None)
    if isinstance(tasks, BackgroundTasks):
        return tasks
    tasks = BackgroundTasks(top)
    if top is not None:
        # the window declares `tasks`; a bare widget's window gets one the same way
        top.tasks = tasks  # type: ignore[attr-defined]
    return tasks
