"""The lessons: the walkthrough's examples in order, each with a short explanation and the one
thing to try next. Texts live in ``resources/lessons/NN-name.md``: ``key: value`` lines (title,
example, panels, select, output, zero_grad, training, try), a ``---`` line, then the explanation in
Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mgstudio.bundled import folder

from .. import plain

LESSONS_DIR = folder("lessons")
_KEYS = ("title", "example", "panels", "select", "output", "zero_grad", "training", "try")


@dataclass(frozen=True)
class Lesson:
    title: str
    example: str  # an example file name (``expression.mgs``) or ``mlp``
    body: str  # Markdown
    try_next: str
    panels: tuple[str, ...] = ()
    select: str = ""  # label of the node to select
    output: str = ""  # label of the node to step back from
    zero_grad: bool = True
    training: str = ""  # a training preset to put into the Training Settings, if present
    path: Path | None = field(default=None, compare=False)


class LessonError(ValueError):
    pass


def parse_lesson(text: str, path: Path | None = None) -> Lesson:
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise LessonError(f"{path}: no '---' line between the header and the text")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or key not in _KEYS:
            raise LessonError(f"{path}: unknown header line {line!r}")
        fields[key] = value.strip()
    for key in ("title", "example", "try"):
        if not fields.get(key):
            raise LessonError(f"{path}: the header needs '{key}:'")
    return Lesson(
        title=fields["title"],
        example=fields["example"],
        body=body.strip(),
        try_next=fields["try"],
        panels=tuple(fields.get("panels", "").split()),
        select=fields.get("select", ""),
        output=fields.get("output", ""),
        zero_grad=fields.get("zero_grad", "on").lower() not in ("off", "no", "false"),
        training=fields.get("training", ""),
        path=path,
    )


def load_lessons(folder: Path | None = None) -> list[Lesson]:
    """Every lesson in the folder, ordered by file name."""
    folder = LESSONS_DIR if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    return [parse_lesson(p.read_text(encoding="utf-8"), p) for p in sorted(folder.glob("*.md"))]


class LessonPanel(QWidget):
    """The current lesson: title, explanation, what to try next, and Previous / Next."""

    go_to = Signal(int)  # open lesson i
    reopen = Signal()  # open the current lesson's example again

    def __init__(self, lessons: list[Lesson], parent=None):
        super().__init__(parent)
        self.lessons = lessons
        self.index = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title_label = plain.label()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(False)
        layout.addWidget(self.body, 1)
        self.try_frame = QFrame()
        self.try_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.try_frame.setStyleSheet(
            "QFrame { background: #fff4d6; border: 1px solid #e0b030; border-radius: 4px; }"
            " QLabel { color: #3a2a00; border: none; }"
        )
        inner = QVBoxLayout(self.try_frame)
        inner.setContentsMargins(8, 6, 8, 6)
        self.try_label = QLabel()
        self.try_label.setWordWrap(True)
        inner.addWidget(self.try_label)
        layout.addWidget(self.try_frame)
        row = QHBoxLayout()
        self.prev_button = QPushButton("◀ Previous")
        self.again_button = QPushButton("Open the example again")
        self.next_button = QPushButton("Next ▶")
        self.prev_button.clicked.connect(lambda: self.go_to.emit(self.index - 1))
        self.next_button.clicked.connect(lambda: self.go_to.emit(self.index + 1))
        self.again_button.clicked.connect(self.reopen.emit)
        for b in (self.prev_button, self.again_button, self.next_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.position_label = plain.label()
        row.insertWidget(0, self.position_label)
        self.show_lesson(-1)

    def show_lesson(self, index: int) -> None:
        self.index = index
        n = len(self.lessons)
        if not 0 <= index < n:
            self.title_label.setText("Lessons")
            self.body.setMarkdown(
                "Choose **Help → Lessons** to start with the first lesson."
                if n
                else "No lessons were found."
            )
            self.try_label.setText("")
            self.try_frame.hide()
        else:
            lesson = self.lessons[index]
            self.title_label.setText(lesson.title)
            self.body.setMarkdown(lesson.body)
            self.try_label.setText(f"<b>Try next:</b> {_escape(lesson.try_next)}")
            self.try_frame.show()
        self.position_label.setText(f"{index + 1} / {n}" if 0 <= index < n else "")
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < n)
        self.again_button.setEnabled(0 <= index < n)

    def text(self) -> str:
        return "\n".join((self.title_label.text(), self.body.toPlainText(), self.try_label.text()))


def _escape(text: str) -> str:
    import html

    return html.escape(text)
