"""Save As and the exports add the suffix inside the dialog, so the dialog's own overwrite
prompt covers the name that is written (issue #11 item 5: typing "graph" replaced an existing
graph.mgs without asking). The real QFileDialog is driven as a user would: type a name, press
Save, answer the "already exists" question."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from mgstudio.app import file_dialogs
from mgstudio.document import Document


@pytest.fixture(autouse=True)
def qt_dialogs(monkeypatch):
    """Qt's own dialog (a platform dialog can't be driven from a test)."""
    monkeypatch.setattr(file_dialogs, "NATIVE", False)


def _when(find, act, log: list, what: str, tries: int = 300) -> None:
    """Once ``find()`` returns a widget, ``act(widget)``; polls from the event loop (the
    dialog runs its own, nested one)."""

    def poll(left=tries):
        widget = find()
        if widget is None:
            if left == 0:
                log.append(f"never saw {what}")
                return
            QTimer.singleShot(10, lambda: poll(left - 1))
            return
        act(widget)

    QTimer.singleShot(0, poll)


def _modal(kind):
    w = QApplication.activeModalWidget()
    return w if isinstance(w, kind) and w.isVisible() else None


def drive_save_dialog(folder, name: str, replace: bool | None, log: list) -> None:
    """Type ``name`` in the next save dialog and press Save; if it asks about replacing a
    file, record the question and answer Yes (``replace``) or No (then cancel the dialog)."""

    def type_name(dialog: QFileDialog):
        log.append(("suffix", dialog.defaultSuffix()))
        dialog.setDirectory(str(folder))
        dialog.findChild(QLineEdit, "fileNameEdit").setText(name)
        if replace is not None:
            _when(lambda: _modal(QMessageBox), answer, log, "the overwrite question")
        dialog.accept()  # what the Save button does

    def answer(box: QMessageBox):
        log.append(("asked", box.text()))
        button = QMessageBox.StandardButton.Yes if replace else QMessageBox.StandardButton.No
        box.button(button).click()
        if not replace:  # back in the dialog: the user gives up
            _when(lambda: _modal(QFileDialog), lambda d: d.reject(), log, "the dialog again")

    _when(lambda: _modal(QFileDialog), type_name, log, "the save dialog")


def _graph(tmp_path):
    old = Document()
    old.add_node("input", label="old", value=1.0)
    path = tmp_path / "graph.mgs"
    old.save(path)
    return path, path.read_bytes()


def test_save_as_without_suffix_asks_before_replacing(window, tmp_path):
    path, before = _graph(tmp_path)
    window.document.add_node("input", label="new", value=2.0)
    log: list = []
    drive_save_dialog(tmp_path, "graph", replace=False, log=log)
    assert not window.save_as()
    assert ("suffix", "mgs") in log
    asked = [text for kind, text in log if kind == "asked"]
    assert len(asked) == 1 and "graph.mgs" in asked[0], log
    assert path.read_bytes() == before  # "No": nothing was written
    assert not any(isinstance(e, str) for e in log), log

    log.clear()
    drive_save_dialog(tmp_path, "graph", replace=True, log=log)
    assert window.save_as()
    assert window.path == path.resolve()
    assert [n.label for n in Document.load(path).nodes.values()] == ["new"]


def test_save_as_a_new_name_gets_the_suffix_without_a_question(window, tmp_path):
    log: list = []
    drive_save_dialog(tmp_path, "fresh", replace=None, log=log)
    assert window.save_as()
    assert window.path == (tmp_path / "fresh.mgs").resolve() and window.path.exists()
    assert not [e for e in log if e[0] == "asked"]


@pytest.mark.parametrize(("flavour", "suffix"), [("micrograd", "py"), ("torch", "py")])
def test_export_code_without_suffix_asks_before_replacing(window, tmp_path, flavour, suffix):
    target = tmp_path / f"net.{suffix}"
    target.write_text("# mine\n", encoding="utf-8")
    window.document.add_node("input", label="a", value=1.0)
    log: list = []
    drive_save_dialog(tmp_path, "net", replace=False, log=log)
    assert not window.export_code_dialog(flavour)
    assert ("suffix", suffix) in log
    assert [t for k, t in log if k == "asked"], log
    assert target.read_text(encoding="utf-8") == "# mine\n"


def test_export_picture_without_suffix_asks_before_replacing(window, tmp_path):
    target = tmp_path / "pic.svg"
    target.write_text("<svg/>", encoding="utf-8")
    window.document.add_node("input", label="a", value=1.0)
    log: list = []
    drive_save_dialog(tmp_path, "pic", replace=False, log=log)
    assert not window.export_picture_dialog("svg")
    assert ("suffix", "svg") in log and [t for k, t in log if k == "asked"], log
    assert target.read_text(encoding="utf-8") == "<svg/>"
