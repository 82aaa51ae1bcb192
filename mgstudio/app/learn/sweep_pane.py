"""The derivative as a slope: y plotted while one leaf x sweeps a range around its value.

The curve comes from ``mgstudio.engine.sweep.sweep`` (the document's own Values re-evaluated in
place, then put back); the tangent's slope is dy/dx from one backward pass, and beside it the
walkthrough's numeric slope ``(f(x+h) − f(x)) / h``. When x or anything upstream of y changes,
the point and tangent move. matplotlib's Qt backend is imported the first time the pane is
seen (the import costs about a second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document import KINDS
from mgstudio.document.outputs import root_cause
from mgstudio.engine import topological_order
from mgstudio.engine.sweep import slopes, sweep
from mgstudio.training.plot_limits import axis_limits, masked

from .. import plain
from ..doc_watch import DocWatch
from .naming import node_name, num, output_choices

H_CHOICES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)
DEFAULT_H = 1e-6
POINTS = 161


@dataclass(frozen=True)
class SweepState:
    """What the pane shows: the curve, the point, the slopes."""

    leaf: str
    output: str
    xs: np.ndarray
    ys: np.ndarray
    x: float
    y: float
    analytic: float  # dy/dx from backward (the tangent's slope)
    numeric: float  # (f(x+h) - f(x)) / h
    h: float

    def tangent(self, xs) -> np.ndarray:
        return self.y + self.analytic * (np.asarray(xs) - self.x)


def compute(
    doc, leaf: str, output: str, half_width: float, h: float, points: int = POINTS
) -> SweepState | None:
    """The sweep of ``output`` over ``leaf ± half_width``; None while either is incomplete.
    Every grad of the graph is put back afterwards: the pane only looks."""
    x_value, y_value = doc.value_of(leaf), doc.value_of(output)
    if x_value is None or y_value is None:
        return None
    topo = topological_order([y_value])
    saved = [(v, v.grad) for v in topo]
    try:
        s = slopes(x_value, y_value, h)
    finally:
        for v, g in saved:
            v.grad = g
    xs = np.linspace(s.x - half_width, s.x + half_width, points)
    ys = np.array(sweep(x_value, y_value, xs), dtype=float)
    return SweepState(leaf, output, xs, ys, s.x, s.y, s.analytic, s.numeric, h)


def leaves_of(doc, output: str) -> list[str]:
    """Leaves y depends on, in document order."""
    if output is None:
        return []
    up = set(doc.upstream_ids(output))
    return [
        nid
        for nid, node in doc.nodes.items()
        if nid in up and KINDS[node.kind].is_leaf and nid != output
    ]


class SweepPane(QWidget):
    """Pick x and y; see y(x), the point and the tangent with its slope, numeric beside it."""

    message = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = None
        self.state: SweepState | None = None
        self.figure = None
        self.figure_canvas = None
        self._artists: dict = {}
        self._watch = DocWatch()
        self._filling = False
        self._shown_xy: tuple[float, float] | None = None
        self._y_chosen = False  # the learner picked y (else it is the document's output)
        self._seen = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        row.addWidget(QLabel("x"))
        self.leaf_combo = QComboBox()
        self.leaf_combo.setToolTip("The leaf that moves")
        row.addWidget(self.leaf_combo, 1)
        row.addWidget(QLabel("y"))
        self.output_combo = QComboBox()
        self.output_combo.setToolTip("The node watched as x moves")
        row.addWidget(self.output_combo, 1)
        row.addWidget(QLabel("± range"))
        self.width_spin = QDoubleSpinBox()
        self.width_spin.setRange(0.001, 1e6)
        self.width_spin.setDecimals(3)
        self.width_spin.setValue(5.0)
        self.width_spin.setToolTip("How far x sweeps on each side of its value")
        row.addWidget(self.width_spin)
        row.addWidget(QLabel("h"))
        self.h_combo = QComboBox()
        for h in H_CHOICES:
            self.h_combo.addItem(f"{h:g}", h)
        self.h_combo.setCurrentIndex(H_CHOICES.index(DEFAULT_H))
        self.h_combo.setToolTip("The nudge of the numeric slope (f(x+h) − f(x)) / h")
        row.addWidget(self.h_combo)
        layout.addLayout(row)
        self.slope_label = plain.label()  # names nodes
        self.slope_label.setWordWrap(True)
        layout.addWidget(self.slope_label)
        self.plot_area = QVBoxLayout()
        layout.addLayout(self.plot_area, 1)

        self.output_combo.currentIndexChanged.connect(self._on_output_chosen)
        self.leaf_combo.currentIndexChanged.connect(self._on_choice)
        self.width_spin.valueChanged.connect(self._on_choice)
        self.h_combo.currentIndexChanged.connect(self._on_choice)
        self.set_document(document)

    # --- document -----------------------------------------------------------------------------
    def set_document(self, document) -> None:
        self.document = document
        self._y_chosen = False
        structural = {
            name: self._on_structure
            for name in (
                "node_added",
                "node_removed",
                "wire_added",
                "wire_removed",
                "output_changed",
            )
        }
        self._watch.watch(
            document,
            {
                **structural,
                "values_changed": self._on_values,
                "node_changed": self._on_node_changed,
            },
        )
        self._fill()
        self.refresh()

    def detach(self) -> None:
        self._watch.close()
        self.document = None

    def _on_structure(self, *_args) -> None:
        self._fill()
        self.refresh()

    def _on_node_changed(self, nid: str) -> None:
        node = self.document.nodes.get(nid) if self.document is not None else None
        if node is not None and (
            self.leaf_combo.findData(nid) >= 0 or self.output_combo.findData(nid) >= 0
        ):
            self._fill()  # a label may have changed

    def _on_values(self, _ids) -> None:
        # grads changing (backward, the stepper) leave the curve alone: only new data moves it
        s = self.state
        if s is None or not self._seen:
            self.refresh()
            return
        x = self.document.value_of(s.leaf) if s.leaf in self.document.nodes else None
        y = self.document.value_of(s.output) if s.output in self.document.nodes else None
        if x is None or y is None or (x.data, y.data) != self._shown_xy:
            self.refresh()

    # --- choices ------------------------------------------------------------------------------
    def _fill(self) -> None:
        doc = self.document
        self._filling = True
        try:
            keep_out, keep_leaf = self.output_combo.currentData(), self.leaf_combo.currentData()
            self.output_combo.clear()
            self.leaf_combo.clear()
            if doc is None:
                return
            # y is computed (a leaf depends on nothing); the document's output first, as
            # every panel names it, and the learner's own choice kept while it is offered
            outs = [n for n in output_choices(doc) if not KINDS[doc.nodes[n].kind].is_leaf]
            default = doc.default_output()
            if default in outs:
                outs.remove(default)
                outs.insert(0, default)
            for nid in outs:
                self.output_combo.addItem(node_name(doc, nid), nid)
            # y follows the document's output (index 0) unless the learner picked one
            i = self.output_combo.findData(keep_out) if self._y_chosen else -1
            self.output_combo.setCurrentIndex(i if i >= 0 else 0)
            self._fill_leaves(keep_leaf)
        finally:
            self._filling = False

    def _fill_leaves(self, keep=None) -> None:
        doc = self.document
        self.leaf_combo.clear()
        out = self.output_combo.currentData()
        leaves = leaves_of(doc, out) if out is not None else []
        inputs = [n for n in leaves if doc.nodes[n].kind == "input"]
        for nid in inputs + [n for n in leaves if n not in inputs]:
            self.leaf_combo.addItem(node_name(doc, nid), nid)
        i = self.leaf_combo.findData(keep)
        self.leaf_combo.setCurrentIndex(i if i >= 0 else 0)

    def _on_output_chosen(self, _i: int) -> None:
        if self._filling:
            return
        self._y_chosen = self.output_combo.currentIndex() > 0
        self._filling = True
        try:
            self._fill_leaves(self.leaf_combo.currentData())
        finally:
            self._filling = False
        self.refresh()

    def _on_choice(self, *_args) -> None:
        if not self._filling:
            self.refresh()

    def choose(self, leaf: str, output: str | None = None) -> None:
        """Select x (and y) by node id."""
        if output is not None:
            self.output_combo.setCurrentIndex(max(0, self.output_combo.findData(output)))
        self.leaf_combo.setCurrentIndex(max(0, self.leaf_combo.findData(leaf)))
        self.refresh()

    # --- computing and drawing ------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the sweep and redraw (only while the pane is seen: sweeping costs a
        forward pass per point)."""
        if not self._seen:
            return
        doc = self.document
        leaf, out = self.leaf_combo.currentData(), self.output_combo.currentData()
        self.state = None
        if (
            doc is not None
            and leaf is not None
            and out is not None
            and leaf in doc.nodes
            and out in doc.nodes
        ):
            self.state = compute(
                doc, leaf, out, self.width_spin.value(), self.h_combo.currentData()
            )
        self._shown_xy = (self.state.x, self.state.y) if self.state is not None else None
        self._update_label()
        self._draw()

    def _update_label(self) -> None:
        s = self.state
        if s is None:
            self.slope_label.setText(self.why_empty())  # a plain-text label: names stay text
            return
        doc = self.document
        xn, yn = node_name(doc, s.leaf), node_name(doc, s.output)
        diff = abs(s.analytic - s.numeric)
        self.slope_label.setText(
            f"At {xn} = {num(s.x)}, {yn} = {num(s.y)}.  Tangent slope d{yn}/d{xn} from backward:"
            f" {num(s.analytic)}.  Numeric slope ({yn}({xn}+h) − {yn}({xn})) / h with "
            f"h = {s.h:g}: {s.numeric:.8g} (differs by {diff:.2g})."
        )

    def why_empty(self) -> str:
        """Why there is no curve, in a sentence."""
        doc = self.document
        out, leaf = self.output_combo.currentData(), self.leaf_combo.currentData()
        if doc is None or out is None or out not in doc.nodes:
            return "Nothing to plot: the graph has no computed node to watch as y."
        if doc.value_of(out) is None:
            cause = root_cause(doc, out) or doc.why_incomplete(out)
            return f"Nothing to plot: y = {node_name(doc, out)} has no number yet ({cause})."
        if leaf is None:
            return f"Nothing to plot: y = {node_name(doc, out)} depends on no leaf to move."
        return "Pick a leaf x and an output y that has a value."

    def set_seen(self, seen: bool) -> None:
        """Whether the learner can see the pane (its dock's visibilityChanged): the figure,
        and matplotlib's Qt backend with it, is made the first time it is seen."""
        self._seen = seen
        if seen:
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not isinstance(self.parentWidget(), QDockWidget):
            self.set_seen(True)  # on its own, shown means seen; a dock tells us itself

    def _ensure_figure(self) -> None:
        if self.figure_canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(5, 3), layout="constrained")
        self.figure_canvas = FigureCanvasQTAgg(self.figure)
        self.figure_canvas.setMinimumHeight(160)
        self.plot_area.addWidget(self.figure_canvas)
        ax = self.figure.add_subplot()
        self._artists = {
            "ax": ax,
            "curve": ax.plot([], [], lw=2, label="y")[0],
            "tangent": ax.plot([], [], "--", lw=1.5, color="tab:orange", label="tangent")[0],
            "point": ax.plot([], [], "o", ms=8, color="tab:red")[0],
        }
        ax.grid(True, alpha=0.3)
        # what could not be drawn, in words (plain text: it quotes the learner's labels)
        self._artists["note"] = ax.text(
            0.5,
            0.5,
            "",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            wrap=True,
            usetex=False,
            parse_math=False,
            bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
        )

    def _draw(self) -> None:
        self._ensure_figure()
        a = self._artists
        ax = a["ax"]
        s = self.state
        if s is None:
            for key in ("curve", "tangent", "point"):
                a[key].set_data([], [])
            ax.set_title("")
            ax.set_xlabel("")  # no stale names from the last curve beside the new choice
            ax.set_ylabel("")
            a["note"].set_text("")
            self.figure_canvas.draw_idle()
            return
        # limits from plot_limits: exp(705) or x * 1e308 must not make them inf (issue 11.3)
        xlim = axis_limits(s.xs, margin=0.0)
        ylim = axis_limits(np.append(s.ys, s.y))
        with np.errstate(all="ignore"):
            tangent = s.tangent(s.xs)
        a["curve"].set_data(masked(s.xs), masked(s.ys))
        a["tangent"].set_data(masked(s.xs), masked(tangent))
        a["point"].set_data(masked([s.x]), masked([s.y]))
        doc = self.document
        xn, yn = node_name(doc, s.leaf), node_name(doc, s.output)
        # labels are the learner's: '$' must not switch matplotlib to maths (a parse error)
        ax.set_xlabel(xn, parse_math=False)
        ax.set_ylabel(yn, parse_math=False)
        ax.set_title(
            f"slope {num(s.analytic)} (backward), {s.numeric:.6g} (numeric)", parse_math=False
        )
        ax.set_xlim(xlim.lo, xlim.hi)
        ax.set_ylim(ylim.lo, ylim.hi)
        notes = [xlim.note(f"{xn} values"), ylim.note(f"{yn} values")]
        a["note"].set_text("\n".join(n for n in notes if n))
        self.figure_canvas.draw_idle()

    def note_text(self) -> str:
        """What the plot says it could not draw ('' when it drew everything)."""
        note = self._artists.get("note")
        return note.get_text() if note is not None else ""

    def tangent_slope(self) -> float | None:
        """The slope of the tangent as drawn (read back from the plotted line)."""
        line = self._artists.get("tangent")
        if line is None:
            return None
        xs, ys = line.get_data()
        if len(xs) < 2:
            return None
        return float((ys[-1] - ys[0]) / (xs[-1] - xs[0]))
