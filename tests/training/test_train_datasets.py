"""Datasets: geometry from closed forms, determinism from the seed, CSV errors naming the line."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.training import DatasetError, load_csv, make_dataset, parse_csv
from mgstudio.training.datasets import WALKTHROUGH_XS, WALKTHROUGH_YS, moons, walkthrough


def test_walkthrough_is_the_lecture_data():
    ds = walkthrough()
    assert ds.X.tolist() == [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    assert ds.y.tolist() == [1.0, -1.0, -1.0, 1.0]
    assert ds.X.tolist() == [list(r) for r in WALKTHROUGH_XS]
    assert tuple(ds.y) == WALKTHROUGH_YS
    assert ds.n_inputs == 3 and ds.feature_names == ("x1", "x2", "x3")


@given(n=st.integers(2, 300))
def test_noiseless_moons_lie_on_their_half_circles(n):
    ds = moons(n, 0.0, rng=np.random.RandomState(0))
    x, y = ds.X[:, 0], ds.X[:, 1]
    outer, inner = ds.y == -1, ds.y == 1
    assert outer.sum() == n // 2 and inner.sum() == n - n // 2
    np.testing.assert_allclose(x[outer] ** 2 + y[outer] ** 2, 1.0)
    assert np.all(y[outer] >= -1e-12)
    np.testing.assert_allclose((x[inner] - 1) ** 2 + (y[inner] - 0.5) ** 2, 1.0)
    assert np.all(y[inner] <= 0.5 + 1e-12)


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral"])
def test_generators_follow_the_seed(name):
    np.random.seed(7)
    a = make_dataset(name, 50, 0.2)
    b = make_dataset(name, 50, 0.2, rng=np.random.RandomState(7))
    np.random.seed(8)
    c = make_dataset(name, 50, 0.2)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert set(a.y.tolist()) == {-1.0, 1.0}
    assert a.X.shape == (50, 2)


def test_moons_follow_sklearns_order_shuffle_then_noise():
    # same draws, made by hand: the index shuffle first, then the noise
    ds = moons(10, 0.3, rng=np.random.RandomState(3))
    r = np.random.RandomState(3)
    idx = np.arange(10)
    r.shuffle(idx)
    noise = r.normal(scale=0.3, size=(10, 2))
    clean = moons(10, 0.0, rng=np.random.RandomState(3))
    np.testing.assert_allclose(ds.X, clean.X + noise)
    assert np.all(ds.y[idx.argsort()][:5] == -1)


def test_circles_radii_and_xor_truth_table():
    ds = make_dataset("circles", 40, 0.0, rng=np.random.RandomState(1))
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    np.testing.assert_allclose(r[ds.y == -1], 1.0)
    np.testing.assert_allclose(r[ds.y == 1], 0.5)
    ds = make_dataset("xor", 4, 0.0, rng=np.random.RandomState(1))
    for (a, b), label in zip(ds.X, ds.y):
        assert label == (1.0 if (a > 0) != (b > 0) else -1.0)
    assert sorted(map(tuple, ds.X)) == [(-1, -1), (-1, 1), (1, -1), (1, 1)]


def test_spiral_arms_grow_outward():
    ds = make_dataset("spiral", 60, 0.0, rng=np.random.RandomState(0))
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert r.max() == pytest.approx(1.0) and r.min() > 0
    # the two arms are each other's image under a half turn
    a = ds.X[ds.y == -1]
    b = ds.X[ds.y == 1]
    np.testing.assert_allclose(np.sort(np.hypot(*a.T)), np.sort(np.hypot(*b.T)))


@pytest.mark.parametrize("bad", [0, 1, 10**6, 2.5, True])
def test_bad_sizes(bad):
    with pytest.raises(DatasetError, match="samples"):
        make_dataset("moons", bad, 0.1)


def test_bad_noise_and_name():
    with pytest.raises(DatasetError, match="noise"):
        make_dataset("moons", 10, -1)
    with pytest.raises(DatasetError, match="noise"):
        make_dataset("moons", 10, float("nan"))
    with pytest.raises(DatasetError, match="unknown dataset 'blobs'"):
        make_dataset("blobs", 10, 0.1)


# --- CSV ------------------------------------------------------------------------------------
def test_csv_with_header_and_01_labels(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("\ufeffa, b ,label\n1,2,0\n\n3.5,-4e-1,1\n", encoding="utf-8")
    ds = load_csv(p)
    assert ds.X.tolist() == [[1.0, 2.0], [3.5, -0.4]]
    assert ds.y.tolist() == [-1.0, 1.0]
    assert ds.feature_names == ("a", "b")
    assert ds.task == "classification" and ds.name == "d.csv"


def test_csv_without_header_keeps_pm1_and_real_targets_are_regression():
    ds = parse_csv("1,1\n2,-1\n")
    assert ds.y.tolist() == [1.0, -1.0] and ds.feature_names == ("x1",)
    ds = parse_csv("1,0.5\n2,3\n")
    assert ds.task == "regression" and ds.y.tolist() == [0.5, 3.0]


@pytest.mark.parametrize(
    "text, match",
    [
        ("", "no data"),
        ("\n\n", "no data"),
        ("x,y\n", "only a header"),
        ("1\n2\n", "line 1: needs at least 2 columns"),
        ("1,2,1\n3,4\n", "line 2: expected 3 columns"),
        ("a,b,y\n1,2,1\n3,4,5,6\n", "line 3: expected 3 columns"),
        ("1,2,1\n3,abc,1\n", "line 2, column 2: 'abc' is not a number"),
        ("x,y\n1,nan\n", "line 2, column 2: 'nan' is not allowed"),
        ("1,1\n-inf,1\n", "line 2, column 1: '-inf' is not allowed"),
        ("1,1\n2,1e999\n", "line 2, column 2"),
        ('1,"2\n', "line"),
    ],
)
def test_csv_errors_name_the_line(text, match):
    with pytest.raises(DatasetError, match=match):
        parse_csv(text, source="t.csv")


def test_csv_too_many_rows_and_columns():
    with pytest.raises(DatasetError, match="too large, more than 3 data rows"):
        parse_csv("1,1\n" * 4, max_rows=3)
    assert parse_csv("1,1\n" * 3, max_rows=3).n_samples == 3
    with pytest.raises(DatasetError, match="too many columns"):
        parse_csv(",".join(["1"] * 100) + "\n")


def test_csv_file_errors(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
    with pytest.raises(DatasetError, match="folder"):
        load_csv(tmp_path)
    p = tmp_path / "bin.csv"
    p.write_bytes(b"1,2\n\xff\xfe,1\n")
    with pytest.raises(DatasetError, match="UTF-8"):
        load_csv(p)


@given(st.lists(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3), min_size=1, max_size=20))
def test_csv_round_trips_finite_numbers(rows):
    text = "\n".join(",".join(repr(x) for x in row) for row in rows)
    ds = parse_csv(text)
    assert ds.X.tolist() == [row[:2] for row in rows]
    labels = [row[2] for row in rows]
    if set(labels) <= {-1.0, 1.0} or set(labels) <= {0.0, 1.0}:
        assert set(ds.y.tolist()) <= {-1.0, 1.0}
    else:
        assert ds.y.tolist() == labels
