"""The inspector's "Training role" box: an input leaf is a parameter (trained, the default)
or feature k (fed column k of each sample); any node may be the prediction training
compares with the targets. Every change is an undo command (``model_commands``)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSpinBox, QWidget

from mgstudio.document.nodes import MAX_FEATURE

from . import plain
from .model_commands import SetFeatureCommand, SetPredictionCommand

PARAMETER, FEATURE = "Parameter", "Feature"


class RoleBox(QWidget):
    """Shows the role of one node of ``document`` (``set_node``) on one row; edits go
    through ``undo_stack``."""

    #: a refused edit's sentence
    refused = Signal(str)

    def __init__(self, undo_stack, parent=None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.document = None
        self.node_id: str | None = None
        self.role_label = plain.label("Role")
        self.role_combo = QComboBox()
        self.role_combo.addItems([PARAMETER, FEATURE])
        self.role_combo.setToolTip(
            "Training role. Parameter: trained (shared by every sample). Feature: takes "
            "one column of each sample of the dataset"
        )
        self.column_spin = QSpinBox()
        self.column_spin.setRange(0, MAX_FEATURE)
        self.column_spin.setPrefix("x")
        self.column_spin.setToolTip("The dataset column this feature takes (x0 is the first)")
        self.prediction_check = QCheckBox("Prediction")
        self.prediction_check.setToolTip(
            "Training compares this node with each sample's target (unchecked everywhere: "
            "the document's output)"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.role_label, self.role_combo, self.column_spin):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.prediction_check)
        self.role_combo.activated.connect(self._commit_role)
        self.column_spin.editingFinished.connect(self._commit_role)
        self.prediction_check.clicked.connect(self._commit_prediction)
        self.hide()

    def set_node(self, document, nid: str | None) -> None:
        self.document, self.node_id = document, nid
        self.refresh()

    def refresh(self) -> None:
        doc, nid = self.document, self.node_id
        if doc is None or nid is None or nid not in doc.nodes:
            self.hide()
            return
        node = doc.nodes[nid]
        is_input = node.kind == "input"
        feature = node.feature
        with QSignalBlocker(self.role_combo), QSignalBlocker(self.column_spin):
            self.role_combo.setCurrentText(PARAMETER if feature is None else FEATURE)
            if feature is not None and not self.column_spin.hasFocus():
                self.column_spin.setValue(feature)
        for w in (self.role_label, self.role_combo, self.column_spin):
            w.setVisible(is_input)
        self.column_spin.setEnabled(feature is not None)
        chosen = doc.prediction
        self.prediction_check.setChecked(chosen == nid)
        used = doc.prediction_node()
        if is_input and feature is not None:
            tip = f"Fed column x{feature} of each sample while training"
        elif is_input:
            tip = "Trained: training moves this number"
        elif used == nid and chosen is None:
            tip = "The output: the prediction unless another node is chosen"
        else:
            tip = ""
        self.setToolTip(tip)
        self.show()

    def _push(self, command) -> None:
        self.undo_stack.push(command)
        if command.error is not None:
            self.refused.emit(str(command.error))
        self.refresh()

    def _commit_role(self) -> None:
        doc, nid = self.document, self.node_id
        if doc is None or nid is None or nid not in doc.nodes:
            return
        feature = None
        if self.role_combo.currentText() == FEATURE:
            feature = self.column_spin.value() if doc.nodes[nid].feature is not None else None
            if feature is None:
                feature = _free_column(doc)
        if feature != doc.nodes[nid].feature:
            self._push(SetFeatureCommand(doc, nid, feature))
        else:
            self.refresh()

    def _commit_prediction(self, checked: bool) -> None:
        doc, nid = self.document, self.node_id
        if doc is None or nid is None or nid not in doc.nodes:
            return
        want = nid if checked else None
        if want != doc.prediction:
            self._push(SetPredictionCommand(doc, want))


def _free_column(doc) -> int:
    """The first column no leaf takes yet: marking x1 then x2 as features gives x0, x1."""
    taken = doc.feature_ids()
    k = 0
    while k in taken:
        k += 1
    return k
