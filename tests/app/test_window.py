"""The studio window: opening, menus and shortcuts, inspector edits, nudges and the
walkthrough's step along the gradient, the backward panel, files, prompts and dialogs."""

from __future__ import annotations

import html
import math

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from mgstudio.app import plain
from mgstudio.document import KINDS, Document
from mgstudio.document.examples import list_examples

B = 6.8813735870195432


def texts(window, nid):
    return window.canvas.item_for(nid).texts()


def data_text(window, nid):
    return texts(window, nid)[1]


def neuron_o(x1=2.0, w1=-3.0, x2=0.0, w2=1.0, b=B):
    return math.tanh(x1 * w1 + x2 * w2 + b)


def commit(field, text, qtbot):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


# --- opening ---------------------------------------------------------------------------------
def test_window_opens_with_the_neuron(window, open_example):
    ids = open_example("neuron.mgs")
    assert {"x1", "x2", "w1", "w2", "b", "n", "o"} <= set(ids)
    assert data_text(window, ids["o"]) == "data 0.7071"
    assert texts(window, ids["x1"])[2] == "grad -1.5000"  # auto backward is on by default
    assert "neuron" in window.windowTitle() and "*" not in window.windowTitle()
    assert not window.is_modified()
    assert window.output_label.text() == "o = 0.7071"


def test_menus_and_standard_shortcuts(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Graph", "Practice", "Help"]
    a = window.named_actions
    for name, key in (
        ("new", QKeySequence.StandardKey.New),
        ("open", QKeySequence.StandardKey.Open),
        ("save", QKeySequence.StandardKey.Save),
        ("save_as", QKeySequence.StandardKey.SaveAs),
        ("undo", QKeySequence.StandardKey.Undo),
        ("redo", QKeySequence.StandardKey.Redo),
        ("cut", QKeySequence.StandardKey.Cut),
        ("copy", QKeySequence.StandardKey.Copy),
        ("paste", QKeySequence.StandardKey.Paste),
        ("delete", QKeySequence.StandardKey.Delete),
        ("select_all", QKeySequence.StandardKey.SelectAll),
        ("zoom_in", QKeySequence.StandardKey.ZoomIn),
        ("zoom_out", QKeySequence.StandardKey.ZoomOut),
    ):
        bindings = QKeySequence.keyBindings(key)
        assert bindings, name
        assert a[name].shortcuts()[: len(bindings)] == bindings, name
    assert QKeySequence("Ctrl+Q") in a["quit"].shortcuts()
    file_menu = window.menus["file"]
    submenus = [x.menu().title().replace("&", "") for x in file_menu.actions() if x.menu()]
    assert submenus == ["Open Recent", "Examples", "Export", "Export Code"]
    graph = [x.text().replace("&", "") for x in window.menus["graph"].actions()]
    assert {"Insert Neuron…", "Backward", "Zero Grad", "Step Along Gradient"} <= set(graph)


def test_undo_redo_actions_follow_the_stack(window, open_example):
    ids = open_example("neuron.mgs")
    assert not window.named_actions["undo"].isEnabled()
    window.canvas.select_node(ids["x1"])
    window.inspector.set_value(5.0)
    assert window.named_actions["undo"].isEnabled()
    assert window.windowTitle().startswith("neuron (example)*")
    window.named_actions["undo"].trigger()
    assert data_text(window, ids["x1"]) == "data 2.0000"
    assert "*" not in window.windowTitle()
    window.named_actions["redo"].trigger()
    assert data_text(window, ids["x1"]) == "data 5.0000"


def test_undo_history_is_a_dock(window):
    action = window.named_actions["undo_history"]
    assert not window.undo_dock.isVisible()
    action.trigger()
    assert window.undo_dock.isVisible()
    assert window.undo_view.stack() is window.undo_stack


# --- inspector -------------------------------------------------------------------------------
def test_inspector_edit_of_a_leaf_updates_the_node_and_the_output(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x1"])
    ins = window.inspector
    assert ins.node_id == ids["x1"] and ins.label_edit.text() == "x1"
    assert not ins.data_edit.isReadOnly()
    commit(ins.data_edit, "1.5", qtbot)
    assert data_text(window, ids["x1"]) == "data 1.5000"
    o = neuron_o(x1=1.5)
    assert data_text(window, ids["o"]) == f"data {o:.4f}"
    # auto backward: grads follow the edit (do/dx1 = (1 - o**2) * w1)
    assert texts(window, ids["x1"])[2] == f"grad {(1 - o * o) * -3.0:.4f}"
    assert window.document.nodes[ids["x1"]].value == 1.5


def test_selecting_a_node_does_not_resize_the_canvas(window, open_example, qtbot):
    """The inspector keeps its fields' room while nothing is selected, so the first click on a
    node does not grow its dock and shift the canvas under the pointer."""
    ids = open_example("neuron.mgs")
    window.canvas.select_ids([])
    qtbot.wait(50)
    empty = window.canvas.size()
    window.canvas.select_node(ids["n"])
    qtbot.wait(50)
    assert window.inspector.node_id == ids["n"]
    assert window.canvas.size() == empty


def test_inspector_renames_and_computed_nodes_are_read_only(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["n"])
    ins = window.inspector
    assert ins.data_edit.isReadOnly()
    assert not ins.plus_button.isEnabled()
    commit(ins.label_edit, "sum", qtbot)
    assert texts(window, ids["n"])[0] == "sum"
    assert window.document.value_of(ids["n"]).label == "sum"
    window.undo_stack.undo()
    assert texts(window, ids["n"])[0] == "n"


@pytest.mark.parametrize("bad", ["abc", "1.2.3", "", "inf", "nan", "1e309", "-inf"])
def test_bad_value_text_shows_a_message_and_changes_nothing(window, open_example, qtbot, bad):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["w1"])
    ins = window.inspector
    depth = window.undo_stack.count()
    with qtbot.waitSignal(ins.message) as blocker:
        commit(ins.data_edit, bad, qtbot) if bad else (
            ins.data_edit.clear(),
            ins.data_edit.editingFinished.emit(),
        )
    assert blocker.args[0]
    assert ins.error.isVisibleTo(ins) and ins.error.text()
    assert window.document.nodes[ids["w1"]].value == -3.0
    assert data_text(window, ids["o"]) == "data 0.7071"
    assert window.undo_stack.count() == depth
    commit(ins.data_edit, "-2", qtbot)  # a good number clears the message
    assert not ins.error.isVisibleTo(ins)
    assert window.document.nodes[ids["w1"]].value == -2.0


def test_pow_exponent_is_a_param_edit(window, qtbot):
    doc = window.document
    x = doc.add_node("input", label="x", value=3.0)
    p = doc.add_node("pow", label="y")
    doc.connect(x, p, "a")
    window.canvas.select_node(p)
    field = window.inspector._param_fields["exponent"]
    commit(field, "3", qtbot)
    assert doc.nodes[p].params["exponent"] == 3.0
    assert data_text(window, p) == "data 27.0000"
    window.undo_stack.undo()
    assert data_text(window, p) == "data 9.0000"


def test_nudge_buttons_keys_and_merging(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x2"])
    ins = window.inspector
    ins.step_spin.setValue(0.25)
    depth = window.undo_stack.count()
    qtbot.mouseClick(ins.plus_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ins.plus_button, Qt.MouseButton.LeftButton)
    assert window.document.nodes[ids["x2"]].value == 0.5
    assert data_text(window, ids["o"]) == f"data {neuron_o(x2=0.5):.4f}"
    ins.setFocus()
    qtbot.keyClick(ins, Qt.Key.Key_Minus)
    assert window.document.nodes[ids["x2"]].value == 0.25
    assert window.undo_stack.count() == depth + 1  # a run of nudges is one undo step
    window.undo_stack.undo()
    assert window.document.nodes[ids["x2"]].value == 0.0
    window.named_actions["nudge_up"].trigger()
    assert window.document.nodes[ids["x2"]].value == 0.25
    assert window.settings.nudge_step() == 0.25


def test_step_all_leaves_gives_the_walkthrough_number(window, open_example):
    ids = open_example("expression.mgs")
    L = ids["L"]
    assert data_text(window, L) == "data -8.0000"
    window.inspector.step_spin.setValue(0.01)
    result = window.inspector.step_all()
    # a.data += 0.01 * a.grad (and b, c, f) then L = -7.286496, as printed in the walkthrough
    a, b, c, f = 2.0 + 0.01 * 6.0, -3.0 + 0.01 * -4.0, 10.0 + 0.01 * -2.0, -2.0 + 0.01 * 4.0
    expected = (a * b + c) * f
    assert expected == pytest.approx(-7.286496)
    assert window.document.value_of(L).data == pytest.approx(expected, abs=1e-12)
    assert result.text() == "L: -8.0000 → -7.2865"
    assert window.inspector.step_result.text() == "L: -8.0000 → -7.2865"
    assert data_text(window, L) == "data -7.2865"
    window.undo_stack.undo()  # the whole step is one undo step
    assert window.document.value_of(L).data == -8.0


def test_step_one_leaf_along_its_gradient(window, open_example):
    ids = open_example("expression.mgs")
    window.canvas.select_node(ids["a"])
    window.inspector.step_spin.setValue(0.01)
    result = window.inspector.step_selected()
    assert window.document.nodes[ids["a"]].value == pytest.approx(2.0 + 0.01 * 6.0)
    # L = (a*b + c) * f with only a moved: dL = grad * step = 6 * 0.06
    assert result.after == pytest.approx((2.06 * -3.0 + 10.0) * -2.0)
    assert result.text() == f"L: -8.0000 → {result.after:.4f}"


# --- backward panel --------------------------------------------------------------------------
def test_backward_panel_backward_and_zero_grad(window, open_example, qtbot):
    panel = window.backward_panel
    panel.set_auto_backward(False)
    ids = open_example("neuron.mgs")
    o = neuron_o()
    qtbot.mouseClick(panel.zero_button, Qt.MouseButton.LeftButton)
    assert texts(window, ids["x1"])[2] == "grad 0.0000"
    qtbot.mouseClick(panel.backward_button, Qt.MouseButton.LeftButton)
    assert texts(window, ids["x1"])[2] == f"grad {(1 - o * o) * -3.0:.4f}"
    assert texts(window, ids["w1"])[2] == f"grad {(1 - o * o) * 2.0:.4f}"
    assert texts(window, ids["o"])[2] == "grad 1.0000"
    model = panel.model
    row = model.row_of(ids["x1"])
    assert model.data(model.index(row, 3)) == "-1.5000"
    # with auto backward off, an edit leaves grads stale until Backward
    window.canvas.select_node(ids["x1"])
    window.inspector.set_value(1.0)
    assert texts(window, ids["x1"])[2] == "grad -1.5000"
    assert model.data(model.index(row, 2)) == "1.0000"
    panel.set_auto_backward(True)  # switching it on catches up at once
    assert texts(window, ids["x1"])[2] == f"grad {(1 - neuron_o(x1=1.0) ** 2) * -3.0:.4f}"


def test_backward_panel_output_choice(window, open_example):
    ids = open_example("expression.mgs")
    panel = window.backward_panel
    combo = panel.output_combo
    assert combo.itemData(0) == "__auto__"
    assert combo.findData(ids["L"]) > 0
    # wire nothing new: pick e as output by selecting it in the document
    window.document.set_selected_output(ids["e"])
    assert panel.chosen_output() == ids["e"]
    panel.backward()
    assert texts(window, ids["a"])[2] == "grad -3.0000"  # de/da = b
    combo.setCurrentIndex(0)
    assert window.document.selected_output is None
    assert texts(window, ids["a"])[2] == "grad 6.0000"


def test_table_click_selects_the_node(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    table = window.backward_panel.table
    row = window.backward_panel.model.row_of(ids["w2"])
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.canvas.selected_ids() == [ids["w2"]]
    assert window.inspector.node_id == ids["w2"]


def test_table_follows_structure(window, qtbot):
    doc = window.document
    model = window.backward_panel.model
    a = doc.add_node("input", label="a", value=1.0)
    t = doc.add_node("exp", label="t")
    doc.connect(a, t, "a")
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert model.data(model.index(model.row_of(t), 2)) == f"{math.e:.4f}"
    assert model.data(model.index(model.row_of(a), 3)) == f"{math.e:.4f}"  # auto backward


# --- files -----------------------------------------------------------------------------------
def test_save_open_round_trip(window, open_example, tmp_path):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x1"])
    window.inspector.set_value(0.5)
    assert window.windowTitle().startswith("neuron (example)*")
    path = tmp_path / "mine.mgs"
    assert window.save_file(path)
    assert window.windowTitle() == "mine.mgs — mgstudio"
    saved = window.document.to_json()
    window.set_document(Document())
    assert window.open_file(path)
    assert window.document.to_json() == saved
    assert window.path == path.resolve()
    assert data_text(window, ids["x1"]) == "data 0.5000"
    assert window.settings.recent_files()[0] == str(path.resolve())


def test_recent_files_menu(window, tmp_path):
    paths = []
    for name in ("one", "two"):
        doc = Document()
        doc.add_node("input", label=name, value=1.0)
        p = tmp_path / f"{name}.mgs"
        doc.save(p)
        paths.append(p)
        assert window.open_file(p)
    assert window.settings.recent_files() == [str(paths[1]), str(paths[0])]
    window._fill_recent_menu()
    entries = [a for a in window.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(paths[1]), str(paths[0])]
    entries[1].trigger()
    assert window.path == paths[0]
    assert window.settings.recent_files()[0] == str(paths[0])
    # a file that vanished is reported and leaves the list
    paths[1].unlink()
    assert not window.open_file(paths[1])
    assert str(paths[1]) not in window.settings.recent_files()


def test_bad_file_shows_the_error_and_keeps_the_document(window, open_example, tmp_path, errors):
    ids = open_example("neuron.mgs")
    bad = tmp_path / "bad.mgs"
    bad.write_text('{"format": "mgstudio", "version": 1, "nodes": [{"id": 3}]}')
    before = window.document
    assert not window.open_file(bad)
    assert window.document is before and ids["o"] in window.document.nodes
    assert len(errors) == 1 and "bad.mgs" in errors[0][1]


def test_failed_save_loses_nothing(window, open_example, tmp_path, errors):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x1"])
    window.inspector.set_value(4.0)
    assert not window.save_file(tmp_path / "missing-folder" / "x.mgs")
    assert errors and "can't save" in errors[0][1]
    assert window.is_modified() and window.path is None
    assert window.document.nodes[ids["x1"]].value == 4.0


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_unsaved_changes_prompt(window, open_example, monkeypatch, tmp_path, answer):
    ids = open_example("neuron.mgs")
    path = tmp_path / "kept.mgs"
    window.save_file(path)
    window.canvas.select_node(ids["x1"])
    window.inspector.set_value(7.0)
    asked = []
    buttons = {
        "cancel": QMessageBox.StandardButton.Cancel,
        "discard": QMessageBox.StandardButton.Discard,
        "save": QMessageBox.StandardButton.Save,
    }

    def fake_ask(parent, icon, title, text, *args):
        asked.append(text)
        return buttons[answer]

    monkeypatch.setattr(plain, "ask", fake_ask)
    done = window.new_file()
    assert asked == ["Save the changes to kept.mgs?"]
    if answer == "cancel":
        assert not done and ids["x1"] in window.document.nodes
        assert window.document.nodes[ids["x1"]].value == 7.0
    else:
        assert done and len(window.document.nodes) == 0
        assert window.windowTitle() == "Untitled — mgstudio"
    assert (Document.load(path).nodes[ids["x1"]].value == 7.0) == (answer == "save")


def test_quit_asks_and_cancel_keeps_the_window(window, open_example, monkeypatch):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["b"])
    window.inspector.set_value(1.0)
    monkeypatch.setattr(plain, "ask", lambda *a: QMessageBox.StandardButton.Cancel)
    window.named_actions["quit"].trigger()
    assert window.isVisible()


def test_window_layout_persists(qtbot, settings_path, window):
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    window.undo_dock.show()
    window.backward_dock.hide()
    window.close()
    again = MainWindow(settings=StudioSettings())
    qtbot.addWidget(again, before_close_func=lambda w: w.undo_stack.setClean())
    again.show()
    qtbot.waitExposed(again)
    assert again.undo_dock.isVisible() and not again.backward_dock.isVisible()
    assert list(settings_path.rglob("*.ini"))
    again.close()


def test_examples_menu_opens_each_example(window):
    shipped = list_examples()
    actions = [a for a in window.examples_menu.actions() if a.data()]
    assert [a.text() for a in actions] == [title for title, _ in shipped]
    for action, (_title, path) in zip(actions, shipped):
        action.trigger()
        assert len(window.document.nodes) == len(Document.load(path).nodes) > 0
        assert window.path is None and not window.is_modified()
        assert path.stem in window.windowTitle()
        for nid in window.document.nodes:
            assert window.canvas.item_for(nid) is not None


# --- dialogs, palette, export ----------------------------------------------------------------
def _drive_dialog(qtbot, fill):
    """Run ``fill(dialog)`` on the next modal dialog once it is shown."""

    def later():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, later)
            return
        fill(dialog)

    QTimer.singleShot(0, later)


def test_insert_neuron_through_the_dialog(window, qtbot):
    def fill(dialog):
        dialog.inputs_spin.setValue(3)
        dialog.activation_combo.setCurrentIndex(dialog.activation_combo.findData("relu"))
        dialog.accept()

    _drive_dialog(qtbot, fill)
    ids = window.insert_neuron_dialog()
    kinds = [window.document.nodes[n].kind for n in ids]
    assert kinds.count("mul") == 3 and kinds.count("relu") == 1
    assert kinds.count("input") + kinds.count("constant") == 7  # x1..x3, w1..w3, b
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert len(window.document.nodes) == 0


def test_insert_neuron_dialog_cancel(window, qtbot):
    _drive_dialog(qtbot, lambda d: d.reject())
    assert window.insert_neuron_dialog() == []
    assert len(window.document.nodes) == 0


def test_import_code_through_the_dialog(window, qtbot):
    def fill(dialog):
        dialog.editor.setPlainText("x = Value(3.0, label='x')\ny = x * x; y.label = 'y'\n")
        dialog.import_picked()

    _drive_dialog(qtbot, fill)
    assert window.import_code_dialog()
    labels = {n.label: nid for nid, n in window.document.nodes.items()}
    assert data_text(window, labels["y"]) == "data 9.0000"
    assert window.is_modified()


def test_import_code_dialog_shows_refusals(qtbot):
    from mgstudio.app.dialogs import CodeImportDialog

    dialog = CodeImportDialog(text="x = 1\nimport os\nos.system('echo hi')\n")
    qtbot.addWidget(dialog)
    assert dialog.import_picked().wait()
    assert dialog.document is None and dialog.result() != CodeImportDialog.DialogCode.Accepted
    assert dialog.error.text().startswith("line 2: `os` is not available")


def test_palette_lists_every_kind_and_drags_its_name(window):
    palette = window.palette_widget
    assert sorted(palette.kinds()) == sorted(KINDS)
    for name, kind in KINDS.items():
        item = palette.item_for(name)
        assert html.escape(kind.doc) in item.toolTip(0)
        assert not item.icon(0).isNull()
        mime = palette.mimeData([item])
        assert bytes(mime.data("application/x-mgstudio-kind")).decode("utf-8") == name


def test_palette_double_click_adds_at_the_centre(window, qtbot):
    palette = window.palette_widget
    item = palette.item_for("tanh")
    palette.scrollToItem(item)
    rect = palette.visualItemRect(item)
    # an item view only reports a double-click on the item a press went to first
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(window.document.nodes) == 0  # a single click only selects
    qtbot.mouseDClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (nid,) = window.document.nodes
    assert window.document.nodes[nid].kind == "tanh"
    centre = window.canvas.mapToScene(window.canvas.viewport().rect().center())
    assert window.canvas.item_for(nid).sceneBoundingRect().contains(centre)
    assert window.canvas.selected_ids() == [nid]


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_export_picture(window, open_example, tmp_path, suffix):
    open_example("neuron.mgs")
    out = tmp_path / f"graph.{suffix}"
    assert window.export_picture(out)
    assert window.tasks.wait_all()  # Graphviz runs in a background task
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in data[:2000]


def test_export_picture_without_graphviz_draws_the_canvas(
    window, open_example, tmp_path, monkeypatch
):
    from mgstudio.document import graphviz_io

    def missing(*_a, **_k):
        raise graphviz_io.GraphvizNotFoundError()

    monkeypatch.setattr(graphviz_io, "render", missing)
    open_example("neuron.mgs")
    for suffix in ("svg", "png"):
        out = tmp_path / f"canvas.{suffix}"
        assert window.export_picture(out)
        assert window.tasks.wait_all()
        assert out.stat().st_size > 1000
    assert "Graphviz not found" in window.statusBar().currentMessage()


@pytest.mark.parametrize("flavour,needle", [("micrograd", "Value("), ("torch", "torch")])
def test_export_code(window, open_example, tmp_path, flavour, needle):
    open_example("neuron.mgs")
    out = tmp_path / "graph.py"
    assert window.export_code(out, flavour)
    assert needle in out.read_text()


def test_status_bar_shows_canvas_messages(window):
    window.canvas.status_message.emit("can't wire: would make a cycle")
    assert window.statusBar().currentMessage() == "can't wire: would make a cycle"


def test_selection_follows_into_the_inspector(window, open_example):
    ids = open_example("neuron.mgs")
    window.canvas.select_ids([ids["x1"], ids["w1"]])
    assert window.inspector.node_id is None
    assert window.inspector.title.text() == "2 nodes selected"
    window.canvas.select_ids([])
    assert window.inspector.title.text() == "No node selected"


def test_deleted_node_leaves_the_inspector(window, open_example):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["x2"])
    window.named_actions["delete"].trigger()
    assert ids["x2"] not in window.document.nodes
    assert window.inspector.node_id is None
    assert texts(window, ids["o"])[1] == "data —"  # incomplete now


def test_dark_theme_palette(qapp):
    from mgstudio.app.theme import apply_theme, is_dark

    before = qapp.palette()
    try:
        apply_theme(qapp, "dark")
        assert is_dark()
        apply_theme(qapp, "light")
        assert not is_dark()
    finally:
        apply_theme(qapp, "system")
        qapp.setPalette(before)


def test_leaving_the_field_after_an_edit_adds_no_second_step(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["w2"])
    ins = window.inspector
    depth = window.undo_stack.count()
    commit(ins.data_edit, "1e0", qtbot)  # the same number, spelled differently: no edit
    assert window.undo_stack.count() == depth
    commit(ins.data_edit, "2e0", qtbot)
    assert ins.data_edit.text() == "2.0"
    ins.data_edit.editingFinished.emit()  # focus leaves
    assert window.undo_stack.count() == depth + 1
    assert window.document.nodes[ids["w2"]].value == 2.0


def test_zero_grad_holds_with_auto_backward_until_the_next_edit(window, open_example):
    ids = open_example("neuron.mgs")
    assert window.backward_panel.auto_backward
    window.named_actions["zero_grad"].trigger()
    assert {texts(window, nid)[2] for nid in ids.values()} == {"grad 0.0000"}
    window.canvas.select_node(ids["x2"])
    window.inspector.set_value(0.5)
    assert texts(window, ids["x2"])[2] == f"grad {(1 - neuron_o(x2=0.5) ** 2) * 1.0:.4f}"


def test_errors_use_a_message_box_by_default(qtbot, settings_path, monkeypatch, tmp_path):
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    shown = []
    monkeypatch.setattr(plain, "ask", lambda parent, icon, title, text, *a: shown.append(text))
    win = MainWindow(settings=StudioSettings())
    qtbot.addWidget(win)
    assert not win.open_file(tmp_path / "nothing-here.mgs")
    assert len(shown) == 1 and "nothing-here.mgs" in shown[0]


def test_open_asks_about_unsaved_changes(window, open_example, monkeypatch, tmp_path):
    ids = open_example("neuron.mgs")
    other = tmp_path / "other.mgs"
    Document().save(other)
    window.canvas.select_node(ids["x1"])
    window.inspector.set_value(3.0)
    monkeypatch.setattr(plain, "ask", lambda *a: QMessageBox.StandardButton.Cancel)
    assert not window.open_file(other)
    assert window.document.nodes[ids["x1"]].value == 3.0
    monkeypatch.setattr(plain, "ask", lambda *a: QMessageBox.StandardButton.Discard)
    assert window.open_file(other)
    assert len(window.document.nodes) == 0 and window.path == other.resolve()


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=12),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(min_value=-(10**400), max_value=10**400).map(str),
    )
)
def test_any_typed_text_sets_the_number_or_explains(window, text):
    from mgstudio.app.canvas.numbers import parse_number

    doc = window.document
    if not doc.nodes:
        doc.add_node("input", label="v", value=1.0)
    (nid,) = doc.nodes
    doc.set_value(nid, 1.0)
    window.inspector.set_node(nid)
    field = window.inspector.data_edit
    field.setText(text)
    field.editingFinished.emit()  # never raises
    try:
        expected = parse_number(text)
    except ValueError:
        expected = None
    if expected is not None and math.isfinite(expected):
        assert doc.nodes[nid].value == expected
        assert window.inspector.error.isHidden()
    else:
        assert doc.nodes[nid].value == 1.0
        assert window.inspector.error.text()


def test_typing_the_old_number_back_clears_the_message(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_node(ids["w1"])
    ins = window.inspector
    commit(ins.data_edit, "oops", qtbot)
    assert not ins.error.isHidden()
    commit(ins.data_edit, "-3.0", qtbot)
    assert ins.error.isHidden()


def test_auto_backward_runs_once_per_batch_of_edits(window, open_example, monkeypatch):
    ids = open_example("neuron.mgs")
    doc = window.document
    calls = []
    real = doc.backward
    monkeypatch.setattr(doc, "backward", lambda *a, **k: calls.append(1) or real(*a, **k))
    with doc.batch():  # e.g. a training snapshot writing every weight
        for i, name in enumerate(("x1", "x2", "w1", "w2", "b")):
            doc.set_value(ids[name], 0.1 * (i + 1))
    assert len(calls) <= 2  # not one full backward per edit
    o = math.tanh(0.1 * 0.3 + 0.2 * 0.4 + 0.5)
    assert texts(window, ids["x1"])[2] == f"grad {(1 - o * o) * 0.3:.4f}"
    calls.clear()
    doc.set_value(ids["x1"], 1.0)  # a single edit: one backward, inside the edit
    assert len(calls) == 1


def test_inspector_explains_an_incomplete_node(window):
    doc = window.document
    m = doc.add_node("mul", label="m")
    window.canvas.select_node(m)
    ins = window.inspector
    assert ins.data_edit.text() == "—" and ins.grad_edit.text() == "—"
    assert not ins.hint.isHidden() and "needs a wire" in ins.hint.text()
    a = doc.add_node("input", label="a", value=2.0)
    b = doc.add_node("input", label="b", value=3.0)
    doc.connect(a, m, "a")
    doc.connect(b, m, "b")
    assert ins.hint.isHidden()
    assert ins.data_edit.text() == "6.0"


def test_the_window_action_table_does_not_shadow_qwidget_actions(window):
    """``named_actions`` is the window's table; ``actions()`` stays QWidget's method."""
    from PySide6.QtGui import QAction

    assert callable(window.actions)
    assert all(isinstance(a, QAction) for a in window.actions())
    assert isinstance(window.named_actions["save"], QAction)


def test_the_window_has_every_member_plugins_may_use(window):
    """``host.WindowHost`` is what plugins see (mypy checks the types); each member is on a
    real window, installed plugins included, with no attribute attached from outside."""
    from mgstudio.app import learn, training
    from mgstudio.app.host import WindowHost

    assert window.training is None and window.learn is None
    ctl, tools = training.install(window), learn.install(window)
    assert window.training is ctl and window.learn is tools
    assert learn.install(window) is tools  # once
    members = set(WindowHost.__annotations__) | {
        name for name in vars(WindowHost) if not name.startswith("_")
    }
    assert {"document", "canvas", "menus", "show_message", "addDockWidget"} <= members
    assert [m for m in sorted(members) if not hasattr(window, m)] == []
