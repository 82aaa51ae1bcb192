"""The sample the network on the canvas traces: a spin box and, beside it, that sample's
features and target (the decision-boundary plot and the predictions table choose it too)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QSpinBox, QWidget

from mgstudio.training.datasets import MAX_SAMPLES, Dataset

from .. import plain
from ..canvas.numbers import format_number

#: what the picker says before a run has made the data
NO_DATA_YET = "its numbers show once Train, Step or Show Network has made the data"
#: features shown by name; a wider CSV row ends in "…" (the table and the canvas show all)
SHOWN_FEATURES = 4


def describe_sample(dataset: Dataset, sample: int) -> str:
    """``x1 = 0.5200, x2 = -0.3100 → target 1``: one sample in words."""
    names = dataset.feature_names
    row = dataset.X[sample]
    parts = [f"{n} = {format_number(float(x))}" for n, x in zip(names, row)][:SHOWN_FEATURES]
    more = ", …" if len(names) > SHOWN_FEATURES else ""
    return f"{', '.join(parts)}{more} → target {float(dataset.y[sample]):g}"


class SamplePicker(QWidget):
    """``value()`` is the chosen sample; ``changed(int)`` says the learner chose another."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.spin = QSpinBox()
        self.spin.setRange(0, MAX_SAMPLES - 1)
        self.spin.setToolTip(
            "The sample whose expression graph the network on the canvas traces (counting "
            "from 0); a click on a point of the decision boundary or on a row of the "
            "predictions table chooses it too"
        )
        self.spin.setAccessibleName("Network sample")
        self.info = plain.label()  # feature names come from CSV headers: never rich text
        self.info.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin)
        layout.addWidget(self.info, 1)
        self.setFocusProxy(self.spin)
        self.spin.valueChanged.connect(self._on_value)

    def value(self) -> int:
        return self.spin.value()

    def setValue(self, sample: int) -> None:  # noqa: N802 - the spin box's own name
        self.spin.setValue(sample)

    def set_dataset(self, dataset: Dataset | None) -> None:
        """The samples to choose from (the value is kept when it still exists)."""
        self.dataset = dataset
        top = dataset.n_samples - 1 if dataset is not None else MAX_SAMPLES - 1
        self.spin.setMaximum(top)  # clamps the value, which may announce it
        self._show()

    def step(self, delta: int) -> None:
        """The next or previous sample (the plot's arrow keys), stopping at the ends."""
        self.spin.setValue(self.spin.value() + delta)

    def text(self) -> str:
        """The chosen sample in words ('' before a dataset is known)."""
        d = self.dataset
        if d is None or not 0 <= self.value() < d.n_samples:
            return ""
        return describe_sample(d, self.value())

    def _on_value(self, sample: int) -> None:
        self._show()
        self.changed.emit(sample)

    def _show(self) -> None:
        self.info.setText(self.text() or NO_DATA_YET)
