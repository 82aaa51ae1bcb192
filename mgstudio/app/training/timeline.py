"""The timeline of a document's training runs: a slider under the loss plot (and dragging along
the curve) puts the canvas, the predictions table and the decision boundary at a step of the
shown run; "Continue from here" trains a branch from that step, "Step 0" returns to the run's
own initial parameters, and the Training Runs dock lists, renames and deletes the runs.

A step between two kept steps shows the kept step at or before it (``training.timeline``
says why); the label under the slider says which step the numbers are from.

Scrubbing is fast because nothing is rebuilt: the document was compiled once per run
(``Scrubber``), a position is one parameter vector, one batched replay over the samples and
one over the boundary grid, one ``Document.set_values`` (the canvas' items update in place)
and a blit of the boundary; slider moves that arrive faster than that are coalesced, only
the newest position is drawn.
"""

from __future__ import annotations

import inspect
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from mgstudio.document import Document, DocumentError
from mgstudio.document.training_state import RunRecord, TrainingState
from mgstudio.training import TrainingError
from mgstudio.training.datasets import Dataset
from mgstudio.training.document_training import DocumentRun
from mgstudio.training.timeline import (
    Scrubber,
    delete_run,
    history_records,
    kept_at,
    rename_run,
    run_dataset,
    start_step,
    values_at,
    with_position,
)

from ..background import Task, tasks_for
from ..host import WindowHost
from ..window_layout import make_dock
from .run_commands import RunsEditCommand
from .runs_list import RunsList
from .timeline_bar import TimelineBar
from .timeline_plot import LossOverlay

#: after the last scrub this long, the plots leave blitting and the position is written
SETTLE_MS = 350
#: the document's edits after which the compiled run may no longer be its graph
STRUCTURE_EVENTS = ("node_added", "node_removed", "wire_added", "wire_removed")
#: the controller's states while its own run owns the plots
BUSY = ("running", "paused")


class Timeline(QObject):
    """See the module docstring; made by ``install_timeline``."""

    #: a position was put on screen (step asked, kept step shown)
    shown = Signal(int, int)

    def __init__(self, window: WindowHost, controller):
        super().__init__(window.window())
        self.window = window
        self.controller = controller
        self.plots = controller.plots
        self.doc: Document | None = None
        self.index: int | None = None
        self.scrubber: Scrubber | None = None
        self.dataset: Dataset | None = None
        self.grid: tuple[np.ndarray, np.ndarray] | None = None
        self.shown_step: int | None = None  # the kept step on screen
        self.branch_task: Task | None = None
        self._pending: int | None = None
        self._own_change = False
        self._blitting = False
        self._plots_ours = False  # the plots show this timeline's run (not another's)
        self._recompile = False
        self._replot_when_idle = False

        self.bar = TimelineBar()
        self.bar.hide()
        # under the loss plot, above "Save figure…" (the pane's splitter is item 0)
        self.plots.layout().insertWidget(1, self.bar)
        self.overlay = LossOverlay(self.plots)
        # a pane that draws a test-loss line is told so when a run starts (the branch that
        # brought the test split gave ``PlotPane.start`` its ``test`` flag)
        self._pane_draws_test = "test" in inspect.signature(self.plots.start).parameters
        self.runs = RunsList()
        self.runs_dock, restored = make_dock(
            window.window(),
            "Training Runs",
            "training_runs_dock",
            self.runs,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        if not restored:
            self.runs_dock.hide()

        self._apply_timer = QTimer(self)  # the newest position, once per turn of the loop
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(0)
        self._apply_timer.timeout.connect(self._apply_pending)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self.settle)

        self.bar.slider.valueChanged.connect(self.request)
        self.bar.slider.sliderReleased.connect(self._settle_timer.start)
        self.bar.reset_button.clicked.connect(self.reset_to_start)
        self.bar.continue_button.clicked.connect(self.continue_from_here)
        self.overlay.scrubbed.connect(self.bar.slider.setValue)
        self.runs.run_chosen.connect(self.choose_run)
        self.runs.renamed.connect(self.rename)
        self.runs.delete_requested.connect(self.delete)
        controller.state_changed.connect(self._on_controller_state)
        window.file_changed.connect(self._follow_document)
        self._follow_document()

    # --- which document, which run ----------------------------------------------------------
    @property
    def state(self) -> TrainingState:
        return self.doc.training if self.doc is not None else TrainingState()

    @property
    def run(self) -> RunRecord | None:
        runs = self.state.runs
        return runs[self.index] if self.index is not None and self.index < len(runs) else None

    def _follow_document(self, *_args) -> None:
        doc = self.window.document
        if doc is self.doc:
            return
        if self.doc is not None:
            self.doc.events.training_changed.disconnect(self._on_training_changed)
            for name in STRUCTURE_EVENTS:
                getattr(self.doc.events, name).disconnect(self._on_structure)
        self.doc = doc
        self.index = self.scrubber = None
        doc.events.training_changed.connect(self._on_training_changed)
        for name in STRUCTURE_EVENTS:
            getattr(doc.events, name).connect(self._on_structure)
        self.reload(show=True)

    def _on_structure(self, *_args) -> None:
        self._recompile = True  # at the next position: the graph the learner has now

    def _on_training_changed(self) -> None:
        if not self._own_change:
            self.reload(show=False)

    def reload(self, show: bool = False) -> None:
        """Show the document's runs: the run and step of its position (else the last run,
        at its end), without touching the document's values."""
        state = self.state
        if not state.runs:
            self.index = self.scrubber = None
            self.runs.show_state(state, None)
            self.bar.hide()
            self.overlay.hide_cursor()
            return
        if state.position is not None and state.position[0] < len(state.runs):
            index, step = state.position
        else:
            index = len(state.runs) - 1
            step = state.runs[index].steps
        self.runs.show_state(state, index)
        if show:
            self.runs_dock.show()
            self.controller.show_plots()
        self.show_run(index, step, apply=False)

    def show_run(self, index: int, step: int, apply: bool = True) -> None:
        """Plots, overlays and slider for run ``index``, at ``step``; ``apply`` also puts
        the canvas' parameters there."""
        state = self.state
        run = state.runs[index]
        self.index = index
        self.shown_step = None
        self._compile(state, run)
        if self.controller.state not in BUSY:
            self._plot_history(state, index)
        else:  # (a run of this document just ended, before the controller says so)
            self._replot_when_idle = True
        bar = self.bar
        bar.show()
        bar.slider.blockSignals(True)
        bar.slider.setRange(0, run.steps)
        bar.slider.setValue(step)
        bar.slider.blockSignals(False)
        bar.lr.setValue(run.settings.lr)
        bar.steps.setValue(max(1, min(run.settings.steps, bar.steps.maximum())))
        self._enable(self.controller.state not in BUSY)
        self.apply(step, set_document=apply)
        if apply:
            self.commit_position()

    def _compile(self, state: TrainingState, run: RunRecord) -> None:
        self._recompile = False
        try:
            self.scrubber = Scrubber(self.doc, run)  # type: ignore[arg-type]
            self.dataset = run_dataset(state, run)
        except (TrainingError, DocumentError, ValueError) as exc:
            self.scrubber = self.dataset = None
            self.controller.show_message(f"The timeline shows {run.name}'s curve only: {exc}")

    def _plot_history(self, state: TrainingState, index: int) -> None:
        run = state.runs[index]
        plots = self.plots
        if self.dataset is None:
            return
        starts = [start_step(state, i) for i in range(len(state.runs))]
        longest = max(s + r.steps for s, r in zip(starts, state.runs))
        tops = [float(np.nanmax(r.loss)) for r in state.runs if r.steps]
        plots.ensure_built()
        first = max(tops) if tops else None
        if self._pane_draws_test and len(run.test_loss):
            plots.start(self.dataset, max(longest, 1), first_loss=first, test=True)
        else:
            plots.start(self.dataset, max(longest, 1), first_loss=first)
        plots.add_records(history_records(run, starts[index]))
        # the pane gives its lines their data at each switch of live drawing, whether or not
        # it is on screen now (its refresh waits until it is): so the curve is there at once
        plots.set_live(True)
        plots.set_live(False)
        plots.refresh()
        self.grid = plots.decision_grid()
        self.overlay.show_runs(state.runs, index, starts)
        self._plots_ours = True
        self._replot_when_idle = False

    def _enable(self, on: bool) -> None:
        idle = on and self.branch_task is None
        self.bar.slider.setEnabled(on)
        self.bar.reset_button.setEnabled(idle)
        self.bar.continue_button.setEnabled(idle and self.scrubber is not None)

    def _on_controller_state(self, state: str) -> None:
        if state in BUSY:  # its run owns the plots now; ours come back at the next scrub
            self._plots_ours = False
            self.overlay.hide_cursor()
        elif self._replot_when_idle and self.index is not None and self.run is not None:
            self._plot_history(self.state, self.index)  # the runs changed while it trained
            self.shown_step = None
            self.apply(self.bar.slider.value(), set_document=False)
        self._enable(state not in BUSY)

    # --- scrubbing --------------------------------------------------------------------------
    def request(self, step: int) -> None:
        """Show ``step`` soon: positions arriving faster than they are drawn are coalesced."""
        if self.run is None or self.index is None:
            return
        if not self._plots_ours and self.controller.state not in BUSY:
            self._plot_history(self.state, self.index)  # another run had the plots
            self.shown_step = None
        self._pending = step
        if not self._blitting and self.plots.built:
            self._blitting = True
            self.plots.set_live(True)  # blit the boundary from now on (one full draw first)
        if not self._apply_timer.isActive():
            self._apply_timer.start()
        if not self.bar.slider.isSliderDown():
            self._settle_timer.start()

    def _apply_pending(self) -> None:
        step, self._pending = self._pending, None
        if step is not None:
            self.apply(step)

    def apply(self, step: int, set_document: bool = True) -> None:
        """Put canvas, table and boundary at the kept step at or before ``step``.

        The canvas changes through ``Document.set_values`` and on no undo stack: a position
        is a view of the run, which the file keeps whole, not an edit of the learner's graph;
        a drag passes hundreds of positions, which as undo steps would bury the learner's own
        edits (and undoing them would only scrub back). Edits made at a position are undo
        steps as usual, and "Continue from here" is one."""
        run, doc = self.run, self.doc
        if run is None or doc is None:
            return
        kept = kept_at(run, step)
        self._say(step, kept)
        self.overlay.set_step(step)
        if kept == self.shown_step:
            return
        self.shown_step = kept
        if set_document:
            try:
                doc.set_values(values_at(run, kept, doc))
            except DocumentError as exc:
                self.controller.show_message(f"The canvas cannot show step {kept}: {exc}")
        if self._recompile:
            self._compile(self.state, run)
        scrubber = self.scrubber
        if scrubber is not None and self.dataset is not None:
            params = scrubber.params(kept)
            if not self.plots.table.isHidden():
                self.plots.set_predictions(scrubber.evaluate(params, self.dataset.X))
            if self.grid is not None:
                self.plots.set_grid_scores(scrubber.grid_scores(params, self.grid))
            self.plots.refresh()
        self.shown.emit(step, kept)

    def _say(self, step: int, kept: int) -> None:
        run = self.run
        assert run is not None
        # the loss measured on the shown parameters: loss[k] is before step k's update
        loss = f" · loss {run.loss[kept]:.4g}" if kept < run.steps else ""
        where = f"step {kept}/{run.steps}"
        if kept != step:
            where = f"step {step}/{run.steps} → kept {kept}"
        self.bar.label.setText(where + loss)
        self.bar.label.setToolTip(
            f"{run.name}: the canvas, table and boundary show the parameters after {kept} "
            "steps" + ("" if kept == step else f" (the run keeps step {kept}, not {step})")
        )

    def settle(self) -> None:
        """The scrub ended: ordinary drawing again, and the position written."""
        self._apply_timer.stop()
        self._apply_pending()
        if self._blitting:
            self._blitting = False
            self.plots.set_live(False)
        self.commit_position()

    def commit_position(self) -> None:
        """Write where the canvas is into the training state (no undo step, as the scrub:
        the values it describes are not on the stack either); so a save, a reopen and the
        parent of a run trained from here agree with the canvas."""
        doc, index, kept = self.doc, self.index, self.shown_step
        if doc is None or index is None or kept is None:
            return
        state = with_position(doc.training, index, kept)
        self._own_change = True
        try:
            doc.set_training(state)
        finally:
            self._own_change = False

    def reset_to_start(self) -> None:
        """The run's step-0 parameters, exactly (its ``initial`` vector)."""
        if self.run is None:
            return
        self.bar.slider.setValue(0)
        self.settle()
        self.controller.show_message(f"{self.run.name}: step 0, its initial parameters")

    def choose_run(self, index: int) -> None:
        if 0 <= index < len(self.state.runs) and index != self.index:
            self.settle()
            self.show_run(index, self.state.runs[index].steps, apply=True)

    # --- editing the runs (undo steps) ------------------------------------------------------
    def _push(self, state: TrainingState, text: str, values=None) -> None:
        assert self.doc is not None
        self.window.undo_stack.push(RunsEditCommand(self.doc, state, text, values))

    def rename(self, index: int, name: str) -> None:
        state = rename_run(self.state, index, name)
        if state != self.state:
            self._push(state, f"Rename run to {state.runs[index].name}")

    def delete(self, index: int) -> None:
        state = self.state
        if 0 <= index < len(state.runs):
            self._push(delete_run(state, index), f"Delete {state.runs[index].name}")

    def continue_from_here(self) -> object:
        """Train a branch from the shown step with the bar's rate and steps (off the GUI
        thread, Cancel in its progress dialog); the result is one undo step."""
        run, doc, index = self.run, self.doc, self.index
        if run is None or doc is None or index is None or self.branch_task is not None:
            return None
        self.settle()
        kept = self.shown_step if self.shown_step is not None else run.steps
        settings = replace(
            run.settings, lr=float(self.bar.lr.value()), steps=int(self.bar.steps.value())
        )
        base = with_position(doc.training, index, kept).replace(settings=settings)
        try:
            branch = DocumentRun(
                doc,
                base,
                features=list(run.features) or None,
                prediction=run.prediction,
            )
        except (TrainingError, DocumentError, ValueError) as exc:
            self.controller.show_message(f"Cannot continue from here: {exc}")
            return None
        total = settings.steps

        def work(progress):
            branch.run(callback=lambda r: progress(r["step"] + 1, total))
            return branch.values(), branch.state()

        self.branch_task = tasks_for(self.window.window()).run(
            f"Training {branch.name}",
            work,
            on_done=lambda result: self._branch_done(doc, kept, result),
            on_failed=lambda message: self._branch_ended(f"The branch stopped: {message}"),
            on_cancelled=lambda: self._branch_ended("Cancelled: the runs are as they were"),
        )
        self._enable(True)
        return self.branch_task

    def _branch_done(self, doc: Document, kept: int, result) -> None:
        self.branch_task = None
        if doc is not self.doc:
            return  # another document is shown now: the branch belonged to the old one
        values, state = result
        values = {nid: x for nid, x in values.items() if nid in doc}
        run = state.runs[-1]
        self._push(state, f"Continue from step {kept}: {run.steps} steps", values)
        self.controller.show_message(f"{run.name}: {run.steps} steps from step {kept}")

    def _branch_ended(self, message: str) -> None:
        self.branch_task = None
        self._enable(self.controller.state not in BUSY)
        self.controller.show_message(message)


def install_timeline(window: WindowHost, controller) -> Timeline:
    """Add the timeline and the runs dock to a window whose training is ``controller``."""
    timeline = Timeline(window, controller)
    runs = timeline.runs_dock.toggleViewAction()
    runs.setText("Training R&uns")
    controller.menu.addAction(runs)
    controller.timeline = timeline  # referenced as long as the controller
    return timeline
