"""A refused edit changes nothing: commands that make several changes check them all first
(or roll back), and leave no entry on the undo stack (issue #11 item 17)."""

from __future__ import annotations

from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.app.commands import (
    DisconnectCommand,
    MoveNodesCommand,
    ReconnectCommand,
    RemoveNodesCommand,
    SpliceCommand,
)
from mgstudio.document import Document, Wire
from mgstudio.document.errors import UnknownNodeError, UnknownWireError


def _state(doc: Document) -> str:
    return doc.to_json()


def test_disconnect_with_a_stale_wire_changes_nothing(canvas, doc, neuron):
    """The knife's gesture reaches the document through ``view.push``: one stale wire in the
    cut (removed meanwhile) must not leave the earlier wires cut."""
    before, messages = _state(doc), []
    canvas.status_message.connect(messages.append)
    good = doc.inputs_of(neuron["o"])["a"]
    stale = Wire(neuron["x1"], neuron["o"], "a")  # never existed
    assert not canvas.push(DisconnectCommand(doc, [good, stale]))
    assert _state(doc) == before
    assert canvas.undo_stack.count() == 0
    assert messages and "no such wire" in messages[-1]


def test_delete_with_a_stale_wire_or_node_changes_nothing(canvas, doc, neuron):
    before = _state(doc)
    wire = doc.inputs_of(neuron["x1w1"])["a"]
    stale = Wire(neuron["x2"], neuron["o"], "a")
    cmd = RemoveNodesCommand(doc, [neuron["n"]], [wire, stale])
    assert not canvas.push(cmd)
    assert isinstance(cmd.error, UnknownWireError)
    assert _state(doc) == before and canvas.undo_stack.count() == 0
    cmd = RemoveNodesCommand(doc, [neuron["b"], "gone"], [wire])
    assert not canvas.push(cmd)
    assert isinstance(cmd.error, UnknownNodeError)
    assert _state(doc) == before and canvas.undo_stack.count() == 0


def test_empty_edits_leave_no_entry(canvas, doc, neuron):
    assert not canvas.push(RemoveNodesCommand(doc, [], []))
    assert not canvas.push(DisconnectCommand(doc, []))
    assert not canvas.push(DisconnectCommand(doc, Wire("x", "y", "a")))
    assert not canvas.push(MoveNodesCommand(doc, {}))
    assert not canvas.push(MoveNodesCommand(doc, {neuron["o"]: (5, 5), "gone": (1, 1)}))
    assert canvas.undo_stack.count() == 0
    assert doc.nodes[neuron["o"]].pos == (1600.0, 170.0)


def test_reconnect_refused_keeps_the_old_wire(canvas, doc, neuron):
    """Dragging a wire's end onto an occupied input used to be a macro: the disconnect stayed
    applied when the connect was refused."""
    before = _state(doc)
    old = doc.inputs_of(neuron["o"])["a"]
    taken = Wire(neuron["n"], neuron["x1w1"], "a")  # x1w1.a is wired already
    assert not canvas.push(ReconnectCommand(doc, old, taken))
    assert _state(doc) == before and canvas.undo_stack.count() == 0
    e = doc.add_node("exp", label="e")
    before = _state(doc)
    assert canvas.push(ReconnectCommand(doc, old, Wire(neuron["n"], e, "a")))
    assert canvas.undo_stack.count() == 1
    canvas.undo_stack.undo()
    assert _state(doc) == before


def test_splice_refused_changes_nothing(canvas, doc, neuron):
    before = _state(doc)
    wire = doc.inputs_of(neuron["o"])["a"]
    # splicing x1w1 (already fed on both inputs) into n -> o
    assert not canvas.push(SpliceCommand(doc, neuron["x1w1"], wire, "a"))
    assert _state(doc) == before and canvas.undo_stack.count() == 0


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.tuples(st.integers(0, 50), st.booleans()), min_size=1, max_size=8),
    delete_nodes=st.lists(st.integers(0, 50), max_size=3),
)
def test_any_mix_of_live_and_stale_wires_is_all_or_nothing(qtbot, picks, delete_nodes):
    from PySide6.QtGui import QUndoStack

    doc = Document()
    ids = [doc.add_node("input", value=1.0) for _ in range(3)]
    adds = [doc.add_node("add") for _ in range(3)]
    doc.connect(ids[0], adds[0], "a")
    doc.connect(ids[1], adds[0], "b")
    doc.connect(adds[0], adds[1], "a")
    doc.connect(ids[2], adds[1], "b")
    doc.connect(adds[1], adds[2], "a")
    live = list(doc.wires)
    stale = [Wire(ids[2], adds[2], "b"), Wire(ids[0], adds[1], "a")]
    wires = [(live if ok else stale)[i % 2 if not ok else i % len(live)] for i, ok in picks]
    nodes = [(ids + adds)[i % 6] for i in delete_nodes]
    stack = QUndoStack()
    before = doc.to_json()
    for cmd in (DisconnectCommand(doc, wires), RemoveNodesCommand(doc, nodes, wires)):
        stack.push(cmd)
        gone = set(nodes) if isinstance(cmd, RemoveNodesCommand) else set()
        kept = [w for w in wires if w.src not in gone and w.dst not in gone]
        if any(w in stale for w in kept) or (not kept and not nodes):
            assert cmd.error is not None
            assert doc.to_json() == before and stack.count() == 0
        else:
            assert cmd.error is None and stack.count() == 1
            stack.undo()
            assert doc.to_json() == before
            stack.clear()


def test_a_macro_whose_edits_are_all_refused_leaves_no_entry(canvas, doc, neuron):
    """Palette drops, quick-add and drag-splices group commands in a macro: when the first
    edit is refused (here: a drop beyond the coordinate limit) no empty entry may stay."""
    from PySide6.QtCore import QPointF

    before = _state(doc)
    wire = doc.inputs_of(neuron["o"])["a"]
    mid = canvas.canvas_scene.wire_item(neuron["o"], "a").path().pointAtPercent(0.5)
    assert canvas.drop_kind("exp", QPointF(5e7, 5e7)) is None
    assert canvas.undo_stack.count() == 0 and _state(doc) == before
    nid = canvas.drop_kind("exp", mid)  # a real splice still makes one step
    assert nid is not None and canvas.undo_stack.count() == 1
    assert wire not in doc.wires
    canvas.undo_stack.undo()
    assert _state(doc) == before


def test_a_step_that_overflows_every_leaf_leaves_no_entry(doc, undo_stack):
    from mgstudio.app.grads import step_along_gradient

    x = doc.add_node("input", label="x", value=1e308)
    w = doc.add_node("input", label="w", value=1e308)
    m = doc.add_node("mul", label="m")
    doc.connect(x, m, "a")
    doc.connect(w, m, "b")
    before = _state(doc)
    step_along_gradient(doc, undo_stack, [x, w], 10.0)  # x + 10 * 1e308 is not finite
    assert undo_stack.count() == 0 and _state(doc) == before
