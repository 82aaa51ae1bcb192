"""Fuzzing at the edge of the float range (issue 11.3): CSVs whose numbers reach ±1.8e308
trained through ``mgstudio train --plot``, and Derivative-pane sweeps of exp, pow, mul, div
and friends at huge x. Nothing may raise; a refusal is one ``error:`` line. The strategies and
checks are shared with ``benchmarks/fuzz_long.py`` (``csv-overflow``, ``sweep-overflow``)."""

from __future__ import annotations

import contextlib
import io
import math
import os
import tempfile

import numpy as np
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

huge = st.one_of(
    st.floats(min_value=1e300, max_value=1.7976931348623157e308),
    st.floats(min_value=-1.7976931348623157e308, max_value=-1e300),
    st.sampled_from([0.0, 1.0, -1.0, 1e154, 7e153, 1e-300, 5e-324]),
    st.floats(-10, 10),
)


@st.composite
def overflow_csv(draw) -> str:
    """A CSV of 2-4 columns, some of its numbers near the float maximum."""
    width = draw(st.integers(2, 4))
    rows = draw(st.lists(st.lists(huge, min_size=width, max_size=width), min_size=2, max_size=12))
    if draw(st.booleans()):  # classes in the last column: the decision-map path
        for row in rows:
            row[-1] = draw(st.sampled_from([-1.0, 1.0]))
    header = ",".join(f"c{i}" for i in range(width))
    return header + "\n" + "\n".join(",".join(repr(x) for x in r) for r in rows) + "\n"


def check_overflow_csv(text: str) -> None:
    from mgstudio.cli import main

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.csv")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                [
                    "train",
                    "--csv",
                    path,
                    "--steps",
                    "3",
                    "--hidden",
                    "3",
                    "--lr",
                    "1e-3",
                    "--plot",
                    os.path.join(folder, "p.png"),
                ]
            )
        lines = err.getvalue().splitlines()
        assert code in (0, 1), code
        if code == 1:
            assert lines and lines[-1].startswith("error: "), lines
        else:
            with open(os.path.join(folder, "p.png"), "rb") as fh:
                assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


@st.composite
def overflow_sweeps(draw):
    """(x, op, constant, half width): y = op(x) or op(x, constant)."""
    op = draw(
        st.sampled_from(["exp", "tanh", "sigmoid", "log", "relu", "mul", "div", "add", "pow"])
    )
    x = draw(huge)
    constant = draw(huge) if op in ("mul", "div", "add", "pow") else None
    width = draw(st.sampled_from([0.001, 1.0, 5.0, 1e6]))
    return x, op, constant, width


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def check_overflow_sweep(case) -> None:
    from mgstudio.app.learn.sweep_pane import SweepPane
    from mgstudio.document import Document

    x, op, constant, width = case
    _app()
    doc = Document()
    xid = doc.add_node("input", label="x", value=x)
    params = None
    if op == "pow":
        params = {"exponent": float(max(min(constant, 5.0), -5.0))}
    yid = doc.add_node(op, label="y", params=params)
    doc.connect(xid, yid, "a")
    if constant is not None and op != "pow":
        cid = doc.add_node("constant", label="c", value=constant)
        doc.connect(cid, yid, "b")
    pane = SweepPane(doc)
    try:
        pane.width_spin.setValue(width)
        pane.set_seen(True)
        pane.choose(xid, yid)
        pane.figure_canvas.draw()  # a full draw raises if a limit is unusable
        if pane.state is not None:
            ax = pane._artists["ax"]
            for lo, hi in (ax.get_xlim(), ax.get_ylim()):
                assert math.isfinite(lo) and math.isfinite(hi) and lo < hi
            if not np.isfinite(pane.state.ys).all():
                assert "not drawn" in pane.note_text()
    finally:
        pane.detach()
        pane.deleteLater()


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=overflow_csv())
def test_overflow_csvs_train_and_plot_or_explain(text):
    check_overflow_csv(text)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=overflow_sweeps())
def test_overflow_sweeps_draw(qapp, case):
    check_overflow_sweep(case)
