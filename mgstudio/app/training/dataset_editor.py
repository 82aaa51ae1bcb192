"""Training ▸ Edit Dataset…: the document's own samples (issue 16). A generator (name,
samples, noise, seed) or a table of rows (features…, target) that can be typed, pasted
from a spreadsheet, imported from and exported to CSV. Every change is one undo command on
the document's training state (``SetTrainingCommand``); the dialog shows what the document
says and follows it (an undo, a point drawn on the map).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document.fileformat import write_atomic
from mgstudio.document.fileio import FileWriteError
from mgstudio.document.training_state import GeneratedData, TableData
from mgstudio.training import TrainingError
from mgstudio.training.dataset_edits import (
    MAX_TABLE_ROWS,
    csv_text,
    pasted_rows,
    table_from_state,
    with_cell,
    with_rows,
    without_rows,
)
from mgstudio.training.datasets import DATASETS, load_csv

from .. import plain
from ..doc_watch import DocWatch
from ..file_dialogs import ask_csv_path, ask_save_path
from ..model_commands import SetTrainingCommand

if TYPE_CHECKING:
    from mgstudio.document import Document

    from .controller import TrainingController


class DatasetEditor(QDialog):
    """See the module docstring; ``ctl`` is the window's training controller."""

    def __init__(self, ctl: TrainingController):
        super().__init__(ctl.window.window())
        self.ctl = ctl
        self.document: Document | None = None
        self._watch = DocWatch()
        #: how paths are asked for; tests swap in functions returning a path
        self.ask_open_path = self._open_dialog
        self.ask_save_path = self._save_dialog
        self.setWindowTitle("Dataset")
        self.setObjectName("dataset_editor")
        self.resize(460, 520)
        self.use_generator = QRadioButton("Generator")
        self.use_table = QRadioButton("Table of samples")
        self.use_generator.clicked.connect(self._to_generator)
        self.use_table.clicked.connect(self._to_table)
        self.generator = QComboBox()
        self.generator.addItems(list(DATASETS))
        self.samples = QSpinBox()
        self.samples.setRange(2, MAX_TABLE_ROWS)
        self.samples.setPrefix("n ")
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 5.0)
        self.noise.setDecimals(3)
        self.noise.setPrefix("noise ")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setPrefix("seed ")
        self.apply_generator = QPushButton("Use")
        self.apply_generator.setToolTip("Use this generator as the document's dataset")
        self.apply_generator.clicked.connect(self._to_generator)
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self._on_cell)
        buttons = {
            "add": ("Add Row", self.add_row, "A row of zeros at the end"),
            "remove": ("Remove Rows", self.remove_rows, "Remove the selected rows"),
            "paste": ("Paste", self.paste, "Append rows copied from a spreadsheet (Ctrl+V)"),
            "import": ("Import CSV…", self.import_csv, "Replace the table by a CSV file's rows"),
            "export": ("Export CSV…", self.export_csv, "Save the table as a CSV file"),
        }
        self.buttons: dict[str, QPushButton] = {}
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for i, (name, (text, slot, tip)) in enumerate(buttons.items()):
            b = self.buttons[name] = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            (row1 if i < 3 else row2).addWidget(b)
        QShortcut(QKeySequence.StandardKey.Paste, self.table, self.paste)
        self.message = plain.label()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        source = QHBoxLayout()
        source.addWidget(self.use_generator)
        source.addWidget(self.use_table)
        source.addStretch(1)
        layout.addLayout(source)
        self.generator_row = QWidget()
        gen = QHBoxLayout(self.generator_row)
        gen.setContentsMargins(0, 0, 0, 0)
        for w in (self.generator, self.samples, self.noise, self.seed, self.apply_generator):
            gen.addWidget(w)
        layout.addWidget(self.generator_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.message)

    # --- following the document ---------------------------------------------------------------
    def set_document(self, doc: Document | None) -> None:
        self.document = doc
        self._watch.watch(doc, {"training_changed": self.refresh})
        self.refresh()

    def refresh(self) -> None:
        doc = self.document
        if doc is None:
            return
        data = doc.training.dataset
        is_table = isinstance(data, TableData)
        self.use_table.setChecked(is_table)
        self.use_generator.setChecked(not is_table)
        gen = data if isinstance(data, GeneratedData) else None
        if gen is None:  # the dock's generator until the document has its own
            cfg = self.ctl.panel
            gen = GeneratedData(
                cfg.dataset.currentText() if cfg.dataset.currentText() in DATASETS else "moons",
                cfg.samples.value(),
                float(cfg.noise.value()),
                cfg.seed.value(),
            )
        self.generator.setCurrentText(gen.name)
        self.samples.setValue(gen.n)
        self.noise.setValue(gen.noise)
        self.seed.setValue(gen.seed)
        self.table.setEnabled(is_table)
        for name in ("add", "remove", "export"):
            self.buttons[name].setEnabled(is_table)
        self._fill(data if isinstance(data, TableData) else None)

    def _fill(self, table: TableData | None) -> None:
        with QSignalBlocker(self.table):
            if table is None:
                self.table.setRowCount(0)
                self.table.setColumnCount(0)
                return
            rows = table.rows.reshape(-1, len(table.columns))
            self.table.setColumnCount(len(table.columns))
            self.table.setHorizontalHeaderLabels(list(table.columns))
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c, x in enumerate(row):
                    self.table.setItem(r, c, QTableWidgetItem(f"{x:.10g}"))

    @property
    def doc(self) -> Document:
        """The document edited (the dialog is shown only with one)."""
        assert self.document is not None
        return self.document

    # --- edits ----------------------------------------------------------------------------------
    def _current(self) -> TableData:
        doc = self.doc
        state = self.ctl.docs.state_from_panel(doc)
        return table_from_state(state, n_features=max(len(doc.feature_ids()), 1))

    def _push(self, dataset, text: str) -> bool:
        doc = self.doc
        command = SetTrainingCommand(doc, doc.training.replace(dataset=dataset), text)
        self.ctl.window.undo_stack.push(command)
        if command.error is not None:
            return self.say(str(command.error))
        return True

    def say(self, text: str) -> bool:
        """Show a sentence (a refusal or a note); False, for ``return self.say(...)``."""
        self.message.setText(text)
        return False

    def _to_generator(self) -> bool:
        gen = GeneratedData(
            self.generator.currentText(),
            self.samples.value(),
            float(self.noise.value()),
            self.seed.value(),
        )
        if self.doc.training.dataset == gen:
            return False
        self.say("")
        return self._push(gen, f"Use the {gen.name} generator")

    def _to_table(self) -> bool:
        if isinstance(self.doc.training.dataset, TableData):
            return False
        try:
            table = self._current()
        except TrainingError as exc:
            self.refresh()
            return self.say(str(exc))
        self.say(f"{len(table.rows)} samples as a table: edit, add, paste or import rows")
        return self._push(table, "Edit the dataset as a table")

    def add_row(self) -> bool:
        try:
            table = self._current()
            new = with_rows(table, [[0.0] * len(table.columns)])
        except TrainingError as exc:
            return self.say(str(exc))
        return self._push(new, "Add a row")

    def remove_rows(self) -> bool:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows:
            return self.say("Select the rows to remove first")
        try:
            new = without_rows(self._current(), rows)
        except TrainingError as exc:
            return self.say(str(exc))
        return self._push(new, f"Remove {len(rows)} row{'s' if len(rows) != 1 else ''}")

    def paste(self, text: str | None = None) -> bool:
        """Append the rows of ``text`` (default: the clipboard's text)."""
        if text is None or not isinstance(text, str):
            text = QGuiApplication.clipboard().text()
        if not text.strip():
            return self.say("The clipboard holds no text to paste")
        try:
            table, notes = pasted_rows(text, self._current())
        except TrainingError as exc:
            return self.say(f"Nothing pasted: {exc}")
        if self._push(table, f"Paste {notes[-1].split()[0]} rows"):
            self.say("; ".join(notes))
            return True
        return False

    def _on_cell(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        text = item.text().strip()
        try:
            value = float(text)
            new = with_cell(self._current(), r, c, value)
        except ValueError:
            self.refresh()
            self.say(f"row {r + 1}, column {c + 1}: {text[:30]!r} is not a number")
            return
        except TrainingError as exc:
            self.refresh()
            self.say(str(exc))
            return
        if self._push(new, f"Set row {r + 1}, column {c + 1} = {value:g}"):
            self.say("")

    def import_csv(self) -> bool:
        path = self.ask_open_path()
        if not path:
            return False
        try:
            data = load_csv(path)  # the one CSV reader (train --csv reads through it too)
            names = tuple(data.feature_names)
            if names == tuple(f"x{i + 1}" for i in range(data.n_inputs)):
                names = tuple(f"x{i}" for i in range(data.n_inputs))  # the x0 tags' names
            table = TableData((*names, "target"), np.column_stack([data.X, data.y]))
            if len(table.rows) > MAX_TABLE_ROWS:
                raise TrainingError(f"a table holds at most {MAX_TABLE_ROWS} rows")
        except (TrainingError, ValueError) as exc:
            return self.say(f"Nothing imported: {exc}")
        name = os.path.basename(path)
        if self._push(table, f"Import {name}"):
            self.say("; ".join([f"{len(table.rows)} rows from {name}", *data.notes]))
            return True
        return False

    def export_csv(self) -> bool:
        data = self.doc.training.dataset
        if not isinstance(data, TableData):
            return self.say("Only a table is exported: choose Table of samples first")
        path = self.ask_save_path()
        if not path:
            return False
        try:
            write_atomic(path, csv_text(data))
        except (OSError, FileWriteError) as exc:
            return self.say(f"Could not export: {exc}")
        self.say(f"Saved {len(data.rows)} rows to {path}")
        return True

    def _open_dialog(self) -> str:
        return ask_csv_path(self, "Import samples")

    def _save_dialog(self) -> str:
        path = ask_save_path(self, "Export samples", "samples.csv", "CSV files (*.csv)", ".csv")
        return path or ""


def show_dataset_editor(ctl: TrainingController) -> DatasetEditor:
    """The window's editor (made once), shown for its current document."""
    editor = ctl.dataset_editor
    if editor is None:
        editor = ctl.dataset_editor = DatasetEditor(ctl)
    editor.set_document(ctl.window.document)
    editor.show()
    editor.raise_()
    return editor
