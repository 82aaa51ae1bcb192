"""The decision-boundary map of ``PlotPane`` (heatmap and points) and saving the figure
(a part of ``PlotPane``, split out of ``plot_pane``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QWidget

from mgstudio.document.fileio import FileWriteError, write_atomic
from mgstudio.training import plot_limits

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage
    from matplotlib.text import Text
    from PySide6.QtCore import SignalInstance

    from mgstudio.training.datasets import Dataset

SCORE_CLIP = 2.0  # the colour scale spans [-SCORE_CLIP, SCORE_CLIP]; the boundary is 0


class MapAndFigure:
    """The map's artists and the figure's PNG (``PlotPane`` provides what is declared)."""

    if TYPE_CHECKING:
        message: SignalInstance
        ax_map: Axes | None
        image: AxesImage | None
        points: PathCollection | None
        _map_note: Text | None
        _grid: tuple[np.ndarray, np.ndarray] | None
        _dataset: Dataset | None
        _live: bool
        _point_rows: np.ndarray

        def _figure(self) -> Figure: ...
        def _make_marker(self, ax: Axes) -> None: ...
        def ensure_built(self) -> None: ...
        def set_live(self, live: bool) -> None: ...

    def _make_map(self) -> None:
        assert self._grid is not None and self._dataset is not None and self.ax_map is not None
        xx, yy = self._grid
        # the grid's own limits are overflow-safe (plot_limits.grid_for)
        extent = (xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0])
        m = self.ax_map
        self.image = m.imshow(
            np.zeros_like(xx),
            extent=extent,
            origin="lower",
            cmap="RdBu",
            vmin=-SCORE_CLIP,
            vmax=SCORE_CLIP,
            aspect="auto",
            interpolation="bilinear",
            alpha=0.85,
        )
        X, y = self._dataset.X, self._dataset.y
        shown = np.asarray(plot_limits.plottable(X).all(axis=1))
        self._point_rows = np.flatnonzero(shown)
        self.points = m.scatter(
            X[shown, 0],
            X[shown, 1],
            c=np.where(y[shown] > 0, 1.0, -1.0),
            s=14,
            cmap="RdBu",
            vmin=-1.6,
            vmax=1.6,
            edgecolors="k",
            linewidths=0.5,
        )
        self._make_marker(m)
        m.set_xlim(extent[0], extent[1])
        m.set_ylim(extent[2], extent[3])
        m.set_title("decision boundary (blue: +1, red: -1)", fontsize=9)
        m.tick_params(labelsize=8)
        hidden = int(np.count_nonzero(~shown))
        note = (
            f"{hidden} of {len(shown)} points not drawn: beyond ±{plot_limits.PLOT_MAX:g}"
            if hidden
            else ""
        )
        self._map_note = m.text(
            0.5,
            0.02,
            note,
            transform=m.transAxes,
            ha="center",
            va="bottom",
            fontsize=8,
            parse_math=False,
            bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
        )

    def save_figure(self, path: str) -> None:
        """Write the plots to ``path`` as PNG (raises FileWriteError/ValueError on failure)."""
        import io

        self.ensure_built()
        was_live = self._live
        self.set_live(False)
        try:
            png = io.BytesIO()  # drawn in memory, then written by the one atomic writer
            self._figure().savefig(png, format="png", dpi=120)
        finally:
            self.set_live(was_live)
        write_atomic(path, png.getvalue())

    def save_figure_dialog(self) -> str | None:
        from ..file_dialogs import ask_save_path  # adds .png before its overwrite prompt

        assert isinstance(self, QWidget)
        path = ask_save_path(self, "Save figure", "training.png", "PNG image (*.png)", ".png")
        if not path:
            return None
        try:
            self.save_figure(path)
        except (OSError, ValueError, FileWriteError) as exc:
            self.message.emit(f"Could not save the figure: {exc}")
            return None
        self.message.emit(f"Saved the figure to {path}")
        return path
