"""Import micrograd code: the front end of the interpreter (``mgstudio.interpreter``).

The learner pastes (or loads) a program, presses Run (Ctrl+Return): it runs in a background
task with its steps and nodes counted and Cancel at hand, its ``print`` lines and the
interpreter's notes fill the log, and every top-level Value it made fills the picker. Picking
another Value rebuilds the document from the same run (``program_document``), never running
the program again. Import brings the picked Value's graph in, running the code first when it
changed since the last run. A refusal is shown under the editor with its line, and the
editor's cursor goes to that line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QShortcut, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document import Document
from mgstudio.document.code_import import (
    CodeImportError,
    ImportCancelled,
    program_document,
)
from mgstudio.document.examples import list_programs
from mgstudio.interpreter import ProgramCancelled, ProgramError, Run, run_program

from . import plain
from .background import BackgroundTasks, Task

EXAMPLE_CODE = """\
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
"""

HINT = (
    "Paste a micrograd program, as in the lecture: Value(…) and its operations, functions, "
    "classes such as Neuron, Layer and MLP, loops, print, import math and random, "
    "from micrograd.nn import MLP. mgstudio interprets it in a safe subset of Python: "
    "Python never executes it, and it cannot open files or reach anything else. "
    "Run shows what it prints and the Values it made; Import brings the chosen Value's graph "
    "in, with each neuron, layer and MLP as a group."
)
#: the editor's mark on the line an error names
_ERROR_LINE = QColor(210, 60, 50, 48)


@dataclass
class _Ran:
    """What a Run job gives back: the run and the document of its picked Value."""

    text: str
    run: Run
    output: str | None  # the picked candidate; None when the program made no Value
    document: Document | None = None
    notes: list[str] = field(default_factory=list)
    problem: str = ""  # why the picked Value's document could not be built


@dataclass
class _Refused:
    """The program was refused or stopped with a message (a limit, an error at a line)."""

    message: str
    line: int | None
    log: list[str] = field(default_factory=list)  # what it printed before it stopped


def run_job(text: str, wanted: str | None):
    """The Run job (Qt-free, in the task's thread): run ``text``, then build the document of
    ``wanted`` (if it is still a candidate) or the default Value."""

    def job(progress):
        def counted(p) -> None:
            progress.status(f"{p.steps:,} steps · {p.nodes:,} nodes")

        try:
            run = run_program(text, progress=counted, cancel=progress.cancelled)
        except ProgramCancelled:
            raise ImportCancelled("the run was cancelled") from None
        except ProgramError as exc:
            return _Refused(str(exc), exc.line, list(exc.log))
        names = [c.name for c in run.candidates]
        output = wanted if wanted in names else (run.default.name if run.default else None)
        ran = _Ran(text, run, output)
        if progress.cancelled():  # pressed while the run ended: no graph to build
            raise ImportCancelled("the run was cancelled")
        if output is not None:
            progress.status(f"building the graph of {output}")
            try:
                ran.document, ran.notes = program_document(run, output)
            except CodeImportError as exc:
                ran.problem = str(exc)
        return ran

    return job


class CodeImportDialog(QDialog):
    """Runs a micrograd program (interpreted, never executed) and imports one of its Values.
    ``document`` and ``notes`` hold the result once the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None, text: str = EXAMPLE_CODE):
        super().__init__(parent)
        self.setWindowTitle("Import micrograd code")
        self.resize(780, 720)
        self.document: Document | None = None
        self.notes: list[str] = []
        self.run_result: _Ran | None = None  # the last run that ended with a run
        self._documents: dict[str, tuple[Document, list[str]]] = {}  # per picked name
        self._accept_after = False  # Import pressed: accept once the document is there
        #: the runs and builds go through background tasks (progress and Cancel over this
        #: dialog); one at a time
        self.tasks = BackgroundTasks(self)
        self.task: Task | None = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        top.addWidget(hint, 1)
        self.examples_button = QPushButton("E&xamples")
        self.examples_button.setToolTip(
            "Replace the code with an example (Ctrl+Z brings yours back)"
        )
        menu = QMenu(self.examples_button)
        self.example_actions = [menu.addAction("The lecture's expression (L = (a·b + c)·f)")]
        self.example_actions[0].triggered.connect(lambda: self.load_example(EXAMPLE_CODE))
        for title, program in list_programs():
            action = menu.addAction(title)
            action.triggered.connect(lambda _=False, t=program: self.load_example(t))
            self.example_actions.append(action)
        self.examples_button.setMenu(menu)
        top.addWidget(self.examples_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.editor = QPlainTextEdit()
        self.editor.setFont(fixed)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setPlainText(text)
        self.editor.textChanged.connect(self._code_changed)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor, 1)
        self.error = plain.label()  # the error quotes the pasted code
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d23c32;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        editor_layout.addWidget(self.error)

        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addWidget(QLabel("Output"))
        self.log = QPlainTextEdit()  # plain text by construction: print() can say anything
        self.log.setReadOnly(True)
        self.log.setFont(fixed)
        self.log.setPlaceholderText("What the program prints appears here when you Run it.")
        log_layout.addWidget(self.log, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(editor_box)
        self.splitter.addWidget(log_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

        pick = QHBoxLayout()
        pick_label = QLabel("&Value to import")  # Alt+V
        pick.addWidget(pick_label)
        self.picker = QComboBox()
        pick_label.setBuddy(self.picker)
        self.picker.setMinimumContentsLength(18)
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker.setToolTip("Every Value the program keeps at the top level, by name")
        self.picker.setEnabled(False)
        self.picker.activated.connect(self._picked)
        pick.addWidget(self.picker)
        self.summary = plain.label("Run the code (Ctrl+Return) to see what it prints and makes.")
        self.summary.setWordWrap(True)
        pick.addWidget(self.summary, 1)
        layout.addLayout(pick)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.run_button = buttons.addButton("&Run", QDialogButtonBox.ButtonRole.ActionRole)
        self.run_button.setToolTip("Run the program (Ctrl+Return)")
        self.run_button.clicked.connect(self.run)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setToolTip(
            "Import the chosen Value's graph (runs the code first if it changed)"
        )
        self.import_button.setDefault(True)
        # Import's clicks come here (its accepted() is left unconnected): the dialog closes
        # once the document is there
        self.import_button.clicked.connect(self.import_picked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.run)
        # by keyboard: the editor first (first in the chain, it has the focus at open; Tab
        # indents code, Ctrl+Tab leaves it), then the output, the picker (Alt+V), Run
        # (Alt+R), Import (Alt+I), Cancel (Esc), Examples
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        chain = [self.editor, self.log, self.picker, self.run_button, self.import_button]
        chain += [cancel, self.examples_button]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)
        # Tab types a tab in the editor, so Ctrl+Tab and Ctrl+Shift+Tab move the focus on
        # (everywhere in the dialog: no control is a trap for the keyboard)
        QShortcut(QKeySequence("Ctrl+Tab"), self, self.focusNextChild)
        for keys in ("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab"):  # as X11 and others send it
            QShortcut(QKeySequence(keys), self, self.focusPreviousChild)

    # --- what the learner does ----------------------------------------------------------------
    def code(self) -> str:
        return self.editor.toPlainText()

    def load_example(self, text: str) -> None:
        """Replace the code with ``text`` as one edit of the editor (Ctrl+Z undoes it)."""
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def run(self) -> Task | None:
        """Run the code in a background task (returned; None while another task runs)."""
        return self._start_run(accept=False)

    def import_picked(self) -> Task | None:
        """Import the picked Value: at once when its document is there, else after the run or
        build it needs (that task is returned)."""
        if self._busy():
            return None
        ran = self.run_result
        if ran is None or ran.text != self.code():
            return self._start_run(accept=True)
        if self.document is not None:
            self.accept()
        elif ran.problem:
            self._show_error(ran.problem)
        else:
            self._show_error("the program made no Value to import (assign one to a name)")
        return None

    def picked(self) -> str | None:
        return self.picker.currentData()

    def pick(self, name: str) -> Task | None:
        """Choose another of the run's Values (what the picker does); its document is built
        from the same run in a background task (returned; None when it was built before)."""
        index = self.picker.findData(name)
        if index < 0:
            raise KeyError(name)
        self.picker.setCurrentIndex(index)
        return self._picked(index)

    # --- the tasks ----------------------------------------------------------------------------
    def _busy(self) -> bool:
        return self.task is not None and self.task.running

    def _start_run(self, accept: bool) -> Task | None:
        if self._busy():
            return None
        self._accept_after = accept
        self._clear_error()
        task = self.tasks.run(
            "Running the program",
            run_job(self.code(), self.picked()),
            on_done=self._ran,
            on_failed=self._show_error,
            on_cancelled=self._run_cancelled,
        )
        return self._track(task)

    def _picked(self, index: int) -> Task | None:
        ran = self.run_result
        name = self.picker.itemData(index)
        if ran is None or name is None or self._busy():
            return None
        self._clear_error()
        if name in self._documents:
            self._show_document(name)
            return None
        self.document = None
        self.summary.setText(f"Building the graph of {name}…")

        def built(result: tuple[Document, list[str]]) -> None:
            self._documents[name] = result
            if self.picked() == name:
                self._show_document(name)

        def refused(message: str) -> None:
            self._show_error(message)
            self.summary.setText(f"{name} cannot be shown as a document.")

        task = self.tasks.run(
            f"Building the graph of {name}",
            lambda _progress: program_document(ran.run, name),
            on_done=built,
            on_failed=refused,
        )
        return self._track(task)

    def _track(self, task: Task) -> Task:
        self.task = task
        for w in (self.run_button, self.import_button, self.picker):
            w.setEnabled(False)
        task.ended.connect(self._task_ended)
        return task

    def _task_ended(self, _state: str) -> None:
        self.run_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self.picker.setEnabled(self.picker.count() > 0)

    # --- results ------------------------------------------------------------------------------
    def _ran(self, result: _Ran | _Refused) -> None:
        if isinstance(result, _Refused):
            self._accept_after = False
            self.run_result = None
            self._documents = {}
            self.document = None
            self.picker.clear()
            self.log.setPlainText("\n".join(result.log))  # what it printed up to there
            self.summary.setText("The program stopped: nothing to import.")
            self._show_error(result.message, result.line)
            return
        self.run_result = result
        run = result.run
        self._documents = {}
        self.picker.clear()
        for c in run.candidates:
            shown = c.name if len(c.name) <= 40 else c.name[:39] + "…"
            self.picker.addItem(f"{shown}  (line {c.line})", c.name)
            tip = plain.tooltip(c.name)  # a name may be code text: shown literally
            self.picker.setItemData(self.picker.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self._show_log(run.notes)
        counts = f"Ran {run.steps:,} steps, made {run.nodes:,} Values."
        if result.output is None:
            self.document = None
            self.summary.setText(counts + " No Value to import.")
            self._accept_after = False
            return
        self.picker.setCurrentIndex(self.picker.findData(result.output))
        if result.document is None:
            self.document = None
            self.summary.setText(f"{counts} {result.output} cannot be shown as a document.")
            self._show_error(result.problem)
            self._accept_after = False
            return
        self._documents[result.output] = (result.document, result.notes)
        self._show_document(result.output, counts)
        if self._accept_after:
            self.accept()

    def _show_document(self, name: str, counts: str = "") -> None:
        doc, notes = self._documents[name]
        self.document, self.notes = doc, notes
        groups = len(doc.groups)
        size = f"{name}: {len(doc.nodes):,} nodes" + (f" in {groups:,} groups" if groups else "")
        self.summary.setText(f"{counts} {size}.".strip())
        self._show_log(notes)

    def _show_log(self, notes: list[str]) -> None:
        """The run's printed lines, then the notes about the Value shown (plain text)."""
        ran = self.run_result
        lines = list(ran.run.log) if ran is not None else []
        self.log.setPlainText("\n".join(lines + [f"Note: {note}" for note in notes]))

    def _run_cancelled(self) -> None:
        self._accept_after = False
        self.summary.setText("The run was cancelled: nothing was imported.")

    def _show_error(self, message: str, line: int | None = None) -> None:
        """The message under the editor, with the line's code; the cursor goes to the line."""
        self._accept_after = False
        text = message
        block = self.editor.document().findBlockByNumber(line - 1) if line else None
        if block is not None and block.isValid():
            code = block.text().strip()
            if code:
                text += f"\n    {code if len(code) <= 120 else code[:119] + '…'}"
            cursor = QTextCursor(block)
            self.editor.setTextCursor(cursor)
            self.editor.centerCursor()
            mark = QTextEdit.ExtraSelection()
            mark.cursor = cursor
            mark.format.setBackground(_ERROR_LINE)
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            self.editor.setExtraSelections([mark])
            self.editor.setFocus()
        self.error.setText(text)
        self.error.show()

    def _clear_error(self) -> None:
        self.error.hide()
        self.editor.setExtraSelections([])

    def _code_changed(self) -> None:
        self.editor.setExtraSelections([])
        if self.run_result is not None and self.run_result.text != self.code():
            self.summary.setText(
                "The code changed since it ran: Run it again (Ctrl+Return), or Import runs "
                "it first."
            )

    def done(self, result: int) -> None:
        # closing the dialog (Cancel, Esc, the import's own accept) ends a running task
        self.tasks.shutdown()
        super().done(result)
