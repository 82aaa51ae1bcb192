"""The inspector: the selected node's label, kind, data, grad and settings, editable through
undo commands, plus the nudge buttons and the walkthrough's "step along the gradient"."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document import KINDS

from . import plain
from .canvas.numbers import MISSING, format_number, nudged, parse_number
from .commands import SetLabelCommand, SetParamCommand, SetValueCommand
from .doc_watch import DocWatch
from .grads import StepResult, leaves_upstream, output_of, step_along_gradient
from .group_commands import target_group
from .group_panel import GroupBox
from .icons import kind_icon
from .role_panel import RoleBox


def _full(x: float) -> str:
    """Every digit of a number (repr), so editing it loses nothing."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


class Field(QLineEdit):
    """A line edit whose Escape gives up the typing: the inspector puts the node's own text
    back and forgets a complaint about what was typed ("'abc' is not a number")."""

    escaped = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and not self.isReadOnly():
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class NumberField(Field):
    """A line edit for one number: the value shows all its digits while edited."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)


class InspectorWidget(QWidget):
    """Shows one node of ``document``; every edit goes through ``undo_stack``."""

    #: a sentence for the status bar ("'abc' is not a number")
    message = Signal(str)

    def __init__(self, document, undo_stack, parent=None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.document = None
        self.node_id: str | None = None
        #: the canvas selection (Step Along Gradient moves its leaves)
        self.selection: list[str] = []
        self._watch = DocWatch()
        self._param_fields: dict[str, QLineEdit] = {}
        self._build()
        self.set_document(document)

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.icon_label = QLabel()
        self.icon_label.setFixedSize(24, 24)
        self.title = plain.label("No node selected")  # node labels and errors below
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        head.addWidget(self.icon_label)
        head.addWidget(self.title, 1)
        outer.addLayout(head)

        self.hint = plain.label("Select a node on the canvas to see and edit it.")
        self.hint.setWordWrap(True)
        outer.addWidget(self.hint)

        self.form_box = QWidget()
        form = QFormLayout(self.form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.label_edit = Field()
        self.label_edit.setPlaceholderText("(no label)")
        self.label_edit.editingFinished.connect(self._commit_label)
        self.label_edit.escaped.connect(self.revert_fields)
        self.kind_label = plain.label()
        self.data_edit = NumberField()
        self.data_edit.editingFinished.connect(self._commit_value)
        self.data_edit.escaped.connect(self.revert_fields)
        self.grad_edit = NumberField()
        self.grad_edit.setReadOnly(True)
        form.addRow("Label", self.label_edit)
        form.addRow("Kind", self.kind_label)
        form.addRow("Data", self.data_edit)
        form.addRow("Grad", self.grad_edit)
        self.params_form = form
        outer.addWidget(self.form_box)

        # the group the selection is (or lies in): kind, name, ports, collapsed
        self.group_box = GroupBox(self.undo_stack)
        self.group_box.refused.connect(self._show_error)
        outer.addWidget(self.group_box)
        self.role_box = RoleBox(self.undo_stack)  # feature / parameter / prediction (#16)
        self.role_box.refused.connect(self._show_error)
        self.params_form.addRow(self.role_box)

        self.error = plain.label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d23c32;")
        self.error.hide()
        outer.addWidget(self.error)

        self.nudge_box = QGroupBox("Nudge and step")
        nudge = QVBoxLayout(self.nudge_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Step"))
        self.step_spin = QDoubleSpinBox()
        self.step_spin.setDecimals(4)
        self.step_spin.setRange(0.0001, 1000.0)
        self.step_spin.setSingleStep(0.01)
        self.step_spin.setValue(0.01)
        self.step_spin.setToolTip(
            "How far − / + move a leaf, and the step size (learning rate) of 'Step along gradient'"
        )
        row.addWidget(self.step_spin, 1)
        self.minus_button = QPushButton("−")
        self.minus_button.setToolTip("Decrease the value by the step (key: -)")
        self.plus_button = QPushButton("+")
        self.plus_button.setToolTip("Increase the value by the step (key: +)")
        for b in (self.minus_button, self.plus_button):
            b.setFixedWidth(36)
            row.addWidget(b)
        self.minus_button.clicked.connect(lambda: self.nudge(-1))
        self.plus_button.clicked.connect(lambda: self.nudge(+1))
        nudge.addLayout(row)
        self.step_button = QPushButton("Step along gradient")
        self.step_button.setToolTip(
            "data += step × grad for the selected leaves: moves the output up (Ctrl+G)"
        )
        self.step_button.clicked.connect(self.step_selected)
        self.step_all_button = QPushButton("Step all leaves")
        self.step_all_button.setToolTip(
            "data += step × grad for every leaf the output depends on, as in the lecture "
            "(Ctrl+Shift+G)"
        )
        self.step_all_button.clicked.connect(self.step_all)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_button)
        buttons.addWidget(self.step_all_button)
        nudge.addLayout(buttons)
        self.step_result = plain.label()
        self.step_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        nudge.addWidget(self.step_result)
        outer.addWidget(self.nudge_box)
        outer.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # so + and - can reach keyPressEvent

    # --- document ---------------------------------------------------------------------------
    def set_document(self, document) -> None:
        self.document = document
        self.node_id = None
        self.selection = []
        self.group_box.set_group(document, None)
        self._watch.watch(
            document,
            {
                "node_changed": self._on_node_changed,
                "node_removed": self._on_node_removed,
                "values_changed": self._on_values_changed,
                "wire_added": self._on_wires,
                "wire_removed": self._on_wires,
                "groups_changed": self._on_groups_changed,
                "prediction_changed": lambda _nid: self.role_box.refresh(),
            },
        )
        self.step_result.clear()
        self.refresh()

    def set_node(self, nid: str | None) -> None:
        """Show this node (None: nothing selected)."""
        if nid is not None and (self.document is None or nid not in self.document.nodes):
            nid = None
        if nid != self.node_id:
            self._clear_error()
        self.node_id = nid
        self.refresh()

    def set_selection(self, ids: list) -> None:
        """Follow the canvas selection: one node is shown, several are counted; the group
        the selection makes up (or lies in) is shown below."""
        self.selection = list(ids)
        if len(ids) == 1:
            self.set_node(ids[0])
        else:
            self.set_node(None)
            if ids:
                self.title.setText(f"{len(ids)} nodes selected")
            self.step_button.setEnabled(bool(self.selected_leaves()))
        self._show_group()

    def _show_group(self) -> None:
        doc = self.document
        # (nothing to look at without groups: a big canvas announces every item it makes)
        gid = target_group(doc, self.selection) if doc is not None and doc.groups else None
        self.group_box.set_group(doc, gid)
        if gid is not None and self.node_id is None:  # the group is what is shown
            self.hint.hide()
            self.title.setText(f"{doc.groups.get(gid).name}: {len(self.selection)} nodes selected")

    # --- showing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        doc = self.document
        if self.node_id is not None and (doc is None or self.node_id not in doc.nodes):
            self.node_id = None  # removed (wire events can arrive after the node is gone)
        nid = self.node_id
        has = nid is not None
        self.role_box.set_node(doc, nid)
        self.form_box.setVisible(has)
        self.hint.setVisible(not has or doc.why_incomplete(nid) is not None)
        can_step = doc is not None and output_of(doc) is not None
        self.step_all_button.setEnabled(can_step)
        if not has:
            self.icon_label.clear()
            self.title.setText("No node selected")
            self.hint.setText("Select a node on the canvas to see and edit it.")
            for w in (self.minus_button, self.plus_button):
                w.setEnabled(False)
            self.step_button.setEnabled(bool(self.selected_leaves()))
            return
        node = doc.nodes[nid]
        kind = KINDS[node.kind]
        self.icon_label.setPixmap(kind_icon(kind.name).pixmap(24, 24))
        self.title.setText(node.label or f"{kind.title} {nid}")
        if not self.label_edit.hasFocus():
            self.label_edit.setText(node.label)
        self.kind_label.setText(
            f"{kind.title}  ({kind.symbol})" if kind.symbol != kind.title else kind.title
        )
        self.kind_label.setToolTip(kind.doc)
        why = doc.why_incomplete(nid)
        if why:
            self.hint.setText(why)
        self._show_params(node, kind)
        self.refresh_values()
        leaf = kind.is_leaf
        self.data_edit.setReadOnly(not leaf)
        self.data_edit.setToolTip(
            "Type a number and press Enter" if leaf else "Computed from the inputs"
        )
        for w in (self.minus_button, self.plus_button, self.step_button):
            w.setEnabled(leaf)

    def refresh_values(self, force: bool = False) -> None:
        """Show the node's numbers; a data field being typed in keeps its text unless
        ``force``."""
        nid = self.node_id
        if nid is None or self.document is None or nid not in self.document.nodes:
            return
        v = self.document.value_of(nid)
        if force or not self.data_edit.hasFocus() or self.data_edit.isReadOnly():
            self.data_edit.setText(MISSING if v is None else _full(v.data))
            self.data_edit.setCursorPosition(0)
        self.grad_edit.setText(MISSING if v is None else format_number(v.grad))
        self.grad_edit.setToolTip("" if v is None else _full(v.grad))

    def _show_params(self, node, kind) -> None:
        names = [p.name for p in kind.params]
        if list(self._param_fields) != names:
            for field in self._param_fields.values():
                self.params_form.removeRow(field)
            self._param_fields = {}
            for p in kind.params:
                field = NumberField()
                field.setToolTip(p.doc)
                field.editingFinished.connect(lambda name=p.name: self._commit_param(name))
                field.escaped.connect(self.revert_fields)
                self.params_form.addRow(p.name.capitalize(), field)
                self._param_fields[p.name] = field
        for name, field in self._param_fields.items():
            if not field.hasFocus():
                field.setText(_full(node.params.get(name, 0.0)))
            wired = name in self.document.inputs_of(node.id)
            field.setEnabled(not wired)
            if wired:
                field.setToolTip(f"'{name}' is wired: the wire gives the value")

    # --- editing ----------------------------------------------------------------------------
    def _push(self, command) -> bool:
        self.undo_stack.push(command)
        if command.error is not None:
            self._show_error(str(command.error))
            return False
        self._clear_error()
        return True

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.message.emit(text)

    def revert_fields(self) -> None:
        """Escape: every field shows the node's own values again, and no complaint stays."""
        self._clear_error()
        nid = self.node_id
        if nid is None or self.document is None or nid not in self.document.nodes:
            return
        node = self.document.nodes[nid]
        self.label_edit.setText(node.label)
        for name, field in self._param_fields.items():
            field.setText(_full(node.params.get(name, 0.0)))
        self.refresh_values(force=True)

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def _commit_label(self) -> None:
        nid = self.node_id
        if nid is None or nid not in self.document.nodes:
            return
        text = self.label_edit.text()
        if text != self.document.nodes[nid].label:
            self._push(SetLabelCommand(self.document, nid, text))
        self.refresh()

    def _parse(self, text: str) -> float | None:
        try:
            x = parse_number(text)
        except ValueError as exc:
            self._show_error(f"{exc}: type a number such as 2.5 or -3e-2")
            return None
        if not math.isfinite(x):
            self._show_error(
                f"'{text.strip()}' is not a finite number: a leaf holds an "
                "ordinary number (inf and nan can only come out of an operation)"
            )
            return None
        return x

    def _commit_value(self) -> None:
        nid = self.node_id
        if nid is None or self.data_edit.isReadOnly() or nid not in self.document.nodes:
            return
        text = self.data_edit.text()
        v = self.document.value_of(nid)
        if v is not None and text in (_full(v.data), MISSING):
            self._clear_error()  # focus left without a change (or typed back the old number)
            return
        x = self._parse(text)
        if x is None:
            return
        self.set_value(x)

    def set_value(self, x: float) -> bool:
        """Give the shown leaf a new number (one undo step)."""
        if self.node_id is None:
            return False
        if self.document.nodes[self.node_id].value == x:
            self._clear_error()
            self.refresh_values(force=True)
            return True
        ok = self._push(SetValueCommand(self.document, self.node_id, x, merge=False))
        self.refresh_values(force=True)  # "1e0" becomes "1.0": leaving the field is no edit
        return ok

    def _commit_param(self, name: str) -> None:
        nid = self.node_id
        field = self._param_fields.get(name)
        if nid is None or field is None or nid not in self.document.nodes:
            return
        text = field.text()
        if text == _full(self.document.nodes[nid].params.get(name, 0.0)):
            self._clear_error()  # typed back the old number: an earlier complaint is void
            return
        x = self._parse(text)
        if x is not None and x != self.document.nodes[nid].params.get(name):
            self._push(SetParamCommand(self.document, nid, name, x, merge=False))
        elif x is not None:
            self._clear_error()
        if x is not None:
            field.setText(_full(self.document.nodes[nid].params.get(name, 0.0)))
        self.refresh()

    def nudge(self, direction: int) -> bool:
        """Move the shown leaf by ± the step (repeated nudges merge into one undo step)."""
        nid = self.node_id
        if nid is None or not KINDS[self.document.nodes[nid].kind].is_leaf:
            return False
        old = self.document.nodes[nid].value
        new = nudged(old, direction * self.step())  # 2 − 0.01 shows 1.99, exactly as stored
        ok = self._push(SetValueCommand(self.document, nid, new, merge=True))
        self.refresh_values()
        return ok

    def step(self) -> float:
        return self.step_spin.value()

    def selected_leaves(self) -> list[str]:
        doc = self.document
        if doc is None:
            return []
        ids = self.selection or ([self.node_id] if self.node_id is not None else [])
        return [n for n in ids if n in doc.nodes and KINDS[doc.nodes[n].kind].is_leaf]

    def step_selected(self) -> StepResult | None:
        """The selected leaves move along their gradients: ``data += step × grad`` (one undo
        step). The button and Graph ▸ Step Along Gradient both mean this."""
        leaves = self.selected_leaves()
        if not leaves:
            self.message.emit(
                "Step Along Gradient moves the selected leaves: select an input "
                "or a constant first (Step All Leaves moves every leaf)"
            )
            return None
        return self._show_step(
            step_along_gradient(self.document, self.undo_stack, leaves, self.step())
        )

    def step_all(self) -> StepResult | None:
        """Every leaf upstream of the output moves along its gradient (the lecture's step)."""
        doc = self.document
        output = output_of(doc) if doc is not None else None
        if output is None:
            return None
        return self._show_step(
            step_along_gradient(doc, self.undo_stack, leaves_upstream(doc, output), self.step())
        )

    def _show_step(self, result: StepResult) -> StepResult:
        text = result.text()
        if not result.stepped and text:
            text += "  (all grads are 0: nothing moved)"
        self.step_result.setText(text)
        if text:
            self.message.emit(text)
        self.refresh_values()
        return result

    def keyPressEvent(self, event) -> None:
        # text fields keep their keys; elsewhere in the inspector + and - nudge the leaf
        text = event.text()
        if text in ("+", "=", "-", "−"):
            self.nudge(-1 if text in ("-", "−") else +1)
            event.accept()
            return
        super().keyPressEvent(event)

    # --- document events --------------------------------------------------------------------
    def _on_node_changed(self, nid: str) -> None:
        if nid == self.node_id:
            self.refresh()

    def _on_node_removed(self, nid: str) -> None:
        if nid == self.node_id:
            self.set_node(None)

    def _on_values_changed(self, ids: tuple) -> None:
        if self.node_id in ids:
            self.refresh_values()

    def _on_wires(self, wire) -> None:
        if self.node_id in (wire.src, wire.dst):
            self.refresh()
        if self.group_box.group_id is not None:  # a wire across its boundary: new ports
            self.group_box.refresh()

    def _on_groups_changed(self, _gids: tuple) -> None:
        self._show_group()  # made, dissolved, renamed or collapsed: which one and how
