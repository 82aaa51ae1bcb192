"""The canvas editor (gestures -> undo commands) driven with no QGraphicsView: only the
scene that projects the document and an undo stack."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from mgstudio.app.canvas.editor import CanvasEditor
from mgstudio.app.canvas.port_item import INPUT, OUTPUT, PortRef
from mgstudio.app.canvas.scene import CanvasScene
from mgstudio.document import Wire


@pytest.fixture
def editing(qtbot, doc, undo_stack):
    scene = CanvasScene()
    scene.set_document(doc)
    said: list[str] = []
    editor = CanvasEditor(scene, undo_stack, said.append)
    editor.set_document(doc)
    yield editor, scene, said
    scene.release()


def _history(stack) -> list[str]:
    return [stack.text(i) for i in range(stack.count())]


def _round_trip(stack, doc, before: str) -> None:
    """Undoing every step gives the document back; redoing gives the edit back."""
    after = doc.to_json()
    while stack.canUndo():
        stack.undo()
    assert doc.to_json() == before
    while stack.canRedo():
        stack.redo()
    assert doc.to_json() == after


def test_a_drop_on_a_wire_is_one_step_that_splices(editing, doc, undo_stack, neuron):
    editor, scene, said = editing
    before = doc.to_json()
    mid = scene.wire_item(neuron["o"], "a").path().pointAtPercent(0.5)
    e = editor.drop_kind("exp", mid)
    assert e is not None and scene.selected_ids() == [e]
    assert Wire(neuron["n"], e, "a") in doc.wires and Wire(e, neuron["o"], "a") in doc.wires
    assert _history(undo_stack) == ["Insert exp into wire"]
    _round_trip(undo_stack, doc, before)
    assert said == []


def test_a_drop_away_from_wires_only_adds(editing, doc, undo_stack):
    editor, _scene, _said = editing
    nid = editor.drop_kind("tanh", QPointF(100.0, 100.0))
    assert nid is not None and doc.nodes[nid].pos == (60.0, 84.0)
    assert _history(undo_stack) == ["Add tanh"]


def test_a_refused_drop_leaves_no_entry_and_says_why(editing, doc, undo_stack, neuron):
    editor, _scene, said = editing
    before = doc.to_json()
    assert editor.drop_kind("exp", QPointF(5e7, 5e7)) is None
    assert undo_stack.count() == 0 and doc.to_json() == before
    assert len(said) == 1


def test_quick_add_from_a_dropped_wire_wires_the_new_node(editing, doc, undo_stack, neuron):
    editor, _scene, _said = editing
    before = doc.to_json()
    out = PortRef(neuron["o"], OUTPUT)
    nid = editor.quick_added("exp", QPointF(2000.0, 170.0), out)
    assert Wire(neuron["o"], nid, "a") in doc.wires
    into = PortRef(neuron["x1w1"], INPUT, "a")
    undo_stack.undo()
    doc.disconnect(doc.inputs_of(neuron["x1w1"])["a"])
    before = doc.to_json()
    feeder = editor.quick_added("input", QPointF(300.0, 20.0), into)
    assert doc.inputs_of(neuron["x1w1"])["a"] == Wire(feeder, neuron["x1w1"], "a")
    assert _history(undo_stack)[-1] == "Add input"
    _round_trip(undo_stack, doc, before)


def test_a_drag_onto_a_wire_moves_and_splices_in_one_step(editing, doc, undo_stack, neuron):
    editor, scene, _said = editing
    e = doc.add_node("exp", label="e", pos=(0.0, 600.0))
    before = doc.to_json()
    mid = scene.wire_item(neuron["o"], "a").path().pointAtPercent(0.5)
    item = scene.item_for(e)
    item.setSelected(True)
    centre = item.sceneBoundingRect().center() - item.pos()
    item.setPos(mid - centre)  # what Qt does while the learner drags
    editor.finish_move()
    assert Wire(neuron["n"], e, "a") in doc.wires and Wire(e, neuron["o"], "a") in doc.wires
    assert _history(undo_stack) == ["Insert e into wire"]
    _round_trip(undo_stack, doc, before)


def test_a_plain_drag_is_one_move(editing, doc, undo_stack, neuron):
    editor, scene, _said = editing
    for label in ("x1", "w1"):
        scene.item_for(neuron[label]).setSelected(True)
        scene.item_for(neuron[label]).moveBy(0.0, -500.0)
    editor.finish_move()
    assert _history(undo_stack) == ["Move 2 nodes"]
    assert doc.nodes[neuron["x1"]].pos == (0.0, -500.0)


def test_typed_values_labels_and_params(editing, doc, undo_stack, neuron):
    editor, _scene, said = editing
    p = doc.add_node("pow", label="p", pos=(0.0, 900.0))
    editor.commit_value(neuron["x1"], "3.5")
    editor.commit_value(neuron["x1"], "3.5")  # unchanged: no step
    editor.commit_value(neuron["x1"], "three")
    editor.commit_label(neuron["x1"], "  xa ")
    editor.commit_param(p, "exponent", "3")
    assert doc.nodes[neuron["x1"]].value == 3.5 and doc.nodes[neuron["x1"]].label == "xa"
    assert doc.nodes[p].params["exponent"] == 3.0
    assert _history(undo_stack) == ["Set x1 = 3.5", "Rename x1 to xa", "Set exponent of p = 3"]
    assert len(said) == 1


def test_copy_paste_duplicate_cut_delete(editing, doc, undo_stack, neuron):
    editor, scene, said = editing
    assert not editor.copy() and said == ["nothing selected to copy"]
    editor.select([neuron["x1"], neuron["w1"]])
    assert editor.copy()
    first = editor.paste(QPointF(0.0, 1000.0))
    second = editor.paste(QPointF(0.0, 1000.0))  # the same place again: a little further
    assert len(first) == len(second) == 2 and sorted(scene.selected_ids()) == sorted(second)
    assert doc.nodes[second[0]].pos != doc.nodes[first[0]].pos
    assert len(editor.duplicate()) == 2
    editor.cut()
    editor.select([neuron["o"]])
    editor.delete_selected()
    assert neuron["o"] not in doc.nodes
    assert _history(undo_stack) == [
        "Paste 2 nodes",
        "Paste 2 nodes",
        "Duplicate 2 nodes",
        "Cut 2 nodes",
        "Delete o",
    ]


def test_insert_neuron_is_one_step(editing, doc, undo_stack):
    editor, _scene, said = editing
    ids = editor.insert_neuron(3, "relu", QPointF(0.0, 0.0))
    assert len(ids) == len(doc.nodes) and _history(undo_stack) == ["Insert neuron (3 inputs, relu)"]
    assert editor.insert_neuron(0, "tanh", QPointF(0.0, 0.0)) == [] and len(said) == 1
