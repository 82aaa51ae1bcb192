"""The backward panel: pick the output, run Backward or Zero grad, switch the document's auto
backward (grads follow every edit: ``Document.set_auto_backward``), and read every node's data
and grad in one table."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontDatabase, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document import KINDS
from mgstudio.document.outputs import why_backward_idle

from . import plain
from .canvas.numbers import MISSING, format_number
from .commands import SelectOutputCommand
from .icons import icon

COLUMNS = ("label", "op", "data", "grad")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_AUTO = "__auto__"


class NodeTableModel(QAbstractTableModel):
    """Rows are the document's nodes in dependency order; cells read the live Values."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.document = None
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        #: what the table last showed in the number cells it was told about: an edit that
        #: leaves a cell's text alone does not repaint it
        self._shown_text: dict[tuple[int, int], str] = {}

    def set_document(self, document) -> None:
        self.document = document
        self.rebuild()

    def rebuild(self) -> None:
        """Re-read the rows (after a structural change)."""
        self.beginResetModel()
        self._shown_text.clear()
        self._ids = self.document.topological_ids() if self.document is not None else []
        self._row = {nid: i for i, nid in enumerate(self._ids)}
        self.endResetModel()

    def node_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, nid: str) -> int | None:
        return self._row.get(nid)

    def values_changed(self, ids, shown: tuple[int, int] | None = None) -> None:
        """Numbers changed. ``shown``: the rows a view shows (first, last); only those cells
        whose text changed are announced, one at a time: a table repaints its whole viewport
        for a range, but only the cell for a single index, and rows scrolled in later read
        the live Values anyway."""
        rows = [self._row[n] for n in ids if n in self._row]
        if not rows:
            return
        if shown is None:
            self._shown_text.clear()
            self.dataChanged.emit(
                self.index(min(rows), 2), self.index(max(rows), 3), [Qt.ItemDataRole.DisplayRole]
            )
            return
        first, last = shown
        roles = [Qt.ItemDataRole.DisplayRole]
        known = self._shown_text
        # forget rows out of sight: scrolled back in, the view reads them afresh, and a
        # remembered text would hide the next change
        for key in [k for k in known if not first <= k[0] <= last]:
            del known[key]
        for row in rows:
            if first <= row <= last:
                for col in (2, 3):
                    text = self._display(row, col)
                    if known.get((row, col)) != text:
                        known[(row, col)] = text
                        index = self.index(row, col)
                        self.dataChanged.emit(index, index, roles)

    def node_changed(self, nid: str) -> None:
        row = self._row.get(nid)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 3))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        # the table asks for a dozen roles per cell on every repaint: unused ones leave first
        if role == _DISPLAY:
            return self._display(index.row(), index.column())
        if role == _ALIGN:
            return _RIGHT if index.column() >= 2 else None
        if role == _TIP and self.document is not None and index.isValid():
            why = self.document.why_incomplete(self._ids[index.row()])
            return plain.tooltip(why) if why else None  # it names nodes by their labels
        return None

    def _display(self, row: int, col: int):
        if self.document is None or not 0 <= row < len(self._ids):
            return None
        nid = self._ids[row]
        node = self.document.nodes.get(nid)
        if node is None:
            return None
        if col == 0:
            return node.label or nid
        if col == 1:
            kind = KINDS[node.kind]
            return "" if kind.is_leaf else kind.symbol
        v = self.document.value_of(nid)
        if v is None:
            return MISSING
        return format_number(v.data if col == 2 else v.grad)


class BackwardPanel(QWidget):
    """Output choice, Backward / Zero grad, the auto-backward switch and the node table."""

    #: a row was clicked: select this node on the canvas
    node_clicked = Signal(str)
    message = Signal(str)

    def __init__(
        self, document, parent=None, auto: bool = True, undo_stack: QUndoStack | None = None
    ):
        super().__init__(parent)
        #: choosing an output is an undoable edit (the file keeps it)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.document = None
        self._connections: list = []
        self._dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        row = QHBoxLayout()
        row.addWidget(QLabel("Output"))
        self.output_combo = QComboBox()
        self.output_combo.setToolTip("The node Backward starts from (its grad is set to 1)")
        self.output_combo.currentIndexChanged.connect(self._on_output_chosen)
        row.addWidget(self.output_combo, 1)
        layout.addLayout(row)

        row = QHBoxLayout()
        self.backward_button = QPushButton(icon("backward"), "Backward")
        self.backward_button.setToolTip("Zero every grad, then backpropagate from the output")
        self.backward_button.clicked.connect(self.backward)
        self.zero_button = QPushButton(icon("zero-grad"), "Zero grad")
        self.zero_button.setToolTip("Set every grad to 0")
        self.zero_button.clicked.connect(self.zero_grad)
        row.addWidget(self.backward_button)
        row.addWidget(self.zero_button)
        layout.addLayout(row)
        self.auto_check = QCheckBox("Auto backward")
        # the switch of the document's policy (it carries over to every document shown here)
        self.auto_check.setToolTip("Run Backward again after every edit, so grads follow")
        self.auto_check.setChecked(auto)
        self.auto_check.toggled.connect(self._on_auto_toggled)
        layout.addWidget(self.auto_check)

        self.model = NodeTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setAlternatingRowColors(True)
        self.table.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        header = self.table.horizontalHeader()
        # no ResizeToContents: it reads every row on each change (slow with 1,000s of nodes)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(30)
        self.table.setColumnWidth(1, self.table.fontMetrics().horizontalAdvance("sigmoid") + 16)
        self.table.clicked.connect(self._on_table_clicked)
        layout.addWidget(self.table, 1)
        self.set_document(document)

    # --- document ---------------------------------------------------------------------------
    def set_document(self, document) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections.clear()
        self.document = document
        self._dirty = False
        self.model.set_document(document)
        if document is not None:
            ev = document.events
            for signal, slot in (
                (ev.node_added, self._on_structure),
                (ev.node_removed, self._on_structure),
                (ev.wire_added, self._on_structure),
                (ev.wire_removed, self._on_structure),
                (ev.node_changed, self._on_node_changed),
                (ev.values_changed, self._on_values_changed),
                (ev.output_changed, self._on_output_changed),
            ):
                signal.connect(slot)
                self._connections.append((signal, slot))
        self._fill_outputs()
        if document is not None:
            self._apply_auto(document)

    @property
    def auto_backward(self) -> bool:
        return self.auto_check.isChecked()

    def set_auto_backward(self, on: bool) -> None:
        self.auto_check.setChecked(on)

    # --- actions ----------------------------------------------------------------------------
    def chosen_output(self) -> str | None:
        data = self.output_combo.currentData()
        if data in (None, _AUTO) or self.document is None or data not in self.document.nodes:
            return None  # automatic, or removed a moment ago (the combo catches up later)
        return data

    def backward(self) -> str | None:
        """Zero grads and backpropagate from the chosen output; when that changes nothing
        (no output, or an incomplete one) the status bar says why."""
        if self.document is None:
            return None
        chosen = self.chosen_output()
        out = self.document.backward(chosen)
        self._say_why_idle()
        return out

    def _say_why_idle(self) -> None:
        """When Backward changes nothing (no output, or an incomplete one), say why."""
        if self.document is None:
            return
        why = why_backward_idle(self.document, self.chosen_output())
        if why is not None:
            self.message.emit(why)

    def zero_grad(self) -> None:
        if self.document is None:
            return
        self.document.zero_grad()  # not an edit: auto backward leaves the zeros alone
        if self.auto_backward:
            self.message.emit("Grads zeroed; auto backward fills them in again at the next edit")

    def select_row(self, nid: str) -> None:
        row = self.model.row_of(nid)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    # --- slots ------------------------------------------------------------------------------
    def _on_table_clicked(self, index: QModelIndex) -> None:
        nid = self.model.node_id(index.row())
        if nid is not None:
            self.node_clicked.emit(nid)

    def _on_auto_toggled(self, _on: bool) -> None:
        if self.document is not None:
            self._apply_auto(self.document)

    def _apply_auto(self, document) -> None:
        """The checkbox is the document's policy; switched on, it catches up at once."""
        on = self.auto_check.isChecked()
        stale = not document.grads_current
        document.set_auto_backward(on)
        if on and stale:
            self._say_why_idle()

    def _on_structure(self, *_args) -> None:
        # one edit can add many nodes and wires: rebuild once, when it is over
        if not self._dirty:
            self._dirty = True
            QTimer.singleShot(0, self._flush)

    def _flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self.model.rebuild()
            self._fill_outputs()

    def _on_node_changed(self, nid: str) -> None:
        self.model.node_changed(nid)
        if self.output_combo.findData(nid) >= 0:
            self._fill_outputs()  # a label shown in the combo may have changed

    def _on_values_changed(self, ids: tuple) -> None:
        if self._dirty:
            self._flush()
        else:
            self.model.values_changed(ids, self._shown_rows())

    def _shown_rows(self) -> tuple[int, int] | None:
        """The table rows on screen (None: too many to announce one by one)."""
        table = self.table
        first = table.rowAt(0)
        if first < 0:
            return (0, -1)  # no rows shown
        last = table.rowAt(table.viewport().height() - 1)
        if last < 0:
            last = self.model.rowCount() - 1
        return (first, last) if last - first < 64 else None

    def _on_output_changed(self, _nid) -> None:
        # a choice, its undo or a file (auto backward makes the grads follow it)
        self._fill_outputs()

    def _on_output_chosen(self, _index: int) -> None:
        if self._filling or self.document is None:
            return
        chosen = self.chosen_output()
        if chosen != self.document.selected_output:
            self.undo_stack.push(SelectOutputCommand(self.document, chosen))
        if self.auto_backward:
            self._say_why_idle()  # the document ran backward from the new output

    _filling = False

    def _fill_outputs(self) -> None:
        doc = self.document
        self._filling = True
        try:
            self.output_combo.clear()
            if doc is None:
                return
            default = doc.default_output()
            auto_name = doc.describe(default) if default is not None else "none"
            self.output_combo.addItem(f"Automatic ({auto_name})", _AUTO)
            outputs = doc.output_ids()
            selected = doc.selected_output
            if selected is not None and selected not in outputs:
                outputs.append(selected)
            for nid in outputs:
                self.output_combo.addItem(doc.describe(nid), nid)
            index = self.output_combo.findData(selected) if selected is not None else 0
            self.output_combo.setCurrentIndex(max(index, 0))
        finally:
            self._filling = False
