"""The plot's "Edit points" gestures (``plot_points``) as undo commands on the document's
dataset: the first edit of a generator's samples turns them into a table (the same
samples, then the edit), every later one changes the table. The map shows the document's
whole dataset while editing (a run shows its training part), and follows every change of
the training state: an edit, Ctrl+Z, the dataset editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgstudio.training import TrainingError
from mgstudio.training.dataset_edits import (
    table_as_dataset,
    table_from_state,
    with_cell,
    with_rows,
    without_rows,
)

from ..model_commands import SetTrainingCommand

if TYPE_CHECKING:
    from mgstudio.document.training_state import TableData

    from .controller import TrainingController

NEEDS_FEATURES = (
    "Edit points draws the graph's own data: mark two input leaves as features x0 and x1 "
    "(inspector, Training role), or pick Training ▸ Train This Graph"
)


class PointEditor:
    """Connects ``ctl.plots``' point gestures to the window's document (``ctl.point_editor``)."""

    def __init__(self, ctl: TrainingController):
        self.ctl = ctl
        plots = ctl.plots
        plots.point_added.connect(self.add)
        plots.point_moved.connect(self.move)
        plots.point_removed.connect(self.remove)
        plots.editing_toggled.connect(self._on_editing)
        ctl.window.undo_stack.indexChanged.connect(self._on_history)

    # --- showing ----------------------------------------------------------------------------
    def table(self) -> TableData:
        doc = self.ctl.window.document
        return table_from_state(self.ctl.docs.state_from_panel(doc))

    def show_data(self) -> bool:
        """Put the document's whole dataset on the map (made when there is none yet)."""
        ctl = self.ctl
        if not ctl.docs.wanted():
            ctl.show_message(NEEDS_FEATURES)
            return False
        try:
            data = table_as_dataset(self.table())
        except (TrainingError, ValueError) as exc:
            ctl.show_message(str(exc))
            return False
        if data.n_inputs != 2:
            ctl.show_message(
                f"the map draws two features; this dataset has {data.n_inputs}: "
                "Training ▸ Edit Dataset… edits it as a table"
            )
            return False
        plots = ctl.plots
        plots.ensure_built()
        if plots.ax_map is None or plots._dataset is None or plots._dataset.n_inputs != 2:
            ctl.show_plots()
            plots.start(data, ctl.panel.steps.value())
        else:
            plots.show_points(data)
        return True

    def start_editing(self) -> None:
        """Training ▸ Draw Points on the Map: the map of the document's data, editing on
        (the same as the plot toolbar's Edit points)."""
        plots = self.ctl.plots
        self.ctl.show_plots()
        plots.ensure_built()
        plots.set_editing(True)

    def _on_editing(self, on: bool) -> None:
        if on and not self.show_data():
            self.ctl.plots.set_editing(False)
        elif on:
            self.ctl.show_message(
                "Edit points: click adds a point, Shift+click the other class, drag moves, "
                "right-click deletes; every edit is one undo step"
            )

    def _on_history(self, _index: int) -> None:
        if self.ctl.closed:  # (a closing window's stack is cleared after its panels went)
            return
        if self.ctl.plots.editing and not self.ctl.going:
            self.show_data()

    def after_run(self) -> None:
        """A run ended: the map shows all the samples again while editing."""
        if self.ctl.plots.editing:
            self.show_data()

    # --- editing ----------------------------------------------------------------------------
    def _push(self, table: TableData, text: str) -> bool:
        ctl = self.ctl
        doc = ctl.window.document
        state = doc.training.replace(dataset=table)
        command = SetTrainingCommand(doc, state, text)
        ctl.window.undo_stack.push(command)
        if command.error is not None:
            ctl.show_message(str(command.error))
            return False
        self.show_data()
        return True

    def _allowed(self) -> bool:
        if self.ctl.going:
            self.ctl.show_message("Pause or let the run finish before editing its data")
            return False
        if not self.ctl.docs.wanted():
            self.ctl.show_message(NEEDS_FEATURES)
            return False
        return True

    def add(self, x: float, y: float, cls: float) -> bool:
        if not self._allowed():
            return False
        try:
            table = self.table()
            width = len(table.columns)
            if width != 3:
                raise TrainingError("points are drawn on a table of two features and a target")
            new = with_rows(table, [[x, y, cls]])
        except TrainingError as exc:
            self.ctl.show_message(str(exc))
            return False
        sign = "+1" if cls > 0 else "−1"
        return self._push(new, f"Add a point ({x:.3g}, {y:.3g}) of class {sign}")

    def move(self, row: int, x: float, y: float) -> bool:
        if not self._allowed():
            return False
        try:
            new = with_cell(with_cell(self.table(), row, 0, x), row, 1, y)
        except TrainingError as exc:
            self.ctl.show_message(str(exc))
            return False
        return self._push(new, f"Move point {row} to ({x:.3g}, {y:.3g})")

    def remove(self, row: int) -> bool:
        if not self._allowed():
            return False
        try:
            new = without_rows(self.table(), [row])
        except TrainingError as exc:
            self.ctl.show_message(str(exc))
            return False
        return self._push(new, f"Delete point {row}")
