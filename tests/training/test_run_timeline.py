"""The timeline's Qt-free part: which kept step a position shows, the numbers there, and the
edits of the list of runs (rename, delete with parents and position renumbered)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mgstudio.cli import main as cli
from mgstudio.document import Document
from mgstudio.document.training_state import RunRecord, TrainingState
from mgstudio.training import plot_limits
from mgstudio.training import timeline as tl
from mgstudio.training.checkpoints import CheckpointLog
from mgstudio.training.document_training import DocumentRun


def _run(name: str, steps: int, kept: list[int], parent=None) -> RunRecord:
    p = 2
    return RunRecord(
        name=name,
        params=("a", "b"),
        initial=np.array([0.5, -0.5]),
        parent=parent,
        checkpoint_steps=np.array(kept, dtype=np.int64),
        checkpoints=np.arange(len(kept) * p, dtype=np.float64).reshape(len(kept), p),
        loss=np.linspace(1.0, 0.1, steps),
        accuracy=np.full(steps, np.nan, dtype=np.float32),
    )


def test_kept_at_is_the_kept_step_at_or_before():
    run = _run("r", 20, [4, 8, 12, 16, 20])
    assert [tl.kept_at(run, k) for k in (0, 3, 4, 5, 11, 12, 19, 20, 99, -5)] == [
        0,
        0,
        4,
        4,
        8,
        12,
        16,
        20,
        20,
        0,
    ]
    assert tl.values_at(run, 0) == {"a": 0.5, "b": -0.5}  # step 0: the initial vector, exactly
    assert tl.values_at(run, 13) == {"a": 4.0, "b": 5.0}  # the third row (step 12)


def test_history_records_are_the_trainers_shape():
    run = _run("r", 3, [1, 2, 3])
    records = tl.history_records(run)
    assert [r["step"] for r in records] == [0, 1, 2]
    assert [r["loss"] for r in records] == list(run.loss)
    assert all(r["accuracy"] is None for r in records)  # NaN: a regression


def test_delete_renumbers_parents_and_position():
    runs = (
        _run("one", 8, [8]),
        _run("two", 8, [8], parent=(0, 8)),
        _run("three", 8, [8], parent=(1, 8)),
    )
    state = TrainingState(runs=runs, position=(2, 8))
    after = tl.delete_run(state, 0)
    assert [r.name for r in after.runs] == ["two", "three"]
    assert after.runs[0].parent is None  # its parent is gone; its own initial vector stays
    assert after.runs[1].parent == (0, 8)  # "two" moved up one place
    assert after.position == (1, 8)
    assert tl.delete_run(state, 2).position is None  # the position was on the deleted run
    assert tl.delete_run(state, 7) is state


def test_a_branch_starts_where_it_split_off():
    runs = (
        _run("one", 8, [8]),
        _run("two", 8, [8], parent=(0, 6)),
        _run("three", 8, [8], parent=(1, 3)),
    )
    state = TrainingState(runs=runs)
    assert [tl.start_step(state, i) for i in range(3)] == [0, 6, 9]
    assert [r["step"] for r in tl.history_records(runs[2], 9)][:2] == [9, 10]


def test_rename_strips_and_refuses_empty():
    state = TrainingState(runs=(_run("one", 4, [4]),))
    assert tl.rename_run(state, 0, "  fast   lr \n").runs[0].name == "fast lr"
    assert tl.rename_run(state, 0, "   ") is state
    assert tl.rename_run(state, 3, "x") is state


def test_with_position_snaps_to_a_kept_step():
    state = TrainingState(runs=(_run("one", 20, [4, 8, 12, 16, 20]),))
    assert tl.with_position(state, 0, 15).position == (0, 12)


@pytest.fixture
def trained(tmp_path, capsys) -> Document:
    """The walkthrough's MLP trained for 30 steps, saved and read back (every step kept)."""
    path = tmp_path / "t.mgs"
    argv = ["train", "--preset", "walkthrough", "--steps", "30", "--json", "--save", str(path)]
    assert cli(argv) == 0
    capsys.readouterr()
    return Document.load(path)


def test_scrubber_numbers_equal_training_again(trained):
    doc = trained
    state = doc.training
    run = state.runs[0]
    assert list(run.checkpoint_steps) == list(range(1, 31))
    scrub = tl.Scrubber(doc, run)
    data = tl.run_dataset(state, run)
    k = 11
    # train again from the run's initial parameters for exactly k steps
    doc.set_values(tl.values_at(run, 0, doc))
    again = DocumentRun(
        doc,
        state.replace(settings=replace(run.settings, steps=k)),
        features=list(run.features),
        prediction=run.prediction,
    )
    again.run()
    assert again.values() == tl.values_at(run, k, doc)  # bit for bit
    assert np.array_equal(scrub.params(k), again.trainer.snapshot().params)
    np.testing.assert_allclose(
        scrub.evaluate(scrub.params(k), data.X), again.trainer.predict(data.X), rtol=1e-12
    )


def test_grid_scores_are_the_models_over_the_plane(tmp_path, capsys):
    path = tmp_path / "m.mgs"
    assert (
        cli(["train", "--preset", "micrograd-demo", "--steps", "5", "--json", "--save", str(path)])
        == 0
    )
    capsys.readouterr()
    doc = Document.load(path)
    run = doc.training.runs[0]
    scrub = tl.Scrubber(doc, run)
    data = tl.run_dataset(doc.training, run)
    grid = plot_limits.grid_for(data.X, size=7)
    scores = scrub.grid_scores(scrub.params(5), grid)
    assert scores.shape == (7, 7)
    # the same point through the document's own Value graph (scalar maths, not the tape)
    point = {run.features[0]: float(grid[0][3, 2]), run.features[1]: float(grid[1][3, 2])}
    doc.set_values({**tl.values_at(run, 5, doc), **point})
    assert scores[3, 2] == pytest.approx(doc.value_of(run.prediction).data, rel=1e-12)


def test_a_long_run_keeps_evenly_spaced_steps_the_timeline_snaps_to():
    log = CheckpointLog(3, limit=64)
    for step in range(1, 1001):
        log.add(step, np.full(3, float(step)))
    steps, rows = log.arrays()
    run = RunRecord(
        name="long",
        params=("a", "b", "c"),
        initial=np.zeros(3),
        checkpoint_steps=steps,
        checkpoints=rows,
        loss=np.ones(1000),
        accuracy=np.zeros(1000, np.float32),
    )
    for ask in (1, 17, 500, 999, 1000):
        kept = tl.kept_at(run, ask)
        assert kept <= ask and tl.values_at(run, ask)["a"] == float(kept)
    assert tl.kept_at(run, 1000) == 1000  # the last step is always kept
