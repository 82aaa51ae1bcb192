"""Text from a file, a label, a file name or an error is shown literally, never as HTML
(issue #11 item 11).

One walker looks at everything Qt may render as rich text — every QLabel (message boxes are
made of them), every widget's and action's tooltip, item-view tooltips, text browsers — and
works out what a user would read. A document whose labels, file name, CSV and pasted code all
carry ``<b>PWN<b>`` is then taken through every panel and dialog: wherever "PWN" is read, the
tags must be read with it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMessageBox,
    QTextEdit,
    QWidget,
)

from mgstudio.app import plain
from mgstudio.app.dialogs import CodeImportDialog
from mgstudio.document import Document

MARK = "<b>PWN<b>"  # no slash, so it fits in a file name too
AUTO, PLAIN = Qt.TextFormat.AutoText, Qt.TextFormat.PlainText


def displayed(text: str, fmt=AUTO) -> str:
    """What a user reads when Qt shows ``text`` in this format (tooltips are always AUTO)."""
    if fmt == PLAIN or (fmt == AUTO and not GuiQt.mightBeRichText(text)):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def shown_texts(widgets=None) -> list[tuple[str, str]]:
    """(where, what the user reads) for every place Qt may interpret markup."""
    out = []
    for w in widgets if widgets is not None else QApplication.allWidgets():
        name = f"{type(w).__name__} {w.objectName()}"
        if isinstance(w, QLabel):
            out.append((name, displayed(w.text(), w.textFormat())))
        if isinstance(w, QTextEdit):
            out.append((name, w.toPlainText()))
        if w.toolTip():
            out.append((f"tooltip of {name}", displayed(w.toolTip())))
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for r in range(min(model.rowCount(), 200)):
                for c in range(model.columnCount()):
                    tip = model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole)
                    if tip:
                        out.append((f"item tooltip {name} {r},{c}", displayed(str(tip))))
        for action in w.actions():
            if action.toolTip():
                out.append((f"tooltip of action {action.text()}", displayed(action.toolTip())))
    return out


def misread(widgets=None) -> list[tuple[str, str]]:
    """Places where "PWN" is read without its tags: the markup was interpreted."""
    return [
        (where, text)
        for where, text in shown_texts(widgets)
        if text.count("PWN") != text.count(MARK)
    ]


def test_the_walker_catches_rich_text(qtbot):
    """The check itself can fail: an auto-format label with markup is caught, a plain one
    and an escaped tooltip are not."""
    rich = QLabel(f"x {MARK}")
    literal = plain.label(f"x {MARK}")
    tip = QWidget()
    tip.setToolTip(plain.tooltip(f"see {MARK}"))
    raw_tip = QWidget()
    raw_tip.setToolTip(f"see {MARK}")
    found = {where for where, _ in misread([rich, literal, tip, raw_tip])}
    assert found == {"QLabel ", "tooltip of QWidget "}


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes the app would show: what their labels display, captured at exec()."""
    seen: list[list[tuple[str, str]]] = []

    def fake_exec(box):
        seen.append(
            [
                (w.objectName(), displayed(w.text(), w.textFormat()))
                for w in box.findChildren(QLabel)
                if w.text()
            ]
        )
        box.done(0)
        return QMessageBox.StandardButton.Cancel.value

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return seen


def _document() -> Document:
    doc = Document()
    x = doc.add_node("input", label=f"x{MARK}", value=2.0, pos=(0, 0))
    w = doc.add_node("input", label=f"w{MARK}", value=-3.0, pos=(0, 100))
    m = doc.add_node("mul", label=f"m{MARK}", pos=(300, 50))
    doc.connect(x, m, "a")
    doc.connect(w, m, "b")
    t = doc.add_node("tanh", label=f"o{MARK}", pos=(600, 50))
    doc.connect(m, t, "a")
    doc.add_node("add", label=f"waiting{MARK}", pos=(600, 300))  # incomplete: a hint
    return doc


def test_every_widget_shows_user_text_literally(window, tmp_path, boxes, errors):
    from mgstudio.app import learn, training

    tools = learn.install(window)
    ctl = training.install(window)
    path = tmp_path / f"{MARK}.mgs"
    _document().save(path)
    assert window.open_file(path)  # the file name: title, recent files, messages
    doc = window.document
    window.backward_panel.backward()
    problems = []
    for nid in doc.nodes:
        window.canvas.select_node(nid)
        problems += misread()
    window.canvas.select_ids(list(doc.nodes))
    window.recent_menu.aboutToShow.emit()
    tools.step_once()
    tools.show_sweep()
    tools.check_gradients()
    window.tasks.wait_all()  # the check runs in the background; its report is user text too
    problems += misread()

    # the import dialog's error quotes the pasted code
    dialog = CodeImportDialog(window, text=f'"{MARK}".foo()')
    dialog.show()
    dialog.import_button.click()
    assert dialog.tasks.wait_all()  # the program runs in the background
    assert "PWN" in dialog.error.text()
    problems += misread()
    dialog.reject()

    # the training panel: a CSV error quoting a cell, then a good file's name
    bad, good = tmp_path / f"bad{MARK}.csv", tmp_path / f"good{MARK}.csv"
    bad.write_text(f"1,1\n{MARK},2\n", encoding="utf-8")
    good.write_text("0,0,1\n1,1,-1\n0,1,1\n1,0,-1\n", encoding="utf-8")
    panel = ctl.panel
    for csv, shows in ((bad, panel.error), (good, panel.csv_label)):
        panel.ask_csv_path = lambda p=csv: str(p)
        panel.dataset.setCurrentIndex(panel.dataset.count() - 1)  # "CSV file…"
        assert "PWN" in shows.text()
        problems += misread()
        panel.dataset.setCurrentIndex(0)

    # the expression box's error (elided on the toolbar, whole in the tooltip)
    tools.expression.edit.setText(f'float("{MARK}")')  # the interpreter quotes the text
    task = tools.expression.build()  # built in the background
    assert task.wait() and task.state == "failed" and "PWN" in tools.expression.error_text
    problems += misread()

    # message boxes: unsaved changes (the file name), errors, recovery
    tools.expression.edit.setText("")
    window.canvas.select_node(next(iter(window.document.nodes)))
    window.inspector.set_value(5.0)
    assert window.is_modified()
    window.show_error = window._error_box
    assert not window.new_file()  # the fake exec answers Cancel
    window.show_error("Can't open the file", f"{MARK}: broken")
    from mgstudio.app.autosave import Swap

    window._recovery_box(Swap(tmp_path / "s.swap", 1, path, MARK, doc.to_json()))
    assert len(boxes) == 3
    for box in boxes:
        problems += [(where, text) for where, text in box if text.count("PWN") != text.count(MARK)]
    assert not problems, problems
    assert not errors
    window.undo_stack.setClean()
    ctl.shutdown()


def test_html_in_the_format_field_is_shown_as_text(window, tmp_path, boxes):
    """The reported case: a heading and a live link inside "Can't open the file"."""
    html = "<h2>Big heading</h2><a href='https://example.com/'>click me</a>"
    path = tmp_path / "evil.mgs"
    path.write_text(
        json.dumps({"format": html, "version": 1, "nodes": [], "wires": []}), encoding="utf-8"
    )
    window.show_error = window._error_box  # the real box, not the fixture's list
    assert not window.open_file(path)
    assert len(boxes) == 1
    text = " ".join(t for _, t in boxes[0])
    assert "<h2>Big heading</h2>" in text and "<a href='https://example.com/'>" in text


def test_node_labels_on_plot_axes_are_not_mathtext(window, tmp_path):
    """matplotlib reads ``$…$`` as maths: a label like ``$x^{$`` used to make every draw of the
    Derivative pane raise; it is shown as typed."""
    from mgstudio.app import learn

    tools = learn.install(window)
    doc = Document()
    x = doc.add_node("input", label="$x^{$", value=1.0, pos=(0, 0))
    t = doc.add_node("tanh", label="$\\frac{y$", pos=(300, 0))
    doc.connect(x, t, "a")
    path = tmp_path / "math.mgs"
    doc.save(path)
    assert window.open_file(path)
    tools.show_sweep()
    window.canvas.select_node(window.document.nodes[x].id)
    pane = tools.sweep
    pane._draw()
    pane.figure_canvas.draw()  # raises ValueError on a mathtext parse error
    ax = pane._artists["ax"]
    assert ax.get_xlabel() == "$x^{$" and ax.get_ylabel() == "$\\frac{y$"
