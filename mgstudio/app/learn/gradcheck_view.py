"""The gradient check on the canvas: every leaf's grad from backward against a central
difference, a pass/fail badge with the relative error on each leaf, and a table of them all.

Badges are projections of one check; the next edit makes them stale, so they go away then.
The check runs in a background task on a copy of the graph (nodes and wires are immutable
records, so copying them is cheap), with progress per leaf and Cancel; an edit made while it
runs makes its result stale, and it is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document import Document
from mgstudio.document.outputs import why_backward_idle
from mgstudio.engine.gradcheck import gradcheck

from .. import plain
from ..background import tasks_for
from ..doc_watch import EDITS, DocWatch
from .naming import node_name, num, value_ids
from .overlays import FAIL, PASS, OverlayLayer

COLUMNS = ("leaf", "backward", "central difference", "rel. error", "")


@dataclass(frozen=True)
class CheckRow:
    nid: str
    name: str
    analytic: float
    numeric: float
    rel_error: float
    ok: bool


def check_document(
    doc, output: str | None = None, progress=None
) -> tuple[str | None, list[CheckRow]]:
    """Gradient-check every leaf the output depends on. Afterwards the document's grads are
    one fresh backward from that output (as the Backward button leaves them)."""
    root = output if output is not None else doc.default_output()
    value = doc.value_of(root) if root is not None else None
    if value is None:
        return root, []
    names = value_ids(doc)
    values = [v for nid in doc.nodes if (v := doc.value_of(nid)) is not None]
    before = [v.grad for v in values]
    report = gradcheck(value, progress=progress)
    # put the grads back so that the document's own backward sees (and announces) the change
    for v, g in zip(values, before):
        v.grad = g
    rows = []
    for r in report.rows:
        nid = names.get(id(r.leaf))
        if nid is None:
            continue
        rows.append(
            CheckRow(nid, node_name(doc, nid), r.analytic, r.numeric, r.rel_error, bool(r.ok))
        )
    order = {nid: i for i, nid in enumerate(doc.nodes)}
    rows.sort(key=lambda r: order[r.nid])
    doc.backward(root)
    return root, rows


def check_job(doc, root: str | None):
    """A Qt-free job for a worker thread: the check of ``root`` on a copy of ``doc`` as it is
    now; returns the rows."""
    nodes, wires = list(doc.nodes.values()), tuple(doc.wires)

    def job(progress):
        copy = Document()
        copy.add_subgraph(nodes, wires)
        return check_document(copy, root, progress)[1]

    return job


def badge_text(row: CheckRow) -> str:
    return f"{'✓' if row.ok else '✗'} {row.rel_error:.1e}"


class GradcheckPanel(QWidget):
    """A Check button, a summary line and one table row per leaf."""

    message = Signal(str)
    node_clicked = Signal(str)

    def __init__(self, document, canvas, parent=None):
        super().__init__(parent)
        self.document = None
        self.canvas = canvas
        self.overlay = OverlayLayer(canvas)
        self.rows: list[CheckRow] = []
        self._watch = DocWatch()
        self._checking = False
        #: the running check's task; ``_edited`` says the graph changed while it ran
        self.task = None
        self._edited = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.check_button = QPushButton("Check gradients")
        self.check_button.setToolTip(
            "Compare each leaf's grad with (f(x+h) − f(x−h)) / 2h, h = 1e-6"
        )
        self.check_button.clicked.connect(lambda: self.run())
        top.addWidget(self.check_button)
        self.summary = plain.label("Not checked yet.")  # names leaves
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._on_clicked)
        layout.addWidget(self.table, 1)
        self.set_document(document)

    def set_document(self, document) -> None:
        self.document = document
        slots = dict.fromkeys(EDITS, self._on_edit)
        slots["node_changed"] = self.overlay.follow
        self._watch.watch(document, slots)
        self._clear("Not checked yet.")

    def detach(self) -> None:
        self._watch.close()
        self.overlay.clear()
        self.document = None

    def _on_edit(self, *_args) -> None:
        if self._checking:
            return
        self._edited = True
        if self.rows:
            self._clear("The graph changed since the last check: check again.")

    def _clear(self, text: str) -> None:
        self.rows = []
        self.overlay.clear()
        self.table.setRowCount(0)
        self.summary.setText(text)

    def run(self, output: str | None = None):
        """Start the check in a background task (returned; None without a document). The rows
        are shown in the table and as badges when it ends (``self.rows``)."""
        doc = self.document
        if doc is None:
            return None
        if self.task is not None and self.task.running:
            self.task.cancel()
        root = output if output is not None else doc.default_output()
        self._clear("Checking…")
        self._edited = False
        self.check_button.setEnabled(False)

        def arrived(rows):
            if self.document is not doc or self._edited:
                self.summary.setText("The graph changed during the check: check again.")
                return
            self._checking = True
            try:
                if root is not None and doc.value_of(root) is not None:
                    doc.backward(root)  # the grads the check compared, shown on the canvas
            finally:
                self._checking = False
            self.show_rows(root, rows)

        def ended(state):
            self.check_button.setEnabled(True)
            if state == "cancelled":
                self.summary.setText("The check was cancelled.")
            elif state == "failed":
                self.summary.setText(f"The check failed: {task.error}")

        task = tasks_for(self).run("Checking gradients", check_job(doc, root), on_done=arrived)
        task.ended.connect(ended)
        self.task = task
        return task

    def show_rows(self, root: str | None, rows: list[CheckRow]) -> list[CheckRow]:
        """Show a finished check (the table, the badges, the summary)."""
        doc = self.document
        self._clear("")
        self.rows = rows
        if root is None or doc.value_of(root) is None:
            why = (
                why_backward_idle(doc, root, verb="The gradient check")
                if root is not None
                else None
            )
            self.summary.setText(why or "Nothing to check: the graph has no output yet.")
            return rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = (
                r.name,
                num(r.analytic),
                f"{r.numeric:.8g}",
                f"{r.rel_error:.2e}",
                "pass" if r.ok else "FAIL",
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if j == 4:
                    item.setForeground(QBrush(PASS if r.ok else FAIL))
                self.table.setItem(i, j, item)
            self.overlay.badge(r.nid, badge_text(r), PASS if r.ok else FAIL, where="above")
        bad = [r.name for r in rows if not r.ok]
        out = node_name(doc, root)
        if not rows:
            text = f"{out} depends on no leaf: nothing to check."
        elif bad:
            text = (
                f"{len(bad)} of {len(rows)} leaves disagree with the finite difference: "
                f"{', '.join(bad)}. A backward rule on their path is wrong."
            )
        else:
            text = (
                f"All {len(rows)} leaves of {out} pass: backward agrees with the central "
                "difference."
            )
        self.summary.setText(text)
        self.message.emit(text)
        return rows

    def _on_clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.rows):
            self.node_clicked.emit(self.rows[row].nid)
