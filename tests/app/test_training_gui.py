"""Training from the window: toolbar, worker thread, plots, divergence, closing mid-run."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.docks import in_front
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QMessageBox

from mgstudio.app.training import install
from mgstudio.app.training.panel import CSV_ITEM
from mgstudio.training import Trainer, preset

# an earlier test in this process may have left a stale quit behind (tests/helpers/app_fixtures.py)
pytestmark = pytest.mark.usefixtures("working_event_loop")


@pytest.fixture
def training(window, qtlog):
    """The window's training controller, running flat out, messages recorded."""
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)  # as fast as possible
    ctl.notices = []
    ctl.notify = lambda title, text: ctl.notices.append((title, text))
    yield ctl
    ctl.shutdown()
    assert ctl.runner.worker_thread.isFinished()
    # Qt's complaints about timers or objects used from the wrong thread, or a live QThread
    assert [r.message for r in qtlog.records if "thread" in r.message.lower()] == []


def use_preset(ctl, name: str, **fields) -> None:
    ctl.panel.preset.setCurrentText(name)
    p = ctl.panel
    widgets = {"steps": p.steps, "lr": p.lr, "seed": p.seed, "samples": p.samples}
    for key, value in fields.items():
        if key == "hidden":
            p.hidden.setText(value)
        elif key == "zero_grad":
            p.zero_grad.setChecked(value)
        else:
            widgets[key].setValue(value)


def click(qtbot, ctl, name: str) -> None:
    button = ctl.toolbar.widgetForAction(ctl.actions[name])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_state(qtbot, ctl, state: str, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: ctl.state == state, timeout=timeout)


def test_train_from_the_toolbar_updates_history_plot_and_progress(qtbot, training):
    use_preset(training, "micrograd-demo", steps=30)
    click(qtbot, training, "train")
    qtbot.waitUntil(
        lambda: training.trainer is not None and len(training.trainer.history) == 30, timeout=10_000
    )
    wait_state(qtbot, training, "finished")
    history = training.trainer.history
    xs, ys = training.plots.loss_line.get_data()
    assert list(xs) == [r["step"] for r in history]
    assert list(ys) == [r["loss"] for r in history]
    _, acc = training.plots.acc_line.get_data()
    assert list(acc) == [r["accuracy"] * 100 for r in history]
    assert training.progress_bar.value() == 30 == training.progress_bar.maximum()
    assert "Finished 30 steps" in training.window.statusBar().currentMessage()
    # the GUI run is the headless run: same seed, same numbers
    headless = Trainer(preset("micrograd-demo", steps=30)).run()
    assert [r["loss"] for r in history] == [r["loss"] for r in headless]


def test_step_pause_and_resume(qtbot, training):
    use_preset(training, "walkthrough", steps=12)
    assert training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == 1)
    assert training.state == "paused"
    click(qtbot, training, "step")
    qtbot.waitUntil(lambda: training.trainer.step_count == 2)
    qtbot.wait(100)
    assert training.trainer.step_count == 2  # paused: no step without a request
    assert training.actions["train"].text() == "&Resume"
    click(qtbot, training, "train")
    wait_state(qtbot, training, "finished")
    assert training.trainer.step_count == 12
    steps = [r["step"] for r in training.trainer.history]
    assert steps == list(range(12))


def test_pause_stops_a_paced_run(qtbot, training):
    use_preset(training, "walkthrough", steps=1000)
    training.panel.speed.setCurrentIndex(3)  # 10 steps per second
    training.train()
    qtbot.waitUntil(lambda: training.trainer.step_count >= 1)
    click(qtbot, training, "pause")
    assert training.state == "paused"
    assert not training.actions["pause"].isEnabled()
    qtbot.wait(50)  # a step already under way may finish
    n = training.trainer.step_count
    qtbot.wait(400)
    assert training.trainer.step_count == n < 1000
    training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == n + 1)


def test_reset_returns_to_step_zero_and_the_same_start(qtbot, training):
    use_preset(training, "micrograd-demo", steps=15)
    training.train()
    wait_state(qtbot, training, "finished")
    first = [r["loss"] for r in training.trainer.history]
    old = training.trainer
    click(qtbot, training, "reset")
    assert training.state == "idle"
    assert training.trainer is not old and training.trainer.step_count == 0
    assert training.progress_bar.value() == 0
    assert list(training.plots.loss_line.get_data()[0]) == []
    training.train()
    wait_state(qtbot, training, "finished")
    assert [r["loss"] for r in training.trainer.history] == first


def test_reset_during_a_run_ignores_the_old_run(qtbot, training):
    use_preset(training, "walkthrough", steps=100_000)
    training.train()
    qtbot.waitUntil(lambda: training.trainer.step_count > 3)
    old = training.trainer
    training.reset()
    qtbot.wait(100)
    n = old.step_count
    qtbot.wait(100)
    assert old.step_count == n  # the old run was cancelled
    assert training.state == "idle" and training.trainer.step_count == 0
    assert training.progress_bar.value() == 0


def test_closing_the_window_mid_run_stops_the_thread(qtbot, window, qtlog):
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    use_preset(ctl, "micrograd-demo", steps=100_000)
    ctl.train()
    qtbot.waitUntil(lambda: ctl.trainer.step_count > 5)
    window.undo_stack.setClean()
    assert window.close()
    assert ctl.closed
    assert ctl.runner.worker_thread.isFinished()
    steps = ctl.trainer.step_count
    assert steps < 100_000
    qtbot.wait(100)  # late queued signals arrive and are ignored
    assert ctl.trainer.step_count == steps
    warnings = [r.message for r in qtlog.records if "QThread" in r.message]
    assert warnings == []


def test_an_ignored_close_keeps_training(qtbot, window, monkeypatch):
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    use_preset(ctl, "walkthrough", steps=300)
    monkeypatch.setattr(window, "maybe_save", lambda: False)  # the user pressed Cancel
    window.undo_stack.resetClean()
    assert not window.close()
    assert not ctl.closed
    assert ctl.train()
    wait_state(qtbot, ctl, "finished")
    monkeypatch.undo()
    window.undo_stack.setClean()


def test_divergence_stops_the_run_and_says_why(qtbot, training):
    use_preset(training, "micrograd-demo", lr=50.0, steps=50)
    training.panel.decay.setChecked(False)
    training.train()
    wait_state(qtbot, training, "diverged")
    message = training.window.statusBar().currentMessage()
    assert "diverged" in message and "smaller learning rate" in message
    assert training.notices and training.notices[0][1] == message
    # nothing lost: the steps before the divergence stay in the history and on the plot
    history = training.trainer.history
    assert len(history) == training.trainer.step_count >= 1
    assert list(training.plots.loss_line.get_data()[1]) == [r["loss"] for r in history]
    assert training.actions["train"].isEnabled()


def test_zero_grad_toggle_changes_the_trajectory(qtbot, training):
    runs = {}
    for zero_grad in (True, False):
        use_preset(training, "walkthrough", steps=8, zero_grad=zero_grad)
        training.train()
        wait_state(qtbot, training, "finished")
        runs[zero_grad] = [r["loss"] for r in training.trainer.history]
    assert training.panel.zero_grad_note.isHidden() is False
    # the first update is the same (grads start at 0); then the old grads pile up
    assert runs[True][:2] == runs[False][:2]
    assert runs[True][2:] != runs[False][2:]
    headless = Trainer(preset("walkthrough", steps=8, zero_grad=False)).run()
    assert runs[False] == [r["loss"] for r in headless]


def test_walkthrough_table_shows_predictions(qtbot, training):
    use_preset(training, "walkthrough", steps=20)
    training.train()
    wait_state(qtbot, training, "finished")
    table = training.plots.table
    assert table.isVisible() and table.rowCount() == 4
    assert table.item(0, 3).text() == "1"  # the first target
    expected = training.trainer.predict(training.trainer.dataset.X)
    assert table.predictions() == pytest.approx(expected.tolist(), abs=1e-6)
    assert training.plots.ax_map is None  # 3 inputs: no decision boundary


def test_decision_boundary_for_moons(qtbot, training):
    use_preset(training, "micrograd-demo", steps=20)
    training.train()
    wait_state(qtbot, training, "finished")
    plots = training.plots
    assert not plots.table.isVisible()
    shown = np.asarray(plots.image.get_array())
    xx, yy = plots.decision_grid()
    assert shown.shape == xx.shape
    expected = np.clip(training.trainer.predict_grid(xx, yy), -2.0, 2.0)
    np.testing.assert_allclose(shown, expected, rtol=1e-12, atol=1e-12)
    assert np.ptp(shown) > 0.1  # a boundary, not a flat colour
    assert plots.points.get_offsets().shape == (100, 2)


def test_settings_errors_block_training(qtbot, training):
    training.panel.hidden.setText("16,,16")
    assert not training.train()
    assert training.trainer is None
    assert training.panel.error.isVisible()
    assert "16,16" in training.panel.error.text()
    assert training.settings_dock.isVisible()


def test_changed_settings_start_over(qtbot, training):
    use_preset(training, "walkthrough", steps=5)
    training.train()
    wait_state(qtbot, training, "finished")
    first = training.trainer
    training.panel.hidden.setText("3")
    assert training.panel.preset.currentText() == "custom"
    training.train()
    wait_state(qtbot, training, "finished")
    assert training.trainer is not first and training.trainer.config.hidden == (3,)


def test_csv_dataset(qtbot, training, tmp_path):
    path = tmp_path / "and.csv"
    path.write_text("a,b,label\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n", encoding="utf-8")
    training.panel.ask_csv_path = lambda: str(path)
    training.panel.steps.setValue(10)
    training.panel.dataset.setCurrentText(CSV_ITEM)
    assert "4 rows" in training.panel.csv_label.text()
    training.train()
    wait_state(qtbot, training, "finished")
    assert training.trainer.dataset.n_samples == 4
    assert training.plots.image is not None  # two inputs: a decision boundary


def test_save_figure_writes_png(qtbot, training, tmp_path):
    use_preset(training, "micrograd-demo", steps=5)
    training.train()
    wait_state(qtbot, training, "finished")
    out = tmp_path / "plots.png"
    training.plots.save_figure(str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_menu_and_shortcuts(training):
    menu = training.menu
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Train",
        "&Pause",
        "S&tep",
        "&Reset",
        "Show &Network on Canvas",
        "Save &Figure…",
        "Train This &Graph",
        "Edit &Dataset…",
        "Draw &Points on the Map",
        "Training &Settings",
        "Training P&lots",
        "Training R&uns",
    ]
    assert training.actions["train"].shortcut().toString() == "F5"
    assert training.actions["step"].shortcut().toString() == "F7"
    bar = training.window.menuBar().actions()
    assert menu.menuAction() in bar


def test_reports_arrive_in_the_gui_thread(qtbot, window, monkeypatch):
    from mgstudio.app.training.controller import TrainingController
    from mgstudio.app.training.plot_pane import PlotPane

    seen = []

    def spy(cls, name):
        original = getattr(cls, name)

        def wrapper(self, *args):
            seen.append((name, QThread.currentThread() is QApplication.instance().thread()))
            return original(self, *args)

        monkeypatch.setattr(cls, name, wrapper)

    # called from the slots that receive the worker's snapshot and finished signals
    spy(PlotPane, "set_predictions")
    spy(TrainingController, "show_message")
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    use_preset(ctl, "walkthrough", steps=10)
    ctl.train()
    wait_state(qtbot, ctl, "finished")
    assert {name for name, _ in seen} == {"set_predictions", "show_message"}
    assert all(in_gui for _, in_gui in seen)
    assert ctl.runner.worker_thread.isRunning()  # the thread stays for the next run
    ctl.shutdown()
    assert ctl.runner.worker_thread.isFinished()


def test_divergence_message_box_is_not_modal(qtbot, window):
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    use_preset(ctl, "micrograd-demo", lr=50.0, steps=50)
    ctl.train()
    wait_state(qtbot, ctl, "diverged")
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert len(boxes) == 1
    box = boxes[0]
    assert not box.isModal() and "diverged" in box.text()
    assert ctl.train()  # the window is not blocked: a new run starts over
    ctl.shutdown()
    qtbot.waitUntil(lambda: not box.isVisible())


def test_long_curves_are_thinned_but_keep_the_last_point(qtbot):
    from mgstudio.app.training.plot_pane import MAX_POINTS, PlotPane
    from mgstudio.training import make_dataset

    pane = PlotPane()
    qtbot.addWidget(pane)
    pane.ensure_built()
    pane.start(make_dataset("xor", 8), 10_000, first_loss=1.0)
    n = 3 * MAX_POINTS + 7
    pane.add_records([{"step": k, "loss": 1.0 / (k + 1), "accuracy": 0.5} for k in range(n)])
    pane._set_line_data()
    xs, ys = pane.loss_line.get_data()
    assert len(xs) <= MAX_POINTS + 1
    assert xs[0] == 0 and xs[-1] == n - 1 and ys[-1] == 1.0 / n
    assert list(xs) == sorted(set(xs))


def test_docks_come_back_as_the_window_saved_them(qtbot, window):
    ctl = install(window)
    assert not ctl.settings_dock.isVisible() and not ctl.plots_dock.isVisible()
    ctl.settings_dock.show()
    state = window.saveState()
    ctl.shutdown()

    from mgstudio.app.main_window import MainWindow

    other = MainWindow()
    qtbot.addWidget(other)
    other.restoreState(state)  # as MainWindow does from its settings, before install
    other.show()
    again = install(other)
    assert again.settings_dock.isVisible() and not again.plots_dock.isVisible()
    again.shutdown()
    other.undo_stack.setClean()
    other.close()


def test_install_does_not_load_matplotlib(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "QSettings.setDefaultFormat(QSettings.Format.IniFormat)\n"
        "QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "
        f"{str(tmp_path)!r})\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from mgstudio.app.main_window import MainWindow\n"
        "from mgstudio.app.training import install\n"
        "w = MainWindow(); w.show(); ctl = install(w); app.processEvents()\n"
        "print('matplotlib' in sys.modules)\n"
        "ctl.train(); print('matplotlib.backends.backend_qtagg' in sys.modules)\n"
        "w.undo_stack.setClean(); w.close()\n"
    )
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert out.stdout.split() == ["False", "True"]


def test_bad_settings_leave_a_paused_run_alone(qtbot, training):
    use_preset(training, "walkthrough", steps=10)
    training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == 1)
    run = training.trainer
    assert training.actions["train"].text() == "&Resume"
    training.panel.hidden.setText("4,,4")
    assert training.actions["train"].text() == "&Train"  # Train would start over
    assert not training.train()
    assert training.state == "paused" and training.trainer is run
    training.panel.hidden.setText("4,4")
    assert training.train()
    wait_state(qtbot, training, "finished")
    assert training.trainer is not run and training.trainer.step_count == 10


def test_settings_and_plots_share_the_right_column_as_tabs(qtbot, training):
    use_preset(training, "walkthrough", steps=3)
    training.train()
    wait_state(qtbot, training, "finished")
    assert in_front(training.plots_dock) and not in_front(training.settings_dock)
    click(qtbot, training, "settings")
    assert training.window.tabifiedDockWidgets(training.plots_dock) == [training.settings_dock]
    qtbot.waitUntil(lambda: in_front(training.settings_dock) and not in_front(training.plots_dock))
    training.train()  # a new run brings the plots to the front again
    wait_state(qtbot, training, "finished")
    qtbot.waitUntil(lambda: in_front(training.plots_dock) and not in_front(training.settings_dock))


def test_frames_blit_and_redraw_fully_only_when_the_loss_axis_grows(qtbot):
    from mgstudio.app.training.plot_pane import PlotPane
    from mgstudio.training import make_dataset

    pane = PlotPane()
    qtbot.addWidget(pane)
    pane.resize(400, 500)
    pane.show()
    qtbot.waitExposed(pane)
    pane.start(make_dataset("moons", 20), 100, first_loss=1.0)
    pane.set_live(True)
    qtbot.waitUntil(lambda: pane._bg_curves is not None)  # the first full draw happened
    full, blits = pane.full_draws, pane.blit_count
    for k in range(5):
        pane.add_records([{"step": k, "loss": 0.9 - 0.1 * k, "accuracy": 0.5}])
        pane.refresh()
    assert pane.blit_count == blits + 5 and pane.full_draws == full
    top = pane.ax.get_ylim()[1]
    pane.add_records([{"step": 5, "loss": 3 * top, "accuracy": 0.5}])
    pane.refresh()
    assert pane.full_draws == full + 1 and pane.ax.get_ylim()[1] >= 3 * top
    pane.set_grid_scores(np.full((80, 80), 0.5))
    pane.refresh()
    assert pane.blit_count == blits + 6
    assert np.asarray(pane.image.get_array()).max() == 0.5


def test_an_unexpected_error_in_the_worker_reaches_the_learner(qtbot, training, monkeypatch):
    use_preset(training, "walkthrough", steps=50)
    assert training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == 1)
    real_step = training.trainer.step

    def failing_step():
        if training.trainer.step_count >= 3:
            raise FloatingPointError("injected")
        return real_step()

    monkeypatch.setattr(training.trainer, "step", failing_step)
    training.train()
    wait_state(qtbot, training, "diverged")
    assert training.trainer.step_count == 3
    assert training.notices == [("Training stopped", "FloatingPointError: injected")]
    assert "injected" in training.window.statusBar().currentMessage()
    assert training.runner.worker_thread.isRunning()  # the thread survives for the next run
    training.reset()
    training.train()
    wait_state(qtbot, training, "finished")


def test_a_bad_csv_file_is_explained_and_the_dataset_stays(qtbot, training, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,oops\n", encoding="utf-8")
    training.panel.ask_csv_path = lambda: str(path)
    before = training.panel.dataset.currentText()
    training.panel.dataset.setCurrentText(CSV_ITEM)
    assert training.panel.dataset.currentText() == before
    assert "line 3" in training.panel.error.text() and "'oops'" in training.panel.error.text()
    assert training.panel.dataset_override() is None
