"""Random edit sessions on the real MainWindow (offscreen), through the paths a user takes.

After every step the canvas must mirror the document (items = nodes, wire items = wires,
every record shows its Value's current data and grad), no Qt warning or error dialog may
appear, and undoing everything must give back the starting file byte for byte."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtCore import QCoreApplication, QPointF, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtTest import QTest

from mgstudio.app.canvas.numbers import MISSING, format_number
from mgstudio.app.commands import (
    ConnectCommand,
    InsertNeuronCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
    SetValueCommand,
)
from mgstudio.app.group_commands import (
    CollapseGroupCommand,
    GroupSelectionCommand,
    RenameGroupCommand,
    UngroupCommand,
)
from mgstudio.document import Document
from mgstudio.document.examples import list_examples
from mgstudio.document.kinds import KINDS

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = [p for _, p in list_examples()]
KIND_NAMES = sorted(KINDS)
coords = st.floats(-2000.0, 2000.0, allow_nan=False).map(lambda v: round(v, 1))
numbers = st.floats(-1e3, 1e3, allow_nan=False) | st.sampled_from([0.0, -0.0, 1e-9, 3.0])
#: group names: ordinary ones, and some the document refuses (a control character, too long)
group_labels = st.text(max_size=12) | st.sampled_from(["layer 1", "", "two\nlines", "x" * 300])


def shown(x) -> str:
    return MISSING if x is None else format_number(x)


class EditSession(RuleBasedStateMachine):
    """One MainWindow, reset to a new or example document at the start of each example."""

    window = None  # set by the test: building a MainWindow per example costs too much
    errors: list = []
    qt_messages: list = []
    folder: Path = Path()

    @initialize(start=st.sampled_from([None, *EXAMPLES]))
    def start(self, start):
        w = self.window
        w.set_document(Document() if start is None else Document.load(start))
        w.canvas.select_ids([])
        self.errors.clear()
        self.qt_messages.clear()
        self.start_json = w.document.to_json()
        self.loaded = False
        self.saved: list[Path] = []

    # --- helpers ----------------------------------------------------------------------------
    @property
    def doc(self) -> Document:
        return self.window.document

    def pick_ids(self, data, at_least: int = 1) -> list[str]:
        ids = list(self.doc.nodes)
        return data.draw(st.lists(st.sampled_from(ids), min_size=at_least, max_size=4, unique=True))

    def has_nodes(self) -> bool:
        return bool(self.window.document.nodes)

    def has_wires(self) -> bool:
        return bool(self.window.document.wires)

    def leaves(self) -> list[str]:
        return [nid for nid, n in self.doc.nodes.items() if KINDS[n.kind].is_leaf]

    def has_leaves(self) -> bool:
        return bool(self.leaves())

    def has_groups(self) -> bool:
        return bool(self.window.document.groups)

    def select(self, ids) -> list[str]:
        """Select nodes on the canvas; returns what it selected (the nodes a collapsed block
        hides are selected through the block, and only what is selected is edited)."""
        self.window.canvas.select_ids(ids)
        return self.window.canvas.edits.selected_ids()

    def pick_group(self, data) -> str:
        return data.draw(st.sampled_from(self.doc.groups.ids()))

    def check_or_undo(self, data, ok: bool, before: str, index: int) -> None:
        """A refused group edit changed nothing and pushed nothing; an accepted one is one
        step, and undoing it (sometimes, at once) gives back the file as it was."""
        stack = self.window.undo_stack
        if not ok:
            assert self.doc.to_json() == before and stack.index() == index
            return
        assert stack.count() == stack.index() == index + 1  # (a push drops the redo steps)
        if data.draw(st.booleans(), label="undo at once"):
            stack.undo()
            assert self.doc.to_json() == before

    # --- edits ------------------------------------------------------------------------------
    @rule(kind=st.sampled_from(KIND_NAMES), x=coords, y=coords)
    def add(self, kind, x, y):
        n = len(self.doc.nodes)
        nid = self.window.canvas.add_node_at(kind, QPointF(x, y))
        assert nid in self.doc.nodes and len(self.doc.nodes) == n + 1
        assert self.window.canvas.selected_ids() == [nid]

    @precondition(has_nodes)
    @rule(data=st.data())
    def connect(self, data):
        src = data.draw(st.sampled_from(list(self.doc.nodes)))
        dst = data.draw(st.sampled_from(list(self.doc.nodes)))
        inputs = KINDS[self.doc.nodes[dst].kind].inputs
        if not inputs:
            return
        port = data.draw(st.sampled_from(list(inputs)))
        before = self.doc.to_json()
        ok = self.window.canvas.push(ConnectCommand(self.doc, src, dst, port))
        if not ok:  # refused (a cycle, a taken port): nothing changed, nothing to undo
            assert self.doc.to_json() == before

    @precondition(has_wires)
    @rule(data=st.data())
    def disconnect(self, data):
        wire = data.draw(st.sampled_from(list(self.doc.wires)))
        assert self.window.canvas.push(RemoveNodesCommand(self.doc, [], [wire]))
        assert wire not in self.doc.wires

    @precondition(has_nodes)
    @rule(data=st.data())
    def delete(self, data):
        ids = self.select(self.pick_ids(data))
        self.window.canvas.delete_selected()
        assert not set(ids) & set(self.doc.nodes)

    @precondition(has_nodes)
    @rule(data=st.data(), dx=coords, dy=coords)
    def move(self, data, dx, dy):
        ids = self.pick_ids(data)
        new = {
            nid: (self.doc.nodes[nid].pos[0] + dx, self.doc.nodes[nid].pos[1] + dy) for nid in ids
        }
        self.window.canvas.push(MoveNodesCommand(self.doc, new))
        for nid, pos in new.items():
            assert tuple(self.doc.nodes[nid].pos) == pytest.approx(pos)

    @precondition(has_leaves)
    @rule(data=st.data(), x=numbers)
    def set_value(self, data, x):
        nid = data.draw(st.sampled_from(self.leaves()))
        self.window.canvas.select_ids([nid])
        inspector = self.window.inspector
        assert inspector.node_id == nid
        assert inspector.set_value(x)
        assert self.doc.nodes[nid].value == x

    @precondition(has_leaves)
    @rule(data=st.data(), x=numbers)
    def type_value(self, data, x):
        nid = data.draw(st.sampled_from(self.leaves()))
        self.window.canvas.select_ids([nid])
        field = self.window.inspector.data_edit
        field.setText(repr(x))
        QTest.keyClick(field, Qt.Key.Key_Return)
        assert self.doc.nodes[nid].value == x

    @rule(
        n_inputs=st.integers(1, 3),
        activation=st.sampled_from(["tanh", "relu", "sigmoid", "linear"]),
    )
    def insert_neuron(self, n_inputs, activation):
        n = len(self.doc.nodes)
        ids = self.window.canvas.insert_neuron(n_inputs, activation)
        assert ids and len(self.doc.nodes) == n + len(ids)

    @precondition(has_leaves)
    @rule(data=st.data(), step=st.sampled_from([0.01, -0.01, 0.5, -2.0]))
    def nudge(self, data, step):
        nid = data.draw(st.sampled_from(self.leaves()))
        old = self.doc.nodes[nid].value
        self.window.canvas.nudge(nid, step)
        assert self.doc.nodes[nid].value == pytest.approx(old + step, abs=1e-9)

    @rule()
    def backward(self):
        self.window.backward_panel.backward()

    @rule()
    def zero_grad(self):
        self.window.backward_panel.zero_grad()

    # --- groups (the editor's gestures: the Graph menu, the context menu, the inspector) -----
    @precondition(has_nodes)
    @rule(data=st.data())
    def group(self, data):
        before, index = self.doc.to_json(), self.window.undo_stack.index()
        ids = self.select(self.pick_ids(data))
        gid = self.window.canvas.edits.group_selection()
        if gid is not None:
            group = self.doc.groups.get(gid)
            assert group.kind == "group" and group.label == f"group {gid[1:]}"
            assert set(self.doc.groups.members(gid)) == set(ids)
        self.check_or_undo(data, gid is not None, before, index)

    @precondition(has_groups)
    @rule(data=st.data())
    def ungroup(self, data):
        gid = self.pick_group(data)
        index = self.doc.groups
        parent, members = index.get(gid).parent, set(index.members(gid))
        before, index = self.doc.to_json(), self.window.undo_stack.index()
        ok = self.window.canvas.edits.ungroup(gid)
        assert ok and gid not in self.doc.groups
        if parent is not None:  # its nodes stay inside the group around it
            assert members <= set(self.doc.groups.members(parent))
        self.check_or_undo(data, ok, before, index)

    @precondition(has_groups)
    @rule(data=st.data())
    def collapse_or_expand(self, data):
        gid = self.pick_group(data)
        was = self.doc.groups.get(gid).collapsed
        before, index = self.doc.to_json(), self.window.undo_stack.index()
        box = self.window.inspector.group_box
        if data.draw(st.booleans(), label="through the inspector"):
            self.window.canvas.select_ids(self.doc.groups.members(gid))
        if box.isVisible() and box.group_id is not None:  # the group the selection makes up
            gid, was = box.group_id, self.doc.groups.get(box.group_id).collapsed
            box.collapsed_check.click()
            ok = True
        else:
            ok = self.window.canvas.edits.toggle_group(gid)
        assert ok and self.doc.groups.get(gid).collapsed is not was
        self.check_or_undo(data, ok, before, index)

    @precondition(has_groups)
    @rule(data=st.data(), label=group_labels)
    def rename_group(self, data, label):
        gid = self.pick_group(data)
        old = self.doc.groups.get(gid).label
        before, index = self.doc.to_json(), self.window.undo_stack.index()
        ok = self.window.canvas.edits.rename_group(gid, label)
        assert self.doc.groups.get(gid).label == (label.strip() if ok else old)
        self.check_or_undo(data, ok, before, index)

    @precondition(has_groups)
    @rule(data=st.data(), how=st.sampled_from(["delete", "copy", "cut"]))
    def whole_group(self, data, how):
        """Delete, copy or cut a group: its members go (the group with them), or come back
        pasted in a new group of the same kind and name."""
        canvas, index = self.window.canvas, self.doc.groups
        gid = self.pick_group(data)
        kind, label = index.get(gid).kind, index.get(gid).label
        members = index.members(gid)
        if set(self.select(members)) != set(members):
            return  # not all of it selectable as nodes (a collapsed block's are hidden)
        if how == "delete":
            canvas.delete_selected()
            assert gid not in self.doc.groups and not set(members) & set(self.doc.nodes)
            return
        assert canvas.copy()
        if how == "cut":
            canvas.cut()
            assert gid not in self.doc.groups
        old = set(self.doc.groups.ids())
        pasted = canvas.paste()
        assert len(pasted) == len(members)
        new = [g for g in self.doc.groups if g.id not in old]
        assert any(
            (g.kind, g.label) == (kind, label) and set(self.doc.groups.members(g.id)) == set(pasted)
            for g in new
        )

    @rule(times=st.integers(1, 3))
    def undo(self, times):
        for _ in range(times):
            self.window.undo_stack.undo()

    @rule(times=st.integers(1, 3))
    def redo(self, times):
        for _ in range(times):
            self.window.undo_stack.redo()

    @precondition(has_nodes)
    @rule(data=st.data(), how=st.sampled_from(["paste", "duplicate", "cut"]))
    def copy_paste(self, data, how):
        canvas = self.window.canvas
        ids = self.select(self.pick_ids(data))
        if not ids:
            return
        n = len(self.doc.nodes)
        if how == "duplicate":
            assert len(canvas.duplicate()) == len(ids)
        else:
            assert canvas.copy()
            if how == "cut":
                canvas.cut()
                assert len(self.doc.nodes) == n - len(ids)
                n -= len(ids)
            pasted = canvas.paste()
            assert len(pasted) == len(ids) and len(self.doc.nodes) == n + len(ids)
            assert sorted(canvas.selected_ids()) == sorted(pasted)

    @rule()
    def save(self):
        path = self.folder / f"s{len(self.saved)}.mgs"
        assert self.window.save_file(path), self.errors
        assert not self.window.is_modified()
        assert Document.load(path).to_json() == self.doc.to_json()
        self.saved.append(path)

    @precondition(lambda self: self.saved)
    @rule(data=st.data())
    def load(self, data):
        path = data.draw(st.sampled_from(self.saved))
        expected = Document.load(path).to_json()
        assert self.window.open_file(path, ask=False), self.errors
        assert self.doc.to_json() == expected and not self.window.undo_stack.canUndo()
        self.loaded = True

    # --- invariants -------------------------------------------------------------------------
    @invariant()
    def canvas_mirrors_document(self):
        QCoreApplication.processEvents()  # queued signals and timers a user's event loop runs
        doc, scene = self.doc, self.window.canvas.canvas_scene
        items = {it.node_id: it for it in scene.node_items()}
        assert set(items) == set(doc.nodes)
        assert sorted((w.wire.src, w.wire.dst, w.wire.port) for w in scene.wire_items()) == sorted(
            (w.src, w.dst, w.port) for w in doc.wires
        )
        # paint the viewport as the screen would, then read what items hold without letting
        # them pull from the document (texts() would refresh a stale item first and so check
        # what it would show, not what it shows)
        canvas = self.window.canvas
        canvas.viewport().grab()
        on_screen = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
        for nid, item in items.items():
            v = doc.value_of(nid)
            node = doc.nodes[nid]
            assert item.held_texts()[0] == node.label, nid
            if not item.isVisible():
                continue  # a member drawn as its collapsed group's block shows nothing itself
            if item.stale and not item.sceneBoundingRect().intersects(on_screen):
                continue  # off screen: it pulls its numbers when it is next shown
            # on screen (stale or not): what it holds is what the screen shows
            assert item.held_texts()[1:] == [
                f"data {shown(None if v is None else v.data)}",
                f"grad {shown(None if v is None else v.grad)}",
            ], nid

    @invariant()
    def groups_hold_existing_nodes(self):
        doc = self.doc
        for g in doc.groups:
            assert set(g.nodes) <= set(doc.nodes), g
            assert doc.groups.members(g.id), g

    @invariant()
    def nothing_went_wrong(self):
        assert not self.qt_messages, self.qt_messages
        assert not self.errors, self.errors

    def teardown(self):
        if getattr(self, "loaded", True):
            return
        stack = self.window.undo_stack
        while stack.canUndo():
            stack.undo()
        QCoreApplication.processEvents()
        assert self.doc.to_json() == self.start_json
        self.canvas_mirrors_document()
        self.nothing_went_wrong()


@pytest.mark.slow  # a hypothesis state machine (run_state_machine_as_test: not auto-marked)
def test_random_edit_sessions(window, errors, tmp_path):
    messages: list[str] = []

    def handler(kind, context, text):
        # the offscreen plugin's own notice about window hints is not about mgstudio
        if (
            kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg)
            and "propagateSizeHints" not in text
        ):
            messages.append(f"{kind.name}: {text}")

    previous = qInstallMessageHandler(handler)
    EditSession.window, EditSession.errors, EditSession.qt_messages = window, errors, messages
    EditSession.folder = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        run_state_machine_as_test(
            EditSession,
            settings=settings(
                max_examples=examples(200),
                stateful_step_count=25 if LONG else 10,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        qInstallMessageHandler(previous)
        EditSession.window = None


def test_sign_of_a_zero_result_shows(window):
    # found by the machine above: 0 * -2 gives -0.0, and the record kept showing "0.0000"
    doc, canvas = window.document, window.canvas
    a = canvas.add_node_at("input", QPointF(0, 0))
    b = canvas.add_node_at("input", QPointF(0, 100))
    m = canvas.add_node_at("mul", QPointF(300, 50))
    canvas.push(ConnectCommand(doc, a, m, "a"))
    canvas.push(ConnectCommand(doc, b, m, "b"))
    canvas.select_ids([a])
    window.inspector.set_value(0.0)
    canvas.select_ids([b])
    window.inspector.set_value(1.0)
    assert canvas.item_for(m).texts()[1] == "data 0.0000"
    window.inspector.set_value(-2.0)
    assert doc.value_of(m).data == 0.0 and str(doc.value_of(m).data) == "-0.0"
    assert canvas.item_for(m).texts()[1] == "data -0.0000"


# --- group edits through the undo stack, byte for byte ------------------------------------
def _group_step(doc: Document, data) -> QUndoCommand:
    """One random edit of a document with groups, as the window's command for it."""
    ids, groups = list(doc.nodes), doc.groups.ids()
    what = data.draw(
        st.sampled_from(
            ["group", "value", "move", "delete", "paste"]
            + (["ungroup", "collapse", "rename"] if groups else [])
        ),
        label="edit",
    )
    pick = st.lists(st.sampled_from(ids), min_size=1, max_size=5, unique=True) if ids else None
    if what == "group" and pick is not None:
        return GroupSelectionCommand(doc, data.draw(pick, label="ids"))
    if what == "ungroup":
        return UngroupCommand(doc, data.draw(st.sampled_from(groups), label="gid"))
    if what == "collapse":
        return CollapseGroupCommand(doc, data.draw(st.sampled_from(groups), label="gid"))
    if what == "rename":
        gid = data.draw(st.sampled_from(groups), label="gid")
        return RenameGroupCommand(doc, gid, data.draw(group_labels, label="label"))
    leaves = [nid for nid in ids if KINDS[doc.nodes[nid].kind].is_leaf]
    if what == "value" and leaves:
        nid = data.draw(st.sampled_from(leaves), label="leaf")
        return SetValueCommand(doc, nid, data.draw(numbers, label="x"), merge=False)
    if what == "move" and pick is not None:
        chosen = data.draw(pick, label="ids")
        return MoveNodesCommand(doc, {nid: (doc.nodes[nid].pos[0] + 40.0, 7.0) for nid in chosen})
    if what == "delete" and pick is not None:
        return RemoveNodesCommand(doc, data.draw(pick, label="ids"))
    if what == "paste" and pick is not None:  # a copy of some nodes, their whole groups along
        return PasteCommand(doc, doc.fragment(data.draw(pick, label="ids")), (30.0, 30.0))
    return GroupSelectionCommand(doc, [])  # nothing to pick: a refused edit


@pytest.mark.parametrize("start", [None, *EXAMPLES], ids=lambda p: "new" if p is None else p.name)
def test_random_group_sequences_undo_to_the_starting_file(qapp, start):
    from hypothesis import given

    @settings(max_examples=examples(30), deadline=None)
    @given(data=st.data())
    def run(data):
        doc = Document() if start is None else Document.load(start)
        if start is None:
            for i in range(4):
                doc.add_node("input", label=f"x{i}", value=float(i), pos=(0.0, 60.0 * i))
        if data.draw(st.booleans(), label="with a neuron"):
            InsertNeuronCommand(doc, 2, "tanh", (600.0, 0.0)).redo()
        start_json = doc.to_json()
        stack = QUndoStack()
        try:
            for _ in range(data.draw(st.integers(1, 12), label="steps")):
                command = _group_step(doc, data)
                before, count = doc.to_json(), stack.count()
                stack.push(command)
                if command.error is not None:  # refused: nothing changed, nothing pushed
                    assert doc.to_json() == before and stack.count() == count
            end_json = doc.to_json()
            while stack.canUndo():
                stack.undo()
            assert doc.to_json() == start_json
            while stack.canRedo():
                stack.redo()
            assert doc.to_json() == end_json
        finally:
            stack.clear()

    run()
