"""``python -m mgstudio train``: progress lines, --json shape, --plot PNG, one-line errors."""

import json
import subprocess
import sys

import pytest

from mgstudio.cli import main


def _run(capsys, *argv):
    code = main(["train", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_progress_lines_follow_the_demo_format(capsys):
    code, out, err = _run(capsys, "--preset", "walkthrough", "--steps", "3")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("step 0 loss ") and lines[0].endswith("accuracy 75.0%")
    assert lines[2].startswith("step 2 loss ")
    assert lines[3].startswith("final loss ") and "after 3 steps" in lines[3]


def test_json_has_only_the_summary(capsys):
    code, out, err = _run(capsys, "--preset", "micrograd-demo", "--json", "--steps", "5")
    assert code == 0 and err == ""
    data = json.loads(out)
    # the original three fields, plus what was added later (never renamed: a contract)
    assert set(data) == {"steps", "final", "seconds", "task", "loss_function", "notes"}
    assert data["task"] == "classification" and data["loss_function"] == "hinge"
    assert data["notes"] == []
    assert [s["step"] for s in data["steps"]] == [0, 1, 2, 3, 4]
    assert all(set(s) == {"step", "loss", "accuracy"} for s in data["steps"])
    assert data["steps"][0]["loss"] == pytest.approx(0.8958441028683222, abs=1e-12)
    assert set(data["final"]) == {"loss", "accuracy"}
    assert isinstance(data["seconds"], float) and data["seconds"] >= 0


def test_options_override_the_preset(capsys):
    base = json.loads(_run(capsys, "--json", "--steps", "2")[1])
    other = json.loads(
        _run(
            capsys,
            "--json",
            "--steps",
            "2",
            "--hidden",
            "4",
            "--activation",
            "tanh",
            "--loss",
            "mse",
            "--lr",
            "0.1",
            "--lr-final",
            "none",
            "--l2",
            "0",
            "--seed",
            "3",
            "--dataset",
            "circles",
            "--samples",
            "40",
            "--noise",
            "0.05",
            "--batch-size",
            "10",
            "--no-zero-grad",
            "--engine",
            "scalar",
        )[1]
    )
    assert base["steps"][0]["loss"] != other["steps"][0]["loss"]
    assert len(other["steps"]) == 2


def test_plot_writes_a_png(capsys, tmp_path):
    out = tmp_path / "loss.png"
    code, _, _ = _run(capsys, "--preset", "walkthrough", "--plot", str(out))
    assert code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_training(capsys, tmp_path):
    p = tmp_path / "and.csv"
    p.write_text("a,b,y\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n")
    code, out, _ = _run(
        capsys,
        "--csv",
        str(p),
        "--json",
        "--steps",
        "30",
        "--hidden",
        "4",
        "--lr",
        "0.1",
        "--lr-final",
        "none",
        "--l2",
        "0",
    )
    assert code == 0
    assert len(json.loads(out)["steps"]) == 30


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--lr", "fast"], "--lr needs a number, not 'fast'"),
        (["--steps", "2.5"], "--steps needs a whole number"),
        (["--hidden", "16,x"], "--hidden needs a whole number"),
        (["--noise", "inf"], "--noise needs a finite number"),
        (["--samples", "1"], "samples must be between"),
        (["--lr", "50", "--lr-final", "none"], "diverged at step"),
        (["--csv", "missing.csv"], "no such file"),
        (["--csv", "x.csv", "--dataset", "xor"], "either --dataset or --csv"),
    ],
)
def test_user_errors_are_one_line(capsys, argv, message):
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


def test_bad_csv_names_the_line(capsys, tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("1,2,1\n3,4\n")
    code, _, err = _run(capsys, "--csv", str(p))
    assert (
        code == 1
        and err == "error: bad.csv, line 2: expected 3 columns like the first row, found 2\n"
    )


def test_plot_to_a_bad_place_is_a_user_error(capsys, tmp_path):
    code, _, err = _run(
        capsys,
        "--preset",
        "walkthrough",
        "--steps",
        "1",
        "--plot",
        str(tmp_path / "no" / "dir" / "x.png"),
    )
    assert code == 1 and err.startswith("error: cannot save the plot")


def test_module_entry_point(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgstudio",
            "train",
            "--preset",
            "walkthrough",
            "--json",
            "--steps",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["steps"]) == 2
