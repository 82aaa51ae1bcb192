"""Step-through backward: the chain rule one node at a time, on the canvas and in words.

Each step takes one node (outputs first, in reverse topological order), reads its grad (the
"upstream" grad), multiplies it by the node's local derivative for each input and adds the
product into that input's grad. The walk, its position and the grads it accumulates belong to
the Qt-free model (``mgstudio.document.stepthrough.StepThrough``, which publishes the grads
through the document); this panel renders it: the numbers, a ring on the node on the canvas
and a ``+= …`` badge on every input it fed (a node used twice gets two badges that add up).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mgstudio.document.stepthrough import StepThrough
from mgstudio.engine.stepper import BackwardStepper, Step, local_rule

from .. import plain
from ..doc_watch import EDITS, DocWatch
from .naming import node_name, num, output_choices
from .overlays import NEXT, NOTE, RING, OverlayLayer

_AUTO = "__auto__"


class StepperPanel(QWidget):
    """Output choice, Reset / Back / Step / Play with a speed slider, and the step explained."""

    message = Signal(str)

    def __init__(self, document, canvas, parent=None):
        super().__init__(parent)
        self.document = None
        self.canvas = canvas
        self.overlay = OverlayLayer(canvas)
        #: what is shown: the walk, its position and the grads it accumulated
        self.model = StepThrough()
        self._watch = DocWatch()
        self._filling = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        row.addWidget(QLabel("Output"))
        self.output_combo = QComboBox()
        self.output_combo.setToolTip("The node whose grad starts at 1")
        self.output_combo.currentIndexChanged.connect(self._on_output_chosen)
        row.addWidget(self.output_combo, 1)
        self.zero_check = QCheckBox("Zero grads first")
        self.zero_check.setChecked(True)
        self.zero_check.setToolTip(
            "Untick to see what a forgotten zero_grad does: each new pass adds onto the old grads"
        )
        row.addWidget(self.zero_check)
        layout.addLayout(row)

        row = QHBoxLayout()
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the start of this pass")
        self.back_button = QPushButton("◀ Back")
        self.back_button.setToolTip("Undo the last step")
        self.step_button = QPushButton("Step ▶")
        self.step_button.setToolTip("Pass the grad of the next node to its inputs")
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 20)
        self.speed.setValue(2)
        self.speed.setToolTip("Steps per second while playing")
        self.speed.valueChanged.connect(self._on_speed)
        self.position_label = plain.label()
        for w in (self.reset_button, self.back_button, self.step_button, self.play_button):
            row.addWidget(w)
        row.addWidget(QLabel("speed"))
        row.addWidget(self.speed, 1)
        row.addWidget(self.position_label)
        layout.addLayout(row)
        self.reset_button.clicked.connect(self.reset)
        self.back_button.clicked.connect(self.back)
        self.step_button.clicked.connect(self.step)
        self.play_button.toggled.connect(self._on_play_toggled)

        self.explain = QTextBrowser()
        self.explain.setOpenLinks(False)
        self.notes_label = plain.label()  # names nodes
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.notes_label)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setPlaceholderText("Every += so far appears here.")
        # side by side: the dock sits below the canvas, wide and short
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.explain)
        split.addWidget(self.log)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.set_document(document)

    @property
    def stepper(self) -> BackwardStepper | None:
        """The current pass (order, position, history), None while idle."""
        return self.model.stepper

    @property
    def root(self) -> str | None:
        return self.model.root

    @property
    def passes(self) -> int:
        return self.model.passes

    # --- document -----------------------------------------------------------------------------
    def set_document(self, document) -> None:
        self._go_idle("")
        self.document = document
        self.model.attach(document)
        slots = dict.fromkeys((*EDITS, "output_changed"), self._on_edit)
        slots["node_changed"] = self._on_node_changed
        self._watch.watch(document, slots)
        self._fill_outputs()
        self._show_idle()

    def detach(self) -> None:
        """Stop following the document (window closing)."""
        self._go_idle("")
        self._watch.close()
        self.document = None
        self.model.attach(None)

    def _on_edit(self, *_args) -> None:
        if self.model.publishing:
            return
        was_active = self.stepper is not None
        self._go_idle("The graph changed, so the step-through started over." if was_active else "")
        self._fill_outputs()
        self._show_idle()

    def _on_node_changed(self, nid: str) -> None:
        self.overlay.follow(nid)
        if self.output_combo.findData(nid) >= 0:
            self._fill_outputs()

    # --- output choice ------------------------------------------------------------------------
    def _fill_outputs(self) -> None:
        self._filling = True
        try:
            keep = self.output_combo.currentData()
            self.output_combo.clear()
            doc = self.document
            if doc is None:
                return
            default = doc.default_output()
            auto = node_name(doc, default) if default is not None else "none"
            self.output_combo.addItem(f"Automatic ({auto})", _AUTO)
            for nid in output_choices(doc):
                self.output_combo.addItem(node_name(doc, nid), nid)
            index = self.output_combo.findData(keep) if keep is not None else 0
            self.output_combo.setCurrentIndex(max(index, 0))
        finally:
            self._filling = False

    def chosen_output(self) -> str | None:
        data = self.output_combo.currentData()
        if self.document is None:
            return None
        if data in (None, _AUTO) or data not in self.document.nodes:
            return self.document.default_output()
        return data

    def set_output(self, nid: str | None) -> None:
        index = self.output_combo.findData(nid if nid is not None else _AUTO)
        if index < 0 and nid is not None:
            self.output_combo.addItem(node_name(self.document, nid), nid)
            index = self.output_combo.count() - 1
        self.output_combo.setCurrentIndex(max(index, 0))

    def _on_output_chosen(self, _index: int) -> None:
        if self._filling:
            return
        self._go_idle("")
        self._show_idle()

    # --- the verbs ----------------------------------------------------------------------------
    def step(self) -> Step | None:
        """One node further; starts a pass (or a new one after the last step) when needed."""
        if self.model.needs_start and not self._start():
            return None
        step = self.model.step()
        self._show()
        return step

    def back(self) -> Step | None:
        if self.model.stepper is None:
            return None
        step = self.model.back()
        self._show()
        return step

    def reset(self) -> None:
        """Undo every step of this pass (grads back to where the pass started)."""
        self.pause()
        if self.model.stepper is None:
            self._start()
        else:
            self.model.rewind()
        self._show()

    def run_to_end(self) -> None:
        if self.model.needs_start and not self._start():
            return
        self.model.run_to_end()
        self._show()

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def _on_play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if on:
            if self.model.needs_start and not self._start():
                self.play_button.setChecked(False)
                return
            self._show()
            self._on_speed(self.speed.value())
            self.timer.start()
        else:
            self.timer.stop()

    def _on_speed(self, steps_per_second: int) -> None:
        self.timer.setInterval(int(1000 / max(1, steps_per_second)))

    def _tick(self) -> None:
        if self.stepper is None or self.stepper.done:
            self.pause()
            return
        self.step()
        if self.stepper is not None and self.stepper.done:
            self.pause()

    # --- state ----------------------------------------------------------------------------------
    def _start(self) -> bool:
        why = self.model.start(self.chosen_output(), zero_first=self.zero_check.isChecked())
        if why is not None:
            self.message.emit(why)
            self._show_idle(why)
            return False
        return True

    def _go_idle(self, why: str) -> None:
        self.timer.stop()
        if self.play_button.isChecked():
            self.play_button.blockSignals(True)
            self.play_button.setChecked(False)
            self.play_button.setText("Play")
            self.play_button.blockSignals(False)
        self.model.stop()
        self.overlay.clear()
        self.log.clear()
        if why:
            self.message.emit(why)

    def name_of(self, value) -> str:
        nid = self.model.node_id(value)
        if nid is not None and self.document is not None and nid in self.document.nodes:
            return node_name(self.document, nid)
        return value.label or f"({value._op or 'leaf'})"

    # --- showing ----------------------------------------------------------------------------------
    def text(self) -> str:
        """The explanation as plain text (what the learner reads)."""
        return self.explain.toPlainText()

    def log_text(self) -> str:
        return self.log.toPlainText()

    def _notes(self) -> str:
        doc = self.document
        if doc is None:
            return ""
        skipped = [doc.why_incomplete(nid) for nid in doc.nodes if doc.value_of(nid) is None]
        if not skipped:
            return ""
        head = "Skipped, because they have no value yet: "
        more = f" (and {len(skipped) - 5} more)" if len(skipped) > 5 else ""
        return head + "; ".join(skipped[:5]) + more

    def _enable(self) -> None:
        s = self.stepper
        self.back_button.setEnabled(s is not None and s.position > 0)
        self.reset_button.setEnabled(self.document is not None)
        if s is not None:
            extra = f", pass {self.passes}" if self.passes > 1 else ""
            self.position_label.setText(f"step {s.position} of {len(s.order)}{extra}")
        else:
            self.position_label.setText("")

    def _show_idle(self, text: str | None = None) -> None:
        doc = self.document
        root = self.chosen_output() if doc is not None else None
        if text is None:
            if root is None:
                text = "Build or open a graph, then press Step to watch backward, node by node."
            else:
                text = (
                    f"Press Step to start backward from {node_name(doc, root)}: its grad is "
                    "set to 1 and every other grad to 0, then each node in turn passes its "
                    "grad to its inputs."
                )
        self.explain.setHtml(f"<p>{html.escape(text)}</p>")
        self.notes_label.setText(self._notes())
        self._enable()

    def _show(self) -> None:
        self.overlay.clear()
        s = self.stepper
        if s is None:
            self._show_idle()
            return
        self.notes_label.setText(self._notes())
        self._enable()
        root_name = self.name_of(s.output)
        if not s.history:
            self.explain.setHtml(
                f"<p><b>{html.escape(root_name)}.grad = 1</b>: a change in "
                f"{html.escape(root_name)} changes {html.escape(root_name)} by the same "
                f"amount. Everything else starts at 0"
                + (
                    ""
                    if self.zero_check.isChecked()
                    else " <i>(except the leaves: zero grads first is off, so they keep their "
                    "old grads)</i>"
                )
                + ". Press Step.</p>"
            )
            self._ring(s.output, RING)
            self.log.setPlainText("")
            return
        step = s.history[-1]
        done = ""
        if s.done and self.zero_check.isChecked():
            done = (
                f"<p><b>Done.</b> Every node {html.escape(root_name)} depends on now holds "
                f"d{html.escape(root_name)}/d(node): the same numbers Backward computes "
                "in one go.</p>"
            )
        elif s.done:
            done = (
                "<p><b>Done, but</b> the leaves' grads are this pass's grads <i>plus</i> "
                "what they held before: zero grads first was off. Backward would give "
                "only this pass's share.</p>"
            )
        self.explain.setHtml(done + self._step_html(step, len(s.order), root_name))
        self._ring(step.node, RING)
        for c in step.contributions:
            nid = self.model.node_id(c.operand)
            if nid is not None:
                self.overlay.badge(nid, f"+= {num(c.added)}", NOTE, where="below")
        if s.current is not None:
            self._ring(s.current, NEXT, dashed=True)
        self.log.setPlainText("\n".join(self._log_lines(s.history)))
        self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    def _ring(self, value, colour, dashed: bool = False) -> None:
        nid = self.model.node_id(value)
        if nid is not None:
            self.overlay.ring(nid, colour, dashed=dashed)

    def _step_html(self, step: Step, total: int, root: str) -> str:
        name = html.escape(self.name_of(step.node))
        r = html.escape(root)
        if not step.contributions:
            return f"<p>Step {step.index + 1} of {total}: {name} has no inputs.</p>"
        up = step.contributions[0].upstream
        operands = [html.escape(self.name_of(c.operand)) for c in step.contributions]
        op = step.node.op
        formula = _formula(name, step.node._op, operands)
        parts = [
            f"<p><b>Step {step.index + 1} of {total}: {formula}</b></p>",
            f"<p>{name}.grad is <b>{num(up)}</b>: how much {r} moves per unit change of "
            f"{name}. Each input gets <i>local derivative × {num(up)}</i> added to its grad."
            "</p>",
            "<table cellpadding='3' border='1' style='border-collapse: collapse'>"
            "<tr><th>input</th><th>local derivative</th><th>× upstream</th>"
            "<th>= added</th><th>grad: before → after</th></tr>",
        ]
        for c, oname in zip(step.contributions, operands):
            parts.append(
                f"<tr><td>{oname}</td><td align='right'>{num(c.local)}</td>"
                f"<td align='right'>{num(c.upstream)}</td><td align='right'>{num(c.added)}</td>"
                f"<td align='right'>{num(c.before)} → {num(c.after)}</td></tr>"
            )
        parts.append("</table>")
        for c, oname in zip(step.contributions, operands):
            parts.append(
                f"<p>{oname}.grad += {num(c.local)} × {num(c.upstream)} = "
                f"{num(c.added)}, so {oname}.grad is now {num(c.after)}.</p>"
            )
        reused = [o for i, o in enumerate(operands) if o in operands[:i]]
        accumulated = [
            o for c, o in zip(step.contributions, operands) if c.before != 0.0 and o not in reused
        ]
        if reused:
            who = ", ".join(dict.fromkeys(reused))
            parts.append(
                f"<p>{who} feeds {name} more than once: each use adds its own share "
                "(+=), so the shares sum up instead of the last one winning.</p>"
            )
        if accumulated:
            who = ", ".join(dict.fromkeys(accumulated))
            parts.append(
                f"<p>{who} already had a grad (from another use, or an earlier "
                "pass): += adds this contribution on top.</p>"
            )
        if op is not None:  # the op registry's sentence and its local derivative rule
            rule = html.escape(local_rule(step.node))
            parts.append(f"<p><i>{html.escape(op.hint)}</i> ({rule})</p>")
        return "".join(parts)

    def _log_lines(self, history) -> list[str]:
        lines = []
        for step in history:
            name = self.name_of(step.node)
            for c in step.contributions:
                o = self.name_of(c.operand)
                lines.append(
                    f"{step.index + 1:>3}. {name} → {o}: {o}.grad += {num(c.local)} × "
                    f"{num(c.upstream)} = {num(c.added)}   ({num(c.before)} → "
                    f"{num(c.after)})"
                )
        return lines


def _formula(name: str, symbol: str, operands: list[str]) -> str:
    if len(operands) == 2:
        return f"{name} = {operands[0]} {html.escape(symbol)} {operands[1]}"
    if symbol.startswith("**"):
        return f"{name} = {operands[0]}{html.escape(symbol)}"
    return f"{name} = {html.escape(symbol)}({', '.join(operands)})"
