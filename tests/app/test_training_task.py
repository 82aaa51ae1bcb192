"""Training from the window: regression shows no accuracy (11.13), headers are announced and
bad first rows named (11.14), the network on the canvas follows Reset and new settings and
says its loss is one sample's (12.5), the loss axis' label clears the map's title in a short
pane, and a letter typed into Hidden layers is explained (12.8)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mgstudio.app.training.panel import CSV_ITEM

# an earlier test in this process may have left a stale quit behind (tests/helpers/app_fixtures.py)
pytestmark = pytest.mark.usefixtures("working_event_loop")


CONFIRM_ANSWER = True  # what the recorded "Large network?" questions are answered


@pytest.fixture
def training(recorded_training):
    return recorded_training


def wait_state(qtbot, ctl, *states, timeout=10_000):
    qtbot.waitUntil(lambda: ctl.state in states, timeout=timeout)


def load_csv(ctl, path) -> None:
    ctl.panel.ask_csv_path = lambda: str(path)
    ctl.panel.dataset.setCurrentText(CSV_ITEM)


# --- 11.13 ---------------------------------------------------------------------------------
def test_regression_csv_trains_with_mse_and_never_shows_accuracy(qtbot, training, tmp_path):
    path = tmp_path / "reg.csv"
    rows = [f"{a},{b},{a + 2 * b}" for a in range(3) for b in range(3)]  # targets 0..6
    path.write_text("a,b,target\n" + "\n".join(rows) + "\n", encoding="utf-8")
    p = training.panel
    assert p.loss.currentData() == "hinge"  # the micrograd-demo preset
    load_csv(training, path)
    assert p.loss.currentData() == "mse"  # the task decided
    label = p.csv_label.text()
    assert "(regression)" in label and "row 1 read as a header: 'a', 'b', 'target'" in label
    assert "loss set to mean squared error" in label
    p.hidden.setText("4")
    p.lr.setValue(0.01)
    p.steps.setValue(20)
    messages = []
    training.window.statusBar().messageChanged.connect(messages.append)
    assert training.train()
    wait_state(qtbot, training, "finished")
    plots = training.plots
    assert plots.ax_acc is None and plots.acc_line is None  # no accuracy axis
    assert plots.ax_map is None  # two inputs, but no classes: no decision boundary
    shown = [m for m in messages if m]
    assert any("rmse" in m for m in shown)
    assert not any("accuracy" in m for m in shown), shown
    assert "rmse" in training.window.statusBar().currentMessage()
    assert all(r["accuracy"] is None for r in training.trainer.history)


# --- 11.14 ---------------------------------------------------------------------------------
def test_a_first_row_with_one_bad_cell_is_named_not_taken_as_header(qtbot, training, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("1,abc,1\n0,1,-1\n1,1,1\n", encoding="utf-8")
    load_csv(training, path)
    error = training.panel.error.text()
    assert "line 1, column 2: 'abc' is not a number" in error
    assert training.panel.dataset_override() is None


# --- 12.5: the network follows -----------------------------------------------------------
def _doc_params(ctl) -> list[float]:
    net = ctl.sync.net
    return [net.document.nodes[nid].value for nid in net.param_ids]


def test_network_follows_after_reset(qtbot, training):
    """walkthrough -> Show Network -> F7 -> F7 -> F8 -> F7: the canvas shows step 1."""
    training.panel.preset.setCurrentText("walkthrough")
    net = training.show_network()
    assert net is not None and training.window.document is net.document
    for n in (1, 2):
        training.step()
        qtbot.waitUntil(lambda n=n: training.trainer.step_count == n)
    qtbot.waitUntil(lambda: training.state == "paused")
    training.reset()
    start = training.trainer.snapshot().params.tolist()
    assert training.sync is not None and training.window.document is net.document
    assert _doc_params(training) == start  # step 0's weights, not step 2's
    training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == 1)
    after = training.trainer.snapshot().params.tolist()
    qtbot.waitUntil(lambda: _doc_params(training) == after, timeout=5000)
    assert after != start


def test_network_follows_a_preset_change(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    old = training.show_network()
    assert len(old.param_ids) == 41
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.hidden.setText("3,3")  # a small network: no "large network" question
    training.panel.steps.setValue(5)
    assert training.train()
    wait_state(qtbot, training, "finished")
    doc = training.window.document
    assert doc is not old.document and training.sync.net.document is doc
    assert len(training.sync.net.input_ids) == 2  # the moons network, not the walkthrough's
    final = training.trainer.snapshot().params.tolist()
    qtbot.waitUntil(lambda: _doc_params(training) == final, timeout=5000)


def test_the_canvas_loss_is_labelled_as_one_samples(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.sample.setValue(2)
    net = training.show_network()
    loss = net.document.nodes[net.loss_id]
    assert loss.label == "loss of sample 2"
    training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == 1)
    qtbot.waitUntil(
        lambda: "loss (all 4 samples)" in training.window.statusBar().currentMessage(), timeout=5000
    )
    assert training.window.output_label.text().startswith("loss of sample 2 = ")


# --- the step label and the map's title ------------------------------------------------
@pytest.mark.parametrize("height", [240, 330, 480, 900])
def test_step_label_clears_the_map_title_in_a_short_pane(qtbot, training, height):
    training.panel.steps.setValue(3)
    assert training.train()
    wait_state(qtbot, training, "finished")
    plots = training.plots
    plots.canvas.resize(420, height)
    qtbot.waitUntil(
        lambda: abs(plots.figure.bbox.height - height * plots.canvas.devicePixelRatioF()) < 2
    )
    plots._fit_margins()
    plots.canvas.draw()
    renderer = plots.canvas.get_renderer()
    step_label = plots.ax.xaxis.label.get_window_extent(renderer)
    title = plots.ax_map.title.get_window_extent(renderer)
    assert step_label.y0 > title.y1, (step_label, title)  # display y grows upwards
    assert step_label.y0 >= 0 and title.y1 <= plots.figure.bbox.height
    assert plots.ax_map.get_tightbbox(renderer).y0 >= 0  # the map's ticks are not cut off


# --- 12.8: letters in Hidden layers ---------------------------------------------------
def test_letters_in_hidden_layers_are_explained(qtbot, training):
    p = training.panel
    p.hidden.setFocus()
    p.hidden.setText("16,1")
    p.hidden.setCursorPosition(4)
    qtbot.keyClicks(p.hidden, "a")
    assert p.hidden.text() == "16,1"  # still refused
    assert not p.error.isHidden()
    assert "whole numbers separated by commas" in p.error.text()
    qtbot.keyClick(p.hidden, Qt.Key.Key_6)  # a real edit that makes it valid clears it
    assert p.hidden.text() == "16,16" and p.error.isHidden()


def test_decision_map_still_drawn_for_classes(qtbot, training):
    training.panel.steps.setValue(3)
    assert training.train()
    wait_state(qtbot, training, "finished")
    plots = training.plots
    assert plots.ax_map is not None and plots.map_note() == ""
    assert np.isfinite(plots.ax_map.get_xlim()).all()
