"""The timeline in the window: a saved trained document reopens with its history and weights;
the slider and a drag along the loss curve put canvas, table and boundary at a kept step;
Continue from here branches (one undo step), Step 0 is the run's initial vector exactly; the
runs list renames and deletes (undo steps) and every run is a line on the loss plot."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from mgstudio.app.training import install
from mgstudio.app.training.timeline_plot import SHOWN_WIDTH
from mgstudio.cli import main as cli
from mgstudio.document import Document
from mgstudio.training.document_training import DocumentRun
from mgstudio.training.timeline import run_dataset, values_at

pytestmark = pytest.mark.usefixtures("working_event_loop")


def _saved(tmp_path, capsys, preset: str, steps: int) -> str:
    path = tmp_path / f"{preset}.mgs"
    argv = ["train", "--preset", preset, "--steps", str(steps), "--json", "--save", str(path)]
    assert cli(argv) == 0
    capsys.readouterr()
    return str(path)


@pytest.fixture
def timeline(window, qtlog):
    ctl = install(window)
    yield ctl.timeline
    ctl.shutdown()
    window.tasks.wait_all()


def _open(window, path: str) -> Document:
    doc = Document.load(path)
    window.set_document(doc, path)
    return doc


def _leaves(doc: Document, ids) -> dict[str, float]:
    return {nid: doc.node(nid).value for nid in ids}


def test_a_saved_trained_document_reopens_with_history_and_weights(
    window, timeline, tmp_path, capsys
):
    path = _saved(tmp_path, capsys, "walkthrough", 25)
    saved = Document.load(path)
    doc = _open(window, path)
    run = doc.training.runs[0]
    plots = timeline.controller.plots
    assert plots.losses == list(run.loss)  # the history, not a new run
    assert plots.steps == list(range(25))
    # the trained weights, untouched: the file's values, which are the run's last step
    assert _leaves(doc, run.params) == _leaves(saved, run.params)
    assert _leaves(doc, run.params) == values_at(run, 25)
    assert timeline.bar.isVisibleTo(window) and timeline.bar.slider.value() == 25
    assert timeline.runs.list.count() == 1 and timeline.runs_dock.isVisibleTo(window)
    assert window.undo_stack.count() == 0 and not window.is_modified()
    # the predictions table of the 4 samples shows the trained model's predictions
    data = run_dataset(doc.training, run)
    shown = plots.table.predictions()
    expect = timeline.scrubber.evaluate(timeline.scrubber.params(25), data.X)
    np.testing.assert_allclose(shown, expect, atol=1e-6)  # printed with 6 decimals


def test_scrub_to_step_k_is_the_checkpoint_and_training_again(window, timeline, tmp_path, capsys):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 25))
    run = doc.training.runs[0]
    k = 9
    timeline.bar.slider.setValue(k)
    timeline.settle()
    assert timeline.shown_step == k
    at_k = _leaves(doc, run.params)
    assert at_k == values_at(run, k)
    assert doc.training.position == (0, k)
    assert window.undo_stack.count() == 0  # a view of the run, not an edit
    # training again from step 0 for k steps gives the same numbers, bit for bit
    fresh = _clone(doc)
    fresh.set_values(values_at(run, 0, fresh))
    again = DocumentRun(
        fresh,
        fresh.training.replace(settings=replace(run.settings, steps=k), position=None),
        features=list(run.features),
        prediction=run.prediction,
    )
    again.run()
    assert again.values() == at_k
    # the canvas' output is the model's prediction of the sample the network traces
    data = run_dataset(doc.training, run)
    table = timeline.controller.plots.table.predictions()
    np.testing.assert_allclose(table, again.trainer.predict(data.X), atol=1e-6)


def _clone(doc: Document) -> Document:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "copy.mgs"
        doc.save(path)
        return Document.load(path)


def test_dragging_along_the_loss_curve_scrubs(window, timeline, tmp_path, capsys, qtbot):
    doc = _open(window, _saved(tmp_path, capsys, "micrograd-demo", 40))
    run = doc.training.runs[0]
    plots = timeline.controller.plots
    timeline.controller.show_plots()
    qtbot.waitUntil(lambda: plots.canvas.isVisible())
    canvas = plots.canvas
    qtbot.wait(50)

    def pixel(step: float) -> QPoint:
        x, y = plots.ax.transData.transform((step, plots.ax.get_ylim()[1] * 0.5))
        ratio = canvas.device_pixel_ratio or 1.0
        return QPoint(int(round(x / ratio)), int(round((canvas.figure.bbox.height - y) / ratio)))

    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=pixel(10))
    qtbot.mouseMove(canvas, pixel(20))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=pixel(20))
    qtbot.waitUntil(lambda: timeline.bar.slider.value() in (19, 20, 21))
    timeline.settle()
    step = timeline.bar.slider.value()
    assert timeline.shown_step == step
    assert _leaves(doc, run.params) == values_at(run, step)
    # the boundary shows the model at that step over the plotted grid
    scores = timeline.scrubber.grid_scores(timeline.scrubber.params(step), timeline.grid)
    np.testing.assert_array_equal(plots.image.get_array(), np.clip(scores, -2.0, 2.0))
    assert timeline.overlay.cursor is not None and timeline.overlay.cursor.isVisible()


def test_step_0_restores_the_initial_parameters_exactly(window, timeline, tmp_path, capsys, qtbot):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 25))
    run = doc.training.runs[0]
    timeline.bar.slider.setValue(13)
    timeline.settle()
    qtbot.mouseClick(timeline.bar.reset_button, Qt.MouseButton.LeftButton)
    assert [doc.node(nid).value for nid in run.params] == list(run.initial)
    assert doc.training.position == (0, 0) and timeline.bar.slider.value() == 0


def test_continue_from_here_makes_a_branch_with_its_parent(
    window, timeline, tmp_path, capsys, qtbot
):
    path = _saved(tmp_path, capsys, "walkthrough", 25)
    doc = _open(window, path)
    run = doc.training.runs[0]
    timeline.bar.slider.setValue(10)
    timeline.bar.lr.setValue(0.02)
    timeline.bar.steps.setValue(7)
    qtbot.mouseClick(timeline.bar.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(doc.training.runs) == 2, timeout=20_000)
    branch = doc.training.runs[1]
    assert branch.parent == (0, 10) and branch.steps == 7 and branch.settings.lr == 0.02
    # it starts where it was shown (the vectors list the ids in their own orders)
    assert dict(zip(branch.params, branch.initial)) == values_at(run, 10)
    assert doc.training.position == (1, 7)
    assert _leaves(doc, branch.params) == values_at(branch, 7)
    assert window.undo_stack.count() == 1
    assert timeline.runs.list.count() == 2 and timeline.index == 1
    assert len(timeline.overlay.lines) == 1  # the other run; the shown one is the pane's line
    plots = timeline.controller.plots
    assert plots.loss_line.get_linewidth() == SHOWN_WIDTH
    assert plots.steps[0] == 10  # drawn from where it split off, beside its parent
    assert list(timeline.overlay.lines[0].get_xdata()[:2]) == [0, 1]
    # saved and reopened: both runs, the parent kept
    out = tmp_path / "branched.mgs"
    doc.save(out)
    again = Document.load(out)
    assert [r.parent for r in again.training.runs] == [None, (0, 10)]
    # one undo: the branch is gone and the canvas is back at step 10 of the first run
    window.undo_stack.undo()
    assert len(doc.training.runs) == 1
    assert _leaves(doc, run.params) == values_at(run, 10)
    assert timeline.runs.list.count() == 1 and timeline.overlay.lines == []


def test_runs_list_rename_delete_and_choose(window, timeline, tmp_path, capsys, qtbot):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 20))
    # a second run, so there is something to choose and overlay
    run = doc.training.runs[0]
    timeline.bar.slider.setValue(5)
    timeline.bar.steps.setValue(4)
    timeline.continue_from_here()
    qtbot.waitUntil(lambda: len(doc.training.runs) == 2, timeout=20_000)
    lst = timeline.runs.list
    # rename run 1 by double-click, typing and Enter
    assert lst.isVisible()
    rect = lst.visualItemRect(lst.item(0))
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: lst.findChild(QLineEdit) is not None)
    line = lst.findChild(QLineEdit)
    assert line is not None and line.text() == run.name  # the name only, not the whole line
    line.selectAll()
    qtbot.keyClicks(line, "baseline")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: doc.training.runs[0].name == "baseline")
    assert lst.item(0).text().startswith("baseline")
    assert lst.item(1).text().strip().startswith(doc.training.runs[1].name)
    assert "← baseline @ 5" in lst.item(1).text()
    # choosing the first run shows it (its last step) and bolds it
    lst.setCurrentRow(0)
    assert timeline.index == 0 and timeline.shown_step == 20
    assert _leaves(doc, run.params) == values_at(run, 20)
    assert len(timeline.overlay.lines) == 1
    # delete it: the branch moves up and loses its parent; undo brings it back
    count = window.undo_stack.count()
    qtbot.mouseClick(timeline.runs.delete_button, Qt.MouseButton.LeftButton)
    assert [r.parent for r in doc.training.runs] == [None]
    assert window.undo_stack.count() == count + 1 and lst.count() == 1
    assert timeline.overlay.lines == []
    window.undo_stack.undo()
    assert [r.name for r in doc.training.runs][0] == "baseline" and lst.count() == 2
    window.undo_stack.undo()  # the rename
    assert doc.training.runs[0].name == run.name


def test_a_parameter_deleted_after_training_is_skipped(window, timeline, tmp_path, capsys):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 12))
    run = doc.training.runs[0]
    said = []
    timeline.controller.show_message = said.append
    gone = run.params[0]
    doc.remove_nodes([gone])
    timeline.bar.slider.setValue(4)
    timeline.settle()
    rest = values_at(run, 4, doc)
    assert gone not in rest and _leaves(doc, rest) == rest  # the others are at step 4
    assert timeline.scrubber is None  # the graph is incomplete now: no predictions to show
    assert any("curve only" in text for text in said)


def test_a_thinned_run_shows_the_kept_step_and_says_so(window, timeline, tmp_path, capsys):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 5000))
    run = doc.training.runs[0]
    assert len(run.checkpoint_steps) < run.steps  # thinned: every 4th step is kept
    odd = int(run.checkpoint_steps[100]) + 1
    timeline.bar.slider.setValue(odd)
    timeline.settle()
    kept = int(run.checkpoint_steps[100])
    assert timeline.shown_step == kept
    assert _leaves(doc, run.params) == values_at(run, kept)
    assert f"step {odd}/5000 → kept {kept}" in timeline.bar.label.text()
    assert f"loss {run.loss[kept]:.4g}" in timeline.bar.label.text()
    assert doc.training.position == (0, kept)  # always a kept step (the file's rule)


def test_runs_added_while_the_controller_trains_are_plotted_when_it_stops(
    window, timeline, tmp_path, capsys
):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 20))
    ctl = timeline.controller
    first = doc.training.runs[0]
    # as a run of this document trained in the window ends: its state arrives while the
    # controller still says "running", then the controller stops
    ctl.state = "running"
    ctl.state_changed.emit("running")
    assert not timeline.bar.slider.isEnabled()
    second = first.replace(name="again")
    doc.set_training(doc.training.replace(runs=(first, second), position=(1, 20)))
    assert timeline.overlay.lines == []  # the controller's own plots are left alone
    ctl.state = "finished"
    ctl.state_changed.emit("finished")
    assert len(timeline.overlay.lines) == 1 and timeline.index == 1
    assert timeline.bar.slider.isEnabled()
    assert ctl.plots.losses == list(second.loss)


def test_positions_faster_than_drawn_are_coalesced_to_the_newest(
    window, timeline, tmp_path, capsys, qtbot
):
    doc = _open(window, _saved(tmp_path, capsys, "walkthrough", 20))
    run = doc.training.runs[0]
    shown = []
    timeline.shown.connect(lambda step, kept: shown.append(step))
    for step in range(1, 12):  # one burst of slider moves within one turn of the event loop
        timeline.bar.slider.setValue(step)
    qtbot.waitUntil(lambda: timeline.shown_step == 11)
    assert shown == [11]  # the newest only: no frame was spent on the ten before it
    assert _leaves(doc, run.params) == values_at(run, 11)
