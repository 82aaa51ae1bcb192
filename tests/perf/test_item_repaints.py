"""Node items repaint only when what they show changed: counted paints and stale flags (the
number text of a far-zoomed or off-screen item is pulled when it is next seen)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF

from mgstudio.app.canvas.node_item import NodeItem
from mgstudio.app.commands import SetValueCommand


def test_only_changed_items_repaint(canvas, doc, undo_stack, neuron, qtbot, paints):
    canvas.fit_all()
    canvas.viewport().repaint()
    items = {k: canvas.item_for(v) for k, v in neuron.items()}
    before = {k: paints[it] for k, it in items.items()}
    undo_stack.push(SetValueCommand(doc, neuron["w2"], 2.0))  # x2 = 0: x2w2 stays 0
    undo_stack.push(SetValueCommand(doc, neuron["x1"], 1.0))
    canvas.viewport().repaint()
    painted = {k for k, it in items.items() if paints[it] > before[k]}
    assert {"x1", "x1w1", "x1w1x2w2", "n", "o"} <= painted
    assert not painted & {"x2", "b", "x2w2"}


def test_far_zoom_draws_boxes_without_text(canvas, doc, neuron, monkeypatch):
    calls = []
    for name in ("_paint_label", "_paint_numbers"):
        original = getattr(NodeItem, name)
        monkeypatch.setattr(
            NodeItem, name, lambda self, *a, f=original: (calls.append(self), f(self, *a))
        )
    canvas.resetTransform()
    canvas.scale(0.2, 0.2)
    canvas.viewport().repaint()
    assert calls == []
    canvas.resetTransform()
    canvas.viewport().repaint()
    assert calls


def test_zoomed_out_edits_skip_repaints_but_zooming_in_shows_the_new_numbers(
    canvas, doc, undo_stack, neuron, paints
):
    canvas.resetTransform()
    canvas.scale(0.2, 0.2)  # boxes only: numbers are not drawn
    o = canvas.item_for(neuron["o"])
    canvas.centerOn(o)
    canvas.viewport().repaint()
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert shown.contains(o.sceneBoundingRect())
    before = paints[o]
    undo_stack.push(SetValueCommand(doc, neuron["x2"], 1.0))
    canvas.viewport().repaint()
    assert paints[o] == before  # no pixel to change, no repaint
    canvas.resetTransform()
    canvas.centerOn(o)
    canvas.viewport().repaint()
    assert paints[o] > before
    expected = f"data {math.tanh(-5.0 + 6.8813735870195432):.4f}"
    assert o.texts()[1] == expected


def test_offscreen_items_catch_up_when_scrolled_into_view(canvas, doc, undo_stack, neuron):
    canvas.resetTransform()
    canvas.centerOn(QPointF(-20000, -20000))  # nothing on screen
    canvas.viewport().repaint()
    o = canvas.item_for(neuron["o"])
    undo_stack.push(SetValueCommand(doc, neuron["x1"], 3.0))
    assert o.stale  # not pulled yet: nobody sees it
    canvas.centerOn(o)
    assert not o.stale
    canvas.viewport().repaint()
    assert o.texts()[1] == f"data {math.tanh(-9.0 + 6.8813735870195432):.4f}"
