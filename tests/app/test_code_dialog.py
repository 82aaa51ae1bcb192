"""Import micrograd code, the interpreter's front end: Run fills the log and the picker,
picking another Value rebuilds the document from the same run, Import runs first when the code
changed, a refusal shows its line and moves the cursor there, Cancel stops a `while True:`,
print output is shown as plain text, and the lecture's MLP arrives in the window grouped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from mgstudio.app import code_dialog
from mgstudio.app.dialogs import EXAMPLE_CODE, CodeImportDialog
from mgstudio.document.examples import list_programs
from mgstudio.interpreter import ProgramCancelled, run_program

MLP_TITLE = "The lecture's MLP"


@pytest.fixture
def dialog(qtbot):
    d = CodeImportDialog()
    qtbot.addWidget(d)
    d.show()
    yield d
    d.reject()


@pytest.fixture
def runs(monkeypatch):
    """Every run of the interpreter the dialog starts (its text), counted."""
    seen: list[str] = []
    real = code_dialog.run_program

    def counted(text, **kw):
        seen.append(text)
        return real(text, **kw)

    monkeypatch.setattr(code_dialog, "run_program", counted)
    return seen


def _load_mlp(dialog) -> str:
    (action,) = [a for a in dialog.example_actions if a.text() == MLP_TITLE]
    action.trigger()
    return dict(list_programs())[MLP_TITLE]


def _run(dialog):
    task = dialog.run()
    assert task is not None and task.wait() and task.state == "done", task.error
    return task


def test_the_examples_menu_loads_the_lecture_mlp_as_an_undoable_edit(dialog):
    assert dialog.code() == EXAMPLE_CODE
    text = _load_mlp(dialog)
    assert dialog.code() == text and "class Neuron" in text and "class MLP" in text
    dialog.editor.undo()
    assert dialog.code() == EXAMPLE_CODE  # the learner's own code comes back


def test_run_fills_the_log_and_the_picker_with_every_top_level_value(dialog, runs):
    text = _load_mlp(dialog)
    _run(dialog)
    run = run_program(text)  # the same program, outside the dialog
    names = [dialog.picker.itemData(i) for i in range(dialog.picker.count())]
    assert names == [c.name for c in run.candidates] and "out" in names and "loss" in names
    assert dialog.picked() == run.default.name == "loss" and dialog.picker.isEnabled()
    log = dialog.log.toPlainText().split("\n")
    assert log[: len(run.log)] == run.log and len(run.log) == 20  # print(k, loss.data) x 20
    assert all(line.startswith("Note: ") for line in log[len(run.log) :])
    doc = dialog.document
    assert doc is not None and dialog.result() != CodeImportDialog.DialogCode.Accepted
    kinds = {g.kind for g in doc.groups}
    assert {"mlp", "layer", "neuron"} <= kinds
    assert f"{len(doc.nodes):,} nodes in {len(doc.groups):,} groups" in dialog.summary.text()
    assert f"{run.steps:,} steps" in dialog.summary.text() and runs == [text]


def test_picking_another_value_rebuilds_the_document_without_running_again(dialog, runs):
    _load_mlp(dialog)
    _run(dialog)
    loss_doc = dialog.document
    loss_json = loss_doc.to_json()
    task = dialog.pick("out")
    assert task is not None and task.wait() and task.state == "done"
    out_doc = dialog.document
    assert out_doc is not loss_doc and out_doc.to_json() != loss_json
    assert len(out_doc.nodes) < len(loss_doc.nodes)  # one sample's forward pass, no loss
    out = run_program(dialog.code()).candidate("out").value
    out.recompute()  # the document shows out recomputed from the trained weights
    assert out_doc.value_of(out_doc.selected_output).data == pytest.approx(out.data, rel=1e-12)
    assert any("out's leaves changed" in line for line in dialog.log.toPlainText().split("\n"))
    assert dialog.summary.text().startswith("out: ")
    assert dialog.pick("loss") is None  # built before: shown at once
    assert dialog.document is loss_doc and len(runs) == 1


def test_import_runs_first_when_the_code_changed_and_closes(dialog, qtbot, runs):
    _run(dialog)
    dialog.editor.setPlainText("a = Value(3.0)\nb = a * a\nc = b + a\n")
    assert "changed since it ran" in dialog.summary.text()
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        task = dialog.import_picked()
        assert task is not None
    labels = sorted(n.label for n in dialog.document.nodes.values())
    assert labels == ["a", "b", "c"] and len(runs) == 2


def test_import_of_the_code_just_run_does_not_run_it_again(dialog, qtbot, runs):
    _run(dialog)
    dialog.pick("d").wait()
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        assert dialog.import_picked() is None
    assert dialog.document.node(dialog.document.selected_output).label == "d"
    assert len(runs) == 1


def test_a_refusal_names_its_line_and_moves_the_cursor_there(dialog):
    dialog.editor.setPlainText("a = Value(2.0)\nb = a * 2\nf = open('notes.txt')\nc = b + 1\n")
    task = dialog.run()
    assert task.wait() and task.state == "done"
    text = dialog.error.text()
    assert dialog.error.isVisible() and text.startswith("line 3: `open` is not available")
    assert text.endswith("\n    f = open('notes.txt')")  # the line's code, under the message
    assert dialog.editor.textCursor().blockNumber() == 2
    (mark,) = dialog.editor.extraSelections()
    assert mark.cursor.blockNumber() == 2
    assert dialog.document is None and dialog.picker.count() == 0
    assert dialog.import_picked() is not None  # Import tries again (and is refused again)
    dialog.tasks.wait_all()
    assert dialog.result() != CodeImportDialog.DialogCode.Accepted
    dialog.editor.insertPlainText("# ")
    assert dialog.editor.extraSelections() == []  # an edit clears the mark


def test_print_output_is_shown_as_plain_text(dialog):
    dialog.editor.setPlainText(
        "print('<b>x</b>')\nprint('<a href=\"http://e.org\">y</a>', 2 * 3)\nv = Value(1.0)\n"
    )
    _run(dialog)
    assert dialog.log.toPlainText() == '<b>x</b>\n<a href="http://e.org">y</a> 6'
    assert "<b>" not in dialog.log.document().toHtml().replace("&lt;b&gt;", "")


def test_a_program_with_no_value_runs_and_has_nothing_to_import(dialog):
    dialog.editor.setPlainText("total = 0\nfor i in range(4):\n    total += i\nprint(total)\n")
    _run(dialog)
    assert dialog.log.toPlainText() == "6" and dialog.picker.count() == 0
    assert "No Value to import" in dialog.summary.text()
    assert dialog.import_picked() is None and "made no Value" in dialog.error.text()


def test_cancel_stops_a_while_true_program_with_no_document(dialog, qtbot, monkeypatch):
    real, reached, raised = code_dialog.run_program, threading.Event(), []

    def held(text, *, progress=None, cancel=None, limits=None):
        def report(p):
            progress(p)
            reached.set()

        try:
            return real(text, progress=report, cancel=cancel, limits=limits)
        except BaseException as exc:
            raised.append(type(exc))
            raise

    monkeypatch.setattr(code_dialog, "run_program", held)
    dialog.editor.setPlainText("x = Value(1.0)\nwhile True:\n    x = x + 0\n")
    task = dialog.run()
    assert reached.wait(20)  # running, past its first progress report
    assert not dialog.run_button.isEnabled() and not dialog.import_button.isEnabled()
    task.cancel()
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    assert raised == [ProgramCancelled] and task.state == "cancelled"
    assert dialog.document is None and dialog.picker.count() == 0
    assert not dialog.error.isVisible() and "cancelled" in dialog.summary.text()
    assert dialog.run_button.isEnabled() and dialog.import_button.isEnabled()


def test_ctrl_return_in_the_editor_runs(dialog, qtbot, runs):
    dialog.activateWindow()
    dialog.editor.setFocus()
    before = dialog.code()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.task is not None and dialog.task.wait()
    assert runs == [before] and dialog.code() == before  # ran; no newline typed
    assert dialog.picker.count() == 7


def test_the_lecture_mlp_arrives_in_the_window_as_neurons_in_layers(window, qtbot):
    text = dict(list_programs())[MLP_TITLE]
    run = run_program(text)

    def fill():
        d = window.findChild(CodeImportDialog)
        if d is None or not d.isVisible():
            qtbot.wait(20)
            return fill()
        d.load_example(text)
        d.import_picked()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, fill)
    assert window.import_code_dialog()
    doc = window.document
    out = doc.value_of(doc.selected_output)
    loss = run.candidate("loss").value
    loss.recompute()  # the document shows loss recomputed from the trained weights
    assert out.data == pytest.approx(loss.data, rel=1e-12)
    labels = [g.label for g in doc.groups]
    assert sum(x.startswith("MLP n") for x in labels) == 4  # one call per sample
    assert sum(x.startswith("Layer L0") for x in labels) == 4
    assert sum(g.kind == "neuron" for g in doc.groups) == 9 * 4  # 9 neurons, 4 samples
    assert window.is_modified()


def test_a_failure_midway_shows_what_was_printed_and_the_line(dialog):
    dialog.editor.setPlainText(
        "xs = [1.0, 2.0, 0.0]\n"
        "for x in xs:\n"
        "    print('one over', x)\n"
        "    y = Value(1.0 / x)\n"
        "print('never')\n"
    )
    _run(dialog)
    # what it printed up to the division by zero, and nothing after it
    assert dialog.log.toPlainText() == "one over 1.0\none over 2.0\none over 0.0"
    assert dialog.error.isVisible() and dialog.error.text().startswith("line 4:")
    assert dialog.editor.textCursor().blockNumber() == 3  # the cursor on the failing line
    (mark,) = dialog.editor.extraSelections()
    assert mark.cursor.blockNumber() == 3
    assert dialog.editor.hasFocus() or not dialog.isActiveWindow()
    assert dialog.picker.count() == 0 and dialog.document is None
    # a good run afterwards shows its own output only
    dialog.editor.setPlainText("print('fine')\nv = Value(1.0)\n")
    _run(dialog)
    assert dialog.log.toPlainText() == "fine" and not dialog.error.isVisible()


def test_the_editor_has_the_focus_when_the_dialog_opens(qtbot):
    d = CodeImportDialog()
    qtbot.addWidget(d)
    d.show()
    d.activateWindow()
    qtbot.waitUntil(lambda: d.focusWidget() is d.editor, timeout=5_000)
    d.reject()


def test_every_control_is_reachable_by_keyboard(dialog, qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    _run(dialog)  # the picker is enabled once there are Values
    # the tab chain runs from the editor through the log, the picker and the buttons
    chain, w = [], dialog.editor
    for _ in range(7):
        chain.append(w)
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isEnabled():
            w = w.nextInFocusChain()
    assert chain[:6] == [
        dialog.editor,
        dialog.log,
        dialog.picker,
        dialog.run_button,
        dialog.import_button,
        cancel,
    ]
    # Tab types in the editor; Ctrl+Tab leaves it, Ctrl+Shift+Tab comes back
    dialog.activateWindow()
    dialog.editor.setFocus()
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=5_000)
    before = dialog.code()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.log.hasFocus, timeout=5_000)
    assert dialog.code() == before
    qtbot.keyClick(
        dialog.log,
        Qt.Key.Key_Backtab,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=5_000)
    # Alt+V puts the focus on the picker (its label's mnemonic), which arrows change
    dialog.activateWindow()
    dialog.editor.setFocus()
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=5_000)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.picker.hasFocus, timeout=5_000)
    first = dialog.picked()
    qtbot.keyClick(dialog.picker, Qt.Key.Key_Up)
    dialog.tasks.wait_all()
    assert dialog.picked() != first  # the Value before the last one
    assert "&Run" == dialog.run_button.text() and "&Import" == dialog.import_button.text()


def test_escape_closes_the_dialog(dialog, qtbot):
    dialog.activateWindow()
    dialog.editor.setFocus()
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=5_000)
    with qtbot.waitSignal(dialog.rejected, timeout=5_000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_alt_i_imports_by_keyboard(dialog, qtbot):
    dialog.activateWindow()
    dialog.editor.setFocus()
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=5_000)
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert dialog.document is not None and len(dialog.document.nodes) == 7
