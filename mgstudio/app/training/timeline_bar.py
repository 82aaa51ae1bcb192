"""The timeline's bar under the loss plot: the slider, the step it shows, "Step 0" and
"Continue from here" with the branch's rate and steps (the ``Timeline`` drives them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class TimelineBar(QWidget):
    """The slider, the step it shows, and the run buttons."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("training_timeline")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline_slider")
        self.slider.setToolTip("Drag to put the canvas, the table and the boundary at a step")
        self.label = QLabel("")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # a new text each frame must not re-lay-out the dock (and redraw the whole figure)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("step 00000/00000"))
        self.reset_button = QPushButton("Step 0")
        self.reset_button.setToolTip("Back to this run's initial parameters, exactly")
        self.continue_button = QPushButton("Continue from here")
        self.continue_button.setToolTip(
            "Train a new run (a branch) from the shown step, with the rate and steps beside"
        )
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 10.0)
        self.lr.setSingleStep(0.01)
        self.lr.setPrefix("lr ")
        self.steps = QSpinBox()
        self.steps.setRange(1, 100_000)
        self.steps.setSuffix(" steps")
        for box in (self.lr, self.steps):  # the label takes the room left
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.lr)
        buttons.addWidget(self.steps)
        buttons.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(2)
        layout.addWidget(self.slider)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
