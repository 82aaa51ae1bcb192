"""The ``"training"`` field of a version-3 ``.mgs`` file: written and checked hostilely.

By example (see docs/CONTRACTS.md, "Training a document", for every field)::

    "training": {
      "dataset": {"kind": "generator", "name": "moons", "n": 100, "noise": 0.1, "seed": 1337},
      "test_ratio": 0.2,
      "settings": {"loss": "hinge", "l2": 0.0001, "lr": 1.0, "lr_final": 0.1, "steps": 100,
                   "batch_size": null, "seed": 1337, "zero_grad": true},
      "runs": [{"name": "run 1", "parent": null, "params": ["n3", "n4"],
                "features": ["n1", "n2"], "prediction": "n9", "settings": {...},
                "steps": 100, "initial": "<base64>", "checkpoint_steps": [1, 2, ...],
                "checkpoints": "<base64>", "loss": "<base64>", "accuracy": "<base64>",
                "test_loss": "<base64>"}],
      "position": [0, 100]
    }

A table dataset is ``{"kind": "table", "columns": ["x1", "x2", "y"], "rows": [[...], ...]}``
(numbers as JSON, the last column the target). Arrays of a run are base64 of little-endian
numbers: float64 (``initial``; ``checkpoints``, row-major (K, P); ``loss``; ``test_loss``,
left out without a test split) and float32 (``accuracy``, NaN for regression). Every failure
is a ``FileFormatError`` naming the field.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import DocumentError, FileFormatError
from .json_limits import unknown_fields
from .nodes import check_id, check_label, shown
from .training_state import (
    GeneratedData,
    RunRecord,
    TableData,
    TrainingState,
    TrainSettings,
)

MAX_RUNS = 100
#: a run's steps (training.config.MAX_STEPS) and the checkpoints a file may hold
MAX_RUN_STEPS = 1_000_000
MAX_CHECKPOINTS = 4_096
#: numbers of all checkpoints of one run together (32 MB of float64)
MAX_CHECKPOINT_VALUES = 4_000_000
MAX_PARAMS = 100_000
#: a table's rows (training.datasets.MAX_SAMPLES) and columns (64 features and the target)
MAX_TABLE_ROWS = 10_000
MAX_TABLE_COLUMNS = 65
MAX_NAME = 200

TRAINING_KEYS = ("dataset", "test_ratio", "settings", "runs", "position")
SETTINGS_KEYS = ("loss", "l2", "lr", "lr_final", "steps", "batch_size", "seed", "zero_grad")
RUN_KEYS = (
    "name",
    "parent",
    "params",
    "features",
    "prediction",
    "settings",
    "steps",
    "initial",
    "checkpoint_steps",
    "checkpoints",
    "loss",
    "accuracy",
    "test_loss",
)


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_line = _ENCODER.encode


# --- writing --------------------------------------------------------------------------------
def _b64(arr: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(arr, dtype=dtype).tobytes()).decode("ascii")


def settings_to_dict(s: TrainSettings) -> dict[str, Any]:
    return {
        "loss": s.loss,
        "l2": s.l2,
        "lr": s.lr,
        "lr_final": s.lr_final,
        "steps": s.steps,
        "batch_size": s.batch_size,
        "seed": s.seed,
        "zero_grad": s.zero_grad,
    }


def run_to_dict(run: RunRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": run.name,
        "parent": list(run.parent) if run.parent is not None else None,
        "params": list(run.params),
        "features": list(run.features),
        "prediction": run.prediction,
        "settings": settings_to_dict(run.settings),
        "steps": run.steps,
        "initial": _b64(run.initial, "<f8"),
        "checkpoint_steps": [int(k) for k in run.checkpoint_steps],
        "checkpoints": _b64(run.checkpoints, "<f8"),
        "loss": _b64(run.loss, "<f8"),
        "accuracy": _b64(run.accuracy, "<f4"),
    }
    if len(run.test_loss):
        out["test_loss"] = _b64(run.test_loss, "<f8")
    return out


def dataset_to_dict(data: GeneratedData | TableData | None) -> dict[str, Any] | None:
    """The JSON of the ``"dataset"`` field."""
    if isinstance(data, GeneratedData):
        return {
            "kind": "generator",
            "name": data.name,
            "n": data.n,
            "noise": data.noise,
            "seed": data.seed,
        }
    if isinstance(data, TableData):
        return {"kind": "table", "columns": list(data.columns), "rows": data.rows.tolist()}
    return None


def training_to_dict(state: TrainingState) -> dict[str, Any]:
    """The JSON of the ``"training"`` field."""
    return {
        "dataset": dataset_to_dict(state.dataset),
        "test_ratio": state.test_ratio,
        "settings": settings_to_dict(state.settings),
        "runs": [run_to_dict(r) for r in state.runs],
        "position": list(state.position) if state.position is not None else None,
    }


def training_text(state: TrainingState) -> str:
    """The ``"training"`` field as JSON text, a line per part (a table row per line, a
    line per run) so that files diff well."""
    obj = training_to_dict(state)
    parts = []
    for key, value in obj.items():
        if key == "dataset" and value is not None and value["kind"] == "table":
            rows = value.pop("rows")
            head = _line(value)[:-1]
            body = ",\n".join("      " + _line(r) for r in rows)
            text = f'{head}, "rows": [\n{body}\n    ]}}' if rows else f'{head}, "rows": []}}'
        elif key == "runs" and value:
            text = "[\n" + ",\n".join("      " + _line(r) for r in value) + "\n    ]"
        else:
            text = _line(value)
        parts.append(f"    {_line(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n  }"


# --- reading --------------------------------------------------------------------------------
def parse_training(raw: Any) -> TrainingState:
    """The checked ``"training"`` field. A run's node ids need not be the document's nodes:
    a node removed after training may stay in a run (applying it skips that id)."""
    where = '"training"'
    obj = _object(raw, where)
    _no_unknown(obj, TRAINING_KEYS, where)
    dataset = _dataset(obj.get("dataset"))
    ratio = _number(obj.get("test_ratio", 0.0), f"{where}: test_ratio", 0.0, 0.9)
    settings = _settings(obj.get("settings", {}), f"{where}: settings")
    raw_runs = obj.get("runs", [])
    if not isinstance(raw_runs, list):
        raise FileFormatError(f"{where}: runs must be a list")
    if len(raw_runs) > MAX_RUNS:
        raise FileFormatError(f"{where}: at most {MAX_RUNS} runs, not {len(raw_runs)}")
    runs: list[RunRecord] = []
    for i, item in enumerate(raw_runs):
        runs.append(_run(item, i, runs))
    position = _step_ref(obj.get("position"), f"{where}: position", runs, len(runs))
    return TrainingState(dataset, ratio, settings, tuple(runs), position)


def _object(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FileFormatError(f"{where} must be a JSON object")
    return raw


def _no_unknown(obj: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    # fields of training are this version's own: an unknown one is a mistake, not a newer
    # mgstudio's (which writes a newer version number)
    extra = unknown_fields(obj, known, where)
    if extra:
        names = ", ".join(repr(k) for k in list(extra)[:5])
        raise FileFormatError(f"{where} has fields this mgstudio does not know: {names}")


def _number(x: Any, where: str, lo: float, hi: float) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise FileFormatError(f"{where} must be a number, not {shown(x)}")
    f = float(x)
    if not (math.isfinite(f) and lo <= f <= hi):
        raise FileFormatError(f"{where} must be between {lo:g} and {hi:g}, not {shown(x)}")
    return f


def _positive(x: Any, where: str) -> float:
    f = _number(x, where, 0.0, 1e300)
    if f <= 0.0:
        raise FileFormatError(f"{where} must be a number > 0, not {shown(x)}")
    return f


def _whole(x: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        raise FileFormatError(f"{where} must be a whole number, not {shown(x)}")
    if not lo <= x <= hi:
        raise FileFormatError(f"{where} must be between {lo} and {hi}, not {x}")
    return int(x)


def _name(x: Any, where: str) -> str:
    if not isinstance(x, str) or not x or len(x) > MAX_NAME:
        raise FileFormatError(f"{where} must be text of 1 to {MAX_NAME} characters")
    try:
        return check_label(x)
    except DocumentError:
        raise FileFormatError(f"{where} must be one line of text") from None


def _dataset(raw: Any) -> GeneratedData | TableData | None:
    where = '"training": dataset'
    if raw is None:
        return None
    obj = _object(raw, where)
    kind = obj.get("kind")
    if kind == "generator":
        _no_unknown(obj, ("kind", "name", "n", "noise", "seed"), where)
        name = obj.get("name")
        if not isinstance(name, str) or not 0 < len(name) <= 40:
            raise FileFormatError(f"{where}: name must name a generator, not {shown(name)}")
        return GeneratedData(
            name,
            _whole(obj.get("n", 100), f"{where}: n", 2, MAX_TABLE_ROWS),
            _number(obj.get("noise", 0.1), f"{where}: noise", 0.0, 1e6),
            _whole(obj.get("seed", 1337), f"{where}: seed", 0, 2**32 - 1),
        )
    if kind == "table":
        _no_unknown(obj, ("kind", "columns", "rows"), where)
        return _table(obj.get("columns"), obj.get("rows"), where)
    raise FileFormatError(f'{where}: kind must be "generator" or "table", not {shown(kind)}')


def _table(columns: Any, rows: Any, where: str) -> TableData:
    if not isinstance(columns, list) or not 2 <= len(columns) <= MAX_TABLE_COLUMNS:
        raise FileFormatError(
            f"{where}: columns must be a list of 2 to {MAX_TABLE_COLUMNS} names "
            "(the features, then the target)"
        )
    names = tuple(_name(c, f"{where}: column {i + 1}") for i, c in enumerate(columns))
    if not isinstance(rows, list):
        raise FileFormatError(f"{where}: rows must be a list of rows of numbers")
    if len(rows) > MAX_TABLE_ROWS:
        raise FileFormatError(f"{where}: at most {MAX_TABLE_ROWS} rows, not {len(rows)}")
    width = len(names)
    for i, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != width:
            raise FileFormatError(f"{where}: row {i} must be a list of {width} numbers")
        for j, x in enumerate(row, 1):
            if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                raise FileFormatError(
                    f"{where}: row {i}, column {j} must be a finite number, not {shown(x)}"
                )
    try:
        arr = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    except OverflowError:
        raise FileFormatError(f"{where}: a row holds a number too large") from None
    if not np.all(np.isfinite(arr)):
        raise FileFormatError(f"{where}: a row holds a number too large")
    return TableData(names, arr)


def _settings(raw: Any, where: str) -> TrainSettings:
    obj = _object(raw, where)
    _no_unknown(obj, SETTINGS_KEYS, where)
    d = TrainSettings()
    loss = obj.get("loss", d.loss)
    if not isinstance(loss, str) or not 0 < len(loss) <= 40:
        raise FileFormatError(f"{where}: loss must name a loss, not {shown(loss)}")
    lr_final = obj.get("lr_final", d.lr_final)
    batch = obj.get("batch_size", d.batch_size)
    zero = obj.get("zero_grad", d.zero_grad)
    if not isinstance(zero, bool):
        raise FileFormatError(f"{where}: zero_grad must be true or false")
    return TrainSettings(
        loss=loss,
        l2=_number(obj.get("l2", d.l2), f"{where}: l2", 0.0, 1e300),
        lr=_positive(obj.get("lr", d.lr), f"{where}: lr"),
        lr_final=None if lr_final is None else _positive(lr_final, f"{where}: lr_final"),
        steps=_whole(obj.get("steps", d.steps), f"{where}: steps", 0, MAX_RUN_STEPS),
        batch_size=None if batch is None else _whole(batch, f"{where}: batch_size", 1, 10**9),
        seed=_whole(obj.get("seed", d.seed), f"{where}: seed", 0, 2**32 - 1),
        zero_grad=zero,
    )


def _ids(raw: Any, where: str, limit: int) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) > limit:
        raise FileFormatError(f"{where} must be a list of at most {limit:,} node ids")
    try:
        ids = tuple(check_id(x) for x in raw)
    except DocumentError as exc:
        raise FileFormatError(f"{where}: {exc}") from None
    if len(set(ids)) != len(ids):
        raise FileFormatError(f"{where} names a node twice")
    return ids


def _step_ref(raw: Any, where: str, runs: list[RunRecord], limit: int) -> tuple[int, int] | None:
    """``[run index, step]`` naming a kept step of one of ``runs[:limit]``, or None."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise FileFormatError(f"{where} must be [run number, step] or null")
    if limit == 0:
        raise FileFormatError(f"{where} names a run, but there is no earlier run")
    run = _whole(raw[0], f"{where}: run number", 0, limit - 1)
    step = _whole(raw[1], f"{where}: step", 0, runs[run].steps)
    if runs[run].params_at(step) is None:
        raise FileFormatError(f"{where}: run {run} kept no parameters at step {step}")
    return (run, step)


def _array(raw: Any, where: str, dtype: str, n: int, finite: bool = True) -> np.ndarray:
    """``n`` numbers of ``dtype`` from base64 text, refused before decoding when the text's
    length cannot be theirs; ``finite``: NaN and infinities refused."""
    size = np.dtype(dtype).itemsize * n
    if not isinstance(raw, str):
        raise FileFormatError(f"{where} must be base64 text")
    if len(raw) != 4 * ((size + 2) // 3):
        raise FileFormatError(
            f"{where} must hold {n:,} numbers ({4 * ((size + 2) // 3):,} base64 characters), "
            f"not {len(raw):,} characters"
        )
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise FileFormatError(f"{where} is not valid base64") from None
    if len(data) != size:
        raise FileFormatError(f"{where} must hold {n:,} numbers")
    arr = np.frombuffer(data, dtype=dtype).astype(dtype[1:], copy=True)
    if finite and not np.all(np.isfinite(arr)):
        raise FileFormatError(f"{where} holds a number that is not finite")
    return arr


def _run(raw: Any, i: int, runs: list[RunRecord]) -> RunRecord:
    where = f'"training": run {i}'
    obj = _object(raw, where)
    _no_unknown(obj, RUN_KEYS, where)
    name = _name(obj.get("name", f"run {i + 1}"), f"{where}: name")
    parent = _step_ref(obj.get("parent"), f"{where}: parent", runs, i)
    params = _ids(obj.get("params", []), f"{where}: params", MAX_PARAMS)
    features = _ids(obj.get("features", []), f"{where}: features", MAX_TABLE_COLUMNS)
    prediction = obj.get("prediction")
    if prediction is not None:
        try:
            prediction = check_id(prediction)
        except DocumentError as exc:
            raise FileFormatError(f"{where}: prediction: {exc}") from None
    settings = _settings(obj.get("settings", {}), f"{where}: settings")
    steps = _whole(obj.get("steps", 0), f"{where}: steps", 0, MAX_RUN_STEPS)
    p = len(params)
    initial = _array(obj.get("initial"), f"{where}: initial", "<f8", p)
    raw_steps = obj.get("checkpoint_steps", [])
    if not isinstance(raw_steps, list) or len(raw_steps) > MAX_CHECKPOINTS:
        raise FileFormatError(
            f"{where}: checkpoint_steps must be a list of at most {MAX_CHECKPOINTS} steps"
        )
    kept = [_whole(k, f"{where}: checkpoint_steps", 1, steps) for k in raw_steps]
    if any(b <= a for a, b in zip(kept, kept[1:])):
        raise FileFormatError(f"{where}: checkpoint_steps must rise step by step")
    if len(kept) * p > MAX_CHECKPOINT_VALUES:
        raise FileFormatError(
            f"{where}: {len(kept):,} checkpoints of {p:,} parameters are more than "
            f"{MAX_CHECKPOINT_VALUES:,} numbers"
        )
    cps = _array(obj.get("checkpoints", ""), f"{where}: checkpoints", "<f8", len(kept) * p)
    cps = cps.reshape(len(kept), p)
    loss = _array(obj.get("loss", ""), f"{where}: loss", "<f8", steps)
    acc = _array(obj.get("accuracy", ""), f"{where}: accuracy", "<f4", steps, finite=False)
    if np.any((acc < 0) | (acc > 1)):  # NaN (regression) passes: comparisons are false
        raise FileFormatError(f"{where}: accuracy must lie between 0 and 1 (or be NaN)")
    test = obj.get("test_loss")
    test_loss = np.zeros(0)
    if test is not None:
        test_loss = _array(test, f"{where}: test_loss", "<f8", steps)
    return RunRecord(
        name=name,
        params=params,
        initial=initial,
        settings=settings,
        parent=parent,
        features=features,
        prediction=prediction,
        checkpoint_steps=np.array(kept, dtype=np.int64),
        checkpoints=cps,
        loss=loss,
        accuracy=acc,
        test_loss=test_loss,
    )
