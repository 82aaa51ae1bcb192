"""The training settings form: preset, dataset (or a CSV file), architecture, loss, learning
rate and schedule, steps, batch, seed, zero_grad and speed. It turns its fields into a
``TrainConfig`` (whose own validation gives the error messages) and says when they change."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mgstudio.engine.nn import ACTIVATIONS
from mgstudio.training import (
    DATASETS,
    LOSSES,
    PRESETS,
    ConfigError,
    Dataset,
    TrainConfig,
    TrainingError,
    load_csv,
)
from mgstudio.training.config import MAX_LAYERS, MAX_STEPS, MAX_WIDTH
from mgstudio.training.datasets import MAX_SAMPLES, REGRESSION
from mgstudio.training.metrics import default_loss

from .. import plain
from .sample_picker import SamplePicker

CSV_ITEM = "CSV file…"
CUSTOM = "custom"
LOSS_TITLES = {
    "hinge": "hinge (micrograd's demo)",
    "mse": "mean squared error",
    "mse-sum": "sum of squared errors (the lecture)",
}
#: (label, steps per second; 0 = as fast as the machine goes)
SPEEDS = (
    ("as fast as possible", 0.0),
    ("200 steps/s", 200.0),
    ("50 steps/s", 50.0),
    ("10 steps/s", 10.0),
    ("2 steps/s", 2.0),
)
DEFAULT_SPEED = 2
HIDDEN_RE = re.compile(r"^\s*(\d+\s*(,\s*\d+\s*)*)?$")
HIDDEN_REFUSED = (
    "Hidden layers take only whole numbers separated by commas, e.g. 16,16 "
    "(each number is a layer's width); letters and other signs can't be typed "
    "here."
)
ZERO_GRAD_TIP = (
    "Ticked: every step sets the gradients to 0 before backward, as it should.\n"
    "Unticked: reproduces the bug from the lecture — gradients of earlier steps keep adding "
    "up, so each update is too big and training goes astray."
)


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"16, 16"`` -> ``(16, 16)``; raises ConfigError for anything else."""
    if not HIDDEN_RE.match(text):
        raise ConfigError(
            f"hidden layers are widths separated by commas, e.g. 16,16 — not {text!r}"
        )
    parts = [p for p in (t.strip() for t in text.split(",")) if p]
    widths = tuple(int(p) for p in parts)
    if len(widths) > MAX_LAYERS:
        raise ConfigError(f"at most {MAX_LAYERS} hidden layers, not {len(widths)}")
    for w in widths:
        if not 2 <= w <= MAX_WIDTH:
            # width 1 is refused because the engine's Layer (like micrograd's) hands a single
            # neuron's output on as a bare Value, which the next layer cannot iterate
            raise ConfigError(f"a hidden layer's width must be between 2 and {MAX_WIDTH}, not {w}")
    return widths


class TrainingPanel(QWidget):
    """The form. ``config()`` raises ConfigError with a message for the learner."""

    #: any setting changed (the next Train starts over)
    changed = Signal()
    #: the speed limit changed: steps per second (0: no limit)
    pace_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        #: how a CSV path is asked for; tests swap in a function returning a path
        self.ask_csv_path: Callable[[], str] = self._csv_dialog
        self.csv_dataset: Dataset | None = None
        self._filling = False
        self._last_dataset = "moons"

        self.preset = QComboBox()
        self.preset.addItems([*PRESETS, CUSTOM])
        self.preset.setToolTip(
            "Starting settings: the lecture's 4-sample walkthrough or micrograd's moons demo"
        )
        self.dataset = QComboBox()
        self.dataset.addItems([*DATASETS, CSV_ITEM])
        self.csv_label = plain.label()  # a file name: shown as text, never HTML
        self.csv_label.setWordWrap(True)
        self.samples = QSpinBox()
        self.samples.setRange(2, MAX_SAMPLES)
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 5.0)
        self.noise.setDecimals(3)
        self.noise.setSingleStep(0.05)
        self.hidden = QLineEdit()
        self.hidden.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9,\s]*"), self.hidden)
        )
        self.hidden.setPlaceholderText("e.g. 16,16 (empty: a single linear neuron)")
        self.hidden.setToolTip("Hidden layer widths, input side first; the output is 1 neuron")
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.loss = QComboBox()
        for name in LOSSES:
            self.loss.addItem(LOSS_TITLES.get(name, name), name)
        self.l2 = QDoubleSpinBox()
        self.l2.setDecimals(6)
        self.l2.setRange(0.0, 10.0)
        self.l2.setSingleStep(1e-4)
        self.l2.setToolTip("L2 penalty alpha · Σ p² added to the loss (0: none)")
        self.lr = _number_spin(1e-4, 1000.0, 4)
        self.lr.setToolTip("Learning rate: each step does p.data -= lr · p.grad")
        self.decay = QCheckBox("decay linearly to")
        self.lr_final = _number_spin(1e-4, 1000.0, 4)
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_STEPS)
        self.batch = QSpinBox()
        self.batch.setRange(0, MAX_SAMPLES)
        self.batch.setSpecialValueText("all samples")
        self.batch.setToolTip(
            "A random mini-batch per step; 'all samples' uses the whole dataset every step"
        )
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.test_percent = QSpinBox()  # TF Playground's "ratio of training to test data"
        self.test_percent.setRange(0, 90)
        self.test_percent.setSuffix(" %")
        self.test_percent.setToolTip(
            "Samples held out of training (chosen by the seed); their loss is drawn as the "
            "test loss. 0: no test split"
        )
        self.zero_grad = QCheckBox("Zero the grads before each backward (zero_grad)")
        self.zero_grad.setToolTip(ZERO_GRAD_TIP)
        self.zero_grad_note = QLabel("Off: the lecture's bug — old gradients pile up.")
        self.zero_grad_note.setStyleSheet("color: #b35c00")
        self.speed = QComboBox()
        for label, pace in SPEEDS:
            self.speed.addItem(label, pace)
        # slow enough to watch micrograd's 100-step demo happen (2 s), fast enough not to wait
        self.speed.setCurrentIndex(DEFAULT_SPEED)
        self.speed.setToolTip("Slow the run down to watch it; it does not change the result")
        #: not a setting of the run: which datapoint the network on the canvas traces
        self.sample = SamplePicker()
        self.error = plain.label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b")
        self.error.hide()

        form = QFormLayout()
        form.addRow("Preset", self.preset)
        form.addRow("Dataset", self.dataset)
        form.addRow("", self.csv_label)
        form.addRow("Samples", self.samples)
        form.addRow("Noise", self.noise)
        form.addRow("Hidden layers", self.hidden)
        form.addRow("Activation", self.activation)
        form.addRow("Loss", self.loss)
        form.addRow("L2", self.l2)
        form.addRow("Learning rate", self.lr)
        decay_row = QHBoxLayout()
        decay_row.addWidget(self.decay)
        decay_row.addWidget(self.lr_final, 1)
        form.addRow("", decay_row)
        form.addRow("Steps", self.steps)
        form.addRow("Batch size", self.batch)
        form.addRow("Seed", self.seed)
        form.addRow("Test data", self.test_percent)
        form.addRow(self.zero_grad)
        form.addRow(self.zero_grad_note)
        form.addRow("Speed", self.speed)
        form.addRow("Network sample", self.sample)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.apply_config(PRESETS["micrograd-demo"])
        self.preset.setCurrentText("micrograd-demo")
        self._connect()

    def _connect(self) -> None:
        self.preset.currentTextChanged.connect(self._on_preset)
        self.dataset.currentTextChanged.connect(self._on_dataset)
        self.decay.toggled.connect(self.lr_final.setEnabled)
        self.zero_grad.toggled.connect(self.zero_grad_note.setHidden)
        self.speed.currentIndexChanged.connect(self._on_speed)
        for combo in (self.activation, self.loss):
            combo.currentIndexChanged.connect(self._on_edit)
        for spin in (
            self.samples,
            self.noise,
            self.l2,
            self.lr,
            self.lr_final,
            self.steps,
            self.batch,
            self.seed,
            self.test_percent,
        ):
            spin.valueChanged.connect(self._on_edit)
        self.hidden.textChanged.connect(self._on_edit)
        self.hidden.inputRejected.connect(self._on_hidden_rejected)
        for box in (self.decay, self.zero_grad):
            box.toggled.connect(self._on_edit)

    # --- reading and writing the fields ------------------------------------------------------
    def apply_config(self, cfg: TrainConfig) -> None:
        """Show ``cfg`` in the fields (without announcing each field as an edit)."""
        self._filling = True
        try:
            self.dataset.setCurrentText(cfg.dataset)
            self._last_dataset = cfg.dataset
            self.csv_dataset = None
            self.csv_label.hide()
            self.samples.setValue(cfg.samples)
            self.noise.setValue(cfg.noise)
            self.hidden.setText(",".join(map(str, cfg.hidden)))
            self.activation.setCurrentText(cfg.activation)
            self.loss.setCurrentIndex(self.loss.findData(cfg.loss))
            self.l2.setValue(cfg.l2)
            self.lr.setValue(cfg.lr)
            self.decay.setChecked(cfg.lr_final is not None)
            self.lr_final.setEnabled(cfg.lr_final is not None)
            self.lr_final.setValue(cfg.lr_final if cfg.lr_final is not None else cfg.lr)
            self.steps.setValue(cfg.steps)
            self.batch.setValue(cfg.batch_size or 0)
            self.seed.setValue(cfg.seed)
            self.zero_grad.setChecked(cfg.zero_grad)
            self.zero_grad_note.setHidden(cfg.zero_grad)
            self._update_enabled()
        finally:
            self._filling = False
        self._edited()

    def config(self) -> TrainConfig:
        """The settings as a TrainConfig; raises ConfigError (also shown under the form)."""
        try:
            name = self.dataset.currentText()
            cfg = TrainConfig(
                dataset=self._last_dataset if name == CSV_ITEM else name,
                samples=self.samples.value(),
                noise=float(self.noise.value()),
                hidden=parse_hidden(self.hidden.text()),
                activation=self.activation.currentText(),
                loss=self.loss.currentData(),
                l2=float(self.l2.value()),
                lr=float(self.lr.value()),
                lr_final=float(self.lr_final.value()) if self.decay.isChecked() else None,
                steps=self.steps.value(),
                batch_size=self.batch.value() or None,
                seed=self.seed.value(),
                zero_grad=self.zero_grad.isChecked(),
            )
            if name == CSV_ITEM and self.csv_dataset is None:
                raise ConfigError("choose a CSV file (rows x1,...,xn,y) or another dataset")
        except ConfigError as exc:
            self.show_error(str(exc))
            raise
        self.show_error("")
        return cfg

    def dataset_override(self) -> Dataset | None:
        """The loaded CSV dataset when 'CSV file…' is chosen, else None."""
        return self.csv_dataset if self.dataset.currentText() == CSV_ITEM else None

    def test_ratio(self) -> float:
        """The fraction of the samples held out for the test loss (0..0.9)."""
        return self.test_percent.value() / 100.0

    def pace(self) -> float:
        return float(self.speed.currentData())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- reactions ----------------------------------------------------------------------------
    def _on_preset(self, name: str) -> None:
        if name in PRESETS:
            self.apply_config(PRESETS[name])

    def _on_dataset(self, name: str) -> None:
        if self._filling:
            return
        if name == CSV_ITEM:
            if not self._load_csv():  # nothing changed; the error (if any) stays on show
                self._filling = True
                self.dataset.setCurrentText(self._last_dataset)
                self._filling = False
                return
        else:
            self._last_dataset = name
            self.csv_label.hide()
        self._update_enabled()
        self._on_edit()

    def _load_csv(self) -> bool:
        path = self.ask_csv_path()
        if not path:
            return False
        try:
            data = load_csv(path)
        except TrainingError as exc:
            self.show_error(str(exc))
            return False
        self.csv_dataset = data
        kind = "classes" if data.task == "classification" else "regression"
        lines = [
            f"{os.path.basename(path)}: {data.n_samples} rows, {data.n_inputs} inputs ({kind})",
            *data.notes,
        ]
        loss = default_loss(data.task)
        if data.task == REGRESSION and self.loss.currentData() != loss:
            # the task decides the default loss (hinge compares signs with classes ±1)
            self._filling = True
            self.loss.setCurrentIndex(self.loss.findData(loss))
            self._filling = False
            lines.append(f"loss set to {LOSS_TITLES[loss]} for regression")
        self.csv_label.setText("\n".join(lines))
        self.csv_label.show()
        return True

    def _csv_dialog(self) -> str:
        from ..file_dialogs import ask_csv_path

        return ask_csv_path(self, "Training data")

    def _update_enabled(self) -> None:
        generated = self.dataset.currentText() not in ("walkthrough", CSV_ITEM)
        self.samples.setEnabled(generated)
        self.noise.setEnabled(generated)

    def _on_hidden_rejected(self) -> None:
        """The validator refused a key (a letter, a dot...): say why instead of nothing."""
        why = HIDDEN_REFUSED
        self.show_error(why)
        QToolTip.showText(
            self.hidden.mapToGlobal(self.hidden.rect().bottomLeft()), why, self.hidden
        )

    def _on_speed(self) -> None:
        self.pace_changed.emit(self.pace())

    def _on_edit(self, *_args) -> None:
        if self._filling:
            return
        if self.preset.currentText() != CUSTOM and not self._matches_preset():
            self._filling = True
            self.preset.setCurrentText(CUSTOM)
            self._filling = False
        self._edited()

    def _edited(self) -> None:
        try:
            self.config()
        except ConfigError:
            pass
        self.changed.emit()

    def _matches_preset(self) -> bool:
        try:
            cfg = self.config()
        except ConfigError:
            return False
        return PRESETS.get(self.preset.currentText()) == cfg


def _number_spin(lo: float, hi: float, decimals: int) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(lo, hi)
    spin.setDecimals(decimals)
    spin.setSingleStep(0.01)
    return spin
