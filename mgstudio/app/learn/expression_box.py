"""Type an expression, get its graph: ``x=3; f = 3*x**2 - 4*x + 5``.

The text goes through the document layer's code importer, which runs it with the safe
interpreter (``mgstudio.interpreter``, expression mode); Python never runs what is typed. In
front of the expression the box accepts ``name = number`` settings for free names (separated
by ``;`` or new lines), and ``name = expression`` as the last part names the output (else it
is called ``y``). ``tanh(x)`` is the expression's spelling of ``x.tanh()``. A free name
without a setting keeps the value a leaf of that label has in the current graph, else 0.

Building runs in a background task (the importer can take a while on long text); the result
arrives as ``built``, an error in the label beside the box.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from mgstudio.document import KINDS, DocumentError
from mgstudio.document.code_import import FUNCTIONS, CodeImportError, import_snippet

from .. import plain
from ..background import tasks_for

_NAME = r"[^\W\d]\w*"  # a Python name, any script (Python's own rule, as the importer reads it)
_SETTING = re.compile(rf"^\s*({_NAME})\s*=\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$")
_NAMED = re.compile(rf"^\s*({_NAME})\s*=(?!=)(.*)$", re.S)
MAX_TEXT = 5000
ERROR_WIDTH = 460  # pixels of the error shown under the box
ERROR_SHOWN_MS = 10_000  # then the red frame, the tooltip and the status bar keep it


def split_text(text: str) -> tuple[dict[str, float], str, str]:
    """``(settings, expression, output label)`` from the box's text (raises CodeImportError)."""
    if len(text) > MAX_TEXT:
        raise CodeImportError(f"the text is longer than {MAX_TEXT} characters")
    parts = [p for p in re.split(r"[;\n]", text) if p.strip()]
    if not parts:
        raise CodeImportError("type an expression such as 3*x**2 - 4*x + 5")
    settings: dict[str, float] = {}
    for part in parts[:-1]:
        m = _SETTING.match(part)
        if m is None:
            raise CodeImportError(
                f"'{part.strip()}' is not a setting: before the expression, "
                "write name = number (for example x = 3)"
            )
        try:
            # Python reads names NFKC-normalised (fullwidth ｘ is x): the setting must match
            settings[unicodedata.normalize("NFKC", m.group(1))] = float(m.group(2))
        except ValueError:
            raise CodeImportError(f"'{m.group(2)}' is not a number") from None
    last, label = parts[-1], ""
    m = _NAMED.match(last)
    if m is not None:
        label, last = m.group(1), m.group(2)
        if not last.strip():
            raise CodeImportError(f"'{label} =' needs an expression after it")
    return settings, last.strip(), label


def known_values(doc) -> dict[str, float]:
    """Label → value of the current graph's leaves (so retyping keeps x where it was)."""
    out: dict[str, float] = {}
    if doc is None:
        return out
    for node in doc.nodes.values():
        if node.label and KINDS[node.kind].is_leaf and node.value is not None:
            out.setdefault(node.label, node.value)
    return out


def build_expression(
    text: str, current=None, known: dict[str, float] | None = None, *, progress=None, cancel=None
):
    """A new Document for the box's text; raises CodeImportError with the importer's
    message. Free names take their values from ``known`` (else ``current``'s leaves).
    ``progress``/``cancel``: the importer's hooks (see ``code_import.import_snippet``)."""
    settings, expression, label = split_text(text)
    leaves = {**(known if known is not None else known_values(current)), **settings}
    doc, _ = import_snippet(
        expression, expression=True, leaves=leaves, progress=progress, cancel=cancel
    )
    used = {n.label for n in doc.nodes.values() if n.kind == "input"}
    unused = [name for name in settings if name not in used]
    if unused:
        # a typo (y=3 for x) would otherwise leave x at 0 without a word
        raise CodeImportError(f"'{unused[0]}' is set, but the expression does not use it")
    out = doc.selected_output
    if out is not None and not label and not KINDS[doc.nodes[out].kind].is_leaf:
        # an unnamed result still needs a name the panels and axes can show
        names = {n.label for n in doc.nodes.values()}
        label = next((n for n in ("y", "out", "result") if n not in names), "")
    if out is not None and label:
        try:
            doc.set_label(out, label)
        except DocumentError as exc:
            raise CodeImportError(str(exc)) from None
    return doc


class ExpressionBox(QWidget):
    """``f(x) =`` [line edit] [Build]: Return or the button builds the graph."""

    #: a new document was built from the text (the window shows it)
    built = Signal(object)
    message = Signal(str)

    def __init__(self, current=None, parent=None):
        super().__init__(parent)
        self.current = current  # callable returning the window's document, for known values
        self.error_text = ""
        self.task = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Expression"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("x=3; f = 3*x**2 - 4*x + 5")
        self.edit.setToolTip(
            f"An expression with + - * / **, unary -, and {' '.join(FUNCTIONS)} (as "
            "tanh(x) or x.tanh()). Free names become inputs; set them first with x=3; …. "
            "The text is interpreted, never run by Python."
        )
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(260)
        self.edit.returnPressed.connect(self.build)
        self._tip = self.edit.toolTip()
        self.edit.textEdited.connect(lambda _t: self.clear_error())
        layout.addWidget(self.edit, 1)
        self.button = QPushButton("Build graph")
        self.button.clicked.connect(self.build)
        layout.addWidget(self.button)
        # the error opens under the box, like a tooltip: it never widens the toolbar and
        # pushes Train and Step into the overflow menu
        self.error_label = QLabel(self, Qt.WindowType.ToolTip)
        self.error_label.setObjectName("expression_error")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setMaximumWidth(ERROR_WIDTH)
        self.error_label.setMargin(4)
        self.error_label.setStyleSheet(
            "QLabel#expression_error { color: #c62828; background: palette(tool-tip-base);"
            " border: 1px solid #c62828; }"
        )
        self.error_label.hide()
        self.edit.installEventFilter(self)
        # a popup left over a canvas that moved on is in the way: it goes after a while
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.setInterval(ERROR_SHOWN_MS)
        self._error_timer.timeout.connect(self.error_label.hide)

    def clear_error(self) -> None:
        self.error_text = ""
        self.error_label.setText("")
        self.error_label.hide()
        self.edit.setToolTip(self._tip)
        self.edit.setStyleSheet("")

    def _show_error(self, text: str) -> None:
        self.error_text = text
        self.error_label.setText(text)
        self.error_label.setToolTip(plain.tooltip(text))
        self.edit.setToolTip(plain.tooltip(text))
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #c62828; }")
        if self.edit.isVisible():
            self.error_label.adjustSize()
            self.error_label.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
            self.error_label.show()
            self._error_timer.start()

    def eventFilter(self, obj, event) -> bool:
        # the popup goes when the learner moves on; the red frame and the tooltip stay
        if obj is self.edit and event.type() == QEvent.Type.FocusOut:
            self.error_label.hide()
        return False

    def hideEvent(self, event) -> None:
        self.error_label.hide()
        super().hideEvent(event)

    def build(self):
        """Build from the text in a background task (returned); when it ends, ``built`` is
        emitted with the document or the error is shown."""
        current = self.current() if callable(self.current) else None
        text = self.edit.text()
        known = known_values(current)  # read here: the worker must not walk a live document
        if self.task is not None and self.task.running:
            self.task.cancel()

        def job(progress):
            return build_expression(
                text, known=known, progress=progress.fraction, cancel=progress.cancelled
            )

        self.task = tasks_for(self).run(
            "Building the graph", job, on_done=self._built, on_failed=self._failed
        )
        return self.task

    def _built(self, doc) -> None:
        self.clear_error()
        self.built.emit(doc)

    def _failed(self, message: str) -> None:
        text = " ".join(message.split())
        self._show_error(text)
        self.message.emit(text)
