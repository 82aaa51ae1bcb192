"""The misconception replays' window: the wrong way and the right way side by side.

Each side shows its code, then its numbers as the canvas shows a node (label | data | grad)
or, for the forgotten ``zero_grad``, its loss curve (matplotlib, imported when first
needed). The recursion replay plays its two walks node by node: Next / Prev (→ / ←, N / P),
Space plays or pauses (a timer), Home goes back to the start. Every number comes from
``mgstudio.practice.replays``, computed when the replay is opened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgstudio.practice.replays import REPLAYS, Frame, Replay, Row, Side

from .. import plain
from ..canvas.numbers import format_number

FRAME_MS = 1200  # one node of the walk per tick while playing


class SideView(QGroupBox):
    """One side: the code, then the table (or the loss curve)."""

    def __init__(self, verdict: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict = verdict  # "Wrong" or "Right": which side this is
        self.code = plain.label("", self)
        self.code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.code.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["label", "data", "grad"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note = plain.label("", self)
        self.note.setWordWrap(True)
        self.plot: QWidget | None = None
        self._layout = QVBoxLayout(self)
        for widget in (self.code, self.table, self.note):
            self._layout.addWidget(widget)

    def show_side(self, side: Side, rows: tuple[Row, ...] | None = None, current: str = "") -> None:
        self.setTitle(f"{self.verdict}: {side.title}")
        self.code.setText(side.code)
        shown = side.rows if rows is None else rows
        self.table.setVisible(bool(shown))
        self.table.setRowCount(len(shown))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, row in enumerate(shown):
            cells = (row.label, format_number(row.data), format_number(row.grad))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row.label == current:
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor(255, 214, 102, 110)))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def texts(self) -> list[tuple[str, str, str]]:
        """The table as shown (tests read it)."""
        t = self.table
        out = []
        for r in range(t.rowCount()):
            cells = [t.item(r, c) for c in range(3)]
            label, data, grad = (cell.text() if cell is not None else "" for cell in cells)
            out.append((label, data, grad))
        return out

    def show_curve(self, side: Side, top: float) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the first import: ~1 s
        try:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            from matplotlib.figure import Figure
        finally:
            QApplication.restoreOverrideCursor()

        if self.plot is None:
            self.figure = Figure(figsize=(4, 3), dpi=100, layout="constrained")
            made = FigureCanvasQTAgg(self.figure)
            made.setMinimumHeight(220)
            self._layout.insertWidget(1, made)
            self.plot = made
        plot = self.plot
        assert isinstance(plot, FigureCanvasQTAgg)
        plot.show()
        self.figure.clear()
        ax = self.figure.add_subplot()
        colour = "#c0392b" if "Wrong" in self.verdict else "#2e86c1"
        ax.plot(range(len(side.losses)), side.losses, color=colour)
        ax.set_yscale("log")
        ax.set_ylim(1e-7, top * 3)
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.grid(True, alpha=0.3)
        plot.draw_idle()

    def hide_curve(self) -> None:
        if self.plot is not None:
            self.plot.hide()


class ReplayWindow(QDialog):
    """A non-modal window of the parent studio window, one replay at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replay_window")
        self.resize(900, 560)
        self.replay: Replay | None = None
        self.frame = 0
        self.heading = plain.label("", self)
        heading = QFont(self.heading.font())
        heading.setBold(True)
        heading.setPointSizeF(heading.pointSizeF() * 1.2)
        self.heading.setFont(heading)
        self.why = plain.label("", self)
        self.why.setWordWrap(True)
        self.wrong = SideView("✗ Wrong", self)
        self.right = SideView("✓ Right", self)
        sides = QHBoxLayout()
        sides.addWidget(self.wrong)
        sides.addWidget(self.right)
        self.player = QWidget(self)
        controls = QHBoxLayout(self.player)
        controls.setContentsMargins(0, 0, 0, 0)
        self.buttons = {}
        for key, text, slot in (
            ("start", "◀◀ Start", lambda: self.go(0)),
            ("prev", "◀ Prev", lambda: self.go(self.frame - 1)),
            ("play", "▶ Play", self.toggle_play),
            ("next", "Next ▶", lambda: self.go(self.frame + 1)),
        ):
            button = QPushButton(text, self.player)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys are the window's
            button.clicked.connect(lambda _c=False, f=slot: f())
            controls.addWidget(button)
            self.buttons[key] = button
        self.step_label = plain.label("", self.player)
        controls.addWidget(self.step_label, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.why)
        layout.addLayout(sides, 1)
        layout.addWidget(self.player)

    def show_replay(self, key: str) -> Replay:
        self.timer.stop()
        replay = REPLAYS[key]()
        self.replay = replay
        self.setWindowTitle(f"Misconception: {replay.title}")
        self.heading.setText(replay.title)
        self.why.setText(replay.why)
        self.player.setVisible(bool(replay.frames[0]))
        if replay.wrong.losses:
            top = max(max(replay.wrong.losses), max(replay.right.losses))
            for view, side in ((self.wrong, replay.wrong), (self.right, replay.right)):
                view.show_side(side)
                view.show_curve(side, top)
                view.note.setText(f"last loss {format_number(side.losses[-1])}")
        else:
            for view in (self.wrong, self.right):
                view.hide_curve()
        self.go(0) if replay.frames[0] else self._show_final()
        self.show()
        self.raise_()
        self.activateWindow()
        return replay

    def _show_final(self) -> None:
        replay = self.replay
        if replay is None or replay.wrong.losses:
            return
        self.wrong.show_side(replay.wrong)
        self.right.show_side(replay.right)
        self.wrong.note.setText("")
        self.right.note.setText("")

    # --- the walk, step by step -------------------------------------------------------------
    @property
    def frame_count(self) -> int:
        replay = self.replay
        return 0 if replay is None else max(len(replay.frames[0]), len(replay.frames[1]))

    def go(self, index: int) -> None:
        replay = self.replay
        if replay is None or not self.frame_count:
            return
        self.frame = max(0, min(index, self.frame_count - 1))
        for view, side, frames in (
            (self.wrong, replay.wrong, replay.frames[0]),
            (self.right, replay.right, replay.frames[1]),
        ):
            frame: Frame = frames[min(self.frame, len(frames) - 1)]
            view.show_side(side, frame.rows, frame.node)
            view.note.setText(f"step {min(self.frame, len(frames) - 1) + 1}: {frame.note}")
        self.step_label.setText(f"node {self.frame + 1} of {self.frame_count}")
        if self.frame == self.frame_count - 1:
            self.timer.stop()
            self.buttons["play"].setText("▶ Play")

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.buttons["play"].setText("▶ Play")
            return
        if self.frame >= self.frame_count - 1:
            self.go(0)
        self.buttons["play"].setText("⏸ Pause")
        self.timer.start()

    def _tick(self) -> None:
        self.go(self.frame + 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # (its buttons and tables take no focus, so the keys come here)
        key = Qt.Key(event.key())
        moves = {
            Qt.Key.Key_Right: 1, Qt.Key.Key_N: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_P: -1,
        }  # fmt: skip
        if key in moves and self.frame_count:
            self.go(self.frame + moves[key])
        elif key == Qt.Key.Key_Space and self.frame_count:
            self.toggle_play()
        elif key == Qt.Key.Key_Home and self.frame_count:
            self.go(0)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        self.timer.stop()
        super().closeEvent(event)
