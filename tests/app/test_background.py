"""Long work off the GUI thread: the event loop keeps running while a task works, Cancel
stops the worker (jobs calling progress, and jobs with their own progress/cancel hooks such
as the code importer) and changes nothing, quick tasks show no dialog, and closing the window
while a task runs is clean."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from mgstudio.app import background
from mgstudio.app.learn import install
from mgstudio.document.code_import import ImportCancelled


def _until_cancelled(started: threading.Event, stopped: list):
    """A cooperative job that runs until progress raises Cancelled."""

    def job(progress):
        started.set()
        try:
            n = 0
            while True:
                n += 1
                progress(n, 0)
                time.sleep(0.001)
        finally:
            stopped.append(True)

    return job


def _hooked_until_cancelled(started: threading.Event, stopped: list):
    """A job with hooks of its own, like the importer: reports fractions, asks cancel()."""

    def job(progress):
        started.set()
        try:
            while not progress.cancelled():
                progress.fraction(0.5)
                time.sleep(0.001)
            raise ImportCancelled("the import was cancelled")
        finally:
            stopped.append(True)

    return job


def _busy_forever(started: threading.Event, stopped: list, give_up: threading.Event):
    """Pure Python that never calls progress nor asks to stop."""

    def job(_progress):
        started.set()
        n = 0
        try:
            while not give_up.is_set():
                n += 1
        finally:
            stopped.append(True)
        return n

    return job


def test_the_gui_thread_runs_while_a_task_works(window, qtbot):
    release = threading.Event()
    results, ticks = [], []

    def slow(progress):
        n = 0
        while not release.is_set():
            n += 1
            progress(n, 0)
            release.wait(0.002)
        return n

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    task = window.tasks.run("Slow job", slow, on_done=results.append)
    # the job cannot end before release: 20 timer events mean the event loop kept going
    qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=20_000)
    assert task.running
    release.set()
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    timer.stop()
    assert task.state == "done" and results == [task.result] and task.result > 0
    assert task.worker_thread.isFinished()


def test_cancel_from_the_progress_dialog_stops_a_cooperative_job(window, qtbot, monkeypatch):
    monkeypatch.setattr(background, "SHOW_DELAY_MS", 0)
    started, stopped, done = threading.Event(), [], []
    task = window.tasks.run("Counting", _until_cancelled(started, stopped), on_done=done.append)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=10_000)
    assert started.wait(10)
    assert isinstance(task.dialog, QProgressDialog)
    assert task.dialog.labelText().startswith("Counting")
    button = task.dialog.findChild(QPushButton)
    assert button.text() == "Cancel"
    button.click()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.state == "cancelled" and stopped == [True] and done == []
    assert task.worker_thread.isFinished() and task.dialog is None


def test_cancel_stops_a_job_through_its_own_cancel_hook(window, qtbot, monkeypatch):
    monkeypatch.setattr(background, "SHOW_DELAY_MS", 0)
    started, stopped, done = threading.Event(), [], []
    task = window.tasks.run(
        "Hooked", _hooked_until_cancelled(started, stopped), on_done=done.append
    )
    assert started.wait(10)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: task.dialog.labelText() == "Hooked: 50%", timeout=10_000)
    assert task.dialog.value() == 50 and task.dialog.maximum() == 100
    task.dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    # ImportCancelled is the cancelled path, not a failure
    assert task.state == "cancelled" and task.error == "" and stopped == [True] and done == []
    assert task.worker_thread.isFinished()


def test_a_job_that_never_asks_runs_on_and_its_result_is_dropped(window, qtbot):
    """Stopping is cooperative: nothing is raised into the worker from outside."""
    started, stopped, give_up = threading.Event(), [], threading.Event()
    done = []
    task = window.tasks.run("Busy", _busy_forever(started, stopped, give_up), on_done=done.append)
    try:
        assert started.wait(10)
        task.cancel()
        assert task.running and stopped == []  # it goes on until it ends by itself
    finally:
        give_up.set()  # never leave a spinning thread behind, even if the test fails
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.state == "cancelled" and stopped == [True] and done == []
    assert task.result is None and task.worker_thread.isFinished()


def test_a_quick_task_shows_no_dialog(window, qtbot):
    task = window.tasks.run("Quick", lambda _p: "ok")
    assert task.wait() and task.state == "done"
    task._show_dialog()  # the delayed show arriving late finds the task over
    assert task.dialog is None
    assert window.findChildren(QProgressDialog) == [] or not any(
        d.isVisible() for d in window.findChildren(QProgressDialog)
    )


def test_a_failing_job_reaches_the_user_as_a_message(window):
    from mgstudio.document import DocumentError

    def bad(_p):
        raise DocumentError("the graph is not what I expected")

    failed = []
    task = window.tasks.run("Bad", bad, on_failed=failed.append)
    assert task.wait() and task.state == "failed"
    assert failed == ["the graph is not what I expected"]


def test_closing_the_window_while_tasks_run_is_clean(qtbot, settings_path):
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    win = MainWindow(settings=StudioSettings())
    qtbot.addWidget(win)
    win.show()
    started1, started2 = threading.Event(), threading.Event()
    stopped, done = [], []
    t1 = win.tasks.run("Counting", _until_cancelled(started1, stopped), on_done=done.append)
    t2 = win.tasks.run("Hooked", _hooked_until_cancelled(started2, stopped), on_done=done.append)
    assert started1.wait(10) and started2.wait(10)
    assert win.close()
    assert t1.worker_thread.isFinished() and t2.worker_thread.isFinished()
    assert stopped == [True, True] and done == []
    assert t1.state == t2.state == "cancelled"
    late = win.tasks.run("After close", lambda _p: 1, on_done=done.append)
    assert late.state == "cancelled" and done == []


def _big_ladder(window, n=400):
    """A graph whose check takes many leaves: a0 -> tanh(a0 + a1) -> ..., in the window."""
    from mgstudio.document import Document
    from mgstudio.document.nodes import Node, Wire

    nodes = [Node("a0", "input", "a0", 0.1, {}, (0.0, 0.0))]
    wires, prev = [], "a0"
    for i in range(1, n):
        x = float(i * 400)
        nodes += [
            Node(f"a{i}", "input", f"a{i}", 0.01 * i, {}, (x, 100.0)),
            Node(f"s{i}", "add", "", None, {}, (x + 100, 0.0)),
            Node(f"t{i}", "tanh", "", None, {}, (x + 200, 0.0)),
        ]
        wires += [
            Wire(prev, f"s{i}", "a"),
            Wire(f"a{i}", f"s{i}", "b"),
            Wire(f"s{i}", f"t{i}", "a"),
        ]
        prev = f"t{i}"
    doc = Document()
    doc.add_subgraph(nodes, wires)
    window.set_document(doc)
    return prev


def test_gradient_check_cancel_leaves_the_document_unchanged(window, qtbot, monkeypatch):
    """The Gradient Check action through the real panel; the check is held at its first leaf
    (only Cancel can end it) so that cancelling is deterministic."""
    from mgstudio.app.learn import gradcheck_view

    monkeypatch.setattr(background, "SHOW_DELAY_MS", 0)
    real = gradcheck_view.gradcheck
    held = threading.Event()

    def held_check(value, progress=None, **kw):
        def hold(done, total):
            held.set()
            while True:  # raises Cancelled once the user cancels
                progress(done, total)
                time.sleep(0.001)

        return real(value, progress=hold, **kw)

    monkeypatch.setattr(gradcheck_view, "gradcheck", held_check)
    tools = install(window)
    out = _big_ladder(window)
    doc = window.document
    before = doc.to_json()
    data = {nid: (v.data, v.grad) for nid in doc.nodes if (v := doc.value_of(nid))}
    task = tools.check_gradients()
    assert held.wait(20)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=10_000)
    assert "of 400" in task.dialog.labelText()  # progress counts leaves
    task.dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.state == "cancelled" and task.worker_thread.isFinished()
    assert doc.to_json() == before
    assert {nid: (v.data, v.grad) for nid in doc.nodes if (v := doc.value_of(nid))} == data
    assert tools.gradcheck.rows == [] and "cancelled" in tools.gradcheck.summary.text()
    assert tools.gradcheck.check_button.isEnabled()
    assert out in doc.nodes


def test_an_edit_during_the_check_drops_its_result(window, qtbot, monkeypatch):
    from mgstudio.app.learn import gradcheck_view

    real = gradcheck_view.gradcheck
    go = threading.Event()

    def waiting_check(value, progress=None, **kw):
        assert go.wait(20)
        return real(value, progress=progress, **kw)

    monkeypatch.setattr(gradcheck_view, "gradcheck", waiting_check)
    tools = install(window)
    _big_ladder(window, n=5)
    task = tools.check_gradients()
    first = next(iter(window.document.nodes))
    window.document.set_value(first, 0.5)  # an edit while the check works on its copy
    go.set()
    assert task.wait()
    assert tools.gradcheck.rows == []
    assert "changed during the check" in tools.gradcheck.summary.text()


def test_import_dialog_counts_steps_and_nodes_and_cancel_stops_the_run(window, qtbot, monkeypatch):
    """A real run of a loop through the Import dialog. Each of the interpreter's progress
    reports is held until the test lets it go, so the progress dialog is read at known points
    (its words: the steps run and the Values made, under a busy bar); Cancel reaches the
    interpreter's cancel() and the run stops at its next check."""
    from mgstudio.app import code_dialog
    from mgstudio.app.dialogs import CodeImportDialog
    from mgstudio.interpreter import ProgramCancelled

    monkeypatch.setattr(background, "SHOW_DELAY_MS", 0)
    monkeypatch.setattr(background, "PROGRESS_EVERY", 0.0)  # every report reaches the dialog
    real = code_dialog.run_program
    seen, step, raised = [], threading.Semaphore(0), []

    def held(text, *, progress=None, cancel=None, limits=None):
        def report(p):
            progress(p)
            seen.append(p)
            step.acquire(timeout=30)  # the test lets each report go

        try:
            return real(text, progress=report, cancel=cancel, limits=limits)
        except BaseException as exc:
            raised.append(type(exc))
            raise

    monkeypatch.setattr(code_dialog, "run_program", held)
    before = window.document
    saved = before.to_json()
    text = "from micrograd.engine import Value\nv = Value(1.0)\nwhile True:\n    v = v * 1.0\n"
    dialog = CodeImportDialog(window, text=text)
    qtbot.addWidget(dialog)
    dialog.show()
    task = dialog.run()
    try:
        qtbot.waitUntil(
            lambda: bool(seen) and task.dialog is not None and task.dialog.isVisible(),
            timeout=20_000,
        )
        for _ in range(3):
            n = len(seen)
            p = seen[n - 1]
            want = f"Running the program: {p.steps:,} steps · {p.nodes:,} nodes"
            qtbot.waitUntil(lambda w=want: task.dialog.labelText() == w, timeout=20_000)
            assert task.dialog.maximum() == 0  # a busy bar: a program has no known end
            step.release()
            qtbot.waitUntil(lambda n=n: len(seen) > n, timeout=20_000)
        assert seen[-1].steps > seen[0].steps and seen[-1].nodes > seen[0].nodes
        reports = len(seen)
        task.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel
    finally:
        step.release(1000)  # never leave the worker held, even if the test fails
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    assert raised == [ProgramCancelled] and len(seen) == reports  # no report after Cancel
    assert task.state == "cancelled" and task.error == "" and task.worker_thread.isFinished()
    assert dialog.document is None and dialog.isVisible() and not dialog.error.isVisible()
    assert dialog.picker.count() == 0 and "cancelled" in dialog.summary.text()
    assert window.document is before and before.to_json() == saved


def test_import_dialog_imports_in_the_background(window, qtbot):
    from mgstudio.app.dialogs import CodeImportDialog

    dialog = CodeImportDialog(window, text="x = Value(2.0, label='x')\ny = x*x; y.label='y'\n")
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.import_picked()
    assert sorted(n.label for n in dialog.document.nodes.values()) == ["x", "y"]


@pytest.mark.parametrize("text", ["x=3; 3*x**2 - 4*x + 5"])
def test_expression_box_builds_in_a_task(window, qtbot, text):
    tools = install(window)
    tools.expression.edit.setText(text)
    with qtbot.waitSignal(tools.expression.built, timeout=20_000) as blocker:
        task = tools.expression.build()
    assert task.state == "done"
    assert blocker.args[0].value_of(blocker.args[0].selected_output).data == 20.0


def test_expression_box_cancel_reaches_the_importer(window, qtbot, monkeypatch):
    """The box hands the task's cancel flag to the importer: Cancel while the build is held
    at its first report ends it with ImportCancelled, and no graph arrives."""
    from mgstudio.app.learn import expression_box

    real, reached, go, raised = (
        expression_box.import_snippet,
        threading.Event(),
        threading.Event(),
        [],
    )

    def held(text, *, progress=None, cancel=None, **kwargs):
        def report(f):
            progress(f)
            reached.set()
            go.wait(30)

        try:
            return real(text, progress=report, cancel=cancel, **kwargs)
        except BaseException as exc:
            raised.append(type(exc))
            raise

    monkeypatch.setattr(expression_box, "import_snippet", held)
    tools = install(window)
    built = []
    tools.expression.built.connect(built.append)
    tools.expression.edit.setText("x=3; 3*x**2 - 4*x + 5")
    task = tools.expression.build()
    try:
        assert reached.wait(20)
        task.cancel()
    finally:
        go.set()
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    assert task.state == "cancelled" and built == [] and raised == [ImportCancelled]


def test_opening_another_graph_cancels_running_work(window, qtbot, open_example):
    started, stopped, done = threading.Event(), [], []
    task = window.tasks.run("Counting", _until_cancelled(started, stopped), on_done=done.append)
    assert started.wait(10)
    open_example("neuron.mgs")
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.state == "cancelled" and stopped == [True] and done == []
