"""Which sample the network on the canvas traces: the picker (spin box + the sample's features
and target), a click on the decision-boundary plot, keys on the plot and a row of the
predictions table choose it; the same document's input and target leaves take the new
numbers in one edit, with backward, and no undo command."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from mgstudio.app.commands import SetValueCommand
from mgstudio.app.training.network_view import target_leaf, trace_sample
from mgstudio.app.training.plot_picking import nearest_point, stepped
from mgstudio.app.training.sample_picker import describe_sample
from mgstudio.training import Trainer, preset
from mgstudio.training.datasets import walkthrough
from mgstudio.training.network_doc import build_network_document

pytestmark = pytest.mark.usefixtures("working_event_loop")


@pytest.fixture
def training(recorded_training):
    return recorded_training


def traced(net, dataset, sample: int) -> None:
    """The document's numbers are those of ``sample``: inputs, target, score and loss."""
    doc = net.document
    assert [doc.nodes[i].value for i in net.input_ids] == dataset.X[sample].tolist()
    tid, sign = target_leaf(net)
    assert doc.nodes[tid].value == sign * dataset.y[sample]
    assert net.sample == sample and doc.grads_current


def small_moons_network(training, steps: int = 3):
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.hidden.setText("3,3")  # small: quick to build and draw
    training.panel.steps.setValue(steps)
    net = training.show_network()
    assert net is not None
    return net


def test_trace_sample_is_one_edit_of_the_same_document():
    trainer = Trainer(preset("micrograd-demo", hidden=(3, 2)))
    net = build_network_document(trainer, 0, use_dot=False)
    doc = net.document
    events = []
    doc.events.values_changed.connect(events.append)
    assert trace_sample(net, trainer.dataset, 7)
    traced(net, trainer.dataset, 7)
    assert len(events) == 1
    assert doc.nodes[net.loss_id].label == "loss of sample 7"
    score = doc.value_of(net.score_id).data
    assert score == pytest.approx(trainer.predict(trainer.dataset.X[7:8])[0], rel=1e-12)
    # the same graph as one built for sample 7, numbers and grads included
    fresh = build_network_document(trainer, 7, use_dot=False).document
    for nid in fresh.nodes:
        assert doc.nodes[nid].value == fresh.nodes[nid].value
        a, b = doc.value_of(nid), fresh.value_of(nid)
        assert (a.data, a.grad) == pytest.approx((b.data, b.grad), rel=1e-12, abs=1e-15)
    assert not trace_sample(net, trainer.dataset, trainer.dataset.n_samples)  # no such sample
    assert not trace_sample(net, walkthrough(), 0)  # three inputs do not fit two


def test_the_squared_error_target_is_y_itself():
    trainer = Trainer(preset("walkthrough"))  # sum of squared errors: the leaf is y
    net = build_network_document(trainer, 0, use_dot=False)
    assert net.document.nodes[target_leaf(net)[0]].label == "y"
    assert trace_sample(net, trainer.dataset, 1)
    traced(net, trainer.dataset, 1)


def test_the_picker_says_which_sample_and_the_canvas_follows(qtbot, training):
    net = small_moons_network(training)
    doc = net.document
    data = training.trainer.dataset
    picker = training.panel.sample
    assert picker.text() == describe_sample(data, 0) and "target" in picker.text()
    assert picker.info.text() == picker.text()
    picker.setValue(5)
    assert training.window.document is doc  # the same document: no new one
    traced(net, data, 5)
    assert picker.info.text() == describe_sample(data, 5)
    assert "sample 5" in training.window.statusBar().currentMessage()
    assert training.window.undo_stack.count() == 0  # a view change, not an undo command
    assert training.plots.marked == 5
    np.testing.assert_array_equal(
        training.plots.marker.get_data(), [[data.X[5, 0]], [data.X[5, 1]]]
    )


def test_a_sample_change_keeps_the_undo_history(qtbot, training):
    net = small_moons_network(training)
    win = training.window
    weight = net.param_ids[0]
    win.undo_stack.push(SetValueCommand(net.document, weight, 0.25))
    training.panel.sample.setValue(3)
    traced(net, training.trainer.dataset, 3)
    assert win.undo_stack.count() == 1
    win.undo_stack.undo()  # the learner's own edit still undoes
    assert net.document.nodes[weight].value != 0.25
    traced(net, training.trainer.dataset, 3)


def test_a_click_on_the_plot_picks_the_nearest_point(qtbot, training):
    net = small_moons_network(training)
    plots = training.plots
    qtbot.waitUntil(lambda: plots.canvas.isVisible())
    plots.canvas.draw()
    data = training.trainer.dataset
    k = 17
    x, y = plots.ax_map.transData.transform(data.X[k, :2])
    ratio = plots.canvas.devicePixelRatioF()
    height = plots.canvas.figure.bbox.height
    # matplotlib's display pixels: physical, from the bottom; Qt's: logical, from the top
    at = QPoint(round(x / ratio) + 1, round((height - y) / ratio) - 1)  # a pixel off centre
    qtbot.mouseClick(plots.canvas, Qt.MouseButton.LeftButton, pos=at)
    assert training.panel.sample.value() == k
    traced(net, data, k)
    # far from every point: nothing picked
    corner = QPoint(*(round(v / ratio) for v in plots.ax_map.transAxes.transform((0.0, 1.0))))
    corner.setY(round(height / ratio) - corner.y() + 2)
    corner.setX(corner.x() + 2)
    if plots.pick_at(corner.x() * ratio, height - corner.y() * ratio) is None:
        qtbot.mouseClick(plots.canvas, Qt.MouseButton.LeftButton, pos=corner)
        assert training.panel.sample.value() == k


def test_keys_on_the_plot_step_through_the_samples(qtbot, training):
    net = small_moons_network(training)
    plots = training.plots
    training.panel.sample.setValue(4)
    plots.canvas.setFocus()
    qtbot.keyClick(plots.canvas, Qt.Key.Key_Right)
    assert training.panel.sample.value() == 5
    qtbot.keyClick(plots.canvas, Qt.Key.Key_PageDown)
    assert training.panel.sample.value() == 15
    qtbot.keyClick(plots.canvas, Qt.Key.Key_Left)
    assert training.panel.sample.value() == 14
    traced(net, training.trainer.dataset, 14)


def test_a_row_of_the_predictions_table_picks_its_sample(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    net = training.show_network()
    table = training.plots.table
    assert table.isVisible() and table.rowCount() == 4
    assert table.verticalHeaderItem(2).text() == "2"  # counted from 0, as the picker counts
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualItemRect(table.item(2, 0)).center(),
    )
    assert training.panel.sample.value() == 2
    traced(net, training.trainer.dataset, 2)
    training.panel.sample.setValue(1)  # the other way: the picker selects the row
    assert table.currentRow() == 1


def test_without_a_network_the_choice_waits_for_show_network(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.reset()
    training.panel.sample.setValue(3)
    assert "Show Network on Canvas" in training.window.statusBar().currentMessage()
    net = training.show_network()
    traced(net, training.trainer.dataset, 3)


def test_nearest_point_within_a_radius():
    pts = np.array([[10.0, 10.0], [20.0, 10.0], [np.nan, 0.0]])
    assert nearest_point(pts, (12.0, 11.0), 6.0) == 0
    assert nearest_point(pts, (16.0, 10.0), 6.0) == 1
    assert nearest_point(pts, (40.0, 40.0), 6.0) is None
    assert nearest_point(np.zeros((0, 2)), (0.0, 0.0), 6.0) is None


def test_stepping_keys_stay_within_the_samples():
    assert stepped(4, "right", 10) == 5 and stepped(4, "left", 10) == 3
    assert stepped(9, "right", 10) == 9 and stepped(0, "left", 10) == 0
    assert stepped(3, "pagedown", 10) == 9 and stepped(3, "pageup", 10) == 0
    assert stepped(5, "home", 10) == 0 and stepped(5, "end", 10) == 9
    assert stepped(None, "right", 10) == 1 and stepped(None, "left", 10) == 9
    assert stepped(4, "a", 10) is None and stepped(4, None, 10) is None
    assert stepped(0, "right", 0) is None
