"""What the timeline adds to the training plots' loss axes: every run of the document as a
line (the shown run is the pane's own loss line, drawn bold), a cursor at the shown step, and
dragging along the curves to scrub.

The cursor is a thin Qt widget laid over the matplotlib canvas, not a matplotlib artist: moving
it costs no redraw of the figure (a full draw of the plots takes 50-70 ms, a frame is 16), and
the other runs' lines are ordinary artists, drawn once into the figure's background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from mgstudio.document.training_state import RunRecord
from mgstudio.training import plot_limits

if TYPE_CHECKING:
    from .plot_pane import PlotPane

CURSOR_COLOUR = "#d62728"
OTHER_WIDTH = 0.9
SHOWN_WIDTH = 2.4
PLAIN_WIDTH = 1.6  # the pane's own width for its loss line, when it shows a single run


class LossOverlay(QObject):
    """Overlay lines, cursor and drag-to-scrub on ``pane``'s loss axes."""

    #: the learner dragged (or clicked) along the loss curve to this step
    scrubbed = Signal(int)
    #: a drag began (True) or ended (False)
    dragging = Signal(bool)

    def __init__(self, pane: PlotPane):
        super().__init__(pane)
        self.pane = pane
        self.lines: list = []
        self.cursor: QWidget | None = None
        self.step = 0
        #: where the shown run starts on the plot's step axis (a branch: where it split off)
        self.offset = 0
        self._connected_canvas: object = None
        self._drag = False

    # --- the runs' lines ----------------------------------------------------------------
    def show_runs(
        self, runs: tuple[RunRecord, ...], shown: int, starts: list[int] | None = None
    ) -> None:
        """Draw every run but ``shown`` as a thin line (the pane draws ``shown``'s history),
        run ``i`` from step ``starts[i]`` on."""
        starts = starts if starts is not None else [0] * len(runs)
        self.offset = starts[shown] if 0 <= shown < len(starts) else 0
        pane = self.pane
        for line in self.lines:
            if line.axes is not None:
                line.remove()
        self.lines = []
        if not pane.built or pane.ax is None or pane.loss_line is None:
            return
        self._connect(pane)
        ax = pane.ax
        for i, run in enumerate(runs):
            if i == shown or not run.steps:
                continue
            (line,) = ax.plot(
                starts[i] + np.arange(run.steps),
                plot_limits.masked(run.loss),
                lw=OTHER_WIDTH,
                alpha=0.75,
                label=run.name,
                zorder=1.5,
            )
            self.lines.append(line)
        pane.loss_line.set_linewidth(SHOWN_WIDTH if self.lines else PLAIN_WIDTH)
        pane.loss_line.set_label(runs[shown].name if 0 <= shown < len(runs) else "loss")
        if self.lines:
            ax.legend(fontsize=7, loc="upper right", framealpha=0.8)
        else:
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
        if pane.canvas is not None:
            pane.canvas.draw_idle()

    # --- the cursor -----------------------------------------------------------------------
    def set_step(self, step: int) -> None:
        self.step = step
        self._place_cursor()

    def hide_cursor(self) -> None:
        if self.cursor is not None:
            self.cursor.hide()

    def _place_cursor(self, _event=None) -> None:
        pane = self.pane
        canvas = pane.canvas
        ax = pane.ax
        if canvas is None or ax is None:
            return
        self._connect(pane)
        cursor = self.cursor
        if cursor is None or cursor.parentWidget() != canvas:
            cursor = self.cursor = QWidget(canvas)
            cursor.setObjectName("timeline_cursor")
            cursor.setStyleSheet(f"background: {CURSOR_COLOUR};")
            # drags pass through to the plot
            cursor.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        assert canvas is not None  # (mypy loses the narrowing above across the widget calls)
        ratio = canvas.device_pixel_ratio or 1.0
        x_disp, _ = ax.transData.transform((self.step + self.offset, 0.0))
        box = ax.bbox
        height = canvas.figure.bbox.height
        x = int(round(x_disp / ratio))
        top = int(round((height - box.y1) / ratio))
        tall = max(int(round(box.height / ratio)), 1)
        if not (box.x0 - 1 <= x_disp <= box.x1 + 1):
            cursor.hide()
            return
        cursor.setGeometry(x - 1, top, 2, tall)
        cursor.show()
        cursor.raise_()

    # --- scrubbing with the mouse -----------------------------------------------------------
    def _connect(self, pane: PlotPane) -> None:
        canvas = pane.canvas
        if canvas is None or canvas is self._connected_canvas:
            return
        self._connected_canvas = canvas
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("motion_notify_event", self._on_motion)
        canvas.mpl_connect("button_release_event", self._on_release)
        canvas.mpl_connect("draw_event", self._place_cursor)  # axes moved or resized

    def _in_loss_axes(self, event) -> bool:
        pane = self.pane
        return event.inaxes is not None and event.inaxes in (pane.ax, pane.ax_acc)

    def _navigating(self) -> bool:
        toolbar = self.pane.toolbar
        return toolbar is not None and bool(toolbar.mode)  # pan or zoom has the mouse

    def _on_press(self, event) -> None:
        if event.button != 1 or self._navigating() or not self._in_loss_axes(event):
            return
        self._drag = True
        self.dragging.emit(True)
        self._emit_step(event)

    def _on_motion(self, event) -> None:
        if self._drag and event.inaxes is not None:
            self._emit_step(event)

    def _on_release(self, event) -> None:
        if self._drag:
            self._drag = False
            self.dragging.emit(False)

    def _emit_step(self, event) -> None:
        pane = self.pane
        if pane.ax is None:
            return
        # the x of any of the loss plot's two axes is the step (they share it); read it from
        # the pixel so that a drag that leaves the axes' box still follows along x
        x, _ = pane.ax.transData.inverted().transform((event.x, event.y))
        if np.isfinite(x):
            self.scrubbed.emit(int(round(x)) - self.offset)
