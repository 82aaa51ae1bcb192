"""``PracticeTools``: a window's practice session: the dock, the canvas mask, the replays.

One per window (``practice_for(window)`` makes it on first use). Starting a session checks
the document can be practised on (``PracticeError`` words go to the status bar and the
panel), masks the answers on the canvas (``canvas.number_mask``), hides the panels that
would show them (Backward table, Inspector, step-through, derivative, gradient check) and
brings them back when the session ends: Esc, End, a new document, or any edit of the graph
(its answers would be stale).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from mgstudio.practice.predict import PracticeError, PredictSession

from ..canvas.number_mask import mask_numbers
from ..canvas.readable import show_readably
from ..doc_watch import EDITS, DocWatch
from ..window_layout import make_dock
from .panel import PracticePanel
from .replay_view import ReplayWindow

#: docks that show grads or data: hidden while the answers are
TELLING_DOCKS = (
    "backward_dock",
    "inspector_dock",
    "learn_stepper_dock",
    "learn_sweep_dock",
    "learn_gradcheck_dock",
)
DOCK_HEIGHT = 420
CHANGED = "The graph changed, so the practice ended (its answers were for the old graph)."


class PracticeTools(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("practice_tools")
        self.window = window
        self.session: PredictSession | None = None
        self.panel = PracticePanel()
        self.dock, _restored = make_dock(
            window, "Practice", "practice_dock", self.panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dock.hide()
        self._hidden_docks: list[QDockWidget] = []
        self._watch = DocWatch()
        self.replays: ReplayWindow | None = None  # made when first asked for
        self.panel.checked.connect(self.check)
        self.panel.shown.connect(self.show_me)
        self.panel.moved.connect(self.move)
        self.panel.ended.connect(lambda: self.end())
        # closing the dock ends the session: nothing may stay hidden with no panel to ask
        # (the toggle action follows real closes, not a tab of the dock group being chosen)
        self.dock.toggleViewAction().toggled.connect(
            lambda shown: None if shown or self.session is None else self.end()
        )
        window.file_changed.connect(lambda *_a: self.end(CHANGED) if self.session else None)
        window.destroyed.connect(lambda *_a: self._watch.close())

    # --- a session ----------------------------------------------------------------------------
    def start(self, mode: str, selection: bool = False) -> PredictSession | None:
        """Start ``mode`` on the window's document (``selection``: only the selected nodes);
        None (and a sentence on the status bar) when it cannot start."""
        self.end()
        only = None
        if selection:
            only = self.window.canvas.selected_ids()
            if not only:
                self._refuse("Select the nodes whose grads you want to predict first.")
                return None
        try:
            session = PredictSession(self.window.document, mode, only)
        except PracticeError as e:
            self._refuse(str(e))
            return None
        self.session = session
        self._watch.watch(session.document, [(name, self._graph_changed) for name in EDITS])
        self._hide_telling_docks()
        self.dock.show()
        self.dock.raise_()
        # tall enough for the question list; the graph shown as a document is first shown
        # (fitted, never too small to read: the numbers are what the session is about)
        self.window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)
        show_readably(self.window.canvas, session.root)
        self.panel.show_session(session, "Type your answer and press Enter.")
        self._follow()
        return session

    def _refuse(self, why: str) -> None:
        self.window.show_message(why)
        self.dock.show()
        self.panel.show_session(None, why)

    def end(self, why: str = "") -> None:
        """End the session (if any): every number shows again, the panels come back."""
        session, self.session = self.session, None
        if session is None:
            return
        self._watch.close()
        mask_numbers(self.window.canvas.canvas_scene, {})
        for dock in self._hidden_docks:
            dock.show()
        self._hidden_docks = []
        self.panel.show_session(None, why or f"Session over. {session.score.text()}.")
        self.window.canvas.setFocus()

    def _graph_changed(self, *_args) -> None:
        self.end(CHANGED)

    # --- the learner's moves ------------------------------------------------------------------
    def check(self, text: str) -> None:
        if self.session is None:
            return
        feedback = self.session.answer(text)
        self.panel.refresh(feedback.message)
        self._follow()

    def show_me(self) -> None:
        if self.session is None:
            return
        feedback = self.session.show_me()
        self.panel.refresh(feedback.message)
        self._follow()

    def move(self, step: int) -> None:
        if self.session is None:
            return
        self.session.move(step)
        self.panel.refresh("")
        self._follow()

    def _follow(self) -> None:
        """The canvas hides what is still to answer and selects the node asked about."""
        session = self.session
        if session is None:
            return
        canvas = self.window.canvas
        mask_numbers(canvas.canvas_scene, session.masked())
        nid = session.current.node
        canvas.select_node(nid)
        item = canvas.item_for(nid)
        if item is not None:
            canvas.ensureVisible(item)
        self.panel.answer.setFocus()

    def _hide_telling_docks(self) -> None:
        window: QWidget = self.window
        for name in TELLING_DOCKS:
            dock = window.findChild(QDockWidget, name)
            if dock is not None and dock.isVisible():
                dock.hide()
                self._hidden_docks.append(dock)

    # --- replays ------------------------------------------------------------------------------
    def replay(self, key: str) -> ReplayWindow:
        """Show the misconception replay ``key`` (a key of ``practice.replays.REPLAYS``)."""
        if self.replays is None:
            self.replays = ReplayWindow(self.window)
        self.replays.show_replay(key)
        return self.replays
