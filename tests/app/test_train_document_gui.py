"""Training the document on the canvas from the window (issue 16): roles set in the
inspector, Train trains THIS graph off the GUI thread, the run is one undo step, the test
split's loss is drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mgstudio.app.training import install
from mgstudio.training.document_training import train_document

pytestmark = pytest.mark.usefixtures("working_event_loop")

PARAMS = ("w1", "w2", "b")


@pytest.fixture
def training(window):
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)  # as fast as possible
    ctl.notify = lambda title, text: None
    yield ctl
    ctl.shutdown()
    assert ctl.runner.worker_thread.isFinished()


def choose_role(qtbot, window, nid: str, role: str) -> None:
    """Select the node on the canvas, then pick the role in the inspector's combo with the
    keyboard (a real key event; the combo reports ``activated`` as for a mouse pick)."""
    window.canvas.select_node(nid)
    combo = window.inspector.role_box.role_combo
    assert combo.isVisible()
    combo.setFocus()
    key = Qt.Key.Key_Down if role == "Feature" else Qt.Key.Key_Up
    qtbot.keyClick(combo, key)
    assert combo.currentText() == role


def neuron_with_features(qtbot, window, open_example) -> dict[str, str]:
    ids = open_example("neuron.mgs")
    choose_role(qtbot, window, ids["x1"], "Feature")
    choose_role(qtbot, window, ids["x2"], "Feature")
    return ids


def values(doc, ids, names=PARAMS) -> dict[str, float]:
    return {n: doc.nodes[ids[n]].value for n in names}


def click(qtbot, ctl, name: str) -> None:
    qtbot.mouseClick(ctl.toolbar.widgetForAction(ctl.actions[name]), Qt.MouseButton.LeftButton)


def test_roles_from_the_inspector_reach_the_document_and_undo(qtbot, window, open_example):
    ids = neuron_with_features(qtbot, window, open_example)
    doc = window.document
    assert doc.nodes[ids["x1"]].feature == 0  # the first free column, then the next
    assert doc.nodes[ids["x2"]].feature == 1
    assert doc.feature_ids() == {0: [ids["x1"]], 1: [ids["x2"]]}
    assert doc.nodes[ids["w1"]].feature is None
    assert window.undo_stack.undoText() == "Make x2 a feature x1"
    # the column spin moves a feature to another column
    window.canvas.select_node(ids["x1"])
    spin = window.inspector.role_box.column_spin
    spin.setFocus()
    qtbot.keyClicks(spin, "")
    spin.selectAll()
    qtbot.keyClicks(spin, "5")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert doc.nodes[ids["x1"]].feature == 5
    window.undo_stack.undo()
    assert doc.nodes[ids["x1"]].feature == 0
    # the prediction: a mouse click on the check box of the node chosen
    window.canvas.select_node(ids["n"])
    check = window.inspector.role_box.prediction_check
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert doc.prediction == ids["n"]
    assert doc.prediction_node() == ids["n"]
    window.undo_stack.undo()
    assert doc.prediction is None and doc.prediction_node() == ids["o"]
    # the canvas marks the roles: the feature's item painted its column, the tooltip says so
    from mgstudio.app.canvas.tooltips import tooltip_html

    assert "feature x0" in tooltip_html(doc, ids["x1"])
    assert "a parameter" in tooltip_html(doc, ids["w1"])
    # a role only an input leaf has: the role row is hidden for an op
    window.canvas.select_node(ids["n"])
    assert not window.inspector.role_box.role_combo.isVisible()
    assert window.inspector.role_box.prediction_check.isVisible()


def test_the_canvas_paints_feature_and_prediction_roles(qtbot, window, open_example):
    ids = neuron_with_features(qtbot, window, open_example)
    scene = window.canvas.canvas_scene
    window.document.set_prediction(ids["o"])
    view = window.canvas
    for name, role in (("x2", (1, False)), ("w1", (None, False)), ("o", (None, True))):
        item = scene._nodes[ids[name]]
        view.centerOn(item)  # on screen: the view paints it
        view.viewport().repaint()
        qtbot.waitUntil(lambda item=item, role=role: item.painted_role == role)
    window.undo_stack.undo()  # x2 back to a parameter: its item repaints as one
    item = scene._nodes[ids["x2"]]
    view.centerOn(item)
    qtbot.waitUntil(lambda: item.painted_role == (None, False))


def test_train_this_graph_moves_the_parameters_and_one_undo_restores_them(
    qtbot, window, open_example, training
):
    ids = neuron_with_features(qtbot, window, open_example)
    doc = window.document
    training.panel.preset.setCurrentText("micrograd-demo")  # moons: two features
    training.panel.steps.setValue(25)
    training.panel.samples.setValue(40)
    before = values(doc, ids)
    depth = window.undo_stack.count()
    # the headless run of the same document and settings: what the window must reproduce
    expected_values, expected_state = train_document(doc, training.docs.state_from_panel(doc))
    assert values(doc, ids) == before  # (the headless run leaves the document alone)

    click(qtbot, training, "train")
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    after = values(doc, ids)
    assert after != before
    assert after == {n: expected_values[ids[n]] for n in PARAMS}
    assert window.undo_stack.count() == depth + 1
    assert window.undo_stack.undoText() == "Train 25 steps"
    run = doc.training.runs[-1]
    assert run.steps == 25
    assert np.array_equal(run.loss, expected_state.runs[-1].loss)
    # the features are fed, not trained
    assert doc.nodes[ids["x1"]].value == 2.0 and doc.nodes[ids["x2"]].value == 0.0
    # the loss curve is the run's
    _, ys = training.plots.loss_line.get_data()
    assert list(ys) == list(run.loss)

    window.undo_stack.undo()
    assert values(doc, ids) == before  # exactly
    assert doc.training.runs == ()
    window.undo_stack.redo()
    assert values(doc, ids) == after


def test_pausing_keeps_the_steps_so_far_as_an_undo_step(qtbot, window, open_example, training):
    ids = neuron_with_features(qtbot, window, open_example)
    doc = window.document
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.steps.setValue(12)
    before = values(doc, ids)
    assert training.step()
    qtbot.waitUntil(lambda: window.undo_stack.undoText() == "Train 1 step")
    one = values(doc, ids)
    assert one != before
    click(qtbot, training, "train")  # resumes: the other 11 steps are the next undo step
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    assert window.undo_stack.undoText() == "Train 11 steps"
    assert len(doc.training.runs) == 1 and doc.training.runs[0].steps == 12
    window.undo_stack.undo()
    assert values(doc, ids) == one
    assert doc.training.runs[0].steps == 1
    while window.undo_stack.undoText().startswith("Train"):
        window.undo_stack.undo()
    assert values(doc, ids) == before


def test_the_settings_mlp_still_trains_without_features(qtbot, window, open_example, training):
    ids = open_example("neuron.mgs")
    doc = window.document
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(5)
    w1 = doc.nodes[ids["w1"]].value
    click(qtbot, training, "train")
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    assert training.docs.stepper is None
    assert len(training.trainer.history) == 5
    assert doc.nodes[ids["w1"]].value == w1  # the graph on the canvas was not trained
    assert not window.undo_stack.undoText().startswith("Train")


def test_test_split_draws_the_test_loss(qtbot, window, open_example, training):
    ids = neuron_with_features(qtbot, window, open_example)
    doc = window.document
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.steps.setValue(10)
    training.panel.samples.setValue(40)
    training.panel.test_percent.setValue(25)
    click(qtbot, training, "train")
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    run = doc.training.runs[-1]
    assert doc.training.test_ratio == 0.25
    assert len(run.test_loss) == 10 and np.all(np.isfinite(run.test_loss))
    assert training.trainer.dataset.n_samples == 30  # 10 of 40 held out
    line = training.plots.test_line
    assert line is not None
    _, ys = line.get_data()
    assert np.allclose(np.asarray(ys), run.test_loss, rtol=0, atol=0)
    assert not np.allclose(run.test_loss, run.loss)  # another set of samples
    assert values(doc, ids) != {}
    # the settings' MLP gets the split too
    for nid in (ids["x1"], ids["x2"]):
        doc.set_feature(nid, None)
    click(qtbot, training, "train")
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    assert training.docs.stepper is None
    assert all("test_loss" in r for r in training.trainer.history)
    assert training.plots.test_line is not None


def test_a_document_that_cannot_be_trained_says_why(qtbot, window, open_example, training):
    open_example("neuron.mgs")
    training.actions["train_graph"].trigger()  # Train This Graph, with no feature yet
    assert training.actions["train_graph"].isChecked()
    assert not training.train()
    assert "feature" in window.statusBar().currentMessage()
    assert training.state == "idle"


def test_reset_returns_to_the_runs_initialisation(qtbot, window, open_example, training):
    """Reset after training the document: the parameters are the run's step 0 exactly (the
    same initialisation each time), and training again from there gives the same run."""
    ids = neuron_with_features(qtbot, window, open_example)
    doc = window.document
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.steps.setValue(15)
    before = values(doc, ids)
    click(qtbot, training, "train")
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    first = doc.training.runs[-1]
    trained = values(doc, ids)
    assert trained != before
    click(qtbot, training, "reset")
    assert values(doc, ids) == before  # exactly the initial parameters
    initial = dict(zip(first.params, first.initial.tolist()))
    assert {n: initial[ids[n]] for n in PARAMS} == before
    click(qtbot, training, "train")
    qtbot.waitUntil(lambda: training.state == "finished", timeout=20_000)
    assert values(doc, ids) == trained  # same start, same settings: the same run
    assert np.array_equal(doc.training.runs[-1].loss, first.loss)
