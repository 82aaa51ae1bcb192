"""The task decides loss and metrics (issue 11.13), divergence is judged against the run's
own start (11.12), a first row is a header only when every cell is a word (11.14), and
``--plot`` survives any loss (11.3). Driven through ``mgstudio train`` where it can be."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers.budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.cli import main
from mgstudio.training import Dataset, DatasetError, Trainer, TrainingDiverged, parse_csv
from mgstudio.training import preset as make_preset
from mgstudio.training.plot_limits import PLOT_MAX, axis_limits, grid_for, top_limit


def _run(capsys, *argv):
    code = main(["train", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _csv(tmp_path, rows, header="a,b,y", name="data.csv"):
    path = tmp_path / name
    lines = ([header] if header else []) + [",".join(map(repr, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _regression_rows(n=30, scale=1500.0, seed=1):
    rng = np.random.RandomState(seed)
    rows = []
    for _ in range(n):
        a, b = rng.uniform(-1, 1, 2)
        rows.append((float(a), float(b), float(scale + 0.3 * scale * a - 0.2 * scale * b)))
    return rows


# --- 11.13: regression never shows accuracy ----------------------------------------------
def test_regression_csv_prints_rmse_and_no_accuracy(capsys, tmp_path):
    path = _csv(tmp_path, [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 2)])  # labels 0/1/2
    code, out, err = _run(
        capsys,
        "--csv",
        str(path),
        "--steps",
        "5",
        "--hidden",
        "4",
        "--lr",
        "0.05",
        "--lr-final",
        "none",
    )
    assert code == 0, err
    assert "accuracy" not in out
    lines = out.splitlines()
    assert lines[0].startswith("step 0 loss ") and ", rmse " in lines[0]
    assert lines[-1].startswith("final loss ") and "rmse" in lines[-1]
    assert "mse loss" in lines[-1] and "regression" in lines[-1]


def test_regression_json_keeps_the_fields_with_accuracy_null(capsys, tmp_path):
    path = _csv(tmp_path, [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 2)])
    code, out, err = _run(
        capsys,
        "--csv",
        str(path),
        "--steps",
        "3",
        "--hidden",
        "4",
        "--lr",
        "0.05",
        "--l2",
        "0",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["task"] == "regression" and data["loss_function"] == "mse"
    assert all(s["accuracy"] is None and s["rmse"] >= 0 for s in data["steps"])
    assert data["final"]["accuracy"] is None
    assert data["final"]["rmse"] == pytest.approx(math.sqrt(data["final"]["loss"]), rel=1e-9)
    assert data["notes"] == ["row 1 read as a header: 'a', 'b', 'y'"]


def test_hinge_on_regression_targets_is_refused(capsys, tmp_path):
    path = _csv(tmp_path, [(0, 0, 0), (0, 1, 1), (1, 0, 2)])
    code, out, err = _run(capsys, "--csv", str(path), "--loss", "hinge")
    assert code == 1 and out == ""
    assert "hinge loss is for classes" in err and "mse" in err


def test_classification_csv_keeps_hinge_and_accuracy(capsys, tmp_path):
    path = _csv(tmp_path, [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 1)])
    code, out, _ = _run(capsys, "--csv", str(path), "--steps", "2", "--hidden", "4", "--json")
    data = json.loads(out)
    assert code == 0 and data["task"] == "classification"
    assert data["loss_function"] == "hinge"
    assert all(set(s) == {"step", "loss", "accuracy"} for s in data["steps"])


def test_regression_plot_has_no_accuracy_axis(capsys, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    figures = []
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        figures.append([ax.get_ylabel() for ax in self.axes])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    path = _csv(tmp_path, [(0, 0, 0), (0, 1, 1), (1, 0, 2)])
    png = tmp_path / "reg.png"
    assert (
        _run(
            capsys,
            "--csv",
            str(path),
            "--steps",
            "3",
            "--hidden",
            "4",
            "--lr",
            "0.01",
            "--plot",
            str(png),
        )[0]
        == 0
    )
    assert figures == [["loss"]]
    assert _run(capsys, "--preset", "walkthrough", "--steps", "2", "--plot", str(png))[0] == 0
    assert figures[-1] == ["loss", "accuracy (%)"]


# --- 11.12: divergence relative to the start -----------------------------------------------
@pytest.mark.parametrize("scale", [2e3, 1.9e5])
def test_large_targets_train(capsys, tmp_path, scale):
    """The old absolute limit (loss 1e6) stopped these before any update, blaming the rate."""
    path = _csv(tmp_path, _regression_rows(scale=scale))
    lr = 1e-5 if scale < 1e4 else 1e-9
    code, out, err = _run(
        capsys,
        "--csv",
        str(path),
        "--steps",
        "100",
        "--lr",
        str(lr),
        "--lr-final",
        "none",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    losses = [s["loss"] for s in data["steps"]]
    assert len(losses) == 100 and losses[0] > 1e6
    assert data["final"]["loss"] < losses[0]


def test_step_zero_never_blames_the_learning_rate(tmp_path):
    data = Dataset(
        "huge", np.array([[1e200, 1.0], [-1e200, 2.0]]), np.array([1e200, 3.0]), task="regression"
    )
    trainer = Trainer(make_preset("micrograd-demo", loss="mse", lr=1e-9), dataset=data)
    with pytest.raises(TrainingDiverged) as info:
        trainer.step()
    message = str(info.value)
    assert "learning rate" in message and "not the learning rate" in message
    assert "smaller learning rate" not in message and "before any update" in message


def test_step_zero_cli_message(capsys, tmp_path):
    path = _csv(tmp_path, [(1e200, 1, 1e200), (-1e200, 2, 3.0), (0.0, 0.0, 5.0)])
    code, _, err = _run(capsys, "--csv", str(path), "--lr", "1e-9")
    assert code == 1 and "cannot start" in err and "this step used" not in err


def test_growth_after_the_start_still_counts_as_divergence():
    trainer = Trainer(make_preset("micrograd-demo", lr=50.0, lr_final=None, steps=50))
    with pytest.raises(TrainingDiverged) as info:
        trainer.run()
    assert "smaller learning rate" in str(info.value) and info.value.args


# --- 11.14: the header row ----------------------------------------------------------------
def test_a_first_row_with_one_bad_cell_is_an_error_not_a_header(capsys, tmp_path):
    path = _csv(tmp_path, [(0, 1, 1), (1, 0, -1)], header="1,abc,1")
    code, out, err = _run(capsys, "--csv", str(path))
    assert code == 1 and out == ""
    assert "line 1, column 2: 'abc' is not a number" in err
    assert "header row needs a name in every column" in err


def test_a_header_is_announced(capsys, tmp_path):
    path = _csv(tmp_path, [(0, 1, 1), (1, 0, -1)], header="height,width,label")
    code, out, err = _run(capsys, "--csv", str(path), "--steps", "1", "--hidden", "2")
    assert code == 0
    assert err == "data.csv: row 1 read as a header: 'height', 'width', 'label'\n"
    assert out.startswith("step 0 loss ")


@settings(max_examples=examples(60), deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.integers(-9, 9).map(str), st.sampled_from(["abc", "x", "y", "label", "n/a"])),
        min_size=2,
        max_size=5,
    )
)
def test_header_only_when_every_cell_is_a_word(cells):
    width = len(cells)
    text = ",".join(cells) + "\n" + ",".join(["1"] * width) + "\n"
    numeric = [c.lstrip("-").isdigit() for c in cells]
    if all(numeric):
        data = parse_csv(text)
        assert data.n_samples == 2 and data.notes == ()
    elif not any(numeric):
        data = parse_csv(text)
        assert data.n_samples == 1 and data.notes[0].startswith("row 1 read as a header")
    else:
        with pytest.raises(DatasetError, match=r"line 1, column \d+: .* is not a number"):
            parse_csv(text)


# --- 11.3: limits that never overflow -----------------------------------------------------
finite = st.floats(allow_nan=False, allow_infinity=False)
any_float = st.floats(allow_nan=True, allow_infinity=True)


@given(st.lists(any_float, max_size=30), st.floats(0, 1))
def test_axis_limits_are_finite_and_ordered(values, margin):
    lim = axis_limits(values, margin=margin)
    assert math.isfinite(lim.lo) and math.isfinite(lim.hi) and lim.lo < lim.hi
    assert max(abs(lim.lo), abs(lim.hi)) <= 2 * PLOT_MAX
    assert lim.drawn + lim.left_out == len(values)
    shown = [v for v in values if math.isfinite(v) and abs(v) <= PLOT_MAX]
    assert all(lim.lo <= v <= lim.hi for v in shown)
    assert bool(lim.note()) == (lim.left_out > 0)
    assert 0 < top_limit(values) <= 2 * PLOT_MAX


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=20))
def test_grids_are_finite_for_any_finite_points(points):
    xx, yy = grid_for(np.array(points), size=5)
    assert np.isfinite(xx).all() and np.isfinite(yy).all()
    assert (np.diff(xx[0]) > 0).all() and (np.diff(yy[:, 0]) > 0).all()


def test_cli_plot_of_a_run_on_overflow_range_inputs(capsys, tmp_path):
    path = _csv(tmp_path, [(-1e308, 1e308, 1), (1e308, -1e308, -1), (0, 0, 1)])
    code, _, err = _run(capsys, "--csv", str(path), "--plot", str(tmp_path / "p.png"))
    last = err.splitlines()[-1]
    # the first loss overflows; which check sees it first depends on the initial weights
    assert code == 1, err
    if last.startswith("error: training stopped at step 0"):
        assert "not the cause" in last and "this step used" not in last
    else:
        assert last.startswith("error: training cannot start") and "already inf" in last


def test_cli_plot_of_losses_near_the_float_maximum(capsys, tmp_path):
    """Losses of ~1.4e308 are finite and train; the figure's limits must not overflow."""
    path = _csv(tmp_path, [(0.5, 0.1, 7e153), (0.2, 0.3, 7e153), (0.1, 0.9, 7.1e153)])
    png = tmp_path / "p.png"
    code, out, err = _run(
        capsys,
        "--csv",
        str(path),
        "--steps",
        "3",
        "--lr",
        "1e-300",
        "--loss",
        "mse-sum",
        "--lr-final",
        "none",
        "--l2",
        "0",
        "--plot",
        str(png),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["steps"][0]["loss"] > 1e308
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
