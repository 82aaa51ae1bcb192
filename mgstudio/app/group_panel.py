"""The inspector's group box: the selected group's kind, name, members, ports and collapsed
flag. Every edit is an undo command (``group_commands``); what it shows comes from the
document (ports from ``doc.group_ports``: derived from the wires, never stored)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit

from . import plain
from .commands import node_name, wire_text
from .group_commands import CollapseGroupCommand, RenameGroupCommand

#: ports listed by name before "… and N more" (a layer of a wide network has hundreds)
SHOWN_PORTS = 6

KIND_TEXT = {
    "neuron": "Neuron (weights, bias, sum, activation)",
    "layer": "Layer (neurons side by side)",
    "mlp": "Network (MLP: layers in a row)",
    "group": "Group (your own)",
}


def listed(names: list[str]) -> str:
    if not names:
        return "none"
    more = len(names) - SHOWN_PORTS
    text = ", ".join(names[:SHOWN_PORTS])
    return f"{text} … and {more} more" if more > 0 else text


class GroupBox(QGroupBox):
    """Shows one group of ``document`` (``set_group``); edits go through ``undo_stack``."""

    #: a refused edit's sentence (the inspector shows it and passes it to the status bar)
    refused = Signal(str)

    def __init__(self, undo_stack, parent=None):
        super().__init__("Group", parent)
        self.undo_stack = undo_stack
        self.document = None
        self.group_id: str | None = None
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind_label = plain.label()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("(no name)")
        self.name_edit.setToolTip("The group's name; press Enter to rename it (one undo step)")
        self.name_edit.editingFinished.connect(self._commit_name)
        self.members_label = plain.label()
        self.inputs_label = plain.label()
        self.inputs_label.setWordWrap(True)
        self.outputs_label = plain.label()
        self.outputs_label.setWordWrap(True)
        self.collapsed_check = QCheckBox("Show as one block")
        self.collapsed_check.setToolTip("Collapse the group into one block, or expand it")
        self.collapsed_check.clicked.connect(self._commit_collapsed)
        form.addRow("Kind", self.kind_label)
        form.addRow("Name", self.name_edit)
        form.addRow("Nodes", self.members_label)
        form.addRow("Inputs", self.inputs_label)
        form.addRow("Outputs", self.outputs_label)
        form.addRow("Collapsed", self.collapsed_check)
        self.hide()

    def set_group(self, document, gid: str | None) -> None:
        if document is None or gid is None or gid not in document.groups:
            document, gid = document, None
        self.document, self.group_id = document, gid
        self.refresh()

    def refresh(self) -> None:
        doc, gid = self.document, self.group_id
        if doc is None or gid is None or gid not in doc.groups:
            self.group_id = None
            self.hide()
            return
        group = doc.groups.get(gid)
        index = doc.groups
        self.setTitle(
            {"neuron": "Neuron", "layer": "Layer", "mlp": "Network"}.get(group.kind, "Group")
        )
        self.kind_label.setText(KIND_TEXT.get(group.kind, group.kind))
        if not (self.name_edit.hasFocus() and self.name_edit.isModified()):  # being typed
            self.name_edit.setText(group.label)
        members = index.members(gid)
        nested = len(index.descendants(gid)) - 1
        self.members_label.setText(
            f"{len(members)}"
            + (f" (in {nested} group{'s' * (nested != 1)} inside)" if nested else "")
        )
        ports = doc.group_ports(gid)
        self.inputs_label.setText(listed([wire_text(doc, w) for w in ports.inputs]))
        self.outputs_label.setText(listed([node_name(doc, nid) for nid in ports.outputs]))
        self.collapsed_check.setChecked(group.collapsed)
        self.show()

    def _push(self, command) -> bool:
        self.undo_stack.push(command)
        if command.error is not None:
            self.refused.emit(str(command.error))
            self.refresh()
            return False
        return True

    def _commit_name(self) -> None:
        doc, gid = self.document, self.group_id
        if doc is None or gid is None or gid not in doc.groups:
            return
        text = self.name_edit.text().strip()
        self.name_edit.setModified(False)
        if text != doc.groups.get(gid).label:
            self._push(RenameGroupCommand(doc, gid, text))
        self.refresh()

    def _commit_collapsed(self, checked: bool) -> None:
        doc, gid = self.document, self.group_id
        if doc is None or gid is None or gid not in doc.groups:
            return
        if doc.groups.get(gid).collapsed != checked:
            self._push(CollapseGroupCommand(doc, gid, checked))
        self.refresh()
