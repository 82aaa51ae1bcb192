"""The node table repaints only cells whose text changed, and never shows a stale number."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mgstudio.app.commands import SetValueCommand
from mgstudio.document import Document

_DISPLAY = Qt.ItemDataRole.DisplayRole


def _chain(n: int) -> tuple[Document, str]:
    doc = Document()
    x = doc.add_node("input", label="x", value=0.5, pos=(0.0, 0.0))
    prev = x
    for i in range(n):
        node = doc.add_node("tanh" if i % 2 else "neg", label=f"t{i}", pos=(300.0 * (i + 1), 0.0))
        doc.connect(prev, node, "a")
        prev = node
    return doc, x


def _check_shown(panel, painted, qapp):
    """Let the table repaint what it was told to, then compare what it last painted in each
    visible number cell with the live text (a grab would repaint everything afresh)."""
    qapp.processEvents()
    model, table = panel.model, panel.table
    first, last = table.rowAt(0), table.rowAt(table.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    for row in range(first, last + 1):
        for col in (2, 3):
            assert painted.get((row, col)) == model.data(model.index(row, col)), (row, col)


def test_table_cells_follow_edits_while_scrolled_away_and_back(window, qapp, monkeypatch):
    from mgstudio.app.backward_panel import NodeTableModel

    painted = {}
    original = NodeTableModel.data

    def spy(self, index, role=_DISPLAY):
        value = original(self, index, role)
        if role == _DISPLAY:
            painted[(index.row(), index.column())] = value
        return value

    monkeypatch.setattr(NodeTableModel, "data", spy)
    doc, x = _chain(60)
    window.set_document(doc)
    panel = window.backward_panel
    push = window.undo_stack.push
    push(SetValueCommand(doc, x, 0.25))
    _check_shown(panel, painted, qapp)
    bar = panel.table.verticalScrollBar()
    bar.setValue(bar.maximum())  # the first rows are off screen
    push(SetValueCommand(doc, x, -0.75))
    _check_shown(panel, painted, qapp)
    bar.setValue(0)
    _check_shown(panel, painted, qapp)
    push(SetValueCommand(doc, x, 0.25))  # back to the texts the table announced before
    _check_shown(panel, painted, qapp)


def test_an_edit_repaints_only_changed_number_cells(window):
    doc, x = _chain(6)
    window.set_document(doc)
    model = window.backward_panel.model
    window.backward_panel.table.viewport().repaint()
    announced = []
    model.dataChanged.connect(
        lambda a, b, roles: announced.append((a.row(), a.column(), b.row(), b.column()))
    )
    xrow = model.row_of(x)
    window.undo_stack.push(SetValueCommand(doc, x, 0.75))
    # single cells, besides the edited leaf's own row (its value is part of the node)
    cells = [(r0, c0) for r0, c0, r1, c1 in announced if (r0, c0) == (r1, c1)]
    assert all((r0, c0) == (r1, c1) or r0 == r1 == xrow for r0, c0, r1, c1 in announced)
    assert (xrow, 2) in cells and len(cells) > 2
    announced.clear()
    window.undo_stack.push(SetValueCommand(doc, x, 0.75000000001))  # same text everywhere
    assert [a for a in announced if a[0] != xrow] == []


def test_the_auto_backward_checkbox_switches_the_documents_policy(window):
    """The checkbox only toggles ``Document.auto_backward``; the choice carries over to the
    next document shown (New/Open), which catches up at once."""
    panel = window.backward_panel
    doc, x = _chain(4)
    window.set_document(doc)
    panel.auto_check.setChecked(False)
    assert not doc.auto_backward
    doc.set_value(x, 0.1)
    assert not doc.grads_current
    panel.auto_check.click()  # as the learner does
    assert doc.auto_backward and doc.grads_current
    other, y = _chain(3)
    window.set_document(other)
    assert other.auto_backward and other.grads_current
    other.set_value(y, 0.7)  # an edit with no panel involved: the document follows itself
    assert other.grads_current and other.backward_output == other.default_output()
