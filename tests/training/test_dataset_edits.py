"""Qt-free table edits of a document's dataset (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from mgstudio.document.training_state import GeneratedData, TableData, TrainingState
from mgstudio.training import TrainingError
from mgstudio.training.dataset_edits import (
    MAX_TABLE_ROWS,
    csv_text,
    empty_table,
    pasted_rows,
    table_as_dataset,
    table_from_state,
    with_cell,
    with_rows,
    without_rows,
)
from mgstudio.training.datasets import parse_csv
from mgstudio.training.document_training import dataset_from_state


def test_a_generator_becomes_the_same_samples_as_a_table():
    state = TrainingState(dataset=GeneratedData("moons", 20, 0.1, 7))
    table = table_from_state(state)
    drawn = dataset_from_state(state)
    assert table.columns == ("x0", "x1", "target")
    assert np.array_equal(table.rows[:, :2], drawn.X)
    assert np.array_equal(table.rows[:, 2], drawn.y)
    assert table_from_state(TrainingState()) == empty_table(2)
    assert table_from_state(TrainingState(dataset=table)) is table


def test_rows_cells_and_their_refusals():
    t = empty_table(2)
    t = with_rows(t, [[1, 2, 1], [3, 4, -1]])
    assert t.rows.tolist() == [[1, 2, 1], [3, 4, -1]]
    assert with_cell(t, 1, 0, 9.5).rows[1, 0] == 9.5
    assert t.rows[1, 0] == 3  # immutable: a new table each time
    assert without_rows(t, [0]).rows.tolist() == [[3, 4, -1]]
    with pytest.raises(TrainingError, match="row 3: 2 numbers, but the table has 3"):
        with_rows(t, [[1, 2]])
    with pytest.raises(TrainingError, match="row 3, column 2: only finite"):
        with_rows(t, [[1, float("inf"), 1]])
    with pytest.raises(TrainingError, match="no cell at row 5"):
        with_cell(t, 4, 0, 1.0)
    with pytest.raises(TrainingError, match="no such row"):
        without_rows(t, [2])
    big = TableData(t.columns, np.zeros((MAX_TABLE_ROWS, 3)))
    with pytest.raises(TrainingError, match=f"at most {MAX_TABLE_ROWS} rows"):
        with_rows(big, [[0, 0, 1]])


def test_paste_reads_like_the_csv_reader():
    t = empty_table(2)
    pasted, notes = pasted_rows("x\ty\tlabel\n0.5\t1\t1\n2\t3\t0\n", t)
    # 0/1 labels are classes -1/+1, as train --csv reads them
    assert pasted.rows.tolist() == [[0.5, 1, 1], [2, 3, -1]]
    assert any("header" in n for n in notes) and notes[-1] == "2 rows pasted"
    # an empty table takes the pasted width
    wide, _ = pasted_rows("1,2,3,4\n", empty_table(2))
    assert wide.columns == ("x0", "x1", "x2", "target")
    with pytest.raises(TrainingError, match="line 2, column 1: 'x' is not a number"):
        pasted_rows("1\t2\t1\nx\t2\t1\n", pasted)


def test_csv_text_round_trips_through_the_reader():
    t = with_rows(empty_table(2), [[0.1, -2.5e-7, 1], [1 / 3, 2, -1]])
    back = parse_csv(csv_text(t))
    assert np.array_equal(np.column_stack([back.X, back.y]), t.rows)
    assert back.feature_names == ("x0", "x1")
    assert table_as_dataset(t).task == "classification"
