"""Editing a document's table of samples (issue 16: your own data), Qt-free: every function
takes a ``TableData`` and returns a new one (the document's state is immutable; the app
wraps each result in one undo command). Pasted and imported text goes through the one CSV
reader (``datasets.parse_csv``), so a paste, an import and ``train --csv`` agree on what a
number, a header and a class label are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from mgstudio.document.training_format import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from mgstudio.document.training_state import TableData, TrainingState

from .datasets import Dataset, parse_csv, table_dataset
from .document_training import dataset_from_state
from .errors import DatasetError

__all__ = [
    "MAX_TABLE_ROWS",
    "csv_text",
    "empty_table",
    "pasted_rows",
    "table_as_dataset",
    "table_from_state",
    "with_cell",
    "with_rows",
    "without_rows",
]

TARGET = "target"


def empty_table(n_features: int = 2) -> TableData:
    """No samples yet: columns ``x0 … x{n-1}, target``."""
    if not 1 <= n_features <= MAX_TABLE_COLUMNS - 1:
        raise DatasetError(f"a table has 1 to {MAX_TABLE_COLUMNS - 1} feature columns")
    names = (*(f"x{i}" for i in range(n_features)), TARGET)
    return TableData(names, np.zeros((0, n_features + 1)))


def table_from_state(state: TrainingState, n_features: int = 2) -> TableData:
    """The state's samples as a table to edit: the table itself, a generator's samples
    (drawn as training draws them), or an empty table."""
    data = state.dataset
    if isinstance(data, TableData):
        return data
    if data is None:
        return empty_table(n_features)
    drawn = dataset_from_state(state)
    names = (*(f"x{i}" for i in range(drawn.n_inputs)), TARGET)
    return TableData(names, np.column_stack([drawn.X, drawn.y]))


def table_as_dataset(table: TableData) -> Dataset:
    """The samples training would see (0/1 targets as classes -1/+1)."""
    rows = np.array(table.rows).reshape(-1, len(table.columns))
    return table_dataset("table", rows, tuple(table.columns[:-1]))


def _check_size(n_rows: int) -> None:
    if n_rows > MAX_TABLE_ROWS:
        raise DatasetError(f"a table holds at most {MAX_TABLE_ROWS} rows, not {n_rows}")


def _finite(values: Sequence[float], where: str) -> list[float]:
    out = []
    for i, x in enumerate(values):
        try:
            v = float(x)
        except (TypeError, ValueError):
            raise DatasetError(f"{where}, column {i + 1}: {x!r} is not a number") from None
        if not math.isfinite(v):
            raise DatasetError(f"{where}, column {i + 1}: only finite numbers, not {v}")
        out.append(v)
    return out


def with_rows(table: TableData, rows: Iterable[Sequence[float]]) -> TableData:
    """``table`` with ``rows`` (each features then target) appended."""
    width = len(table.columns)
    new = []
    for r, row in enumerate(rows, start=len(table.rows) + 1):
        if len(row) != width:
            raise DatasetError(f"row {r}: {len(row)} numbers, but the table has {width} columns")
        new.append(_finite(row, f"row {r}"))
    if not new:
        return table
    _check_size(len(table.rows) + len(new))
    return TableData(table.columns, np.vstack([table.rows.reshape(-1, width), new]))


def without_rows(table: TableData, rows: Iterable[int]) -> TableData:
    """``table`` without the rows at these indices (indices out of range are refused)."""
    gone = sorted(set(rows))
    n = len(table.rows)
    if any(not 0 <= r < n for r in gone):
        raise DatasetError(f"there is no such row (the table has {n})")
    keep = np.setdiff1d(np.arange(n), gone)
    return TableData(table.columns, table.rows[keep])


def with_cell(table: TableData, row: int, column: int, value: float) -> TableData:
    """``table`` with one number changed."""
    n, width = table.rows.shape if table.rows.size else (0, len(table.columns))
    if not (0 <= row < n and 0 <= column < width):
        raise DatasetError(f"there is no cell at row {row + 1}, column {column + 1}")
    (v,) = _finite([value], f"row {row + 1}")
    rows = np.array(table.rows)
    rows[row, column] = v
    return TableData(table.columns, rows)


def pasted_rows(text: str, table: TableData) -> tuple[TableData, list[str]]:
    """Rows copied from a spreadsheet (tab or comma separated, an optional header row),
    appended to ``table``; the notes say what was read. ``DatasetError`` names the row and
    column of a bad number. A table without rows takes its width from the text."""
    if "\t" in text:
        text = "\n".join(",".join(c.strip() for c in line.split("\t")) for line in text.split("\n"))
    data = parse_csv(text, source="the pasted text", max_rows=MAX_TABLE_ROWS)
    rows = np.column_stack([data.X, data.y])
    columns = table.columns
    if len(table.rows) == 0 and rows.shape[1] != len(columns):
        if rows.shape[1] > MAX_TABLE_COLUMNS:
            raise DatasetError(f"a table has at most {MAX_TABLE_COLUMNS} columns")
        columns = (*(f"x{i}" for i in range(rows.shape[1] - 1)), TARGET)
        table = TableData(columns, np.zeros((0, len(columns))))
    if rows.shape[1] != len(columns):
        raise DatasetError(
            f"the pasted rows have {rows.shape[1]} columns, the table {len(columns)} "
            f"({', '.join(columns)})"
        )
    notes = list(data.notes)
    notes.append(f"{len(rows)} row{'s' if len(rows) != 1 else ''} pasted")
    return with_rows(table, rows.tolist()), notes


def csv_text(table: TableData) -> str:
    """The table as CSV: a header of its column names, then every number in full."""
    lines = [",".join(table.columns)]
    lines += [",".join(repr(float(x)) for x in row) for row in table.rows]
    return "\n".join(lines) + "\n"
