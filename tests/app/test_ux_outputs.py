"""One output for every panel (#12.6), choosing it is an undoable edit (#11.16), and the two
step actions (#12.7): driven through the window's actions, keys and combo boxes."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mgstudio.app.commands import DisconnectCommand
from mgstudio.app.learn import install

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def panels_output(window, tools) -> dict[str, str]:
    """What each panel names as the output right now."""
    tools.show_sweep()
    QTest.qWait(0)
    return {
        "backward": window.backward_panel.output_combo.currentText(),
        "stepper": tools.stepper.output_combo.currentText(),
        "sweep": tools.sweep.output_combo.currentText(),
        "status": window.output_label.text().split(" = ")[0],
    }


def test_paste_keeps_the_output_in_every_panel(window, open_example, qtbot):
    tools = install(window)
    ids = open_example("neuron.mgs")
    assert panels_output(window, tools) == {
        "backward": "Automatic (tanh 'o')",
        "stepper": "Automatic (o)",
        "sweep": "o",
        "status": "o",
    }
    window.canvas.select_ids(list(window.document.nodes))
    window.named_actions["copy"].trigger()
    window.named_actions["paste"].trigger()
    assert len(window.document.nodes) == 20
    assert panels_output(window, tools)["backward"] == "Automatic (tanh 'o')"
    assert window.document.default_output() == ids["o"]
    assert window.document.value_of(ids["x1"]).grad == pytest.approx(-1.5)  # not dropped to 0
    assert window.output_label.text() == "o = 0.7071"


def test_a_cut_wire_gives_the_same_answer_everywhere(window, open_example):
    tools = install(window)
    ids = open_example("neuron.mgs")
    doc = window.document
    window.undo_stack.push(DisconnectCommand(doc, doc.inputs_of(ids["o"])["a"]))
    seen = panels_output(window, tools)
    assert seen == {
        "backward": "Automatic (add 'n')",
        "stepper": "Automatic (n)",
        "sweep": "n",
        "status": "n",
    }
    window.undo_stack.undo()
    assert panels_output(window, tools)["backward"] == "Automatic (tanh 'o')"


def test_backward_says_why_it_did_nothing(window, open_example):
    ids = open_example("neuron.mgs")
    doc = window.document
    panel = window.backward_panel
    panel.output_combo.setCurrentIndex(panel.output_combo.findData(ids["o"]))  # pin o
    window.undo_stack.push(DisconnectCommand(doc, doc.inputs_of(ids["x1w1"])["a"]))
    window.statusBar().clearMessage()
    QTest.keyClick(window.canvas, Qt.Key.Key_B, CTRL)  # Graph ▸ Backward
    message = window.statusBar().currentMessage()
    assert message.startswith("Backward did nothing: the output tanh 'o' (the chosen output)")
    assert "mul 'x1w1' needs a wire into input 'a'" in message
    window.set_document(type(doc)())
    window.named_actions["backward"].trigger()
    assert "the graph is empty" in window.statusBar().currentMessage()


def test_choosing_an_output_is_an_undoable_edit_that_autosave_keeps(window, open_example, tmp_path):
    ids = open_example("neuron.mgs")
    saver = window.enable_autosave(tmp_path)
    combo = window.backward_panel.output_combo
    assert not window.is_modified()
    combo.setCurrentIndex(combo.findData(ids["o"]))
    assert window.document.selected_output == ids["o"]
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Choose output tanh 'o'"
    assert window.is_modified() and window.windowTitle().startswith("neuron (example)*")
    assert saver.flush()
    swap = json.loads(saver.path.read_text(encoding="utf-8"))
    assert json.loads(swap["document"])["selected_output"] == ids["o"]
    combo.setCurrentIndex(0)  # back to Automatic: merges into the same step, which vanishes
    assert window.undo_stack.count() == 0 or not window.is_modified()
    combo.setCurrentIndex(combo.findData(ids["o"]))
    window.named_actions["undo"].trigger()
    assert window.document.selected_output is None
    assert combo.currentIndex() == 0  # the combo follows the undo
    assert not window.is_modified()


# --- #12.7: two step actions -----------------------------------------------------------------
def test_step_along_gradient_moves_only_the_selected_leaf(window, open_example, qtbot):
    ids = open_example("expression.mgs")
    doc = window.document
    window.inspector.step_spin.setValue(0.01)
    window.canvas.select_node(ids["a"])
    window.canvas.setFocus()
    before = {n: doc.nodes[n].value for n in ("b", "c", "f") for n in [ids[n]]}
    QTest.keyClick(window.canvas, Qt.Key.Key_G, CTRL)
    assert doc.nodes[ids["a"]].value == pytest.approx(2.06)
    assert {n: doc.nodes[n].value for n in before} == before
    assert window.undo_stack.count() == 1
    assert window.named_actions["step_selected"].text().replace("&", "") == "Step Along Gradient"
    assert window.inspector.step_button.text() == "Step along gradient"


def test_step_along_gradient_with_nothing_selected_says_so(window, open_example):
    open_example("expression.mgs")
    window.canvas.select_ids([])
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_G, CTRL)
    assert window.undo_stack.count() == 0
    assert "select an input or a constant first" in window.statusBar().currentMessage()
    assert not window.inspector.step_button.isEnabled()


def test_step_all_leaves_has_its_own_action_and_is_one_undo_step(window, open_example):
    ids = open_example("expression.mgs")
    doc = window.document
    window.inspector.step_spin.setValue(0.01)
    window.canvas.select_node(ids["a"])  # a selection does not narrow Step All Leaves
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_G, CTRL | SHIFT)
    assert doc.value_of(ids["L"]).data == pytest.approx(-7.286496, abs=1e-6)
    assert window.undo_stack.count() == 1
    window.named_actions["undo"].trigger()
    assert doc.value_of(ids["L"]).data == -8.0
    graph = [a.text().replace("&", "") for a in window.menus["graph"].actions()]
    assert graph.index("Step Along Gradient") + 1 == graph.index("Step All Leaves")


def test_several_selected_leaves_step_together(window, open_example):
    ids = open_example("expression.mgs")
    doc = window.document
    window.inspector.step_spin.setValue(0.01)
    window.canvas.select_ids([ids["a"], ids["b"], ids["e"]])  # e is computed: left alone
    assert window.inspector.step_button.isEnabled()
    QTest.mouseClick(window.inspector.step_button, Qt.MouseButton.LeftButton)
    assert doc.nodes[ids["a"]].value == pytest.approx(2.06)
    assert doc.nodes[ids["b"]].value == pytest.approx(-3.04)
    assert doc.nodes[ids["c"]].value == 10.0
    assert window.undo_stack.count() == 1
