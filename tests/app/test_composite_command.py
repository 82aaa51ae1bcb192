"""CompositeCommand: several edits as one undo step, with the texts and the refusals the
old ``beginMacro`` gave."""

from __future__ import annotations

from mgstudio.app.commands import AddNodeCommand, ConnectCommand, SetValueCommand
from mgstudio.app.composite import CompositeCommand, composite
from mgstudio.app.grads import step_along_gradient


def test_children_redo_in_order_and_undo_in_reverse(doc, undo_stack):
    a = doc.add_node("input", label="a", value=1.0)
    before = doc.to_json()
    with composite(undo_stack, "Add neg wired") as step:
        add = AddNodeCommand(doc, "neg", (100.0, 0.0))
        assert step.add(add)
        assert step.add(ConnectCommand(doc, a, add.node_id, "a"))
        assert not step.add(ConnectCommand(doc, a, add.node_id, "a"))  # occupied: refused
    assert undo_stack.count() == 1 and undo_stack.text(0) == "Add neg wired"
    assert len(step.children()) == 2
    after = doc.to_json()
    for _ in range(3):
        undo_stack.undo()
        assert doc.to_json() == before
        undo_stack.redo()
        assert doc.to_json() == after
    # the node keeps its id through undo and redo
    assert doc.value_of(add.node_id).data == -1.0


def test_nothing_accepted_nothing_pushed(doc, undo_stack):
    with composite(undo_stack, "Nothing") as step:
        assert not step.add(SetValueCommand(doc, "missing", 1.0))
    assert undo_stack.count() == 0 and not step.push_to(undo_stack)


def test_a_block_that_raises_still_pushes_what_it_did(doc, undo_stack):
    try:
        with composite(undo_stack, "Half") as step:
            step.add(AddNodeCommand(doc, "input", label="x"))
            raise RuntimeError("a bug")
    except RuntimeError:
        pass
    assert undo_stack.count() == 1 and len(doc.nodes) == 1
    undo_stack.undo()
    assert not doc.nodes


def test_the_gradient_step_is_one_composite_entry(doc, undo_stack):
    x = doc.add_node("input", label="x", value=2.0)
    w = doc.add_node("input", label="w", value=-3.0)
    m = doc.add_node("mul", label="m")
    doc.connect(x, m, "a")
    doc.connect(w, m, "b")
    before = doc.to_json()
    result = step_along_gradient(doc, undo_stack, [x, w], 0.01)
    assert set(result.stepped) == {x, w}
    assert undo_stack.count() == 1
    assert undo_stack.text(0) == "Step 2 leaves along the gradient"
    assert isinstance(undo_stack.command(0), CompositeCommand)
    undo_stack.undo()
    assert doc.to_json() == before
