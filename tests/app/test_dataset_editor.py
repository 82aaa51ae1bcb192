"""Training ▸ Edit Dataset…: the document's own samples as a table (issue 16): pasted from a
spreadsheet (good and hostile), CSV import/export, generator <-> table, every change one
undo step."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.doc_training import featured_neuron
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView

from mgstudio.app.training import install
from mgstudio.document.training_state import GeneratedData, TableData

pytestmark = pytest.mark.usefixtures("working_event_loop")


@pytest.fixture
def editor(window, open_example, qtbot):
    ctl = install(window)
    featured_neuron(ctl, window, open_example, samples=10)
    ctl.actions["edit_dataset"].trigger()
    dialog = ctl.dataset_editor
    assert dialog is not None and dialog.isVisible()
    yield dialog
    dialog.close()
    ctl.shutdown()


def to_table(qtbot, dialog):
    qtbot.mouseClick(dialog.use_table, Qt.MouseButton.LeftButton)
    data = dialog.document.training.dataset
    assert isinstance(data, TableData)
    return data


def paste_text(qtbot, dialog, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_generator_to_table_keeps_the_samples_and_undoes(qtbot, editor, window):
    doc = editor.document
    assert doc.training.dataset is None  # the dock's generator until the document has one
    table = to_table(qtbot, editor)
    assert table.columns == ("x0", "x1", "target")
    assert table.rows.shape == (10, 3)
    assert editor.table.rowCount() == 10 and editor.table.columnCount() == 3
    assert window.undo_stack.undoText() == "Edit the dataset as a table"
    window.undo_stack.undo()
    assert doc.training.dataset is None
    assert editor.table.rowCount() == 0  # the dialog follows the document
    # a generator of its own
    editor.generator.setCurrentText("circles")
    editor.samples.setValue(30)
    qtbot.mouseClick(editor.apply_generator, Qt.MouseButton.LeftButton)
    assert doc.training.dataset == GeneratedData("circles", 30, editor.noise.value(), 1337)
    assert window.undo_stack.undoText() == "Use the circles generator"


def test_paste_from_a_spreadsheet(qtbot, editor, window):
    doc = editor.document
    to_table(qtbot, editor)
    paste_text(qtbot, editor, "0.5\t-1.25\t1\n2\t3\t-1\n")
    rows = doc.training.dataset.rows
    assert rows.shape == (12, 3)
    assert rows[-2:].tolist() == [[0.5, -1.25, 1.0], [2.0, 3.0, -1.0]]
    assert window.undo_stack.undoText() == "Paste 2 rows"
    assert "2 rows pasted" in editor.message.text()
    assert editor.table.item(11, 1).text() == "3"
    # comma separated with a header row works too
    paste_text(qtbot, editor, "a,b,label\n1,1,1\n")
    assert doc.training.dataset.rows.shape == (13, 3)
    assert "header" in editor.message.text()
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert doc.training.dataset.rows.shape == (10, 3)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1\t2\t1\n3\tabc\t1\n", "line 2, column 2: 'abc' is not a number"),
        ("1\t2\t1\n3\tnan\t1\n", "line 2, column 2"),
        ("1\t2\n", "2 columns, the table 3"),
        ("1,2,3\n4,5\n", "expected 3 columns"),
        ("   \n", "no text to paste"),
    ],
)
def test_hostile_paste_changes_nothing_and_says_where(qtbot, editor, window, text, words):
    doc = editor.document
    before = to_table(qtbot, editor)
    depth = window.undo_stack.count()
    paste_text(qtbot, editor, text)
    assert doc.training.dataset == before
    assert window.undo_stack.count() == depth
    assert words in editor.message.text()
    assert "Traceback" not in editor.message.text()


def test_csv_export_then_import_round_trip(qtbot, editor, window, tmp_path):
    doc = editor.document
    table = to_table(qtbot, editor)
    path = tmp_path / "samples.csv"
    editor.ask_save_path = lambda: str(path)
    qtbot.mouseClick(editor.buttons["export"], Qt.MouseButton.LeftButton)
    assert path.read_text().splitlines()[0] == "x0,x1,target"
    # change the table, then import the file back: the very same numbers
    qtbot.mouseClick(editor.buttons["add"], Qt.MouseButton.LeftButton)
    assert doc.training.dataset.rows.shape == (11, 3)
    editor.ask_open_path = lambda: str(path)
    qtbot.mouseClick(editor.buttons["import"], Qt.MouseButton.LeftButton)
    assert doc.training.dataset == table  # bit for bit (repr'd numbers)
    assert window.undo_stack.undoText() == "Import samples.csv"
    # a hostile file: refused with its line and column, the table kept
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"1,2,1\n1,\xff,1\n")
    editor.ask_open_path = lambda: str(bad)
    qtbot.mouseClick(editor.buttons["import"], Qt.MouseButton.LeftButton)
    assert doc.training.dataset == table
    assert "Nothing imported" in editor.message.text()


def test_cells_rows_and_a_bad_number_typed(qtbot, editor, window):
    doc = editor.document
    to_table(qtbot, editor)
    item = editor.table.item(0, 0)
    item.setText("4.5")  # what the delegate does when typing ends
    assert doc.training.dataset.rows[0, 0] == 4.5
    assert window.undo_stack.undoText() == "Set row 1, column 1 = 4.5"
    editor.table.item(0, 1).setText("oops")
    assert "row 1, column 2: 'oops' is not a number" in editor.message.text()
    assert editor.table.item(0, 1).text() != "oops"  # the document's number is back
    editor.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    editor.table.selectRow(0)
    qtbot.mouseClick(editor.buttons["remove"], Qt.MouseButton.LeftButton)
    assert doc.training.dataset.rows.shape == (9, 3)
    window.undo_stack.undo()
    assert doc.training.dataset.rows[0, 0] == 4.5
    assert np.isfinite(doc.training.dataset.rows).all()
