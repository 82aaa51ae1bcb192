"""Plots never raise on huge numbers (issue 11.3): the Derivative pane on exp(705) and on
x * 1e308, training on a CSV whose inputs span ±1e308. What cannot be drawn is said in words."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mgstudio.app.learn import install as install_learn
from mgstudio.app.training import install as install_training
from mgstudio.app.training.panel import CSV_ITEM
from mgstudio.training.plot_limits import PLOT_MAX

# an earlier test in this process may have left a stale quit behind (tests/helpers/app_fixtures.py)
pytestmark = pytest.mark.usefixtures("working_event_loop")


def _graph_file(tmp_path, x: float, op: str, constant: float | None = None):
    """x -> op (-> y) as a .mgs file: exp(x), or x * constant."""
    nodes = [{"id": "x", "kind": "input", "label": "x", "value": x, "pos": [0.0, 0.0]}]
    wires = [{"src": "x", "dst": "y", "port": "a"}]
    if constant is not None:
        nodes.append(
            {"id": "c", "kind": "constant", "label": "c", "value": constant, "pos": [0.0, 100.0]}
        )
        wires.append({"src": "c", "dst": "y", "port": "b"})
    nodes.append({"id": "y", "kind": op, "label": "y", "pos": [400.0, 0.0]})
    path = tmp_path / "big.mgs"
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires}),
        encoding="utf-8",
    )
    return path


def _drawn(canvas) -> None:
    canvas.draw()  # a full draw: raises if the limits were unusable


@pytest.mark.parametrize(
    ("x", "op", "constant"),
    [
        (705.0, "exp", None),  # exp(700..710): ~1e306, then inf past 709.78
        (0.5, "mul", 1e308),  # x * 1e308 over 0.5 ± 5: beyond the float range on both sides
        (1e308, "tanh", None),  # x itself beyond what an axis can show
    ],
)
def test_derivative_pane_draws_huge_values_and_says_what_it_left_out(
    qtbot, window, errors, tmp_path, x, op, constant
):
    assert window.open_file(_graph_file(tmp_path, x, op, constant), ask=False), errors
    tools = install_learn(window)
    tools.show_sweep()
    pane = tools.sweep
    pane.choose("x", "y")
    assert pane.state is not None
    ax = pane._artists["ax"]
    for lo, hi in (ax.get_xlim(), ax.get_ylim()):
        assert np.isfinite([lo, hi]).all() and lo < hi and max(abs(lo), abs(hi)) < 2 * PLOT_MAX
    _drawn(pane.figure_canvas)
    note = pane.note_text()
    assert "not drawn" in note
    # every later change draws too (the old code raised on each)
    pane.width_spin.setValue(2.0)
    _drawn(pane.figure_canvas)
    window.document.set_value("x", 1.0)
    _drawn(pane.figure_canvas)
    if op == "exp":
        assert pane.note_text() == ""  # exp(-1..3) fits: nothing left out


def test_training_on_inputs_spanning_the_float_range_keeps_the_plots_working(
    qtbot, window, tmp_path
):
    path = tmp_path / "huge.csv"
    path.write_text(
        "a,b,label\n-1e308,1e308,1\n1e308,-1e308,-1\n0,0,1\n1.5e308,2,-1\n", encoding="utf-8"
    )
    ctl = install_training(window)
    ctl.panel.speed.setCurrentIndex(0)
    ctl.notices = []
    ctl.notify = lambda title, text: ctl.notices.append((title, text))
    try:
        ctl.panel.ask_csv_path = lambda: str(path)
        ctl.panel.dataset.setCurrentText(CSV_ITEM)
        ctl.panel.steps.setValue(5)
        assert ctl.train()
        qtbot.waitUntil(lambda: ctl.state in ("finished", "diverged"), timeout=10_000)
        plots = ctl.plots
        xx, yy = plots.decision_grid()
        assert np.isfinite(xx).all() and np.isfinite(yy).all()
        m = plots.ax_map
        assert m is not None
        for lo, hi in (m.get_xlim(), m.get_ylim()):
            assert np.isfinite([lo, hi]).all() and lo < hi
        _drawn(plots.canvas)
        assert "not drawn" in plots.map_note()
        # the pane is whole: a second run and a saved figure work
        ctl.reset()
        _drawn(plots.canvas)
        plots.save_figure(str(tmp_path / "fig.png"))
    finally:
        ctl.shutdown()
