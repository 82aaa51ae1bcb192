"""Autosave and crash recovery: swap files follow the edits (debounced), go away on a save or
a clean close, and a crashed session's work comes back at the next start; bad swap files are
reported and moved aside. Also: training stops cleanly when the window closes or a file is
opened."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QTimer

from mgstudio.app import autosave
from mgstudio.app.main_window import MainWindow
from mgstudio.app.settings import StudioSettings
from mgstudio.document import Document


@pytest.fixture
def swap_dir(tmp_path):
    return tmp_path / "autosave"


@pytest.fixture
def dead_pid():
    """The id of a process that has ended (so its swap files are orphans)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not autosave.pid_alive(proc.pid)
    return proc.pid


@pytest.fixture
def make_window(qtbot, settings_path, errors):
    """Another MainWindow (the 'next start'); errors go to ``errors``."""

    def _make() -> MainWindow:
        win = MainWindow(settings=StudioSettings())
        win.show_error = lambda title, text: errors.append((title, text))
        qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
        return win

    return _make


def add_nodes(window, n: int) -> list[str]:
    return [window.canvas.add_node_at("input", QPointF(100.0 * i, 0.0)) for i in range(n)]


def swaps(folder):
    return sorted(folder.glob("*.swap")) if folder.exists() else []


def write_orphan(folder, pid, doc: Document, original=None, name="Untitled"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}-1.swap"
    path.write_text(
        json.dumps(
            {
                "format": autosave.FORMAT,
                "version": 1,
                "pid": pid,
                "original": str(original) if original else None,
                "name": name,
                "document": doc.to_json(),
            }
        )
    )
    return path


def test_edits_write_one_swap_file_after_a_pause(qtbot, window, swap_dir, monkeypatch):
    writes = []
    real = autosave.write_atomic
    monkeypatch.setattr(
        autosave, "write_atomic", lambda path, text: (writes.append(path), real(path, text))
    )
    saver = window.enable_autosave(swap_dir)
    add_nodes(window, 5)  # like a drag: many edits with no pause between them
    assert saver.timer.isActive() and writes == []
    qtbot.waitUntil(lambda: len(writes) == 1)
    swap = autosave.read_swap(saver.path)
    assert swap.pid == os.getpid() and swap.original is None and swap.name == "Untitled"
    assert swap.text == window.document.to_json()
    assert len(swap.document().nodes) == 5
    assert not saver.timer.isActive() and len(writes) == 1


def test_a_save_and_a_clean_close_remove_the_swap_file(qtbot, window, swap_dir, tmp_path):
    saver = window.enable_autosave(swap_dir)
    add_nodes(window, 2)
    assert saver.flush() and saver.path.exists()
    assert window.save_file(tmp_path / "g.mgs")
    assert swaps(swap_dir) == []
    add_nodes(window, 1)
    qtbot.waitUntil(lambda: saver.path.exists())
    window.undo_stack.undo()  # back to the saved state: nothing unsaved, nothing to keep
    qtbot.waitUntil(lambda: not saver.path.exists())
    add_nodes(window, 1)
    assert saver.flush()
    window.undo_stack.setClean()  # as if the user answered Discard
    assert window.close()
    assert swaps(swap_dir) == []


def test_recovery_after_a_crash_restores_the_last_edit(
    qtbot, window, make_window, swap_dir, tmp_path, dead_pid, errors
):
    path = tmp_path / "q.mgs"
    Document().save(path)
    assert window.open_file(path, ask=False)
    saver = window.enable_autosave(swap_dir, pid=dead_pid)  # a session that will "crash"
    add_nodes(window, 3)
    last = window.canvas.add_node_at("tanh", QPointF(500.0, 50.0))
    qtbot.waitUntil(lambda: saver.path.exists())
    edited = window.document.to_json()
    saver.stop()  # the crash: no save, no clean close, the swap file stays
    window.autosaver = None

    after = make_window()
    after.enable_autosave(swap_dir)
    asked = []
    after.ask_recovery = lambda swap: asked.append(swap) or "recover"
    assert after.offer_recovery()
    assert len(asked) == 1 and asked[0].original == path.resolve()
    assert after.document.to_json() == edited and last in after.document.nodes
    assert after.is_modified() and after.path == path.resolve()
    assert after.windowTitle() == "q.mgs* — mgstudio"
    # the crashed session's file is gone; this session's swap file holds the work now
    assert swaps(swap_dir) == [after.autosaver.path]
    assert Document.load(path).nodes == {}  # the original file was never touched
    assert after.save()
    assert Document.load(path).to_json() == edited
    assert swaps(swap_dir) == [] and errors == []


def test_discard_later_and_live_sessions(window, swap_dir, dead_pid):
    doc = Document()
    doc.add_node("input", label="kept", value=1.0)
    orphan = write_orphan(swap_dir, dead_pid, doc, name="lost work")
    live = swap_dir / f"{os.getppid()}-1.swap"  # a running studio's swap file: not ours
    live.write_text(orphan.read_text().replace(str(dead_pid), str(os.getppid())))
    window.enable_autosave(swap_dir)
    asked = []
    window.ask_recovery = lambda swap: asked.append(swap.name) or "later"
    assert not window.offer_recovery()
    assert asked == ["lost work"] and orphan.exists() and live.exists()
    assert window.document.nodes == {}
    window.ask_recovery = lambda swap: asked.append(swap.name) or "discard"
    assert not window.offer_recovery()
    assert not orphan.exists() and live.exists()
    assert asked == ["lost work", "lost work"]


def test_corrupt_swap_files_are_reported_and_moved_aside(window, swap_dir, dead_pid, errors):
    good = Document()
    good.add_node("input", label="x", value=2.0)
    write_orphan(swap_dir, dead_pid, good, name="good")
    (swap_dir / "1-1.swap").write_bytes(b"\x00{ not json")
    (swap_dir / "2-1.swap").write_text(
        json.dumps(
            {
                "format": autosave.FORMAT,
                "pid": dead_pid,
                "original": None,
                "name": "n",
                "document": '{"nodes": 5}',
            }
        )
    )
    (swap_dir / "3-1.swap").write_text(json.dumps({"format": "something else"}))
    window.enable_autosave(swap_dir)
    window.ask_recovery = lambda swap: "recover"
    assert window.offer_recovery()
    # one message for all of them (not a box per file), naming each and where they went
    assert [title for title, _ in errors] == ["Can't recover autosaved work"]
    text = errors[0][1]
    assert "3 autosaved files can't be read back" in text and "renamed *.corrupt" in text
    assert all(f"{n}-1.swap:" in text for n in (1, 2, 3))
    assert sorted(p.name for p in swap_dir.glob("*.corrupt")) == [
        "1-1.swap.corrupt",
        "2-1.swap.corrupt",
        "3-1.swap.corrupt",
    ]
    assert [n.label for n in window.document.nodes.values()] == ["x"]
    assert window.windowTitle() == "good* — mgstudio"


def test_a_failing_autosave_is_said_once_and_never_raises(qtbot, window, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    saver = window.enable_autosave(blocker / "autosave")
    add_nodes(window, 1)
    assert not saver.flush()
    assert "Autosave failed" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    add_nodes(window, 1)
    assert not saver.flush() and saver.error
    assert window.statusBar().currentMessage() == ""


def test_screenshot_mode_never_offers_recovery(
    qapp, settings_path, swap_dir, tmp_path, dead_pid, monkeypatch
):
    from mgstudio.app import launch

    orphan = write_orphan(swap_dir, dead_pid, Document(), name="lost")
    monkeypatch.setenv(autosave.ENV_DIR, str(swap_dir))
    asked = []
    monkeypatch.setattr(MainWindow, "_recovery_box", lambda self, swap: asked.append(swap))
    out = tmp_path / "shot.png"
    assert launch.main(["--screenshot", str(out)]) == 0
    assert out.exists() and asked == [] and orphan.exists()


def test_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(autosave.ENV_DIR, str(tmp_path / "here"))
    assert autosave.default_dir() == tmp_path / "here"
    monkeypatch.delenv(autosave.ENV_DIR)
    assert autosave.default_dir().name == "autosave"


# --- training and the window's lifetime ------------------------------------------------------
# working_event_loop: tests/helpers/app_fixtures.py


def _long_run(window):
    from mgstudio.app.training import install

    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    ctl.panel.preset.setCurrentText("micrograd-demo")
    ctl.panel.steps.setValue(100_000)
    ctl.notify = lambda title, text: None
    assert ctl.train()
    return ctl


def test_closing_a_dirty_autosaved_window_mid_run_stops_the_thread(
    qtbot, working_event_loop, window, swap_dir, qtlog
):
    saver = window.enable_autosave(swap_dir)
    ctl = _long_run(window)
    qtbot.waitUntil(lambda: ctl.trainer.step_count > 5)
    add_nodes(window, 1)
    assert saver.flush()
    window.undo_stack.setClean()  # the user answered Discard
    assert window.close()
    assert ctl.closed and ctl.runner.worker_thread.isFinished()
    assert swaps(swap_dir) == []
    steps = ctl.trainer.step_count
    qtbot.wait(100)  # late queued signals arrive and are ignored
    assert ctl.trainer.step_count == steps
    messages = [r.message for r in qtlog.records]
    assert not any("Destroyed while thread" in m or "QThread" in m for m in messages)


def test_opening_a_file_during_training_stops_the_run_first(
    qtbot, working_event_loop, window, tmp_path, qtlog
):
    path = tmp_path / "other.mgs"
    doc = Document()
    doc.add_node("input", label="z", value=3.0)
    doc.save(path)
    ctl = _long_run(window)
    qtbot.waitUntil(lambda: ctl.trainer.step_count > 5)
    states = []
    window.file_changed.connect(lambda _p: states.append(ctl.state))
    assert window.open_file(path, ask=False)
    assert states == ["paused"] and ctl.state == "paused"
    qtbot.wait(100)  # a step under way when the pause came may still end
    steps = ctl.trainer.step_count
    qtbot.wait(100)
    assert ctl.trainer.step_count == steps < 100_000
    ctl.shutdown()
    assert ctl.runner.worker_thread.isFinished()
    assert [r.message for r in qtlog.records if "thread" in r.message.lower()] == []


# --- a real crash ----------------------------------------------------------------------------
CRASHING_SESSION = """
import sys
from pathlib import Path
from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import QApplication
from mgstudio.app.main_window import MainWindow
from mgstudio.app.settings import StudioSettings
from PySide6.QtCore import QSettings

app = QApplication([])
win = MainWindow(settings=StudioSettings(QSettings(sys.argv[2], QSettings.Format.IniFormat)))
win.open_file(sys.argv[3], ask=False)
saver = win.enable_autosave(sys.argv[1])
for i in range(3):
    win.canvas.add_node_at("input", QPointF(100.0 * i, 0.0))
win.document.set_label(list(win.document.nodes)[-1], "last edit")


def written():
    if saver.path.exists():
        print("saved", flush=True)  # the parent kills us now: no save, no clean close
    else:
        QTimer.singleShot(20, written)


QTimer.singleShot(0, written)
app.exec()
"""


def test_work_survives_kill_9_of_the_studio(make_window, swap_dir, tmp_path, errors):
    path = tmp_path / "q.mgs"
    Document().save(path)
    script = tmp_path / "session.py"
    script.write_text(CRASHING_SESSION)
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).resolve().parents[2])
    )
    proc = subprocess.Popen(
        [sys.executable, str(script), str(swap_dir), str(tmp_path / "s.ini"), str(path)],
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        assert proc.stdout.readline().strip() == b"saved"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    assert len(swaps(swap_dir)) == 1

    after = make_window()
    after.enable_autosave(swap_dir)
    after.ask_recovery = lambda swap: "recover"
    assert after.offer_recovery()
    labels = sorted(n.label for n in after.document.nodes.values())
    assert len(labels) == 3 and "last edit" in labels
    assert after.is_modified() and after.path == path.resolve()
    assert after.windowTitle() == "q.mgs* — mgstudio"
    assert Document.load(path).nodes == {} and errors == []


def test_the_next_start_offers_the_crashed_work(
    qapp, working_event_loop, settings_path, swap_dir, tmp_path, dead_pid, monkeypatch
):
    from mgstudio.app import launch

    path = tmp_path / "q.mgs"
    Document().save(path)
    lost = Document()
    lost.add_node("input", label="lost", value=4.0)
    orphan = write_orphan(swap_dir, dead_pid, lost, original=path)
    monkeypatch.setenv(autosave.ENV_DIR, str(swap_dir))
    monkeypatch.setattr(MainWindow, "_recovery_box", lambda self, swap: "recover")
    seen = []

    def close():
        for w in qapp.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible():
                seen.append(
                    (
                        w.windowTitle(),
                        [n.label for n in w.document.nodes.values()],
                        sorted(p.name for p in swaps(swap_dir)),
                    )
                )
                w.undo_stack.setClean()  # as if the user answered Discard
                w.close()
        if not seen:
            qapp.quit()

    QTimer.singleShot(300, close)
    assert launch.main([str(path)]) == 0
    assert len(seen) == 1
    title, labels, files = seen[0]
    assert title == "q.mgs* — mgstudio" and labels == ["lost"]
    # the crashed session's file made way for this session's own
    assert len(files) == 1 and files[0].startswith(f"{os.getpid()}-")
    assert not orphan.exists() and swaps(swap_dir) == []
