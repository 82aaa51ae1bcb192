"""``WindowHost``: what a plugin (``app/training``, ``app/learn``) may use of the studio window.

Plugins are installed with the window (``install(window)``) and keep it; this protocol is the
whole of what they may touch: the document and its undo stack, the canvas, the file commands
a lesson or a network view needs, the menus to extend, and the few ``QMainWindow`` calls that
add docks, toolbars and actions. The window implements it (mypy checks that below), so a
plugin needs no ``getattr`` probe for attributes that always exist, and a new need of a
plugin shows up here, in review, rather than as one more attribute read off the window.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMenuBar, QStatusBar

from mgstudio.document import Document

if TYPE_CHECKING:
    from .canvas.view import CanvasView
    from .learn.install import LearnTools
    from .main_window import MainWindow
    from .training.controller import TrainingController


class WindowHost(Protocol):
    """The studio window as its plugins see it."""

    document: Document
    undo_stack: QUndoStack
    canvas: CanvasView
    #: the window's menus by name: "file", "edit", "view", "graph", "help"
    menus: dict[str, QMenu]
    #: the Backward panel's dock (the learning tools tab theirs with it)
    backward_dock: QDockWidget
    #: the installed plugins (None until installed)
    training: TrainingController | None
    learn: LearnTools | None

    @property
    def file_changed(self) -> SignalInstance: ...

    @property
    def destroyed(self) -> SignalInstance: ...

    # --- the studio's own --------------------------------------------------------------
    def show_message(self, text: str) -> None: ...

    def is_modified(self) -> bool: ...

    def maybe_save(self) -> bool: ...

    def set_document(
        self,
        document: Document,
        path: str | os.PathLike | None = None,
        name: str | None = None,
        stamp: Any = None,
        unsaved: bool = False,
    ) -> None: ...

    def open_example(self, path: str | os.PathLike, ask: bool = True) -> bool: ...

    def import_document(self, doc: Document, notes: Iterable[str] = ()) -> bool: ...

    # --- Qt's, for the plugin's docks, toolbars and actions ----------------------------
    def window(self) -> QMainWindow: ...  # the parent of what a plugin adds

    def menuBar(self) -> QMenuBar: ...

    def statusBar(self) -> QStatusBar: ...

    def addDockWidget(self, *args: Any, **kwargs: Any) -> None: ...

    def restoreDockWidget(self, dock: QDockWidget) -> bool: ...

    def tabifyDockWidget(self, first: QDockWidget, second: QDockWidget) -> None: ...

    def tabifiedDockWidgets(self, dock: QDockWidget) -> list[QDockWidget]: ...

    def resizeDocks(self, *args: Any, **kwargs: Any) -> None: ...

    def addToolBar(self, *args: Any, **kwargs: Any) -> Any: ...

    def addAction(self, *args: Any, **kwargs: Any) -> Any: ...

    def installEventFilter(self, filter: QObject) -> None: ...

    def close(self) -> bool: ...


if TYPE_CHECKING:

    def _the_window_is_a_host(window: MainWindow) -> WindowHost:
        return window  # mypy: MainWindow implements every member above
