"""``TrainingController``: the training toolbar, menu, docks and status-bar progress of a
main window, the worker thread behind them, the live plots and the network on the canvas.

State: ``idle`` (a trainer may exist, not started), ``running``, ``paused``, ``finished``,
``diverged``. Settings edited after a trainer was made mark it stale: the next Train or Step
starts over with the new settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMenu,
    QMessageBox,
    QProgressBar,
    QToolBar,
)

from mgstudio.training import Trainer, TrainingError
from mgstudio.training.document_training import split_dataset
from mgstudio.training.metrics import describe, loss_words
from mgstudio.training.network_doc import NetworkDocument

if TYPE_CHECKING:
    from .dataset_editor import DatasetEditor
    from .timeline import Timeline

from .. import plain
from ..host import WindowHost
from . import chrome, network_follow
from .doc_session import DocumentSession, DocumentStepper
from .network_follow import NETWORK_NAME  # noqa: F401 (where callers find it)
from .network_view import NetworkSync, trace_sample
from .panel import TrainingPanel
from .plot_pane import PlotPane
from .point_edits import PointEditor
from .worker import TrainingRunner

FRAME_MS = 20  # the plots' frame timer: up to 50 frames per second while training
PLOTS_WIDTH = 460
IDLE, RUNNING, PAUSED, FINISHED, DIVERGED = "idle", "running", "paused", "finished", "diverged"


class TrainingController(QObject):
    """Everything training adds to a window; made by ``mgstudio.app.training.install``."""

    #: the state changed (one of the module's state names)
    state_changed = Signal(str)
    #: a run ended: finished, cancelled, diverged or failed
    run_ended = Signal(str)
    #: made by ``chrome.build``
    settings_dock: QDockWidget
    plots_dock: QDockWidget
    toolbar: QToolBar
    menu: QMenu

    def __init__(self, window: WindowHost):
        super().__init__(window.window())
        self.window = window
        self.trainer: Trainer | DocumentStepper | None = None
        #: runs of the window's own document (doc_session): its undo steps and live values
        self.docs = DocumentSession(self)
        self.timeline: Timeline | None = None  # the runs' timeline, set by install()
        self.dataset_editor: DatasetEditor | None = None  # Training ▸ Edit Dataset…, made once
        self.state = IDLE
        self.generation = 0
        self.last_record: dict | None = None
        self.last_snapshot: dict | None = None
        self.sync: NetworkSync | None = None
        self.closed = False
        #: how messages that need attention are shown; tests swap in a recorder
        self.notify = self._message_box
        #: asks yes/no before something slow; tests swap in a function
        self.confirm = self._question_box
        self._stale = True
        self._polled = 0
        self._box: QMessageBox | None = None
        self._closing = False

        self.runner = TrainingRunner()
        worker = self.runner.worker
        worker.progress.connect(self._on_progress)
        worker.snapshot.connect(self._on_snapshot)
        worker.finished.connect(self._on_finished)
        worker.diverged.connect(self._on_diverged)
        worker.failed.connect(self._on_failed)

        self.panel = TrainingPanel()
        self.panel.changed.connect(self._on_settings_changed)
        self.panel.pace_changed.connect(self._on_pace)
        self.panel.sample.changed.connect(self._on_sample)
        self.plots = PlotPane()
        self.plots.message.connect(self.show_message)
        self.plots.sample_picked.connect(self.panel.sample.setValue)
        self.point_editor = PointEditor(self)  # "Edit points" on the map: the document's data
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setFormat("%v / %m steps")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setToolTip("Training progress")
        self.progress_bar.hide()  # shown only while a run goes (running or paused)
        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._on_frame)

        self.actions: dict[str, QAction] = {}
        chrome.build(self)
        window.statusBar().addPermanentWidget(self.progress_bar)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._set_state(IDLE)

    @property
    def going(self) -> bool:
        """A run is under way (running or paused)."""
        return self.state in (RUNNING, PAUSED)

    @property
    def _trainer(self) -> Trainer | DocumentStepper:
        """The trainer, where the caller knows there is one."""
        assert self.trainer is not None, "no trainer yet"
        return self.trainer

    def show_settings(self) -> None:
        self._bring_up(self.settings_dock)

    def show_plots(self) -> None:
        self._bring_up(self.plots_dock)

    def _bring_up(self, dock: QDockWidget) -> None:
        appearing = not dock.isVisible()
        dock.show()
        dock.raise_()
        if appearing and not dock.isFloating():  # room for the form and for two axes' labels
            self.window.resizeDocks([dock], [PLOTS_WIDTH], Qt.Orientation.Horizontal)

    # --- commands -----------------------------------------------------------------------------
    def train(self) -> bool:
        """Start, resume, or (after a finished run or changed settings) start over."""
        if self.closed or self.state == RUNNING:
            return False
        outdated = self.docs.outdated(self.trainer)
        if self.state == PAUSED and not self._stale and not outdated:
            self.runner.worker.resume()
            self._set_state(RUNNING)
            return True
        if self._stale or outdated or self.trainer is None or self.state in (FINISHED, DIVERGED):
            if not self._new_trainer():
                return False
        self._start(paused=False)
        return True

    def pause(self) -> None:
        if self.state == RUNNING:
            self.runner.worker.pause()
            self._set_state(PAUSED)
            kept = self.docs.commit()  # a document's steps so far: one undo step
            self.show_message(
                "Paused: Train resumes, Step does one step"
                + (f" (Ctrl+Z undoes the {kept} steps)" if kept else "")
            )

    def step(self) -> bool:
        """One step, then pause (starting a run if none is going)."""
        if self.closed:
            return False
        outdated = self.docs.outdated(self.trainer)
        if self.state in (RUNNING, PAUSED) and not self._stale and not outdated:
            self.runner.worker.step_once()
            self._set_state(PAUSED)
            return True
        if self._stale or outdated or self.trainer is None or self.state in (FINISHED, DIVERGED):
            if not self._new_trainer():
                return False
        self._start(paused=True, steps=1)
        return True

    def reset(self) -> bool:
        """Stop any run and go back to step 0 with the current settings."""
        if self.closed:
            return False
        self.generation = self.runner.cancel()  # signals of the stopped run are ignored
        self.frame_timer.stop()
        kept = self.docs.commit()  # a document's run so far stays, as one undo step
        back = self._back_to_initialisation()
        if not self._new_trainer():
            self.trainer = None
            self.plots.set_live(False)
            self._set_state(IDLE)
            return False
        if back:
            self.show_message(
                f"Reset: {back}, step 0 (the parameters it started from); the next run "
                "starts from them"
                + (f"; the {kept} steps trained are one undo step" if kept else "")
            )
        else:
            self.show_message(
                f"Reset: the {kept} steps trained are one undo step (Ctrl+Z returns to before "
                "them); the next run starts from the graph's numbers now"
                if kept
                else "Reset: step 0, fresh weights from the seed"
            )
        return True

    def _back_to_initialisation(self) -> str:
        """Training the document: put its parameters back at the shown run's step 0 (the same
        initialisation every time); returns that run's name, or "" when there is none."""
        timeline = self.timeline
        if not self.docs.wanted() or timeline is None or timeline.run is None:
            return ""
        timeline.reset_to_start()
        return timeline.run.name

    def _new_trainer(self, follow: bool = True) -> bool:
        """A trainer from the settings; on a settings error the current run is left alone.
        A network shown on the canvas is rebuilt for the new trainer (``follow``): after Reset
        or new settings it must show this run, not keep the numbers of the old one."""
        try:
            trainer = self._make_trainer()
        except (TrainingError, ValueError, TypeError) as exc:
            self.show_message(str(exc))
            self.show_settings()
            return False
        config = trainer.config
        self.generation = self.runner.cancel()  # the old run's late signals are ignored
        self.frame_timer.stop()
        shown = self.sync if self.sync is not None and self.sync.active else None
        if isinstance(trainer, DocumentStepper):
            shown = None  # the canvas shows the document being trained, not an MLP
        self.trainer = trainer
        self._stale = False
        self._polled = 0
        self.last_record = self.last_snapshot = None
        self.sync = None  # a new model: the old network document no longer matches
        self.progress_bar.setRange(0, config.steps)
        self.progress_bar.setValue(0)
        with QSignalBlocker(self.panel.sample):  # a sample beyond the new data is clamped
            self.panel.sample.set_dataset(trainer.dataset)
        self._set_state(IDLE)
        self.show_plots()
        self.plots.ensure_built()
        first = trainer.evaluate()["loss"]
        self.plots.start(
            trainer.dataset, config.steps, first_loss=first, test=trainer.test_set is not None
        )
        self.plots.mark_sample(self.panel.sample.value())
        self.plots.set_live(False)
        if follow and shown is not None:
            self._follow_network(shown)
        return True

    def _start(self, paused: bool, steps: int = 0) -> None:
        self.runner.worker.set_pace(self.panel.pace())
        self.generation = self.runner.start(
            self.trainer, self.plots.decision_grid(), paused=paused, steps=steps
        )
        self.plots.set_live(True)
        self.frame_timer.start()
        self._set_state(PAUSED if paused else RUNNING)

    # --- the worker's reports (GUI thread) ----------------------------------------------------
    def _current(self, generation: int) -> bool:
        return not self.closed and generation == self.generation

    @Slot(int, object)
    def _on_progress(self, generation: int, record: dict) -> None:
        if not self._current(generation):
            return
        self.last_record = record
        self.progress_bar.setValue(record["step"] + 1)
        sync = self.sync
        traced = f"  · canvas: sample {sync.net.sample}" if sync is not None and sync.active else ""
        self.window.statusBar().showMessage(
            f"step {record['step'] + 1}/{self._trainer.config.steps}  {self._loss_words()} "
            f"{record['loss']:.6g}  {describe(record)}  lr {record['lr']:.4g}{traced}"
        )

    @Slot(int, object)
    def _on_snapshot(self, generation: int, snap: dict) -> None:
        if not self._current(generation):
            return
        self.last_snapshot = snap
        self.plots.set_grid_scores(snap["grid"])
        self.plots.set_predictions(snap["predictions"])
        self.docs.offer(snap["params"], force=self.state == PAUSED)
        if self.state == PAUSED:
            self.docs.commit()  # a Step (or the steps before a pause): their own undo step
        if self.sync is not None:
            # a step while paused shows at once; a running stream at the sync's rate
            self.sync.offer(self.trainer, snap["params"], force=self.state == PAUSED)

    def _on_frame(self) -> None:
        if self.closed or self.trainer is None:
            return
        records = self._trainer.records_since(self._polled)
        self._polled += len(records)
        self.plots.add_records(records)
        self.plots.refresh()
        if self.sync is not None:
            self.sync.flush()  # weights that came sooner than the sync's rate allowed

    def _end_run(self) -> None:
        self.frame_timer.stop()
        self._on_frame()  # the last records
        self.plots.set_live(False)
        if self.sync is not None and self.last_snapshot is not None:
            self.sync.offer(self.trainer, self.last_snapshot["params"], force=True)
        kept = self.docs.commit()  # a document's run: one undo step "Train N steps"
        self.point_editor.after_run()
        if kept:
            self.window.statusBar().showMessage(f"Trained {kept} steps: Ctrl+Z undoes them", 10000)

    @Slot(int, str)
    def _on_finished(self, generation: int, reason: str) -> None:
        if not self._current(generation):
            return
        self._end_run()
        if reason == "done":
            self._set_state(FINISHED)
            final = self.last_record
            if final is not None:
                undo = " (Ctrl+Z undoes the run)" if self.docs.stepper is not None else ""
                self.show_message(
                    f"Finished {self._trainer.step_count} steps: {self._loss_words()} "
                    f"{final['loss']:.6g}, {describe(final)}{undo}"
                )
        else:
            self._set_state(IDLE)
        self.run_ended.emit(reason)

    @Slot(int, str)
    def _on_diverged(self, generation: int, message: str) -> None:
        if not self._current(generation):
            return
        self._end_run()
        self._set_state(DIVERGED)
        self.show_message(message)
        self.notify("Training diverged", message)
        self.run_ended.emit("diverged")

    @Slot(int, str)
    def _on_failed(self, generation: int, message: str) -> None:
        if not self._current(generation):
            return
        self._end_run()
        self._set_state(DIVERGED)
        self.show_message(f"Training stopped: {message}")
        self.notify("Training stopped", message)
        self.run_ended.emit("failed")

    def _loss_words(self) -> str:
        # the canvas' network shows one sample's loss (its label says so); this is the total
        return loss_words(self._trainer.dataset.n_samples, self._trainer.config.batch_size)

    # --- settings -----------------------------------------------------------------------------
    def _on_settings_changed(self) -> None:
        if self.trainer is not None and not self._stale:
            self._stale = True
            self._set_state(self.state)  # "Resume" no longer applies
            shown = self.sync is not None and self.sync.active
            self.show_message(
                "Settings changed: the next Train, Step or Reset starts over"
                + (" (the network on the canvas follows it)" if shown else "")
            )

    def _on_pace(self, steps_per_second: float) -> None:
        self.runner.worker.set_pace(steps_per_second)

    # --- the network on the canvas ------------------------------------------------------------
    def _on_sample(self, sample: int) -> None:
        """Another sample chosen (picker, plot, table): the network on the canvas traces it.
        Not an undo step: which point is traced is no edit of the learner's graph, and picks
        must not bury their edits in the history (nor undo into stale numbers)."""
        self.plots.mark_sample(sample)
        words = self.panel.sample.text()
        sync = self.sync
        if sync is None or not sync.active:
            if words:
                self.show_message(f"Sample {sample} ({words}): Show Network on Canvas traces it")
            return
        if sample == sync.net.sample:
            return
        if trace_sample(sync.net, sync.trainer.dataset, sample):
            self.show_message(f"The network on the canvas traces sample {sample}: {words}")

    def _make_trainer(self) -> Trainer | DocumentStepper:
        """The window's document's run (doc_session), or the settings' MLP; with a test
        split the held-out samples give the test loss."""
        if self.docs.wanted():
            return self.docs.new_stepper()
        self.docs.forget()
        config = self.panel.config()
        data = self.panel.dataset_override()
        ratio = self.panel.test_ratio()
        if not ratio:
            return Trainer(config, dataset=data)
        if data is None:
            data = Trainer(config).dataset  # the settings' data, drawn as the trainer does
        train, test = split_dataset(data, ratio, config.seed)
        return Trainer(config, dataset=train, test_set=test)

    def _follow_network(self, old: NetworkSync) -> None:
        network_follow.follow_network(self, old)

    def _follow(self, net: NetworkDocument, trainer: Trainer) -> None:
        """Keep ``net`` in step with ``trainer`` while the window shows its document."""
        self.sync = NetworkSync(net, trainer, lambda doc: self.window.document is doc)

    def train_graph_toggled(self, on: bool) -> None:
        """Training ▸ Train This Graph: the next Train trains the window's document."""
        self._on_settings_changed()  # a run of the other kind must not be resumed
        self.show_message(
            "Train trains the graph on the canvas: mark its inputs as features (inspector)"
            if on
            else "Train trains the settings' MLP unless a leaf of the graph is a feature"
        )

    def edit_dataset(self) -> None:
        """Training ▸ Edit Dataset…: the document's own samples (dataset_editor)."""
        from .dataset_editor import show_dataset_editor

        show_dataset_editor(self)

    def show_network(self):
        """Open the MLP for the chosen sample as a document; returns it (None if not shown)."""
        return network_follow.show_network(self)

    # --- feedback -----------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        if not self.closed:
            self.window.statusBar().showMessage(text, 10000)

    def _message_box(self, title: str, text: str) -> None:
        # non-modal: training results stay visible and nothing waits for the click
        if self._box is not None:
            self._box.close()
        box = plain.message_box(self.window.window(), QMessageBox.Icon.Warning, title, text)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_box)
        box.show()
        self._box = box

    def _forget_box(self) -> None:
        self._box = None

    def _question_box(self, title: str, text: str) -> bool:
        answer = plain.ask(
            self.window.window(),
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _set_state(self, state: str) -> None:
        self.state = state
        a = self.actions
        a["train"].setEnabled(state != RUNNING)
        a["train"].setText("&Resume" if state == PAUSED and not self._stale else "&Train")
        a["pause"].setEnabled(state == RUNNING)
        self.progress_bar.setVisible(state in (RUNNING, PAUSED))
        self.state_changed.emit(state)

    # --- shutting down ------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if obj is self.window:
            kind = event.type()
            if kind == QEvent.Type.Close:
                self._closing = True
            elif kind == QEvent.Type.Show:
                self._closing = False
            elif kind == QEvent.Type.Hide and self._closing:
                # the close was accepted (an ignored close is not followed by a hide)
                self.shutdown()
        return False

    def shutdown(self) -> None:
        """Stop the run and the thread (waits for the current step); idempotent."""
        if self.closed:
            return
        self.closed = True
        self.frame_timer.stop()
        self.sync = None
        if self._box is not None:
            self._box.close()
        self.runner.shutdown()
