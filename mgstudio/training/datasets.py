"""Small 2-D (and the lecture's 3-D) datasets, and a CSV loader.

Generators draw from numpy's legacy MT19937 stream: the global one by default (``rng: Rng = None``),
as sklearn's ``make_moons(random_state=None)`` does in micrograd's demo, or from a
``np.random.RandomState`` passed in (seeded the same, it gives the same numbers). Class labels
are -1/+1, the convention of micrograd's hinge loss and of the lecture's ``ys``.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field

import numpy as np

from mgstudio.document.fileio import FileReadError, read_regular

from .errors import DatasetError

MAX_SAMPLES = 10_000
MAX_CSV_ROWS = 10_000
MAX_CSV_INPUTS = 64
MAX_CSV_BYTES = 20 * 1024 * 1024

#: numpy's legacy generator: a seeded ``RandomState``, or None for the global stream
Rng = np.random.RandomState | None

CLASSIFICATION = "classification"
REGRESSION = "regression"


@dataclass(frozen=True, eq=False)
class Dataset:
    """``X`` (n, d) float64 inputs and ``y`` (n,) float64 targets (-1/+1 for classes)."""

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str = CLASSIFICATION
    feature_names: tuple[str, ...] = field(default=())
    #: what the loader decided that the learner should hear (e.g. a row read as a header)
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.feature_names:
            names = tuple(f"x{i + 1}" for i in range(self.X.shape[1]))
            object.__setattr__(self, "feature_names", names)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.X.shape[1])


# --- the lecture's four samples -----------------------------------------------------------
WALKTHROUGH_XS = ((2.0, 3.0, -1.0), (3.0, -1.0, 0.5), (0.5, 1.0, 1.0), (1.0, 1.0, -1.0))
WALKTHROUGH_YS = (1.0, -1.0, -1.0, 1.0)


def walkthrough() -> Dataset:
    """The lecture's ``xs``/``ys``: 4 samples of 3 inputs, targets +-1."""
    return Dataset("walkthrough", np.array(WALKTHROUGH_XS), np.array(WALKTHROUGH_YS))


# --- generated 2-D datasets -----------------------------------------------------------------
def _random(rng: Rng) -> np.random.RandomState:
    # the global stream is the one np.random.shuffle/normal/seed use
    return np.random.mtrand._rand if rng is None else rng


def _check_size(n_samples: object, noise: float) -> tuple[int, float]:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise DatasetError(f"the number of samples must be a whole number, not {n_samples!r}")
    if not 2 <= n_samples <= MAX_SAMPLES:
        raise DatasetError(
            f"the number of samples must be between 2 and {MAX_SAMPLES}, not {n_samples}"
        )
    noise = float(noise)
    if not math.isfinite(noise) or noise < 0:
        raise DatasetError(f"noise must be a finite number >= 0, not {noise}")
    return int(n_samples), noise


def _shuffle_and_noise(
    X: np.ndarray, labels01: np.ndarray, noise: float, rng: Rng
) -> tuple[np.ndarray, np.ndarray]:
    # sklearn's order, which micrograd's seeded demo depends on: shuffle, then add noise
    r = _random(rng)
    idx = np.arange(X.shape[0])
    r.shuffle(idx)
    X, labels01 = X[idx], labels01[idx]
    X = X + r.normal(scale=noise, size=X.shape)
    return X, labels01 * 2.0 - 1.0


def moons(n_samples: int = 100, noise: float = 0.1, rng: Rng = None) -> Dataset:
    """sklearn's ``make_moons`` algorithm: two interleaving half circles."""
    n, noise = _check_size(n_samples, noise)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack(
        [
            np.append(np.cos(t_out), 1 - np.cos(t_in)),
            np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5),
        ]
    ).T
    labels = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    X, y = _shuffle_and_noise(X, labels, noise, rng)
    return Dataset("moons", X, y)


def circles(
    n_samples: int = 100, noise: float = 0.05, rng: Rng = None, factor: float = 0.5
) -> Dataset:
    """sklearn's ``make_circles`` algorithm: a small circle (+1) inside a large one (-1)."""
    n, noise = _check_size(n_samples, noise)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack(
        [
            np.append(np.cos(t_out), factor * np.cos(t_in)),
            np.append(np.sin(t_out), factor * np.sin(t_in)),
        ]
    ).T
    labels = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    X, y = _shuffle_and_noise(X, labels, noise, rng)
    return Dataset("circles", X, y)


def xor(n_samples: int = 100, noise: float = 0.1, rng: Rng = None) -> Dataset:
    """Points around the corners (+-1, +-1); +1 where exactly one coordinate is positive.
    With 4 samples and no noise it is XOR's truth table."""
    n, noise = _check_size(n_samples, noise)
    corners = np.array([(-1.0, -1.0), (1.0, 1.0), (-1.0, 1.0), (1.0, -1.0)])
    X = corners[np.arange(n) % 4]
    labels = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.intp)
    X, y = _shuffle_and_noise(X, labels, noise, rng)
    return Dataset("xor", X, y)


def spiral(
    n_samples: int = 100, noise: float = 0.05, rng: Rng = None, turns: float = 1.5
) -> Dataset:
    """Two interleaved spiral arms (-1 and +1), radius growing from 0 to 1."""
    n, noise = _check_size(n_samples, noise)
    n_a = n // 2
    n_b = n - n_a
    parts = []
    for arm, count in ((0, n_a), (1, n_b)):
        r = np.linspace(0.05, 1.0, count)
        theta = r * turns * 2 * np.pi + arm * np.pi
        parts.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    X = np.vstack(parts)
    labels = np.hstack([np.zeros(n_a, dtype=np.intp), np.ones(n_b, dtype=np.intp)])
    X, y = _shuffle_and_noise(X, labels, noise, rng)
    return Dataset("spiral", X, y)


GENERATORS = {"moons": moons, "circles": circles, "xor": xor, "spiral": spiral}
DATASETS = ("walkthrough", *GENERATORS)


def make_dataset(name: str, n_samples: int = 100, noise: float = 0.1, rng: Rng = None) -> Dataset:
    """A dataset by name; ``walkthrough`` ignores the size and noise (it is fixed)."""
    if name == "walkthrough":
        return walkthrough()
    try:
        gen = GENERATORS[name]
    except KeyError:
        raise DatasetError(
            f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}, or load a CSV file"
        ) from None
    return gen(n_samples, noise, rng=rng)


# --- CSV ------------------------------------------------------------------------------------
def load_csv(path: str | os.PathLike[str], max_rows: int = MAX_CSV_ROWS) -> Dataset:
    """Read ``x1,...,xn,y`` rows (an optional header first) from a CSV file."""
    path = os.fspath(path)
    name = os.path.basename(path)
    try:  # the one file reader: a FIFO or a device is refused before reading
        raw = read_regular(
            path,
            MAX_CSV_BYTES,
            verb="read",
            too_large=lambda size: (
                f"the file is too large ({size} bytes; the limit is {MAX_CSV_BYTES})"
            ),
        )
    except FileReadError as exc:
        raise DatasetError(str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{name}: not a text (UTF-8) file (bad byte at offset {exc.start})"
        ) from None
    return parse_csv(text, source=name, max_rows=max_rows)


def _cell_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def parse_csv(text: str, source: str = "CSV", max_rows: int = MAX_CSV_ROWS) -> Dataset:
    """Parse CSV text: numeric rows ``x1,...,xn,y``; a first row of words only is a header
    (a first row mixing numbers and words is an error naming the bad cell: ``1,abc,1`` is a
    typo in the data, not column names). Labels that are all 0/1 or all -1/+1 become classes
    -1/+1, anything else is regression."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: tuple[str, ...] | None = None
    header_line = 0
    rows: list[list[float | None]] = []  # (checked: no None is kept)
    width = None
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue  # blank lines carry nothing
            cells = [c.strip() for c in cells]
            numbers = [_cell_number(c) for c in cells]
            if width is None:
                if len(cells) < 2:
                    raise DatasetError(
                        f"{source}, line {line}: needs at least 2 columns "
                        f"(x1,...,xn,y), found {len(cells)}"
                    )
                if len(cells) - 1 > MAX_CSV_INPUTS:
                    raise DatasetError(
                        f"{source}, line {line}: too many columns "
                        f"({len(cells)}; the limit is {MAX_CSV_INPUTS + 1})"
                    )
                width = len(cells)
                if header is None and all(x is None for x in numbers):
                    header = tuple(cells)
                    header_line = line
                    continue
            if len(cells) != width:
                raise DatasetError(
                    f"{source}, line {line}: expected {width} columns like the "
                    f"first row, found {len(cells)}"
                )
            for col, (cell, x) in enumerate(zip(cells, numbers), start=1):
                if x is None:
                    why = ""
                    if not rows and header is None:
                        why = (
                            " (a header row needs a name in every column, and a data row "
                            "a number in every column)"
                        )
                    raise DatasetError(
                        f"{source}, line {line}, column {col}: {_shown(cell)} is not a number{why}"
                    )
                if not math.isfinite(x):
                    raise DatasetError(
                        f"{source}, line {line}, column {col}: {cell!r} is not "
                        "allowed (only finite numbers)"
                    )
            if len(rows) >= max_rows:
                raise DatasetError(
                    f"{source}: too large, more than {max_rows} data rows (line {line})"
                )
            rows.append(numbers)
    except csv.Error as exc:
        raise DatasetError(f"{source}, line {reader.line_num}: {exc}") from None
    if not rows:
        what = "only a header" if header else "no data"
        raise DatasetError(f"{source}: the file has {what}; expected rows x1,...,xn,y")
    data = np.array(rows, dtype=np.float64)
    names = tuple(header[:-1]) if header else ()
    notes: tuple[str, ...] = ()
    if header:
        listed = ", ".join(_shown(c) for c in header[:8]) + (", …" if len(header) > 8 else "")
        notes = (f"row {header_line} read as a header: {listed}",)
    return table_dataset(source, data, names, notes)


def table_dataset(
    name: str, rows: np.ndarray, feature_names: tuple[str, ...] = (), notes: tuple[str, ...] = ()
) -> Dataset:
    """Rows of features then target as a Dataset: targets that are all 0/1 or all -1/+1
    become classes -1/+1, anything else is regression."""
    X, y = rows[:, :-1], rows[:, -1]
    labels = set(np.unique(y).tolist())
    task = CLASSIFICATION
    if labels <= {-1.0, 1.0}:
        pass
    elif labels <= {0.0, 1.0}:
        y = y * 2.0 - 1.0
    else:
        task = REGRESSION
    return Dataset(name, X, y, task=task, feature_names=feature_names, notes=notes)


def _shown(cell: str) -> str:
    return repr(cell if len(cell) <= 30 else cell[:27] + "...")
