"""Small things a learner meets in the first hour (#12.8), each through the gesture that
shows it: key presses in the inspector, the mouse over the canvas, the lesson buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from mgstudio.app.canvas.numbers import nudged
from mgstudio.app.commands import DisconnectCommand
from mgstudio.app.learn import install

CTRL = Qt.KeyboardModifier.ControlModifier


def commit(field, text, qtbot):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


# --- numbers without floating-point noise ----------------------------------------------------
def test_nudges_show_the_number_a_learner_expects(window, open_example, qtbot):
    ids = open_example("expression.mgs")
    window.canvas.select_node(ids["a"])
    ins = window.inspector
    ins.step_spin.setValue(0.01)
    ins.setFocus()
    QTest.keyClick(ins, "-")
    assert ins.data_edit.text() == "1.99"  # 2.0 - 0.01 would be 1.9899999999999998
    assert window.document.nodes[ids["a"]].value == 1.99  # the number shown is the number kept
    for _ in range(99):
        QTest.keyClick(ins, "-")
    assert ins.data_edit.text() == "1.0"
    for _ in range(3):
        QTest.mouseClick(ins.plus_button, Qt.MouseButton.LeftButton)
    assert ins.data_edit.text() == "1.03"
    assert window.undo_stack.count() == 1  # the run of nudges is still one undo step


def test_nudged_keeps_every_typed_digit():
    assert nudged(6.8813735870195432, 0.01) == 6.891373587019543
    assert nudged(0.1, 0.2) == 0.3
    assert nudged(1e308, 1e308) == float("inf")


# --- the status bar follows a rename -----------------------------------------------------------
def test_status_bar_shows_the_new_name_after_a_rename(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    assert window.output_label.text() == "o = 0.7071"
    window.canvas.select_node(ids["o"])
    commit(window.inspector.label_edit, "out", qtbot)
    assert window.output_label.text() == "out = 0.7071"
    window.named_actions["undo"].trigger()
    assert window.output_label.text() == "o = 0.7071"


# --- paste where the mouse is ----------------------------------------------------------------
def test_paste_lands_at_the_mouse(window, open_example):
    ids = open_example("expression.mgs")
    canvas = window.canvas
    doc = window.document
    canvas.select_ids([ids["a"], ids["b"], ids["e"]])
    QTest.keyClick(canvas, Qt.Key.Key_C, CTRL)
    target = QPoint(canvas.viewport().width() // 3, canvas.viewport().height() - 120)
    QTest.mouseMove(canvas.viewport(), target)
    QTest.keyClick(canvas, Qt.Key.Key_V, CTRL)
    pasted = canvas.selected_ids()
    assert len(pasted) == 3
    at = canvas.mapToScene(target)
    left = min(doc.nodes[n].pos[0] for n in pasted)
    top = min(doc.nodes[n].pos[1] for n in pasted)
    assert (round(left), round(top)) == (round(at.x()), round(at.y()))
    # the right-click menu pastes where it was opened
    spot = QPointF(4000.0, 3000.0)  # empty canvas
    menu = canvas.context_menu(spot)
    next(a for a in menu.actions() if a.text() == "Paste").trigger()
    again = canvas.selected_ids()
    assert min(doc.nodes[n].pos[0] for n in again) == spot.x()


def test_paste_with_the_mouse_elsewhere_goes_below_the_original(window, open_example):
    ids = open_example("expression.mgs")
    canvas = window.canvas
    doc = window.document
    canvas.select_ids([ids["a"]])
    canvas.copy()
    QTest.mouseMove(window.menuBar(), QPoint(5, 5))  # the mouse is on the menu bar
    window.named_actions["paste"].trigger()
    (first,) = canvas.selected_ids()
    window.named_actions["paste"].trigger()
    (second,) = canvas.selected_ids()
    x, y = doc.nodes[ids["a"]].pos
    assert doc.nodes[first].pos[0] == x and doc.nodes[first].pos[1] > y + 60
    assert doc.nodes[second].pos[1] > doc.nodes[first].pos[1] + 60  # no pile either
    rects = [canvas.item_for(n).sceneBoundingRect() for n in (ids["a"], first, second)]
    assert not any(r.intersects(s) for i, r in enumerate(rects) for s in rects[i + 1 :])


# --- Escape gives up a bad number ------------------------------------------------------------
def test_escape_restores_the_field_after_a_bad_number(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x1"])
    ins = window.inspector
    commit(ins.data_edit, "abc", qtbot)
    assert not ins.error.isHidden() and "not a number" in ins.error.text()
    assert ins.data_edit.text() == "abc"
    QTest.keyClick(ins.data_edit, Qt.Key.Key_Escape)
    assert ins.data_edit.text() == "2.0"
    assert ins.error.isHidden()
    ins.data_edit.clearFocus()  # leaving the field now is no edit
    assert window.undo_stack.count() == 0
    ins.label_edit.setFocus()
    qtbot.keyClicks(ins.label_edit, "zzz")
    QTest.keyClick(ins.label_edit, Qt.Key.Key_Escape)
    assert ins.label_edit.text() == "x1"


# --- the Derivative pane names what it plots ---------------------------------------------------
def test_derivative_pane_y_and_its_axis_agree_after_a_wire_cut(window, open_example):
    tools = install(window)
    ids = open_example("neuron.mgs")
    doc = window.document
    tools.show_sweep()
    sweep = tools.sweep
    ax = sweep._artists["ax"]
    assert (sweep.output_combo.currentText(), ax.get_ylabel()) == ("o", "o")
    window.undo_stack.push(DisconnectCommand(doc, doc.inputs_of(ids["x1w1"])["a"]))
    assert sweep.output_combo.currentText() == "o"  # as every other panel
    assert ax.get_ylabel() == ""  # no curve: no stale name on the axis
    assert "y = o has no number yet" in sweep.slope_label.text()
    assert "needs a wire into input" in sweep.slope_label.text()
    window.undo_stack.undo()
    window.undo_stack.push(DisconnectCommand(doc, doc.inputs_of(ids["o"])["a"]))
    assert (sweep.output_combo.currentText(), ax.get_ylabel()) == ("n", "n")
    assert window.backward_panel.output_combo.currentText() == "Automatic (add 'n')"


# --- lessons: following one is not work to save ----------------------------------------------
def test_lesson_next_asks_only_about_the_learners_own_work(window, monkeypatch, qtbot):
    asked = []

    def warning(*args, **kwargs):
        asked.append(args)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr("mgstudio.app.plain.ask", warning)  # the window's boxes are plain text
    tools = install(window)
    tools.open_lesson(0)  # derivative: "type 1 into x's Data field"
    x = next(n for n, node in window.document.nodes.items() if node.label == "x")
    window.canvas.select_node(x)
    commit(window.inspector.data_edit, "1", qtbot)
    assert window.is_modified()
    QTest.mouseClick(tools.lesson_panel.next_button, Qt.MouseButton.LeftButton)
    assert asked == [] and tools.lesson_panel.index == 1
    assert "was not kept" in window.statusBar().currentMessage()
    # a node of one's own is work: Next asks, and Cancel stays
    window.canvas.add_node_at("exp", QPointF(0.0, 300.0))
    QTest.mouseClick(tools.lesson_panel.next_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and tools.lesson_panel.index == 1


# --- tooltips on canvas nodes ------------------------------------------------------------------
def hover_tooltip(canvas, nid) -> str:
    QToolTip.hideText()
    centre = canvas.mapFromScene(canvas.item_for(nid).sceneBoundingRect().center())
    QTest.mouseMove(canvas.viewport(), centre)
    event = QHelpEvent(QEvent.Type.ToolTip, centre, canvas.viewport().mapToGlobal(centre))
    QApplication.sendEvent(canvas.viewport(), event)
    return QToolTip.text()


def test_nodes_have_tooltips_with_op_formula_and_grad(window, open_example):
    ids = open_example("neuron.mgs")
    text = hover_tooltip(window.canvas, ids["x1w1"])
    assert "mul &#x27;x1w1&#x27;" in text or "mul 'x1w1'" in text
    assert "x1w1 = x1 * w1" in text
    assert "the other input" in text  # from the kind registry
    assert "∂o/∂x1w1 = 0.5" in text
    leaf = hover_tooltip(window.canvas, ids["x1"])
    assert "x1 = 2" in leaf and "∂o/∂x1 = -1.5" in leaf


def test_tooltips_escape_labels(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x1"])
    commit(window.inspector.label_edit, "<b>x</b><a href='http://e'>y</a>", qtbot)
    text = hover_tooltip(window.canvas, ids["x1"])
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<a href" not in text
