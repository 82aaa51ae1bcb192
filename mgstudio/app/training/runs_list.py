"""The list of a document's training runs: name, steps and final loss per run, a branch
indented under the run it continued from. Double-click renames a run, Delete (the key or the
button) removes it; choosing a row asks the timeline to show that run. The list only shows
``doc.training``: renames and deletions are announced (``renamed``, ``delete_requested``)
and made by the timeline as undo steps, then the list is filled again from the document."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document.training_state import RunRecord, TrainingState

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY_TEXT = (
    "No runs yet: a document trained here (or with `train --save`) lists its runs, "
    "one line each, to compare, rename and return to."
)


def run_text(runs: tuple[RunRecord, ...], index: int) -> str:
    """``run 2 ← run 1 @ 40 · 60 steps · final loss 0.0123``"""
    run = runs[index]
    final = float(run.loss[-1]) if run.steps else math.nan
    loss = f"final loss {final:.4g}" if math.isfinite(final) else "final loss —"
    origin = ""
    if run.parent is not None and 0 <= run.parent[0] < len(runs):
        origin = f" ← {runs[run.parent[0]].name} @ {run.parent[1]}"
    return f"{run.name}{origin} · {run.steps} steps · {loss}"


class _NameDelegate(QStyledItemDelegate):
    """Edits only the run's name (not the whole line) and hands it to the list's signal."""

    def __init__(self, owner: RunsList):
        super().__init__(owner)
        self.owner = owner

    def setEditorData(self, editor, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(NAME_ROLE) or ""))
        editor.selectAll()

    def setModelData(self, editor, _model, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        text = editor.text()
        if text.strip() and text != index.data(NAME_ROLE):
            self.owner.renamed.emit(index.row(), text)


class RunsList(QWidget):
    """See the module docstring."""

    #: (run index) the learner chose this run
    run_chosen = Signal(int)
    #: (run index, new name)
    renamed = Signal(int, str)
    #: (run index)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("training_runs_list")
        self.list.setItemDelegate(_NameDelegate(self))
        self.list.setEditTriggers(
            QListWidget.EditTrigger.DoubleClicked | QListWidget.EditTrigger.EditKeyPressed
        )
        self.list.setToolTip("Double-click a run to rename it; Delete removes it")
        self.list.currentRowChanged.connect(self._on_row)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.delete_button = QPushButton("Delete run")
        self.delete_button.setToolTip("Remove the chosen run from the document (undoable)")
        self.delete_button.clicked.connect(self._delete_current)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        for widget, stretch in ((self.empty, 0), (self.list, 1)):
            layout.addWidget(widget, stretch)
        layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        self._filling = False
        self.show_state(TrainingState(), None)

    def show_state(self, state: TrainingState, current: int | None) -> None:
        """Fill the list from ``state``, ``current`` chosen (no ``run_chosen`` for it)."""
        self._filling = True
        try:
            self.list.clear()
            for i, run in enumerate(state.runs):
                item = QListWidgetItem(run_text(state.runs, i))
                item.setData(NAME_ROLE, run.name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                if run.parent is not None:
                    item.setText("   " + item.text())  # a branch sits under its parent
                self.list.addItem(item)
            if current is not None and 0 <= current < self.list.count():
                self.list.setCurrentRow(current)
        finally:
            self._filling = False
        has = bool(state.runs)
        self.empty.setVisible(not has)
        self.list.setVisible(has)
        self.delete_button.setEnabled(has)

    def current(self) -> int | None:
        row = self.list.currentRow()
        return row if row >= 0 else None

    def _on_row(self, row: int) -> None:
        if row >= 0 and not self._filling:
            self.run_chosen.emit(row)

    def _delete_current(self) -> None:
        row = self.current()
        if row is not None:
            self.delete_requested.emit(row)
