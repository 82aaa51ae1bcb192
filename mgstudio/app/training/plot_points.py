"""Drawing your own data on the decision-boundary plot (a part of ``PlotPane``): with
"Edit points" on in the plot's toolbar, a click adds a point of the current class (the
toolbar's "New: +1" / "New: −1"), a shift-click one of the other class, a drag moves a
point and a right-click deletes it. With it off, a click picks the sample the canvas
traces, as before. The pane only reports the gesture (``point_added``, ``point_moved``,
``point_removed``, in data coordinates and rows of the dataset shown); the controller
turns each into an undo command on the document's dataset (``point_edits``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .plot_picking import PICK_PX, nearest_point

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import MouseEvent
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
    from matplotlib.collections import PathCollection
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction

    from mgstudio.training.datasets import Dataset

EDIT_TIP = (
    "Edit points: click adds a point of the chosen class, Shift+click one of the other "
    "class, drag moves a point, right-click deletes it (each one undo step). Off: a click "
    "picks the sample the canvas traces"
)


class PointEditing:
    """See the module docstring (``PlotPane`` provides what is declared below)."""

    if TYPE_CHECKING:
        point_added: SignalInstance
        point_moved: SignalInstance
        point_removed: SignalInstance
        editing_toggled: SignalInstance
        toolbar: NavigationToolbar2QT | None
        ax_map: Axes | None
        points: PathCollection | None
        _dataset: Dataset | None
        _point_rows: np.ndarray

        def _canvas(self) -> FigureCanvasQTAgg: ...
        def _place_marker(self) -> None: ...

    editing = False
    #: the class a plain click adds (+1 blue, -1 red); shift-click adds the other
    new_class = 1.0
    edit_action: QAction | None = None
    class_action: QAction | None = None
    #: the row being dragged and where the press was (display pixels)
    _drag: tuple[int, float, float] | None = None

    def _add_edit_actions(self, toolbar: NavigationToolbar2QT) -> None:
        toolbar.addSeparator()
        self.edit_action = action = toolbar.addAction("Edit points")
        action.setObjectName("plot_edit_points")
        action.setCheckable(True)
        action.setToolTip(EDIT_TIP)
        action.toggled.connect(self.set_editing)
        self.class_action = cls = toolbar.addAction("New: +1")
        cls.setObjectName("plot_new_class")
        cls.setToolTip("The class a click adds (Shift+click adds the other); click to swap")
        cls.triggered.connect(self.swap_class)
        cls.setEnabled(False)

    def set_editing(self, on: bool) -> None:
        on = bool(on)
        if self.edit_action is not None and self.edit_action.isChecked() != on:
            self.edit_action.setChecked(on)  # (comes back here through toggled)
            return
        if on == self.editing:
            return
        self.editing = on
        self._drag = None
        if self.class_action is not None:
            self.class_action.setEnabled(on)
        self.editing_toggled.emit(on)

    def swap_class(self) -> None:
        self.new_class = -self.new_class
        if self.class_action is not None:
            self.class_action.setText("New: +1" if self.new_class > 0 else "New: −1")

    def _connect_editing(self, canvas: FigureCanvasQTAgg) -> None:
        canvas.mpl_connect("motion_notify_event", self._edit_motion)
        canvas.mpl_connect("button_release_event", self._edit_release)

    def _point_at(self, x_px: float, y_px: float) -> int | None:
        """The row of the shown dataset whose point is within PICK_PX of the position."""
        d, rows = self._dataset, self._point_rows
        if self.ax_map is None or d is None or not len(rows):
            return None
        where = self.ax_map.transData.transform(d.X[rows, :2])
        hit = nearest_point(where, (x_px, y_px), PICK_PX * self._canvas().devicePixelRatioF())
        return int(rows[hit]) if hit is not None else None

    def _edit_press(self, event: MouseEvent) -> None:
        """A press on the map while editing: add, start a drag, or delete."""
        if event.xdata is None or event.ydata is None:
            return
        row = self._point_at(event.x, event.y)
        if event.button == 3:
            if row is not None:
                self.point_removed.emit(row)
            return
        if event.button != 1:
            return
        if row is not None:
            self._drag = (row, float(event.x), float(event.y))
            return
        # (matplotlib's mouse events carry the modifiers held; ``key`` only keys typed)
        shift = "shift" in getattr(event, "modifiers", ()) or "shift" in (event.key or "")
        cls = -self.new_class if shift else self.new_class
        self.point_added.emit(float(event.xdata), float(event.ydata), cls)

    def _edit_motion(self, event: MouseEvent) -> None:
        drag = self._drag
        if drag is None or event.xdata is None or event.ydata is None:
            return
        if event.inaxes is not self.ax_map or self.points is None or self._dataset is None:
            return
        row = drag[0]
        offsets = np.array(self.points.get_offsets())
        where = np.flatnonzero(self._point_rows == row)
        if len(where):  # the point follows the mouse; the document changes on release
            offsets[where[0]] = (event.xdata, event.ydata)
            self.points.set_offsets(offsets)
            self._canvas().draw_idle()

    def _edit_release(self, event: MouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        row, x0, y0 = drag
        if event.xdata is None or event.ydata is None or event.inaxes is not self.ax_map:
            self.show_points(self._dataset)  # dropped off the map: nothing moves
            return
        if abs(event.x - x0) + abs(event.y - y0) < 2:
            return  # a click on a point: nothing to move
        self.point_moved.emit(row, float(event.xdata), float(event.ydata))

    def show_points(self, dataset: Dataset | None) -> None:
        """Show ``dataset``'s points on the map as they are now (an edit, a new table),
        keeping the curves, the heatmap and its limits."""
        if dataset is None or self.points is None or self.ax_map is None:
            return
        self._dataset = dataset
        X, y = dataset.X, dataset.y
        from mgstudio.training import plot_limits

        shown = np.asarray(plot_limits.plottable(X).all(axis=1)) if len(X) else np.zeros(0, bool)
        self._point_rows = np.flatnonzero(shown)
        self.points.set_offsets(X[shown, :2] if len(X) else np.zeros((0, 2)))
        self.points.set_array(np.where(y[shown] > 0, 1.0, -1.0))
        self._place_marker()
        self._canvas().draw_idle()
