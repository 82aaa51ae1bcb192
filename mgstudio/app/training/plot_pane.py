"""Live plots of a run: loss and accuracy per step, and for 2-D datasets the decision boundary
over the data; for tiny datasets a table of predictions next to the targets.

Matplotlib is drawn through its Qt canvas (``FigureCanvasQTAgg``, no pyplot) and imported the
first time the pane is built, because the backend import costs about a second. While a run is
live the curves and the heatmap are ``animated`` artists redrawn by blitting (restore the saved
background, draw the artists, blit the axes' box): a full redraw happens only when an axis must
grow, on resize, or when the run stops (then the artists become ordinary again so that the
navigation toolbar and "Save figure…" see them).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mgstudio.training import plot_limits
from mgstudio.training.datasets import REGRESSION, Dataset

from .plot_map import SCORE_CLIP, MapAndFigure
from .plot_picking import SampleMarks
from .plot_points import PointEditing
from .predictions_table import PredictionsTable

if TYPE_CHECKING:  # matplotlib itself is imported when the pane is first built (~1 s)
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import DrawEvent, ResizeEvent
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.text import Text
    from PySide6.QtGui import QShowEvent

GRID_SIZE = 80  # the heatmap is GRID_SIZE x GRID_SIZE scores
TABLE_LIMIT = 64
MAX_POINTS = 4000  # longer curves are thinned before drawing
PLACEHOLDER = (
    "The training loss will be drawn here, step by step, as the network learns:\n"
    "press Train (F5) or Step (F7).\n\n"
    "Accuracy follows on the right axis, and for 2-D data such as moons the "
    "decision boundary appears below. Training ▸ Training Settings picks the "
    "data and the network."
)
#: the figure's margins in points: tick labels (8 pt) plus an axis label (9 pt) and pads;
#: "gap" holds the loss axis' step label and the map's title between the two axes
MARGIN_PT = {"left": 52, "right": 14, "right_twin": 52, "top": 10, "bottom": 34, "gap": 56}


class PlotPane(SampleMarks, PointEditing, MapAndFigure, QWidget):
    """See the module docstring. ``built`` is False until matplotlib has been loaded."""

    #: a line for the status bar (e.g. why a figure could not be saved)
    message = Signal(str)
    #: the learner chose a sample: a click on its point, a key on the plot, a table row
    sample_picked = Signal(int)
    #: "Edit points" (plot_points): a point added (x, y, class), moved (row, x, y),
    #: removed (row), and the mode switched
    point_added = Signal(float, float, float)
    point_moved = Signal(int, float, float)
    point_removed = Signal(int)
    editing_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.built = False
        self.figure: Figure | None = None
        self.canvas: FigureCanvasQTAgg | None = None
        self.toolbar: NavigationToolbar2QT | None = None
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.test_losses: list[float] = []  # NaN where a record has none
        self._has_test = False
        #: frames drawn by blitting / by a full redraw (for measuring)
        self.blit_count = 0
        self.full_draws = 0
        self.blit_times: list[float] = []
        self._dataset: Dataset | None = None
        self._first_loss: float | None = None
        self._planned_steps = 1
        self._grid: tuple[np.ndarray, np.ndarray] | None = None
        self._live = False
        self._dirty_curves = False
        self._dirty_image = False
        self._new_max = -np.inf  # the largest loss added since the last frame
        self._bg_curves: object = None  # the canvas' saved regions (opaque)
        self._bg_image: object = None
        self.ax: Axes | None = None
        self.ax_acc: Axes | None = None
        self.ax_map: Axes | None = None
        self._map_note: Text | None = None
        self.loss_line: Line2D | None = None
        self.acc_line: Line2D | None = None
        self.test_line: Line2D | None = None
        self.image: AxesImage | None = None
        self.points: PathCollection | None = None
        self.marker = None  # SampleMarks: the ring around the traced sample, and which
        self.marked = None

        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setTextFormat(Qt.TextFormat.PlainText)
        self.placeholder.setMargin(12)
        self.table = PredictionsTable()
        self.table.hide()
        self.table.row_chosen.connect(self.sample_picked)
        self.save_button = QPushButton("Save figure…")
        self.save_button.setToolTip("Save the plots as a PNG image")
        self.save_button.clicked.connect(self.save_figure_dialog)
        self.save_button.setEnabled(False)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.placeholder)
        self.splitter.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    # --- building (lazy) ----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.built:
            self._canvas().draw_idle()  # blit backgrounds saved before hiding may be stale
        elif self._dataset is not None:
            self.ensure_built()
        # else the empty state stays: matplotlib (about a second to load) comes with a run

    def ensure_built(self) -> None:
        """Import the matplotlib Qt backend and make the figure (once)."""
        if self.built:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the import takes ~1 s
        try:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
            from matplotlib.figure import Figure
        finally:
            QApplication.restoreOverrideCursor()

        self.figure = Figure(figsize=(5, 6), dpi=100)
        self.canvas = canvas = FigureCanvasQTAgg(self.figure)
        canvas.setMinimumHeight(220)
        self.toolbar = NavigationToolbar2QT(canvas, self)
        # referenced here: QSplitter.replaceWidget does not hand ownership to Qt in PySide
        self._holder = holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.toolbar)
        box.addWidget(canvas, 1)
        self.splitter.replaceWidget(0, holder)
        self.placeholder.deleteLater()
        canvas.mpl_connect("draw_event", self._on_draw)
        canvas.mpl_connect("resize_event", self._fit_margins)
        self._connect_picking(canvas)
        self._connect_editing(canvas)
        self._add_edit_actions(self.toolbar)
        self.built = True
        self.save_button.setEnabled(True)
        self._make_axes()

    # --- a new run ----------------------------------------------------------------------------
    def start(
        self,
        dataset: Dataset,
        planned_steps: int,
        first_loss: float | None = None,
        test: bool = False,
    ) -> None:
        """Clear the curves and set the axes up for ``dataset``; ``first_loss`` sizes the loss
        axis so that the first frames need no full redraw; ``test``: the records carry a
        test loss (a second line)."""
        self._dataset = dataset
        self._has_test = test
        self._first_loss = first_loss
        self._new_max = -np.inf
        self._planned_steps = max(int(planned_steps), 1)
        self.steps, self.losses, self.accuracies, self.test_losses = [], [], [], []
        two_d = self._has_map()
        self._grid = plot_limits.grid_for(dataset.X, size=GRID_SIZE) if two_d else None
        small = dataset.n_samples <= TABLE_LIMIT and not two_d
        self.table.setVisible(small)
        if small:
            self.table.set_dataset(dataset)
        if self.built:
            self._make_axes()
        elif self.isVisible():
            self.ensure_built()  # on screen with its empty state: the curves take over now

    def decision_grid(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The ``(xx, yy)`` the worker should score, or None (not a 2-D dataset)."""
        return self._grid

    def _has_map(self) -> bool:
        """A decision boundary: two inputs and classes (a regression has no boundary)."""
        d = self._dataset
        return d is not None and d.n_inputs == 2 and d.task != REGRESSION

    def _regression(self) -> bool:
        return self._dataset is not None and self._dataset.task == REGRESSION

    def map_note(self) -> str:
        """What the decision-boundary plot says it could not draw ('' if nothing)."""
        return self._map_note.get_text() if self._map_note is not None else ""

    # Accessors for what exists once the pane is built (and, for the axes, once it has axes):
    # each caller runs only then, so a None here is a bug, not a state to handle.
    def _canvas(self) -> FigureCanvasQTAgg:
        assert self.canvas is not None, "the pane is not built"
        return self.canvas

    def _figure(self) -> Figure:
        assert self.figure is not None, "the pane is not built"
        return self.figure

    def _loss_ax(self) -> Axes:
        assert self.ax is not None, "the pane has no axes yet"
        return self.ax

    def _fit_margins(self, _event: ResizeEvent | None = None) -> None:
        """Margins in points, turned into the figure fractions subplots_adjust wants, so the
        loss axis' "step" label never runs into the map's title however short the pane."""
        if self.ax is None:
            return
        fig = self._figure()
        px = fig.dpi / 72.0
        w, h = max(fig.bbox.width, 1.0), max(fig.bbox.height, 1.0)
        right_pt = MARGIN_PT["right_twin"] if self.ax_acc is not None else MARGIN_PT["right"]
        left, right = MARGIN_PT["left"] * px / w, 1.0 - right_pt * px / w
        top, bottom = 1.0 - MARGIN_PT["top"] * px / h, MARGIN_PT["bottom"] * px / h
        if left >= right or bottom >= top:
            return  # too small to lay out: leave it as it is
        hspace = 0.2
        if self.ax_map is not None:
            avail = (top - bottom) * h
            gap = min(MARGIN_PT["gap"] * px, avail * 0.6)
            hspace = 2.0 * gap / (avail - gap)  # matplotlib's hspace: of the mean axes height
        fig.subplots_adjust(left=left, right=right, top=top, bottom=bottom, hspace=hspace)

    def _make_axes(self) -> None:
        from matplotlib.ticker import MaxNLocator

        fig = self._figure()
        fig.clear()
        two_d = self._has_map()
        if two_d:
            self.ax, self.ax_map = fig.subplots(2, 1, height_ratios=(1, 1.3))
        else:
            self.ax, self.ax_map = fig.add_subplot(), None
        ax = self._loss_ax()
        ax.set_xlabel("step", fontsize=9, labelpad=1)
        ax.set_ylabel("loss", color="tab:blue", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.set_xlim(0, self._planned_steps)
        ax.set_ylim(0, 1)
        self.ax_acc = self.acc_line = None
        if not self._regression():  # accuracy means nothing for regression targets
            self.ax_acc = ax_acc = ax.twinx()
            ax_acc.set_ylabel("accuracy (%)", color="tab:orange", fontsize=9)
            ax_acc.tick_params(labelsize=8)
            ax_acc.set_ylim(0, 105)
            (self.acc_line,) = ax_acc.plot([], [], color="tab:orange", lw=1.2, label="accuracy")
        else:
            ax.text(
                0.98,
                0.95,
                "regression: no accuracy (rmse in the status bar)",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=8,
                color="0.35",
            )
        (self.loss_line,) = ax.plot([], [], color="tab:blue", lw=1.6, label="loss")
        self.test_line = None
        if self._has_test:
            (self.test_line,) = ax.plot(
                [], [], color="tab:green", lw=1.2, ls="--", label="test loss"
            )
            ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
        self.image = self.points = self._map_note = self.marker = None
        if two_d:
            self._make_map()
        self._fit_margins()
        self._rescale_y()
        self._set_line_data()
        self._apply_animated()
        self._canvas().draw_idle()

    # --- data in ------------------------------------------------------------------------------
    def add_records(self, records: list[dict]) -> None:
        if not records:
            return
        for r in records:
            self.steps.append(r["step"])
            self.losses.append(r["loss"])
            acc = r.get("accuracy")
            self.accuracies.append(acc * 100.0 if acc is not None else np.nan)
            self.test_losses.append(r.get("test_loss", np.nan))
        finite = [r["loss"] for r in records if plot_limits.plottable(r["loss"])]
        finite += [t for t in self.test_losses[-len(records) :] if plot_limits.plottable(t)]
        if finite:
            self._new_max = max(self._new_max, max(finite))
        self._dirty_curves = True

    def set_grid_scores(self, scores: np.ndarray | None) -> None:
        if scores is None or self.image is None:
            return
        self.image.set_data(np.clip(np.nan_to_num(scores), -SCORE_CLIP, SCORE_CLIP))
        self._dirty_image = True

    def set_predictions(self, predictions: np.ndarray | None) -> None:
        if predictions is not None and not self.table.isHidden():
            self.table.set_predictions(predictions)

    def set_live(self, live: bool) -> None:
        """Live: blit the moving artists. Not live: make them ordinary and redraw once."""
        if live == self._live:
            return
        self._live = live
        if self.built:
            self._apply_animated()
            self._set_line_data()
            self._canvas().draw_idle()

    def _apply_animated(self) -> None:
        for artist in (
            self.loss_line,
            self.acc_line,
            self.test_line,
            self.image,
            self.points,
            self.marker,
        ):
            if artist is not None:
                artist.set_animated(self._live)

    # --- drawing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Draw what changed since the last frame (called from the GUI's frame timer)."""
        if not self.built or not (self._dirty_curves or self._dirty_image):
            return
        canvas = self._canvas()
        if not canvas.isVisible():
            return
        start = time.perf_counter()
        self._set_line_data()
        if self._needs_growth():
            self._rescale_y()
            canvas.draw()  # repaints everything, the animated artists via _on_draw
        elif not self._live or self._bg_curves is None:
            canvas.draw_idle()
        else:
            if self._dirty_curves:
                ax = self._loss_ax()
                canvas.restore_region(self._bg_curves)
                self._draw_curves()
                canvas.blit(ax.bbox)
            if self._dirty_image and self._bg_image is not None:
                canvas.restore_region(self._bg_image)
                self._draw_map()
                assert self.ax_map is not None  # a saved map background means a map
                canvas.blit(self.ax_map.bbox)
            self.blit_count += 1
            self.blit_times.append(time.perf_counter() - start)
        self._dirty_curves = self._dirty_image = False

    def _set_line_data(self) -> None:
        if self.loss_line is None:
            return
        steps: list[int] | np.ndarray = self.steps
        losses: list[float] | np.ndarray = self.losses
        accs: list[float] | np.ndarray = self.accuracies
        tests: list[float] | np.ndarray = self.test_losses
        n = len(steps)
        if n > MAX_POINTS:  # a few pixels per point is all a line can show; keep the last
            keep = np.unique(np.append(np.arange(0, n, n // (MAX_POINTS // 2)), n - 1))
            steps = np.asarray(steps)[keep]
            losses = np.asarray(losses)[keep]
            accs = np.asarray(accs)[keep]
            tests = np.asarray(tests)[keep]
        self.loss_line.set_data(steps, plot_limits.masked(losses))
        if self.test_line is not None:
            self.test_line.set_data(steps, plot_limits.masked(tests))
        if self.acc_line is not None:
            self.acc_line.set_data(steps, accs)

    def _needs_growth(self) -> bool:
        if not self.steps:
            return False
        new_max, self._new_max = self._new_max, -np.inf
        ax = self._loss_ax()
        return self.steps[-1] > ax.get_xlim()[1] or new_max > ax.get_ylim()[1]

    def _rescale_y(self) -> None:
        values = list(self.losses) + [t for t in self.test_losses if t == t]
        if self._first_loss is not None:
            values.append(self._first_loss)
        # overflow-safe: a loss of 1e308 times 1.15 would be inf, which matplotlib refuses
        ax = self._loss_ax()
        ax.set_ylim(0, plot_limits.top_limit(values))
        last = self.steps[-1] if self.steps else 0
        right = ax.get_xlim()[1]
        while last > right:
            right *= 2
        ax.set_xlim(0, right)

    def _draw_curves(self) -> None:
        """Draw the (animated) loss and accuracy lines over their restored background."""
        if self.loss_line is not None:
            self._loss_ax().draw_artist(self.loss_line)
        if self.test_line is not None:
            self._loss_ax().draw_artist(self.test_line)
        if self.acc_line is not None and self.ax_acc is not None:
            self.ax_acc.draw_artist(self.acc_line)

    def _draw_map(self) -> None:
        """Draw the (animated) heatmap and points over their restored background."""
        if self.ax_map is None:
            return
        for artist in (self.image, self.points, self.marker):
            if artist is not None:
                self.ax_map.draw_artist(artist)

    def _on_draw(self, _event: DrawEvent) -> None:
        # a full draw leaves out the animated artists: save the backgrounds, then add them
        self.full_draws += 1
        if not self._live:
            self._bg_curves = self._bg_image = None
            return
        canvas = self._canvas()
        self._bg_curves = canvas.copy_from_bbox(self._loss_ax().bbox)
        self._bg_image = (
            canvas.copy_from_bbox(self.ax_map.bbox) if self.ax_map is not None else None
        )
        self._draw_curves()
        self._draw_map()
