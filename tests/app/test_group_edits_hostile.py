"""Hostile sequences of group edits in the editor: every step undoes and redoes to the exact
document, and a refused edit says a sentence and pushes nothing."""

from __future__ import annotations

import pytest


def test_collapse_delete_members_one_by_one_then_undo_and_redo_everything(
    editor, canvas, doc, neuron, undo_stack
):
    start = doc.to_json()
    members = [neuron["x1"], neuron["w1"], neuron["x1w1"]]
    canvas.select_ids(members)
    gid = editor.group_selection()
    canvas.select_ids([neuron["w1"]])
    inner = editor.group_selection()  # a child of gid
    assert doc.groups.get(inner).parent == gid
    assert editor.toggle_group(gid) and doc.groups.get(gid).collapsed
    states = [doc.to_json()]
    for nid in members:
        canvas.select_ids([nid])
        editor.delete_selected()
        states.append(doc.to_json())
    assert gid not in doc.groups and inner not in doc.groups
    for state in reversed(states[:-1]):
        undo_stack.undo()
        assert doc.to_json() == state
    while undo_stack.canUndo():
        undo_stack.undo()
    assert doc.to_json() == start
    while undo_stack.canRedo():
        undo_stack.redo()
    assert doc.to_json() == states[-1]


@pytest.mark.parametrize("label", ["", "x" * 201, "a\x00b", "a\nb", "\u202e<b>x</b>", "\ud800"])
def test_renames_to_hostile_labels_are_refused_or_kept_as_text(
    editor, canvas, doc, neuron, undo_stack, label
):
    canvas.select_ids([neuron["x1"], neuron["w1"]])
    gid = editor.group_selection()
    count = undo_stack.count()
    before = doc.groups.get(gid).label
    ok = editor.rename_group(gid, label)
    if ok:
        assert doc.groups.get(gid).label == label.strip()
        undo_stack.undo()
        assert doc.groups.get(gid).label == before
    else:
        assert undo_stack.count() == count and doc.groups.get(gid).label == before
        assert editor.said and "\n" not in editor.said[-1] and len(editor.said[-1]) < 300


def test_select_all_delete_and_undo_on_a_grouped_neuron(editor, canvas, doc, neuron, undo_stack):
    canvas.select_ids([neuron["x1"], neuron["w1"], neuron["x1w1"]])
    gid = editor.group_selection()
    canvas.select_ids(list(doc.nodes))
    outer = editor.group_selection()
    editor.toggle_group(gid)
    saved = doc.to_json()
    canvas.select_ids(list(doc.nodes))
    editor.delete_selected()
    assert not doc.nodes and not doc.groups
    undo_stack.undo()
    assert doc.to_json() == saved and doc.groups.get(gid).parent == outer
    undo_stack.redo()
    assert not doc.groups
    undo_stack.undo()
    # group inside the collapsed group, then undo it
    canvas.select_ids([neuron["w1"]])
    child = editor.group_selection()
    assert child is not None and doc.groups.get(child).parent == gid
    undo_stack.undo()
    assert doc.to_json() == saved
