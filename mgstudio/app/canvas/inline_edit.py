"""A line edit laid over a node's cell: double-click a leaf's number or any node's label."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import QLineEdit


class InlineEditor(QLineEdit):
    """Commits once, on Enter or when focus leaves; Escape cancels."""

    committed = Signal(str)
    finished = Signal()

    def __init__(self, parent, rect: QRect, text: str):
        super().__init__(text, parent)
        self._done = False
        self.setGeometry(rect)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.selectAll()
        self.returnPressed.connect(self.commit)

    def commit(self) -> None:
        if self._done:
            return
        self._done = True
        text = self.text()
        self.hide()
        self.committed.emit(text)
        self.finished.emit()

    def cancel(self) -> None:
        if self._done:
            return
        self._done = True
        self.hide()
        self.finished.emit()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.commit()
