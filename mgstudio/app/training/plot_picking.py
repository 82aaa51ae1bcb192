"""Choosing a sample on the decision-boundary plot: the point nearest a click (within a few
pixels), the keys that step through the samples while the plot has focus, and the ring around
the sample the network on the canvas traces (``SampleMarks``, a part of ``PlotPane``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import KeyEvent, MouseEvent
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
    from matplotlib.lines import Line2D
    from PySide6.QtCore import SignalInstance

    from mgstudio.training.datasets import Dataset

    from .predictions_table import PredictionsTable

#: how far from a point's centre a click still picks it, in logical pixels (a point is drawn
#: about 4 px wide: a little slack for a touchpad)
PICK_PX = 6.0
#: matplotlib's key names -> how many samples they move; Home and End go to the ends
KEY_STEPS = {"left": -1, "right": 1, "pageup": -10, "pagedown": 10}


def nearest_point(points_px: np.ndarray, at: tuple[float, float], radius: float) -> int | None:
    """The row of ``points_px`` (n, 2), in display pixels, nearest to ``at`` if it lies
    within ``radius`` pixels, else None."""
    pts = np.asarray(points_px, dtype=np.float64).reshape(-1, 2)
    if not len(pts):
        return None
    d2 = ((pts - np.asarray(at, dtype=np.float64)) ** 2).sum(axis=1)
    d2 = np.where(np.isfinite(d2), d2, np.inf)
    i = int(np.argmin(d2))
    return i if d2[i] <= radius * radius else None


def stepped(current: int | None, key: str | None, n_samples: int) -> int | None:
    """The sample ``key`` moves to from ``current`` (None: not a stepping key, or no
    samples), kept between 0 and n_samples - 1."""
    if n_samples <= 0 or key is None:
        return None
    if key == "home":
        return 0
    if key == "end":
        return n_samples - 1
    step = KEY_STEPS.get(key)
    if step is None:
        return None
    start = current if current is not None else (0 if step > 0 else n_samples)
    return min(max(start + step, 0), n_samples - 1)


#: the ring around the traced sample's point: hollow, yellow, over the points
RING_COLOUR = "#f1c40f"


class SampleMarks:
    """The traced sample on the plots: a ring on its point, its row selected in the table, and
    the click and keys that choose another (``PlotPane`` provides what is declared below)."""

    if TYPE_CHECKING:
        sample_picked: SignalInstance
        table: PredictionsTable
        toolbar: NavigationToolbar2QT | None
        ax_map: Axes | None
        _dataset: Dataset | None
        _live: bool
        _dirty_image: bool
        editing: bool

        def _canvas(self) -> FigureCanvasQTAgg: ...
        def _edit_press(self, event: MouseEvent) -> None: ...

    #: the ring, once there is a map
    marker: Line2D | None = None
    #: the sample the ring marks
    marked: int | None = None
    #: the dataset row of each point drawn on the map (points beyond its limits are not)
    _point_rows: np.ndarray = np.zeros(0, dtype=np.intp)

    def _connect_picking(self, canvas: FigureCanvasQTAgg) -> None:
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("key_press_event", self._on_key)
        canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it; arrows step
        canvas.setToolTip(
            "Click a point of the decision boundary to trace that sample on the canvas; "
            "with the plot focused, ← → and Page Up / Page Down choose the sample"
        )

    def _make_marker(self, ax: Axes) -> None:
        (self.marker,) = ax.plot(
            [], [], ls="none", marker="o", ms=14, mfc="none", mec=RING_COLOUR, mew=2.5, zorder=5
        )
        self._place_marker()

    def mark_sample(self, sample: int | None) -> None:
        """Ring ``sample``'s point (and select its table row): the one the canvas traces."""
        self.marked = sample
        self.table.show_chosen(sample)
        if self.marker is None:
            return
        self._place_marker()
        if self._live:
            self._dirty_image = True  # the next frame blits it
        else:
            self._canvas().draw_idle()

    def _place_marker(self) -> None:
        assert self.marker is not None
        d, k = self._dataset, self.marked
        if d is None or k is None or k not in self._point_rows:
            self.marker.set_data([], [])  # not drawn (beyond the plot's limits) or none
        else:
            self.marker.set_data([d.X[k, 0]], [d.X[k, 1]])

    def pick_at(self, x_px: float, y_px: float) -> int | None:
        """The sample whose point lies within PICK_PX of display position (x_px, y_px)."""
        if self.ax_map is None or self._dataset is None or not len(self._point_rows):
            return None
        rows = self._point_rows
        where = self.ax_map.transData.transform(self._dataset.X[rows, :2])
        ratio = self._canvas().devicePixelRatioF()  # matplotlib's display pixels are physical
        hit = nearest_point(where, (x_px, y_px), PICK_PX * ratio)
        return int(rows[hit]) if hit is not None else None

    def _on_press(self, event: MouseEvent) -> None:
        if self.ax_map is None or event.inaxes is not self.ax_map:
            return
        if self.toolbar is not None and self.toolbar.mode != "":
            return  # panning or zooming: the click belongs to the tool
        if self.editing:  # "Edit points" (plot_points): the click edits the data
            self._edit_press(event)
            return
        if event.button != 1:
            return
        sample = self.pick_at(event.x, event.y)
        if sample is not None:
            self.sample_picked.emit(sample)

    def _on_key(self, event: KeyEvent) -> None:
        if self._dataset is None:
            return
        sample = stepped(self.marked, event.key, self._dataset.n_samples)
        if sample is not None and sample != self.marked:
            self.sample_picked.emit(sample)
