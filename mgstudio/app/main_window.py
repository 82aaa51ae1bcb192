"""The studio window: the canvas in the middle, palette / inspector / backward panel / undo
history in docks, menus and a toolbar with standard shortcuts, and files (open, save, recent,
examples, import, export) with an unsaved-changes prompt. Errors become message boxes; the
document on screen is never lost to a failed open or save."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QPointF, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QUndoView,
    QWidget,
)

from mgstudio.document import Document, DocumentError
from mgstudio.engine import gc_paused
from mgstudio.session import IMPORTED, SUFFIX, DocumentSession, FileStamp

from . import actions as actions_mod
from . import autosave, file_dialogs, file_session, i18n, plain, window_layout, window_menus
from .background import BackgroundTasks
from .backward_panel import BackwardPanel
from .canvas.readable import show_readably
from .canvas.view import CanvasView
from .dialogs import ABOUT, CodeImportDialog, NeuronDialog
from .export import export_code, start_picture_export
from .icons import app_icon, refresh_icons, set_icon
from .inspector import InspectorWidget
from .output_label import OutputLabel
from .palette import PaletteWidget
from .settings import StudioSettings
from .theme import apply_theme

if TYPE_CHECKING:
    from .learn.install import LearnTools
    from .training.controller import TrainingController

APP_NAME = "mgstudio"
FILE_FILTER = "mgstudio graphs (*.mgs);;All files (*)"


class MainWindow(QMainWindow):
    """One document, its undo stack and every view of it."""

    #: the file shown changed (path, or None for an untitled graph)
    file_changed = Signal(object)
    # made by window_layout.build_docks and window_menus.build_menus
    palette_dock: QDockWidget
    inspector_dock: QDockWidget
    backward_dock: QDockWidget
    undo_dock: QDockWidget
    menus: dict[str, QMenu]

    def __init__(
        self,
        document: Document | None = None,
        settings: StudioSettings | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.settings = settings if settings is not None else StudioSettings()
        self.document = document if document is not None else Document()
        #: the file (path, stamp, untitled name, unsaved work) and the choices around it
        self.session = DocumentSession()
        #: how errors reach the user; the launcher swaps in stderr for --screenshot
        self.show_error: Callable[[str, str], None] = self._error_box
        #: asks what to do with a crashed session's work: "recover", "discard" or "later"
        self.ask_recovery: Callable[[autosave.Swap], str] = self._recovery_box
        #: keeps a swap file of unsaved work; off until ``enable_autosave`` (the launcher)
        self.autosaver: autosave.Autosaver | None = None
        #: asks Overwrite / Save As / Cancel, and Reload / Keep mine (see file_session)
        self.ask_save_conflict = file_session.ask_save_conflict
        self.ask_reload = file_session.ask_reload
        self.undo_stack = QUndoStack(self)
        #: long work (layout, rendering, import, checks) runs here, off the GUI thread
        self.tasks = BackgroundTasks(self)
        #: the plugins, once installed (they see the window as a ``host.WindowHost``)
        self.training: TrainingController | None = None
        self.learn: LearnTools | None = None
        self.setWindowIcon(app_icon())
        self.setDockNestingEnabled(True)

        self.canvas = CanvasView(self.document, self.undo_stack, self)
        self.setCentralWidget(self.canvas)
        self.palette_widget = PaletteWidget()
        self.inspector = InspectorWidget(self.document, self.undo_stack)
        self.inspector.step_spin.setValue(self.settings.nudge_step())
        self.backward_panel = BackwardPanel(
            self.document, auto=self.settings.auto_backward(), undo_stack=self.undo_stack
        )
        self.undo_view = QUndoView(self.undo_stack)
        self.undo_view.setEmptyLabel("<original>")

        window_layout.build_docks(self)

        self.named_actions = actions_mod.make_actions(self, window_menus.slots(self))
        self._undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self._undo_action.setShortcuts(actions_mod.key_sequences(actions_mod.Std.Undo))
        set_icon(self._undo_action, "undo")
        self._redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self._redo_action.setShortcuts(actions_mod.key_sequences(actions_mod.Std.Redo))
        set_icon(self._redo_action, "redo")
        self.named_actions["undo"] = self._undo_action
        self.named_actions["redo"] = self._redo_action
        self.named_actions["undo_history"] = self.undo_dock.toggleViewAction()
        self.named_actions["undo_history"].setText("Undo &History")
        self.layout_keeper = window_layout.WindowLayout(self, self.settings)
        self.layout_keeper.was_reset.connect(self.show_message)
        window_menus.build_menus(self)
        self.toolbars = window_layout.build_toolbars(self, self.named_actions)

        self.output = OutputLabel()
        self.output_label = self.output.label
        self.statusBar().addPermanentWidget(self.output_label)
        self._connect()
        window_layout.place_default(self)  # the saved layout comes back at the first show
        self._update_title()

    # --- construction -----------------------------------------------------------------------
    def _connect(self) -> None:
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.cleanChanged.connect(self.session.undo_clean_changed)
        self.canvas.status_message.connect(self.show_message)
        self.canvas.selection_changed.connect(self._on_selection)
        self.inspector.message.connect(self.show_message)
        self.backward_panel.message.connect(self.show_message)
        self.backward_panel.node_clicked.connect(self.canvas.select_node)
        self.palette_widget.kind_activated.connect(self.add_kind_at_centre)
        self.inspector.step_spin.valueChanged.connect(self.settings.set_nudge_step)
        self.backward_panel.auto_check.toggled.connect(self.settings.set_auto_backward)
        self.output.set_document(self.document)

    # --- documents --------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The document's file (None: untitled)."""
        return self.session.path

    @property
    def untitled_name(self) -> str:
        return self.session.untitled_name

    def set_document(
        self,
        document: Document,
        path: str | os.PathLike | None = None,
        name: str | None = None,
        stamp: FileStamp | None = None,
        unsaved: bool = False,
    ) -> None:
        """Show another document (its undo history starts empty and clean); ``stamp`` is
        how its file looked when it was read; ``unsaved``: it holds work saved nowhere
        (recovered, imported), so it is modified although its undo stack is clean."""
        self.output.set_document(None)
        self.undo_stack.clear()
        self.document = document
        # the panel first: its auto backward fills in the grads before the canvas builds its
        # items, so they are drawn once with their final numbers
        with gc_paused():  # thousands of items in a burst (see engine.value.gc_paused)
            self.backward_panel.set_document(document)
            # fitted, never too small to read (once it has its size)
            self.canvas.set_document(document, readable=True)
            self.inspector.set_document(document)
        self.output.set_document(document)
        self.undo_stack.setClean()
        self.session.show(path, name, stamp, unsaved)
        if unsaved:  # and on the stack: no undo step is the saved state (autosave hears it)
            self.undo_stack.resetClean()
        self._update_title()
        self.file_changed.emit(self.path)

    def display_name(self) -> str:
        return self.session.display_name()

    def is_modified(self) -> bool:
        return self.session.is_modified(self.undo_stack.isClean())

    def new_file(self) -> bool:
        if not self.maybe_save():
            return False
        self.stop_background_work()
        self.set_document(Document())
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        start = self.session.open_start()
        path, _ = QFileDialog.getOpenFileName(self, "Open graph", start, FILE_FILTER)
        return bool(path) and self.open_file(path, ask=False)

    def open_file(self, path: str | os.PathLike, ask: bool = True) -> bool:
        """Open a document; on failure the current one stays and the error is shown."""
        if ask and not self.maybe_save():
            return False
        try:
            doc, stamp = self.session.read(path)
        except DocumentError as exc:
            self.show_error("Can't open the file", str(exc))
            gone = self.session.missing_recent(path)
            if gone is not None:
                self.settings.remove_recent_file(gone)
            return False
        self.stop_background_work()
        self.set_document(doc, path, stamp=stamp)
        self.settings.add_recent_file(path)
        self.show_message(f"Opened {self.display_name()}")
        return True

    def open_example(self, path: str | os.PathLike, ask: bool = True) -> bool:
        """Open a shipped example as an untitled copy (Save asks where, never overwrites it)."""
        if ask and not self.maybe_save():
            return False
        try:
            doc = Document.load(path)
        except DocumentError as exc:
            self.show_error("Can't open the example", str(exc))
            return False
        self.stop_background_work()
        self.set_document(doc, None, name=self.session.example_name(path))
        if self._items_overlap():
            # examples are stored with compact positions; spread them for our node size
            self.canvas.auto_arrange(
                then=lambda: (self.forget_arrange(), show_readably(self.canvas))
            )
        if doc.title:
            self.show_message(doc.title)
        return True

    def _items_overlap(self, limit: int = 300) -> bool:
        items = self.canvas.canvas_scene.node_items()
        if len(items) > limit:
            return False
        rects = [it.sceneBoundingRect() for it in items]
        return any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])

    def forget_arrange(self) -> bool:
        """After arranging a just-opened graph: the arrangement is no edit of the user's
        (False: the user edited meanwhile, the history stays)."""
        if self.undo_stack.count() != 1 or self.undo_stack.text(0) != "Arrange nodes":
            return False
        self.undo_stack.clear()
        self.undo_stack.setClean()
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_file(self.path)

    def save_as(self) -> bool:
        start = self.session.save_as_start()
        path = file_dialogs.ask_save_path(self, "Save graph", start, FILE_FILTER, SUFFIX)
        return self.save_file(path) if path else False

    def save_file(self, path: str | os.PathLike) -> bool:
        """Save to ``path``; on failure the document stays modified, the file on disk stays
        as it was and the error is shown. A file changed on disk since it was read here
        is not replaced without asking."""
        answer = file_session.confirm_save(self, path)
        if answer != file_session.OVERWRITE:
            return answer == file_session.SAVE_AS and self.save_as()
        try:
            self.session.write(self.document, path)
        except DocumentError as exc:
            self.show_error("Can't save the file", str(exc))
            return False
        self.undo_stack.setClean()
        if self.autosaver is not None:
            self.autosaver.discard()
        saved = Path(path).resolve()
        self.settings.add_recent_file(saved)
        self._update_title()
        self.file_changed.emit(saved)
        self.show_message(f"Saved {saved.name}")
        return True

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        if not self.is_modified():
            return True
        answer = plain.ask(
            self,
            QMessageBox.Icon.Warning,
            APP_NAME,
            f"Save the changes to {self.display_name()}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def stop_background_work(self) -> None:
        """Pause a training run, and cancel layouts, renders and checks, before another
        document replaces this one."""
        self.tasks.cancel_all()
        if self.training is not None and self.training.state == "running":
            self.training.pause()

    # --- autosave and recovery --------------------------------------------------------------
    def enable_autosave(
        self, folder: str | os.PathLike | None = None, pid: int | None = None
    ) -> autosave.Autosaver:
        """Keep a swap file of unsaved work (in ``folder``, default ``autosave.default_dir``)."""
        if self.autosaver is not None:
            self.autosaver.stop()
        self.autosaver = autosave.Autosaver(
            self, Path(folder) if folder is not None else None, pid=pid
        )
        return self.autosaver

    def offer_recovery(self) -> bool:
        """Offer back the work of crashed sessions; True if one was recovered."""
        return autosave.offer_recovery(self)

    def recover(self, swap: autosave.Swap) -> bool:
        """Show a swap file's document, modified, under its original file's name."""
        try:
            doc = swap.document()
        except autosave.SwapError as exc:
            self.show_error(
                "Can't recover autosaved work", autosave.set_aside([(swap.path, str(exc))])
            )
            return False
        self.stop_background_work()
        self.set_document(doc, swap.original, name=swap.name, unsaved=True)  # saved nowhere yet
        if self.autosaver is not None:
            self.autosaver.flush()  # this session's swap file holds it from now on
        autosave.remove(swap.path)
        self.show_message(f"Recovered {self.display_name()}")
        return True

    def _recovery_box(self, swap: autosave.Swap) -> str:
        return file_session.ask_recovery(self, swap, APP_NAME)

    def _fill_recent_menu(self) -> None:
        window_menus.fill_recent_menu(self)

    # --- import / export --------------------------------------------------------------------
    def import_code_dialog(self) -> bool:
        dialog = CodeImportDialog(self)
        if dialog.exec() != CodeImportDialog.DialogCode.Accepted or dialog.document is None:
            return False
        return self.import_document(dialog.document, dialog.notes)

    def import_document(self, doc: Document, notes: Iterable[str] = ()) -> bool:
        """Show an imported graph as a new untitled document."""
        if not self.maybe_save():
            return False
        self.stop_background_work()
        self.set_document(doc, None, name=IMPORTED, unsaved=True)  # new work, saved nowhere
        self.show_message("; ".join(notes) if notes else f"Imported {len(doc.nodes)} nodes")
        return True

    def _export_path(self, title: str, suffix: str, filt: str) -> str | None:
        base = self.session.export_start(suffix)
        return file_dialogs.ask_save_path(self, title, base, filt, suffix)

    def export_picture_dialog(self, fmt: str) -> bool:
        path = self._export_path(
            f"Export {fmt.upper()}", f".{fmt}", f"{fmt.upper()} image (*.{fmt})"
        )
        return path is not None and self.export_picture(path)

    def export_picture(self, path: str | os.PathLike) -> bool:
        """Start exporting (Graphviz runs in a background task); False if refused at once."""

        def done(how: str) -> None:
            note = "" if how == "graphviz" else " (Graphviz not found: drew the canvas)"
            self.show_message(f"Exported {Path(path).name}{note}")

        try:
            start_picture_export(
                self.tasks,
                self.document,
                self.canvas.canvas_scene,
                path,
                done,
                lambda text: self.show_error("Can't export the picture", text),
            )
        except DocumentError as exc:
            self.show_error("Can't export the picture", str(exc))
            return False
        return True

    def export_code_dialog(self, flavour: str) -> bool:
        what = {"torch": "PyTorch code", "torch-module": "a PyTorch module"}.get(
            flavour, "micrograd code"
        )
        path = self._export_path(f"Export {what}", ".py", "Python (*.py)")
        return path is not None and self.export_code(path, flavour)

    def export_code(self, path: str | os.PathLike, flavour: str) -> bool:
        try:
            export_code(self.document, path, flavour)
        except DocumentError as exc:
            self.show_error("Can't export the code", str(exc))
            return False
        self.show_message(f"Exported {Path(path).name}")
        return True

    # --- graph ------------------------------------------------------------------------------
    def insert_neuron_dialog(self) -> list[str]:
        dialog = NeuronDialog(self)
        if dialog.exec() != NeuronDialog.DialogCode.Accepted:
            return []
        return self.canvas.insert_neuron(dialog.n_inputs(), dialog.activation())

    def add_kind_at_centre(self, kind: str) -> str | None:
        """A palette double-click: the new node lands in the middle of the view."""
        centre = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        return self.canvas.add_node_at(kind, QPointF(centre))

    def _on_selection(self, ids: list) -> None:
        self.inspector.set_selection(ids)
        if len(ids) == 1:
            self.backward_panel.select_row(ids[0])

    # --- feedback ---------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _error_box(self, title: str, text: str) -> None:
        plain.critical(self, title, text)

    def about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", ABOUT)

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(self.session.title(self.undo_stack.isClean(), APP_NAME))

    def window(self) -> QMainWindow:
        """Itself (a top-level window), typed as a QMainWindow for plugins (WindowHost)."""
        return self

    # --- window state -----------------------------------------------------------------------
    def setVisible(self, visible: bool) -> None:
        if visible and not self.layout_keeper.restored:
            # every plugin's docks exist by now: geometry, then dock state, in one go
            self.layout_keeper.restore()
        super().setVisible(visible)

    def choose_theme(self, theme: str) -> None:
        """View ▸ Theme: apply and remember (icons follow through the palette change)."""
        apply_theme(cast(QApplication, QApplication.instance()), theme)
        self.settings.set_theme(theme)

    def choose_language(self, choice: str) -> None:
        """View ▸ Language: switch every text at once and remember the choice."""
        self.settings.set_language(choice)
        i18n.apply(cast(QApplication, QApplication.instance()), choice)

    def save_window(self) -> None:
        self.layout_keeper.save()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.save_window()
        self.tasks.shutdown()  # cancel layouts, renders, checks; their results are dropped
        if self.autosaver is not None:
            self.autosaver.discard()  # saved, or the user chose to discard
        self.canvas.detach()
        self.output.set_document(None)
        self.inspector.set_document(None)
        self.backward_panel.set_document(None)
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            refresh_icons(self)  # every action's SVG icon, plugins' too, in the new colours
            self.palette_widget.refresh_icons()
        elif event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            # back at the front: did another window or program write our file? (asked after
            # the event, never from inside Qt's activation handling)
            QTimer.singleShot(0, self, lambda: file_session.check_disk(self))
        super().changeEvent(event)
