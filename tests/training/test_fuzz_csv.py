"""Fuzzed CSV import: a Dataset that matches the text, or a DatasetError with a clear
message; never another exception. ``benchmarks/fuzz_long.py`` runs these for minutes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.training import DatasetError, load_csv, parse_csv

FAST = settings(
    max_examples=examples(1000),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MEDIUM = settings(FAST, max_examples=examples(500))

SEEDS = [
    "x1,x2,y\n0.5,1.0,1\n-0.5,2.0,0\n1.5,-1.0,1\n",
    "2.0,-3.0,1\n0.0,1.0,-1\n",
    "a,b\n1,0.25\n2,3.5\n3,-1e-3\n",
    "\ufeffx,y\r\n1,1\r\n2,0\r\n",
    '"x 1","y"\n"1.5","1"\n"2","0"\n',
]


def check_csv(text: str):
    """parse_csv on any text: a consistent Dataset, or DatasetError with one clear message."""
    try:
        ds = parse_csv(text, source="t.csv")
    except DatasetError as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message, message
        assert message.startswith("t.csv"), message  # names the file it is about
        return None
    assert ds.n_samples >= 1 and ds.X.shape == (ds.n_samples, ds.n_inputs)
    assert np.isfinite(ds.X).all() and np.isfinite(ds.y).all()
    if ds.task == "classification":
        assert set(np.unique(ds.y).tolist()) <= {-1.0, 1.0}
    return ds


cells = (
    st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.integers(-5, 5).map(str)
    | st.sampled_from(
        [
            "",
            " ",
            "x",
            "y",
            "1e999",
            "nan",
            "-inf",
            "0x10",
            "1_0",
            "--1",
            "1,5",
            '"',
            '""',
            "\n",
            "\r",
            "\x00",
            "１",
            "٣",
            "1e-400",
        ]
    )
    | st.text(max_size=5)
)


@st.composite
def csv_tables(draw) -> str:
    width = draw(st.integers(1, 5))
    rows = draw(
        st.lists(st.lists(cells, min_size=width - 1, max_size=width + 1), min_size=0, max_size=8)
    )
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join(",".join(r) for r in rows) + draw(st.sampled_from(["", sep]))


@st.composite
def mutated_seed(draw) -> str:
    s = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(s)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(
            st.sampled_from([",", "\n", '"', "x", "-", "e", ".", "9", "\x00", " "])
            | st.characters()
        )
        if op == "insert":
            s.insert(i, piece)
        elif s and i < len(s):
            if op == "delete":
                del s[i]
            else:
                s[i] = piece
    return "".join(s)


@MEDIUM
@given(csv_tables())
def test_random_tables_parse_or_explain(text):
    check_csv(text)


@MEDIUM
@given(mutated_seed())
def test_mutated_csv_parses_or_explains(text):
    check_csv(text)


@FAST
@given(st.text(max_size=60))
def test_random_text_parses_or_explains(text):
    check_csv(text)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.sampled_from([0.0, 1.0])),
        min_size=1,
        max_size=20,
    )
)
def test_valid_tables_keep_every_number(rows):
    text = "\n".join(f"{a!r},{b!r},{y:g}" for a, b, y in rows)
    ds = check_csv(text)
    assert ds is not None and ds.n_samples == len(rows)
    for (a, b, y), xs, t in zip(rows, ds.X, ds.y):
        assert xs[0] == a and xs[1] == b and t == 2.0 * y - 1.0


@pytest.mark.parametrize(
    "text",
    [
        "1," * 200_000 + "1\n",  # one very wide row
        "x" * 200_000 + ",1\n1,2\n",  # a cell past csv's field limit
        '"' + "a" * 1000,  # an unclosed quote
        "1,2\n" * 10_001,  # past the row limit
        ",".join(["x"] * 70) + "\n",  # too many columns in the header
    ],
)
def test_oversized_csv_errors(text):
    assert check_csv(text) is None


@pytest.mark.parametrize("raw", [b"\xff\xfe1,2\n", b"1,2\n\x80\n", b""])
def test_bad_bytes_on_disk(tmp_path, raw):
    p = tmp_path / "bad.csv"
    p.write_bytes(raw)
    with pytest.raises(DatasetError) as info:
        load_csv(p)
    assert "bad.csv" in str(info.value)


def test_seeds_parse():
    # the mutation corpus is valid CSV, or mutating it would test only the error paths
    for text in SEEDS:
        ds = check_csv(text)
        assert ds is not None and not math.isnan(ds.X.sum())
