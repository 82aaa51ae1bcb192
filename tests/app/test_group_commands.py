"""Group edits in the window: the undo commands (and their exact inverses), the editor's
gestures, the Graph menu's actions and shortcuts, the inspector's group box, and Auto-arrange
of a network."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence, QUndoStack

from mgstudio.app import group_commands, window_menus
from mgstudio.app.group_commands import (
    CollapseGroupCommand,
    GroupSelectionCommand,
    RenameGroupCommand,
    SetGroupsCommand,
    UngroupCommand,
    target_group,
)
from mgstudio.document import Document
from mgstudio.document.groups import Group


@pytest.fixture
def stack(qapp):
    s = QUndoStack()
    yield s
    s.clear()


def small_doc() -> tuple[Document, dict[str, str]]:
    """a, b -> c = a + b -> d = tanh(c), and e alone."""
    doc = Document()
    ids = {
        "a": doc.add_node("input", label="a", value=1.0, pos=(0.0, 0.0)),
        "b": doc.add_node("input", label="b", value=2.0, pos=(0.0, 80.0)),
        "c": doc.add_node("add", label="c", pos=(300.0, 40.0)),
        "d": doc.add_node("tanh", label="d", pos=(600.0, 40.0)),
        "e": doc.add_node("input", label="e", value=3.0, pos=(0.0, 300.0)),
    }
    doc.connect(ids["a"], ids["c"], "a")
    doc.connect(ids["b"], ids["c"], "b")
    doc.connect(ids["c"], ids["d"], "a")
    return doc, ids


def undo_all(stack: QUndoStack) -> None:
    while stack.canUndo():
        stack.undo()


def redo_all(stack: QUndoStack) -> None:
    while stack.canRedo():
        stack.redo()


# --- the commands ---------------------------------------------------------------------------
def test_group_selection_names_the_group_and_undoes_byte_for_byte(stack):
    doc, n = small_doc()
    start = doc.to_json()
    cmd = GroupSelectionCommand(doc, [n["a"], n["b"], n["c"]])
    stack.push(cmd)
    assert cmd.error is None and stack.count() == 1
    group = doc.groups.get(cmd.group_id)
    assert (group.kind, group.label) == ("group", "group 1")
    assert set(group.nodes) == {n["a"], n["b"], n["c"]}
    assert stack.text(0) == "Group 3 nodes as 'group 1'"
    grouped = doc.to_json()
    stack.undo()
    assert doc.to_json() == start and not doc.groups
    stack.redo()  # the same group again, same id: later commands that name it still work
    assert doc.to_json() == grouped and cmd.group_id in doc.groups


def test_a_selection_splitting_a_group_is_refused_and_pushes_nothing(stack):
    doc, n = small_doc()
    stack.push(GroupSelectionCommand(doc, [n["a"], n["b"]]))
    before = doc.to_json()
    cmd = GroupSelectionCommand(doc, [n["b"], n["c"]])
    stack.push(cmd)
    assert "takes part of" in str(cmd.error)
    assert stack.count() == 1 and doc.to_json() == before
    empty = GroupSelectionCommand(doc, [])
    stack.push(empty)
    assert empty.error is not None and stack.count() == 1


def test_grouping_a_whole_group_nests_it_and_ungroup_gives_it_back(stack):
    doc, n = small_doc()
    inner = GroupSelectionCommand(doc, [n["a"], n["b"]])
    stack.push(inner)
    outer = GroupSelectionCommand(doc, [n["a"], n["b"], n["c"]])
    stack.push(outer)
    assert doc.groups.get(inner.group_id).parent == outer.group_id
    nested = doc.to_json()
    stack.push(UngroupCommand(doc, outer.group_id))
    assert outer.group_id not in doc.groups
    assert doc.groups.get(inner.group_id).parent is None
    assert doc.groups.group_of(n["c"]) is None
    assert stack.text(2) == "Ungroup group 2"
    stack.undo()
    assert doc.to_json() == nested  # order and nesting exactly as before


def test_rename_checks_the_label_and_undoes(stack):
    doc, n = small_doc()
    g = GroupSelectionCommand(doc, [n["a"]])
    stack.push(g)
    stack.push(RenameGroupCommand(doc, g.group_id, "inputs"))
    assert doc.groups.get(g.group_id).label == "inputs"
    assert stack.text(1) == "Rename group 1 to inputs"
    bad = RenameGroupCommand(doc, g.group_id, "two\nlines")
    stack.push(bad)
    assert "one line of text" in str(bad.error) and stack.count() == 2
    same = RenameGroupCommand(doc, g.group_id, "inputs")
    stack.push(same)
    assert same.error is not None and stack.count() == 2  # no empty step
    stack.undo()
    assert doc.groups.get(g.group_id).label == "group 1"


def test_collapse_toggles_and_refuses_an_unknown_group(stack):
    doc, n = small_doc()
    g = GroupSelectionCommand(doc, [n["a"], n["b"]])
    stack.push(g)
    stack.push(CollapseGroupCommand(doc, g.group_id))
    assert doc.groups.get(g.group_id).collapsed
    assert stack.text(1) == "Collapse group 1"
    expand = CollapseGroupCommand(doc, g.group_id)
    assert expand.text() == "Expand group 1"
    stack.push(expand)
    assert not doc.groups.get(g.group_id).collapsed
    again = CollapseGroupCommand(doc, g.group_id, collapsed=False)
    stack.push(again)
    assert "expanded already" in str(again.error) and stack.count() == 3
    unknown = UngroupCommand(doc, "g99")
    stack.push(unknown)
    assert "no group 'g99'" in str(unknown.error) and stack.count() == 3
    stack.undo()
    stack.undo()
    assert not doc.groups.get(g.group_id).collapsed


def fake_network_layout(monkeypatch, place):
    """Stand in for the network layout (``network_layout.arrange_network``), recording the
    calls: ``place(doc)`` gives the positions."""
    calls: list = []

    def arrange_network(doc, collapsed=None):
        calls.append((collapsed, {g.id: g.collapsed for g in doc.groups}))
        return place(doc)

    monkeypatch.setattr(group_commands, "arrange_network", arrange_network)
    return calls


def network_doc() -> tuple[Document, dict[str, str]]:
    """The small graph as a network: neuron (a, b, c, d) in a layer in an mlp; e outside."""
    doc, n = small_doc()
    doc.group_nodes([n["a"], n["b"], n["c"], n["d"]], kind="neuron", label="N1", group_id="gn")
    doc.group_nodes([n["a"], n["b"], n["c"], n["d"]], kind="layer", label="L1", group_id="gl")
    doc.group_nodes([n["a"], n["b"], n["c"], n["d"]], kind="mlp", label="MLP", group_id="gm")
    return doc, n


def test_collapsing_inside_a_network_relayouts_it_in_the_same_step(stack, monkeypatch):
    doc, n = network_doc()
    start = doc.to_json()
    calls = fake_network_layout(
        monkeypatch,
        lambda d: {nid: (0.0, 500.0 * d.groups.get("gn").collapsed) for nid in d.nodes},
    )
    stack.push(CollapseGroupCommand(doc, "gn"))
    assert stack.count() == 1
    assert calls == [(None, {"gn": True, "gl": False, "gm": False})]  # laid out for the new flags
    assert all(node.pos == (0.0, 500.0) for node in doc.nodes.values())
    stack.undo()
    assert doc.to_json() == start
    stack.redo()
    assert doc.groups.get("gn").collapsed and doc.nodes[n["a"]].pos == (0.0, 500.0)
    # a group outside any network collapses without moving anything
    stack.push(GroupSelectionCommand(doc, [n["e"]]))
    stack.push(CollapseGroupCommand(doc, doc.groups.group_of(n["e"])))
    assert len(calls) == 1


def test_set_groups_sets_every_group_and_moves_nodes_as_one_step(stack):
    doc, n = small_doc()
    start = doc.to_json()
    groups = [Group("g7", "layer", "L", (n["a"], n["b"])), Group("g8", "mlp", "M", (n["c"],))]
    cmd = SetGroupsCommand(doc, groups, {n["a"]: (10.0, 20.0)}, text="Build network")
    stack.push(cmd)
    assert cmd.error is None and [g.id for g in doc.groups] == ["g7", "g8"]
    assert doc.nodes[n["a"]].pos == (10.0, 20.0)
    stack.undo()
    assert doc.to_json() == start
    nothing = SetGroupsCommand(doc, doc.groups.state(), {})
    stack.push(nothing)
    assert "nothing to change" in str(nothing.error) and stack.count() == 0
    bad = SetGroupsCommand(doc, [Group("g9", "group", "", ("nope",))], {})
    stack.push(bad)
    assert "not a node" in str(bad.error) and doc.to_json() == start


def test_target_group_reads_the_selection():
    doc, n = network_doc()
    everything = [n["a"], n["b"], n["c"], n["d"]]
    assert target_group(doc, everything) == "gm"  # the same nodes: the outermost group
    assert target_group(doc, [n["a"]]) == "gn"  # a node inside: its innermost group
    assert target_group(doc, [n["a"], n["e"]]) is None  # e is in none
    assert target_group(doc, [n["a"]], chosen=["gl"]) == "gl"  # a frame chosen on the canvas
    assert target_group(doc, []) is None


# --- the editor -----------------------------------------------------------------------------


def test_editor_groups_the_selection_and_says_a_refusal(editor, canvas, doc, neuron, undo_stack):
    canvas.select_ids([neuron["x1"], neuron["w1"]])
    gid = editor.group_selection()
    assert gid is not None and set(doc.groups.members(gid)) == {neuron["x1"], neuron["w1"]}
    assert sorted(canvas.selected_ids()) == sorted([neuron["x1"], neuron["w1"]])
    canvas.select_ids([neuron["w1"], neuron["x2"]])
    assert editor.group_selection() is None
    assert "takes part of" in editor.said[-1] and undo_stack.count() == 1
    canvas.select_ids([])
    assert editor.group_selection() is None and editor.said[-1].startswith("select the nodes")


def test_editor_ungroup_toggle_and_rename_act_on_the_selected_group(
    editor, canvas, doc, neuron, undo_stack
):
    canvas.select_ids([neuron["x1"], neuron["w1"], neuron["x1w1"]])
    gid = editor.group_selection()
    canvas.select_ids([neuron["w1"]])  # a node inside: the group around it
    assert editor.selected_group() == gid
    assert editor.toggle_group()
    assert doc.groups.get(gid).collapsed
    assert editor.toggle_group(gid) and not doc.groups.get(gid).collapsed
    assert editor.rename_group(gid, "  first product  ")
    assert doc.groups.get(gid).label == "first product"
    assert not editor.rename_group(gid, "first product")  # unchanged: no step
    assert undo_stack.count() == 4
    assert editor.ungroup() and gid not in doc.groups
    canvas.select_ids([neuron["o"]])
    assert not editor.ungroup() and "select a group" in editor.said[-1]
    undo_all(undo_stack)
    assert not doc.groups


def test_deleting_a_group_deletes_its_members_and_undo_restores_it(
    editor, canvas, doc, neuron, undo_stack
):
    members = [neuron["x2"], neuron["w2"], neuron["x2w2"]]
    canvas.select_ids(members)
    gid = editor.group_selection()
    editor.rename_group(gid, "second product")
    saved = doc.to_json()
    canvas.select_ids(members)
    editor.delete_selected()
    assert not set(members) & set(doc.nodes) and gid not in doc.groups
    undo_stack.undo()
    assert doc.to_json() == saved


def test_a_group_the_canvas_selected_stands_for_its_members(editor, canvas, doc, neuron):
    # the scene of the group drawing reports a selected frame or block (selected_group_ids)
    members = [neuron["x1"], neuron["w1"]]
    canvas.select_ids(members)
    gid = editor.group_selection()
    canvas.select_ids([])
    canvas.canvas_scene.selected_group_ids = lambda: [gid]  # type: ignore[attr-defined]
    try:
        assert sorted(editor.selected_ids()) == sorted(members)
        assert editor.selected_group() == gid
        editor.delete_selected()
        assert not set(members) & set(doc.nodes)
    finally:
        del canvas.canvas_scene.selected_group_ids  # type: ignore[attr-defined]


def test_copy_paste_takes_the_group_along_with_a_fresh_id(editor, canvas, doc, neuron):
    members = [neuron["x1"], neuron["w1"], neuron["x1w1"]]
    canvas.select_ids(members)
    gid = editor.group_selection()
    editor.rename_group(gid, "product")
    canvas.select_ids(members)
    assert editor.copy()
    pasted = editor.paste(QPointF(0.0, 900.0))
    assert len(pasted) == 3
    copies = [g for g in doc.groups if g.id != gid]
    assert len(copies) == 1 and copies[0].label == "product"
    assert set(doc.groups.members(copies[0].id)) == set(pasted)
    # a part of the group copied: no group comes along
    canvas.select_ids([neuron["x1"]])
    assert len(editor.duplicate()) == 1 and len(doc.groups) == 2


def test_the_scenes_toggle_request_reaches_the_editor(canvas, doc, neuron, undo_stack):
    gid = doc.group_nodes([neuron["x1"], neuron["w1"]])
    canvas.canvas_scene.group_toggle_requested.emit(gid)  # a double-click on the title
    assert doc.groups.get(gid).collapsed and undo_stack.count() == 1


# --- the window -----------------------------------------------------------------------------
GROUP_ACTIONS = ("group", "ungroup", "toggle_group", "rename_group")


def test_group_actions_are_in_the_graph_menu_with_their_shortcuts(window):
    a = window.named_actions
    graph = window.menus["graph"].actions()
    for name in GROUP_ACTIONS:
        assert a[name] in graph, name
    assert a["group"].shortcut() == QKeySequence("Ctrl+Alt+G")
    assert a["ungroup"].shortcut() == QKeySequence("Ctrl+Alt+Shift+G")
    assert a["toggle_group"].shortcut() == QKeySequence("Ctrl+.")
    # Step Along Gradient keeps the walkthrough's keys
    assert a["step_selected"].shortcut() == QKeySequence("Ctrl+G")
    assert a["step_all"].shortcut() == QKeySequence("Ctrl+Shift+G")


def test_no_two_window_actions_share_a_shortcut(window):
    seen: dict[str, str] = {}
    for name, action in window.named_actions.items():
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text}: {seen.get(text)} and {name}"
            seen[text] = name


def test_group_actions_follow_the_selection(window, open_example):
    ids = open_example("neuron.mgs")
    a = window.named_actions
    window.canvas.select_ids([])
    assert not any(a[name].isEnabled() for name in GROUP_ACTIONS)
    window.canvas.select_ids([ids["x1"], ids["w1"]])
    assert a["group"].isEnabled() and not a["ungroup"].isEnabled()
    a["group"].trigger()
    assert a["ungroup"].isEnabled() and a["rename_group"].isEnabled()
    assert a["toggle_group"].text().replace("&", "") == "Collapse Group"
    a["toggle_group"].trigger()
    assert a["toggle_group"].text().replace("&", "") == "Expand Group"
    a["ungroup"].trigger()
    assert not window.document.groups and not a["ungroup"].isEnabled()


def test_the_shortcut_groups_the_selection(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    window.canvas.select_ids([ids["x1"], ids["w1"]])
    window.canvas.setFocus()
    qtbot.keyClick(
        window.canvas,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    assert len(window.document.groups) == 1
    assert window.undo_stack.text(window.undo_stack.count() - 1).startswith("Group 2 nodes")


def test_a_refused_group_shows_its_sentence_in_the_status_bar(window, open_example):
    ids = open_example("neuron.mgs")
    window.canvas.select_ids([ids["x1"], ids["w1"]])
    window.named_actions["group"].trigger()
    assert window.statusBar().currentMessage() == (
        "Grouped 2 nodes as group 'group 1': rename it in the Inspector"
    )
    n = window.undo_stack.count()
    window.canvas.select_ids([ids["w1"], ids["x2"]])
    window.named_actions["group"].trigger()
    assert window.undo_stack.count() == n
    assert "takes part of" in window.statusBar().currentMessage()


def test_rename_group_dialog_renames_through_the_document(window, open_example, monkeypatch):
    ids = open_example("neuron.mgs")
    window.canvas.select_ids([ids["x1"], ids["w1"]])
    window.named_actions["group"].trigger()
    gid = window.document.groups.ids()[0]
    asked: list = []

    def answer(parent, title, prompt, text):
        asked.append((prompt, text))
        return "<b>inputs</b>", True

    monkeypatch.setattr(window_menus, "ask_text", answer)
    window.named_actions["rename_group"].trigger()
    assert asked == [("New name of group 'group 1':", "group 1")]
    assert window.document.groups.get(gid).label == "<b>inputs</b>"  # plain text, kept as typed
    monkeypatch.setattr(window_menus, "ask_text", lambda *args: ("bad\tname", True))
    n = window.undo_stack.count()
    window.named_actions["rename_group"].trigger()
    assert (
        window.undo_stack.count() == n
        and "control characters" in window.statusBar().currentMessage()
    )
    monkeypatch.setattr(window_menus, "ask_text", lambda *args: ("other", False))  # Cancel
    window.named_actions["rename_group"].trigger()
    assert window.document.groups.get(gid).label == "<b>inputs</b>"


def test_the_inspector_shows_and_edits_the_selected_group(window, open_example, qtbot):
    ids = open_example("neuron.mgs")
    members = [ids["x1"], ids["w1"], ids["x1w1"]]
    window.canvas.select_ids(members)
    window.named_actions["group"].trigger()
    box = window.inspector.group_box
    assert box.isVisible()
    assert box.kind_label.text().startswith("Group")
    assert box.name_edit.text() == "group 1" and box.members_label.text() == "3"
    assert box.inputs_label.text() == "none"  # x1 and w1 are leaves inside
    assert box.outputs_label.text() == "x1w1"
    assert window.inspector.title.text() == "group 'group 1': 3 nodes selected"
    assert not window.inspector.hint.isVisible()  # the group is what is shown
    box.name_edit.setFocus()
    box.name_edit.setText("x1·w1")
    qtbot.keyClick(box.name_edit, Qt.Key.Key_Return)
    gid = window.document.groups.ids()[0]
    assert window.document.groups.get(gid).label == "x1·w1"
    box.collapsed_check.click()
    assert window.document.groups.get(gid).collapsed and box.collapsed_check.isChecked()
    window.undo_stack.undo()
    assert not box.collapsed_check.isChecked()  # the box follows the document
    window.undo_stack.undo()
    assert box.name_edit.text() == "group 1"
    # a node inside: the box shows the group around it; a node outside: no box
    window.canvas.select_ids([ids["o"]])
    assert not box.isVisible()
    window.canvas.select_ids([ids["x1w1"]])
    assert box.isVisible() and box.group_id == gid


def test_inspector_ports_follow_wires_across_the_boundary(window, open_example):
    ids = open_example("neuron.mgs")
    members = [ids["x1w1"], ids["x2w2"], ids["x1w1x2w2"]]
    window.canvas.select_ids(members)
    window.named_actions["group"].trigger()
    box = window.inspector.group_box
    assert box.inputs_label.text().count("→") == 4  # x1, w1, x2, w2 come in
    wire = next(w for w in window.document.wires if w.src == ids["x1"])
    window.canvas.edits.disconnect(wire)
    assert box.inputs_label.text().count("→") == 3


# --- auto-arrange ---------------------------------------------------------------------------
def test_auto_arrange_of_a_network_uses_the_network_layout(window, monkeypatch):
    doc, n = network_doc()
    window.set_document(doc)
    fake_network_layout(
        monkeypatch, lambda d: {nid: (float(i * 400), 0.0) for i, nid in enumerate(d.nodes)}
    )
    assert window.canvas.auto_arrange() is None  # placed at once: no background task
    assert [doc.nodes[nid].pos for nid in doc.nodes] == [(float(i * 400), 0.0) for i in range(5)]
    assert window.undo_stack.count() == 1 and window.undo_stack.text(0) == "Arrange nodes"
    window.undo_stack.undo()
    assert doc.nodes[n["c"]].pos == (300.0, 40.0)


def test_auto_arrange_without_a_network_still_uses_the_graph_layout(window, monkeypatch):
    doc, _ = small_doc()
    doc.group_nodes(list(doc.nodes)[:2])  # a learner's group is no network
    window.set_document(doc)
    calls = fake_network_layout(monkeypatch, lambda d: {})
    task = window.canvas.auto_arrange()
    assert task is not None and task.wait()
    assert calls == []


def test_the_rename_dialog_shows_the_group_name_as_plain_text(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QLabel

    seen: list = []

    def look_and_answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        labels = [x for x in dialog.findChildren(QLabel) if x.text()]
        seen.extend((x.text(), x.textFormat()) for x in labels)
        dialog.setTextValue("renamed")
        dialog.accept()

    QTimer.singleShot(0, look_and_answer)
    text, ok = window_menus.ask_text(window, "Rename Group", "New name of <b>g</b>:", "old")
    assert (text, ok) == ("renamed", True)
    assert seen == [("New name of <b>g</b>:", Qt.TextFormat.PlainText)]


# --- with the real network layout -----------------------------------------------------------
def lecture_network():
    import random

    from mgstudio.engine import MLP
    from mgstudio.training.network_doc import model_document

    random.seed(1)
    return model_document(MLP(3, [4, 4, 1]), [2.0, 3.0, -1.0], 1.0, "mse").document


def rooms_overlap(doc) -> bool:
    from mgstudio.document.network_layout import network_arrangement

    rooms = network_arrangement(doc).rooms
    index = doc.groups
    tops = [g for g in rooms if index.get(g).kind == "neuron"]
    return any(
        a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        for i, ga in enumerate(tops)
        for gb in tops[i + 1 :]
        for a, b in [(rooms[ga], rooms[gb])]
    )


def test_expanding_a_neuron_of_a_network_moves_the_columns_in_one_step(stack):
    doc = lecture_network()
    start = doc.to_json()
    neuron = next(g for g in doc.groups if g.kind == "neuron" and g.collapsed)
    below = [g for g in doc.groups if g.kind == "neuron" and g.parent == neuron.parent]
    other = below[-1]  # the layer's last neuron: it moves down to make room
    old = doc.nodes[other.nodes[0]].pos
    stack.push(CollapseGroupCommand(doc, neuron.id))
    assert stack.count() == 1 and stack.text(0) == f"Expand {neuron.label}"
    assert not doc.groups.get(neuron.id).collapsed
    assert doc.nodes[other.nodes[0]].pos[1] > old[1]
    assert not rooms_overlap(doc)
    stack.undo()
    assert doc.to_json() == start
    stack.redo()
    assert not doc.groups.get(neuron.id).collapsed and not rooms_overlap(doc)


def test_auto_arrange_of_a_real_network_is_the_network_layout(window):
    from mgstudio.document.network_layout import arrange_network

    doc = lecture_network()
    window.set_document(doc)
    doc_moved = {nid: (x + 50.0, y) for nid, (x, y) in arrange_network(doc).items()}
    doc.move_nodes(doc_moved)  # shuffled a little
    assert window.canvas.auto_arrange() is None
    assert {nid: n.pos for nid, n in doc.nodes.items()} == arrange_network(doc)
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Arrange nodes"


def test_a_selection_change_asks_the_scene_for_the_selection_once(window, open_example):
    # a lazy canvas announces every item it makes for a selection (thousands for Select All
    # on a big file): the group actions and the inspector use the ids the signal carries
    ids = open_example("neuron.mgs")
    window.canvas.select_ids([ids["x1"], ids["w1"]])
    window.named_actions["group"].trigger()
    scene = window.canvas.canvas_scene
    asked = []
    real = scene.selected_ids
    scene.selected_ids = lambda: asked.append(1) or real()  # type: ignore[method-assign]
    try:
        window.canvas.select_ids([ids["x1"]])
        assert len(asked) == 1  # the view's own, for the signal
        assert window.named_actions["ungroup"].isEnabled()
        assert window.inspector.group_box.isVisible()
    finally:
        del scene.selected_ids  # type: ignore[method-assign]
