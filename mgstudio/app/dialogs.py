"""Small dialogs of the main window: Insert neuron, About (Import micrograd code is
``code_dialog.py``, re-exported here)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from .canvas.neuron import ACTIVATIONS, MAX_INPUTS
from .code_dialog import EXAMPLE_CODE, CodeImportDialog

__all__ = ["ABOUT", "EXAMPLE_CODE", "CodeImportDialog", "NeuronDialog"]


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


ABOUT = """<h3>mgstudio</h3>
<p>A studio for learning backpropagation, micrograd style: build an expression from
nodes, see every node's <i>data</i> and <i>grad</i>, press Backward and watch the gradients
flow.</p>
<p>Drag nodes from the palette, wire an output port into an input port, type numbers into
the inspector, and step the leaves along the gradient.</p>"""
