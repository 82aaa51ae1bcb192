"""The Practice dock: one question at a time, typed answers, checked on Enter (issue 17).

The panel shows a ``practice.predict.PredictSession``: the question, a line for the answer,
what the last answer earned (right with the chain-rule line, wrong with a hint, or why the
text is no number), the score and the list of questions. Everything is on the keyboard:
Enter checks, Tab / Shift+Tab move to the next / previous question, F1 or Ctrl+H shows the
answer (unscored), Esc ends the session. For "Which way?" U, D and S (or up/down/stay) are
the answers, and three buttons say the same.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mgstudio.practice.predict import MODES, OPEN, RETRIED, RIGHT, SHOWN, WRONG, PredictSession

from .. import plain

MARKS = {OPEN: "·", RIGHT: "✓", WRONG: "✗", RETRIED: "✓✗", SHOWN: "○"}
SHOW_KEYS = ("F1", "Ctrl+H")


class PracticePanel(QWidget):
    """The dock's widget; the controller (``PracticeTools``) owns the session and the canvas."""

    #: the learner asked: check this text / show me / move by +-1 / end
    checked = Signal(str)
    shown = Signal()
    moved = Signal(int)
    ended = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: PredictSession | None = None
        self.title = plain.label("Practice", self)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.prompt = plain.label("Choose Practice ▸ Predict Gradients to start.", self)
        big = QFont(self.prompt.font())
        big.setPointSizeF(big.pointSizeF() * 1.25)
        self.prompt.setFont(big)
        self.prompt.setWordWrap(True)
        self.answer = QLineEdit(self)
        self.answer.setObjectName("practice_answer")
        self.answer.setPlaceholderText("type a number, then Enter")
        self.answer.setMaxLength(80)
        self.answer.returnPressed.connect(self._check)
        self.answer.installEventFilter(self)
        self.signs = QWidget(self)
        row = QHBoxLayout(self.signs)
        row.setContentsMargins(0, 0, 0, 0)
        for word in ("up", "down", "stay"):
            button = QPushButton(f"&{word.title()}", self.signs)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys go to the answer line
            button.clicked.connect(lambda _c=False, w=word: self.checked.emit(w))
            row.addWidget(button)
        self.feedback = plain.label("", self)
        self.feedback.setWordWrap(True)
        self.feedback.setObjectName("practice_feedback")
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.score = plain.label("", self)
        self.questions = QListWidget(self)
        self.questions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.questions.itemClicked.connect(
            lambda item: self.moved.emit(self.questions.row(item) - self._index())
        )
        buttons = QHBoxLayout()
        self._buttons: dict[str, QPushButton] = {}
        for key, text, slot, tip in (
            ("check", "Check", self._check, "Enter"),
            ("show", "Show me", self.shown.emit, " or ".join(SHOW_KEYS)),
            ("prev", "◀", lambda: self.moved.emit(-1), "Shift+Tab"),
            ("next", "▶", lambda: self.moved.emit(+1), "Tab"),
            ("end", "End", self.ended.emit, "Esc: the numbers come back"),
        ):
            button = QPushButton(text, self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(plain.tooltip(tip))
            button.clicked.connect(lambda _c=False, f=slot: f())
            buttons.addWidget(button)
            self._buttons[key] = button
        layout = QVBoxLayout(self)
        for widget in (self.title, self.prompt, self.answer, self.signs, self.feedback):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.score)
        layout.addWidget(self.questions, 1)
        self._shortcuts = [self._shortcut(key, self.shown.emit) for key in SHOW_KEYS] + [
            self._shortcut("Esc", self.ended.emit)
        ]
        self.show_session(None)

    def _shortcut(self, key: str, slot: Callable[[], None]) -> QShortcut:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    # --- keys ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Tab moves between questions, not the focus (the answer line keeps it)
        if watched is self.answer and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.session is not None:
                self.moved.emit(-1 if key == Qt.Key.Key_Backtab else +1)
                return True
        return super().eventFilter(watched, event)

    def _check(self) -> None:
        if self.session is not None:
            self.checked.emit(self.answer.text())

    def _index(self) -> int:
        return self.session.index if self.session is not None else 0

    # --- what is shown ------------------------------------------------------------------------
    def show_session(self, session: PredictSession | None, feedback: str = "") -> None:
        """Show ``session`` (None: idle; ``feedback`` then says how the last one ended)."""
        self.session = session
        active = session is not None
        self.answer.setEnabled(active)
        for button in self._buttons.values():
            button.setEnabled(active)
        self.signs.setVisible(active and session is not None and session.mode == "sign")
        if session is None:
            self.title.setText("Practice")
            self.prompt.setText("Choose Practice ▸ Predict Gradients (or another mode) to start.")
            self.feedback.setText(feedback)
            self.score.setText("")
            self.questions.clear()
            return
        self.title.setText(MODES[session.mode])
        self.answer.setPlaceholderText(
            "up, down or stay (U, D, S), then Enter"
            if session.mode == "sign"
            else "type a number, then Enter"
        )
        self.feedback.setText(feedback)
        self.refresh()

    def refresh(self, feedback: str | None = None) -> None:
        session = self.session
        if session is None:
            return
        q = session.current
        done = " Done: Esc ends the session." if session.done else ""
        self.prompt.setText(q.prompt if not q.settled else f"{q.prompt}  (answered)")
        if feedback is not None:
            self.feedback.setText(feedback)
        self.score.setText(session.score.text() + done)
        self.questions.clear()
        for question in session.questions:
            mark = MARKS[question.status]
            self.questions.addItem(f"{mark}  {question.prompt}")
        self.questions.setCurrentRow(session.index)
        self.answer.clear()
        self.answer.setFocus()
