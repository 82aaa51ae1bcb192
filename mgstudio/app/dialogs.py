"""Small dialogs of the main window: Insert neuron, Import micrograd code, About."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from mgstudio.engine.ops import FUNCTIONS

from . import plain
from .background import BackgroundTasks
from .canvas.neuron import ACTIVATIONS, MAX_INPUTS

EXAMPLE_CODE = """\
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
"""


class NeuronDialog(QDialog):
    """Asks how many inputs the neuron has and which activation it applies."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Insert neuron")
        form = QFormLayout()
        self.inputs_spin = QSpinBox()
        self.inputs_spin.setRange(1, MAX_INPUTS)
        self.inputs_spin.setValue(2)
        self.inputs_spin.setToolTip("With 2 inputs the neuron gets the lecture's numbers")
        self.activation_combo = QComboBox()
        for act in ACTIVATIONS:
            self.activation_combo.addItem(act, act)
        form.addRow("Inputs", self.inputs_spin)
        form.addRow("Activation", self.activation_combo)
        layout = QVBoxLayout(self)
        text = QLabel(
            "Adds x·w for every input, a bias b, their sum n and the activation "
            "o, wired like the lecture's neuron."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def n_inputs(self) -> int:
        return self.inputs_spin.value()

    def activation(self) -> str:
        return self.activation_combo.currentData()


class CodeImportDialog(QDialog):
    """A text box for a micrograd snippet; it is parsed (never run) when accepted."""

    def __init__(self, parent=None, text: str = EXAMPLE_CODE):
        super().__init__(parent)
        self.setWindowTitle("Import micrograd code")
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Paste code that builds Values, as in the lecture. It is read, not run: "
            "Value(…), + - * / **, "
            + " ".join(f".{f}()" for f in FUNCTIONS)  # the op registry's functions
            + ", and labels are understood."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlainText(text)
        layout.addWidget(self.editor, 1)
        self.error = plain.label()  # the error quotes the pasted code
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d23c32;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.document = None
        self.notes: list[str] = []
        #: the import runs in a background task (progress and Cancel over this dialog)
        self.tasks = BackgroundTasks(self)
        self.task = None

    def code(self) -> str:
        return self.editor.toPlainText()

    def _try_accept(self):
        """Import in a background task (returned); the dialog closes when it succeeds."""
        from mgstudio.document.code_import import import_code_with_notes

        if self.task is not None and self.task.running:
            return self.task
        text = self.code()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.error.hide()

        def imported(result) -> None:
            self.document, self.notes = result
            self.accept()

        def failed(message: str) -> None:
            self.error.setText(message)
            self.error.show()

        def job(progress):
            # the importer's own hooks: its fraction becomes the dialog's percentage, Cancel
            # its cancel(), whose ImportCancelled ends the task as cancelled
            return import_code_with_notes(
                text, progress=progress.fraction, cancel=progress.cancelled
            )

        self.task = self.tasks.run("Importing the code", job, on_done=imported, on_failed=failed)
        self.task.ended.connect(lambda _state: ok.setEnabled(True))
        return self.task

    def done(self, result: int) -> None:
        # closing the dialog (Cancel, Esc, the import's own accept) ends a running import
        self.tasks.shutdown()
        super().done(result)


ABOUT = """<h3>mgstudio</h3>
<p>A studio for learning backpropagation, micrograd style: build an expression from
nodes, see every node's <i>data</i> and <i>grad</i>, press Backward and watch the gradients
flow.</p>
<p>Drag nodes from the palette, wire an output port into an input port, type numbers into
the inspector, and step the leaves along the gradient.</p>"""
