"""The predictions table of tiny datasets: inputs, target and the model's prediction per
sample (the lecture's ``ypred``), shown by the training plots next to the curves."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from mgstudio.training.datasets import Dataset


class PredictionsTable(QTableWidget):
    """Inputs, target and the model's prediction per sample (the lecture's ``ypred``); a row
    chosen (click or arrow keys) is the sample the network on the canvas traces."""

    #: the learner chose the sample of this row
    row_chosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.currentCellChanged.connect(self._on_current)

    def _on_current(self, row: int, _col: int, previous: int, _pcol: int) -> None:
        if row >= 0 and row != previous:
            self.row_chosen.emit(row)

    def show_chosen(self, row: int | None) -> None:
        """Select ``row`` (None: no row) without announcing it as the learner's choice."""
        with QSignalBlocker(self):
            if row is None or not 0 <= row < self.rowCount():
                self.clearSelection()
                self.setCurrentCell(-1, -1)
            else:
                self.setCurrentCell(row, 0)
                self.selectRow(row)

    def set_dataset(self, dataset: Dataset) -> None:
        with QSignalBlocker(self):  # a new table is no choice of the learner's
            self._fill(dataset)

    def _fill(self, dataset: Dataset) -> None:
        names = list(dataset.feature_names)
        self.clear()
        self.setColumnCount(len(names) + 2)
        self.setRowCount(dataset.n_samples)
        self.setHorizontalHeaderLabels([*names, "target", "prediction"])
        # rows by sample number, counted from 0 as the sample picker and the canvas count
        self.setVerticalHeaderLabels([str(r) for r in range(dataset.n_samples)])
        for r in range(dataset.n_samples):
            for c, x in enumerate(dataset.X[r]):
                self.setItem(r, c, _cell(f"{x:g}"))
            self.setItem(r, len(names), _cell(f"{dataset.y[r]:g}"))
            self.setItem(r, len(names) + 1, _cell(""))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(names) + 1, QHeaderView.ResizeMode.ResizeToContents)

    def set_predictions(self, predictions: np.ndarray) -> None:
        col = self.columnCount() - 1
        for r, p in enumerate(predictions[: self.rowCount()]):
            self._cell(r, col).setText(f"{p:.6f}")

    def predictions(self) -> list[float]:
        col = self.columnCount() - 1
        return [
            float(self._cell(r, col).text())
            for r in range(self.rowCount())
            if self._cell(r, col).text()
        ]

    def _cell(self, row: int, col: int) -> QTableWidgetItem:
        item = self.item(row, col)
        assert item is not None  # set_dataset fills every cell
        return item


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
