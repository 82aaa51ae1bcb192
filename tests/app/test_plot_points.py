"""Drawing your own data on the decision-boundary map (issue 16): with "Edit points" on, a
click adds a point, shift-click one of the other class, a drag moves one, a right-click
deletes one — each one undo step on the document's dataset; with it off a click still
picks the sample."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.doc_training import featured_neuron
from PySide6.QtCore import QPoint, Qt

from mgstudio.app.training import install
from mgstudio.document.training_state import TableData

pytestmark = pytest.mark.usefixtures("working_event_loop")


@pytest.fixture
def ctl(window, open_example):
    ctl = install(window)
    ctl.panel.speed.setCurrentIndex(0)
    ctl.ids = featured_neuron(ctl, window, open_example, samples=12)
    yield ctl
    ctl.shutdown()


def turn_on_editing(qtbot, ctl):
    plots = ctl.plots
    ctl.show_plots()
    plots.ensure_built()
    button = plots.toolbar.widgetForAction(plots.edit_action)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert plots.editing and plots.ax_map is not None
    return plots


def widget_pos(plots, x: float, y: float) -> QPoint:
    """Where the data point (x, y) is on the canvas widget (logical pixels, top-left)."""
    canvas = plots.canvas
    px, py = plots.ax_map.transData.transform((x, y))
    ratio = canvas.devicePixelRatioF()
    return QPoint(round(px / ratio), round(canvas.height() - py / ratio))


def data_at(plots, pos: QPoint) -> tuple[float, float]:
    canvas = plots.canvas
    ratio = canvas.devicePixelRatioF()
    return tuple(
        plots.ax_map.transData.inverted().transform(
            (pos.x() * ratio, (canvas.height() - pos.y()) * ratio)
        )
    )


def free_spot(plots) -> QPoint:
    """A place on the map at least 20 px from every point."""
    canvas = plots.canvas
    X = plots._dataset.X
    x0, x1 = plots.ax_map.get_xlim()
    y0, y1 = plots.ax_map.get_ylim()
    for fx in np.linspace(0.1, 0.9, 9):
        for fy in np.linspace(0.1, 0.9, 9):
            pos = widget_pos(plots, x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
            pts = [widget_pos(plots, *p) for p in X[:, :2]]
            if all(abs(p.x() - pos.x()) + abs(p.y() - pos.y()) > 20 for p in pts):
                return pos
    raise AssertionError(f"no free spot on a {canvas.width()}x{canvas.height()} map")


def test_click_shift_click_drag_and_right_click_edit_the_dataset(qtbot, ctl, window):
    doc = window.document
    plots = turn_on_editing(qtbot, ctl)
    canvas = plots.canvas
    assert doc.training.dataset is None  # the dock's moons until the first edit
    n = plots._dataset.n_samples
    assert n == 12

    # a click adds a point of the current class (+1), where the mouse was
    pos = free_spot(plots)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos)
    table = doc.training.dataset
    assert isinstance(table, TableData) and table.rows.shape == (13, 3)
    expect = data_at(plots, pos)
    assert np.allclose(table.rows[-1, :2], expect, atol=0.05)
    assert table.rows[-1, 2] == 1.0
    assert window.undo_stack.undoText().startswith("Add a point")
    assert plots._dataset.n_samples == 13  # the map shows it

    # shift-click: the other class
    pos2 = free_spot(plots)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos2)
    assert doc.training.dataset.rows.shape == (14, 3)
    assert doc.training.dataset.rows[-1, 2] == -1.0

    # drag the point just added somewhere else
    start = widget_pos(plots, *doc.training.dataset.rows[-1, :2])
    end = free_spot(plots)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    rows = doc.training.dataset.rows
    assert rows.shape == (14, 3)
    assert np.allclose(rows[-1, :2], data_at(plots, end), atol=0.05)
    assert window.undo_stack.undoText().startswith("Move point 13")

    # right-click deletes it
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=end)
    assert doc.training.dataset.rows.shape == (13, 3)
    assert window.undo_stack.undoText() == "Delete point 13"

    # each gesture is one undo step, back to the generator
    for shape in ((14, 3), (14, 3), (13, 3)):
        window.undo_stack.undo()
        assert doc.training.dataset.rows.shape == shape
    window.undo_stack.undo()
    assert doc.training.dataset is None
    assert plots._dataset.n_samples == 12  # the map follows the undo


def test_picking_a_sample_still_works_with_editing_off(qtbot, ctl, window):
    plots = turn_on_editing(qtbot, ctl)
    qtbot.mouseClick(plots.toolbar.widgetForAction(plots.edit_action), Qt.MouseButton.LeftButton)
    assert not plots.editing
    picked = []
    plots.sample_picked.connect(picked.append)
    pos = widget_pos(plots, *plots._dataset.X[3, :2])
    qtbot.mouseClick(plots.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert picked == [3]
    assert window.document.training.dataset is None  # nothing edited


def test_points_drawn_then_trained(qtbot, ctl, window):
    doc = window.document
    plots = turn_on_editing(qtbot, ctl)
    qtbot.mouseClick(plots.canvas, Qt.MouseButton.LeftButton, pos=free_spot(plots))
    ctl.panel.steps.setValue(5)
    assert ctl.train()
    qtbot.waitUntil(lambda: ctl.state == "finished", timeout=20_000)
    run = doc.training.runs[-1]
    assert run.steps == 5
    assert isinstance(doc.training.dataset, TableData)
    assert ctl.trainer.dataset.n_samples == 13  # trained on the drawn table
    assert plots._dataset.n_samples == 13  # and the map shows every sample again


def test_draw_points_from_the_menu(qtbot, ctl, window):
    ctl.actions["edit_points"].trigger()
    plots = ctl.plots
    assert plots.editing and plots.edit_action.isChecked()
    assert plots._dataset.n_samples == 12  # the map shows the data before any run
    qtbot.mouseClick(plots.canvas, Qt.MouseButton.LeftButton, pos=free_spot(plots))
    assert window.document.training.dataset.rows.shape == (13, 3)


def test_editing_needs_features(qtbot, ctl, window):
    doc = window.document
    for nid in doc.feature_ids().values():
        doc.set_feature(nid[0], None)
    plots = ctl.plots
    ctl.show_plots()
    plots.ensure_built()
    plots.edit_action.trigger()
    assert not plots.editing
    assert "features" in window.statusBar().currentMessage()
