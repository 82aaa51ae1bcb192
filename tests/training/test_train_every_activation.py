"""``python -m mgstudio train`` with every activation of the registry (sigmoid included) on
every built-in dataset, on both engines: a few steps give finite losses, the fast tape gives the
scalar engine's numbers, and a learning rate that blows up ends in one clear ``error:`` line."""

from __future__ import annotations

import json
import math

import pytest

from mgstudio.cli import main
from mgstudio.engine.nn import ACTIVATIONS
from mgstudio.training.datasets import DATASETS


def train(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["train", "--steps", "3", "--samples", "40", "--hidden", "4,4", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_a_few_steps_are_finite_and_the_engines_agree(capsys, activation, dataset):
    runs = {}
    for engine in ("tape", "scalar"):
        args = ("--activation", activation, "--dataset", dataset, "--engine", engine, "--json")
        code, out, err = train(capsys, *args)
        assert code == 0, err
        runs[engine] = [s["loss"] for s in json.loads(out)["steps"]]
        assert all(math.isfinite(x) for x in runs[engine]), runs
    assert runs["tape"] == pytest.approx(runs["scalar"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_a_huge_learning_rate_ends_in_one_clear_line(capsys, activation):
    code, out, err = train(
        capsys, "--activation", activation, "--dataset", "moons", "--lr", "1e200"
    )
    assert code == 1
    (line,) = err.strip().splitlines()
    assert line.startswith("error: training diverged") and "learning rate" in line, line
