"""Fixtures of the app tests (window and canvas), shared by tests/app and tests/perf (each
folder's conftest.py imports all of them). Append new fixtures at the end."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from mgstudio.document import Document


@pytest.fixture
def doc():
    """An empty document."""
    return Document()


@pytest.fixture
def undo_stack(qtbot):
    stack = QUndoStack()
    yield stack
    stack.clear()


@pytest.fixture
def canvas(qtbot, doc, undo_stack):
    """A shown CanvasView over ``doc`` (offscreen), 1200x800."""
    from mgstudio.app.canvas.view import CanvasView

    view = CanvasView(doc, undo_stack)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.detach()


@pytest.fixture
def editor(canvas):
    """The canvas's editor, with what it says kept in ``editor.said`` (not the status bar)."""
    said: list[str] = []
    canvas.edits.say = said.append
    canvas.edits.said = said  # type: ignore[attr-defined]
    return canvas.edits


@pytest.fixture
def neuron(doc) -> dict[str, str]:
    """The walkthrough's neuron built straight through the Document API: label -> id."""
    ids = {}
    for row, (label, value) in enumerate(
        (("x1", 2.0), ("w1", -3.0), ("x2", 0.0), ("w2", 1.0), ("b", 6.8813735870195432))
    ):
        ids[label] = doc.add_node("input", label=label, value=value, pos=(0.0, row * 60.0))
    for label, kind, a, b, pos in (
        ("x1w1", "mul", "x1", "w1", (400.0, 20.0)),
        ("x2w2", "mul", "x2", "w2", (400.0, 140.0)),
        ("x1w1x2w2", "add", "x1w1", "x2w2", (800.0, 80.0)),
        ("n", "add", "x1w1x2w2", "b", (1200.0, 160.0)),
    ):
        ids[label] = doc.add_node(kind, label=label, pos=pos)
        doc.connect(ids[a], ids[label], "a")
        doc.connect(ids[b], ids[label], "b")
    ids["o"] = doc.add_node("tanh", label="o", pos=(1600.0, 170.0))
    doc.connect(ids["n"], ids["o"], "a")
    return ids


# --- window fixtures (main window, launcher) ------------------------------------------------
@pytest.fixture
def settings_path(tmp_path):
    """QSettings of this test live in tmp_path, never in the user's configuration."""
    from PySide6.QtCore import QSettings

    path = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(path))
    return path


@pytest.fixture
def errors():
    """Error dialogs the window would have shown: (title, text) pairs."""
    return []


@pytest.fixture
def window(qtbot, settings_path, errors):
    """A shown MainWindow (offscreen) with an empty document; errors go to ``errors``."""
    return shown_window(qtbot, errors, 1200, 800)


def shown_window(qtbot, errors, width: int, height: int):
    """A new shown MainWindow of that size whose error dialogs go to ``errors``."""
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    win = MainWindow(settings=StudioSettings())
    win.show_error = lambda title, text: errors.append((title, text))
    # pytest-qt closes it before fixture teardown: mark it clean first, so no prompt blocks
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.resize(width, height)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def open_example(window):
    """Open a shipped example in ``window`` by file name; returns label -> node id."""
    from mgstudio.document.examples import example_path

    def _open(name: str) -> dict[str, str]:
        assert window.open_example(example_path(name), ask=False)
        return {n.label: nid for nid, n in window.document.nodes.items() if n.label}

    return _open


# --- event loops ----------------------------------------------------------------------------------
def _event_loops_run() -> bool:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    return loop.exec() == 0


@pytest.fixture
def working_event_loop(qapp):
    """Undo a stale quit left by an earlier test in this process (a second quit() after the
    last window closed makes every later QEventLoop.exec(), so qtbot.wait, return at once)."""
    from PySide6.QtCore import QTimer

    if not _event_loops_run():
        QTimer.singleShot(0, qapp.quit)
        qapp.exec()  # exec starts by clearing the quit flag
    assert _event_loops_run()


@pytest.fixture
def recorded_training(window, qtlog, request):
    """The window's training controller running flat out, its notices and questions recorded;
    questions are answered with the test module's ``CONFIRM_ANSWER`` (default yes)."""
    from mgstudio.app.training import install

    answer = getattr(request.module, "CONFIRM_ANSWER", True)
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    ctl.notices = []
    ctl.notify = lambda title, text: ctl.notices.append((title, text))
    ctl.questions = []
    ctl.confirm = lambda title, text: ctl.questions.append(text) or answer
    yield ctl
    ctl.shutdown()
    assert ctl.runner.worker_thread.isFinished()
    # Qt's complaints about timers or objects used from the wrong thread, or a live QThread
    assert [r.message for r in qtlog.records if "thread" in r.message.lower()] == []


@pytest.fixture
def paints():
    """How often each node item painted (``paints[item]``), counted while the test runs."""
    from helpers.paint_counter import count_paints

    counts, stop = count_paints()
    yield counts
    stop()
