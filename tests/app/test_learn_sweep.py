"""The derivative sweep: the curve, the point and the tangent against closed forms and
finite differences, live updates, and grads left as they were."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.app.learn import install
from mgstudio.app.learn.sweep_pane import compute


def f(x):
    return 3 * x**2 - 4 * x + 5


@pytest.fixture
def pane(window, open_example):
    tools = install(window)
    ids = open_example("derivative.mgs")
    tools.show_sweep()
    tools.sweep.choose(ids["x"], ids["f"])
    return tools.sweep, ids


def test_tangent_slope_is_the_backward_grad_and_the_numeric_slope(pane, window):
    sweep, ids = pane
    s = sweep.state
    assert (s.x, s.y) == (3.0, 20.0)
    window.document.backward(ids["f"])
    grad = window.document.value_of(ids["x"]).grad
    assert grad == 14.0
    assert s.analytic == pytest.approx(grad, abs=1e-12)
    assert s.numeric == pytest.approx(14.0, abs=1e-4)
    assert s.numeric == pytest.approx((f(3.0 + s.h) - f(3.0)) / s.h, rel=1e-6)
    # what is drawn: the curve is f, the tangent has slope 14 and touches the point
    assert sweep.tangent_slope() == pytest.approx(14.0, abs=1e-9)
    xs, ys = sweep._artists["curve"].get_data()
    np.testing.assert_allclose(ys, f(np.asarray(xs)), rtol=1e-12)
    assert list(sweep._artists["point"].get_data()[1]) == [20.0]
    assert xs[0] == pytest.approx(-2.0) and xs[-1] == pytest.approx(8.0)
    assert "14" in sweep.slope_label.text() and "14.000003" in sweep.slope_label.text()


def test_point_and_tangent_follow_the_leaf(pane, window):
    sweep, ids = pane
    window.document.set_value(ids["x"], 1.0)
    assert (sweep.state.x, sweep.state.y) == (1.0, f(1.0))
    assert sweep.tangent_slope() == pytest.approx(2.0, abs=1e-9)  # 6x - 4
    window.document.set_value(ids["x"], -2.5)
    assert sweep.state.analytic == pytest.approx(6 * -2.5 - 4)


def test_a_bigger_h_moves_the_numeric_slope_away(pane):
    sweep, _ids = pane
    sweep.h_combo.setCurrentIndex(sweep.h_combo.findData(0.1))
    assert sweep.state.numeric == pytest.approx(14.3, abs=1e-9)  # 6x - 4 + 3h
    assert sweep.state.analytic == 14.0


def test_sweeping_leaves_data_and_grads_untouched(pane, window):
    sweep, ids = pane
    doc = window.document
    window.learn.stepper.step()  # partial grads, as a learner mid-way would have
    before = {nid: (v.data, v.grad) for nid in doc.nodes if (v := doc.value_of(nid))}
    sweep.width_spin.setValue(2.0)
    sweep.refresh()
    after = {nid: (v.data, v.grad) for nid in doc.nodes if (v := doc.value_of(nid))}
    assert after == before
    assert window.learn.stepper.stepper is not None  # the sweep did not reset the stepper


def test_an_output_that_loses_a_wire_clears_the_plot(pane, window):
    sweep, ids = pane
    doc = window.document
    wire = doc.inputs_of(ids["f"])["b"]
    doc.disconnect(wire)
    assert sweep.state is None
    assert sweep.tangent_slope() is None
    assert "has no number yet" in sweep.slope_label.text()  # and says why
    doc.connect(wire.src, wire.dst, wire.port)
    sweep.choose(ids["x"], ids["f"])
    assert sweep.state is not None and sweep.state.analytic == 14.0


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(x=st.floats(-50, 50, allow_nan=False))
def test_slope_matches_the_closed_form_anywhere(window, open_example, x):
    if not window.document.nodes:
        open_example("derivative.mgs")
    doc = window.document
    ids = {n.label: nid for nid, n in doc.nodes.items() if n.label}
    doc.set_value(ids["x"], x)
    s = compute(doc, ids["x"], ids["f"], 1.0, 1e-6)
    assert s.y == pytest.approx(f(x), rel=1e-12, abs=1e-9)
    assert s.analytic == pytest.approx(6 * x - 4, rel=1e-12, abs=1e-12)
    # forward difference error is 3h plus rounding of f's magnitude
    assert math.isclose(s.numeric, 6 * x - 4, abs_tol=3e-6 + 1e-9 * abs(f(x)) / 1e-6 + 1e-6)
    np.testing.assert_allclose(s.ys, f(s.xs), rtol=1e-12, atol=1e-9)


LAZY = """
import sys
from PySide6.QtCore import QSettings
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from mgstudio.app.main_window import MainWindow
from mgstudio.app.learn import install
win = MainWindow()
tools = install(win)
win.show()
app.processEvents()
before = 'matplotlib.backends.backend_qtagg' in sys.modules
tools.sweep_dock.raise_()  # the learner clicks the Derivative tab
app.processEvents()
after = 'matplotlib.backends.backend_qtagg' in sys.modules
print(before, after, tools.sweep.figure_canvas is not None)
win.undo_stack.setClean()
win.close()
"""


def test_matplotlib_backend_is_imported_when_the_pane_is_first_seen(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", LAZY, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]
