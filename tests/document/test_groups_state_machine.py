"""Random sessions of document edits with groups: add nodes, wire, group, ungroup, collapse,
rename, remove nodes and paste fragments, each with its inverse recorded as an undo command
would. Undoing everything in reverse gives the starting file byte for byte, and redoing it all
gives the file before the undo; on the way the group index stays consistent and every state
saves and loads back unchanged."""

from __future__ import annotations

from collections.abc import Callable

from helpers.budget import examples
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mgstudio.document import KINDS, Document, DocumentError
from mgstudio.document.groups import GROUP_KINDS

KIND_NAMES = ("input", "constant", "add", "mul", "tanh", "relu", "exp")
labels = st.text(alphabet="abcxyz LN.0123", max_size=6)


class Step:
    """One edit: how to undo it and how to do it again."""

    def __init__(self, name: str, undo: Callable[[], object], redo: Callable[[], object]):
        self.name, self.undo, self.redo = name, undo, redo


class GroupSession(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.doc = Document()
        self.steps: list[Step] = []
        self.events: list[tuple[str, ...]] = []
        self.doc.events.groups_changed.connect(self.events.append)
        self.start = ""

    @initialize(n=st.integers(2, 6), data=st.data())
    def begin(self, n, data):
        doc = self.doc
        for i in range(n):
            kind = data.draw(st.sampled_from(KIND_NAMES))
            value = float(i) if KINDS[kind].is_leaf else None
            doc.add_node(kind, label=f"n{i}", value=value, pos=(i * 50.0, 0.0))
        self.start = doc.to_json()

    # --- helpers ----------------------------------------------------------------------------
    def _ids(self, data) -> list[str]:
        """Some nodes; often every node of a group or two and a few more (random picks
        rarely take a group whole, and whole groups are what nest, copy and paste)."""
        doc = self.doc
        ids = list(doc.nodes)
        picked = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids)))
        if doc.groups and data.draw(st.booleans()):
            whole = data.draw(st.lists(st.sampled_from(doc.groups.ids()), min_size=1, max_size=2))
            extra = picked[: data.draw(st.integers(0, 2))]
            picked = [n for g in whole for n in doc.groups.members(g)] + extra
        return picked

    def _group_step(self, name: str, edit: Callable[[], object]) -> None:
        """A group edit: its inverse is restoring the state from before it (and redo the one
        after); it announces once when it changes something, and nothing otherwise."""
        doc = self.doc
        before, text = doc.groups.state(), doc.to_json()
        self.events.clear()
        try:
            edit()
        except DocumentError:
            assert doc.to_json() == text and not self.events  # refused: nothing changed
            event(f"{name} refused")
            return
        event(f"{name} done")
        after = doc.groups.state()
        changed = doc.to_json() != text
        assert len(self.events) == (1 if changed else 0), (name, self.events)
        if changed:
            self.steps.append(
                Step(name, lambda: doc.restore_groups(before), lambda: doc.restore_groups(after))
            )

    # --- rules ------------------------------------------------------------------------------
    @rule(kind=st.sampled_from(KIND_NAMES), label=labels)
    def add_node(self, kind, label):
        doc = self.doc
        value = 0.5 if KINDS[kind].is_leaf else None
        nid = doc.add_node(kind, label=label, value=value, pos=(len(doc.nodes) * 40.0, 60.0))
        removal: list = []

        def undo():
            removal[:] = [doc.remove_nodes([nid])]

        self.steps.append(Step("add", undo, lambda: doc.restore_nodes(removal[0])))

    @precondition(lambda self: len(self.doc.nodes) > 0)
    @rule(data=st.data())
    def connect(self, data):
        doc = self.doc
        src = data.draw(st.sampled_from(list(doc.nodes)))
        dst = data.draw(st.sampled_from(list(doc.nodes)))
        ports = KINDS[doc.nodes[dst].kind].inputs
        if not ports:
            return
        port = data.draw(st.sampled_from(ports))
        try:
            wire = doc.connect(src, dst, port)
        except DocumentError:
            return
        self.steps.append(
            Step("connect", lambda: doc.disconnect(wire), lambda: doc.connect(src, dst, port))
        )

    @precondition(lambda self: self.doc.wires)
    @rule(data=st.data())
    def disconnect(self, data):
        doc = self.doc
        wire = doc.disconnect(data.draw(st.sampled_from(doc.wires)))
        self.steps.append(
            Step(
                "disconnect",
                lambda: doc.connect(wire.src, wire.dst, wire.port),
                lambda: doc.disconnect(wire),
            )
        )

    @precondition(lambda self: len(self.doc.nodes) > 0)
    @rule(
        data=st.data(),
        kind=st.sampled_from(GROUP_KINDS),
        label=labels,
        collapsed=st.booleans(),
    )
    def group(self, data, kind, label, collapsed):
        ids = self._ids(data)
        self._group_step(
            "group", lambda: self.doc.group_nodes(ids, kind=kind, label=label, collapsed=collapsed)
        )

    @precondition(lambda self: self.doc.groups)
    @rule(data=st.data())
    def ungroup(self, data):
        gid = data.draw(st.sampled_from(self.doc.groups.ids()))
        self._group_step("ungroup", lambda: self.doc.ungroup(gid))

    @precondition(lambda self: self.doc.groups)
    @rule(data=st.data(), flag=st.booleans())
    def collapse(self, data, flag):
        gid = data.draw(st.sampled_from(self.doc.groups.ids()))
        old = self.doc.groups.get(gid).collapsed
        self._group_step(
            "collapse", lambda: self.assert_equal(self.doc.set_group_collapsed(gid, flag), old)
        )

    @precondition(lambda self: self.doc.groups)
    @rule(data=st.data(), label=labels)
    def rename(self, data, label):
        gid = data.draw(st.sampled_from(self.doc.groups.ids()))
        old = self.doc.groups.get(gid).label
        self._group_step(
            "rename", lambda: self.assert_equal(self.doc.set_group_label(gid, label), old)
        )

    @precondition(lambda self: len(self.doc.nodes) > 1)
    @rule(data=st.data())
    def remove_nodes(self, data):
        doc = self.doc
        ids = self._ids(data)
        self.events.clear()
        held = any(doc.groups.group_of(n) is not None for n in ids)
        record = doc.remove_nodes(ids)
        assert (record.groups is not None) == held
        assert len(self.events) == (1 if held else 0)
        self.steps.append(
            Step("remove", lambda: doc.restore_nodes(record), lambda: doc.remove_nodes(ids))
        )

    @precondition(lambda self: len(self.doc.nodes) > 0)
    @rule(data=st.data(), dy=st.sampled_from([100.0, -40.0]))
    def paste(self, data, dy):
        doc = self.doc
        frag = doc.fragment(self._ids(data))
        copied = len(frag.get("groups", ()))
        groups_before = len(doc.groups)
        new = doc.paste_fragment(frag, (0.0, dy))
        event(f"paste with {min(copied, 2)} groups")
        assert len(doc.groups) == groups_before + copied
        fresh = doc.groups.ids()[groups_before:]
        assert all(set(doc.groups.members(g)) <= set(new) for g in fresh)
        removal: list = []

        def undo():
            removal[:] = [doc.remove_nodes(new)]

        self.steps.append(Step("paste", undo, lambda: doc.restore_nodes(removal[0])))

    @rule()
    def undo_then_redo_the_last(self):
        if not self.steps:
            return
        text = self.doc.to_json()
        step = self.steps[-1]
        step.undo()
        step.redo()
        assert self.doc.to_json() == text, step.name

    def assert_equal(self, got, want):
        assert got == want

    # --- invariants -------------------------------------------------------------------------
    @invariant()
    def the_index_is_consistent(self):
        doc = self.doc
        idx = doc.groups
        owner: dict[str, str] = {}
        for g in idx:
            assert g.nodes or idx.children(g.id), f"{g.id} is empty"
            for nid in g.nodes:
                assert nid in doc.nodes and nid not in owner
                owner[nid] = g.id
            if g.parent is not None:
                assert g.parent in idx and g.id in idx.children(g.parent)
            assert idx.ancestors(g.id)[-1] in idx.top_level()
        for nid in doc.nodes:
            assert idx.group_of(nid) == owner.get(nid)
        for g in idx:
            # the (cached) ports are what the wires say now
            ports = doc.group_ports(g.id)
            inside = set(idx.members(g.id))
            crossing = [w for w in doc.wires if w.dst in inside and w.src not in inside]
            assert sorted(ports.inputs) == sorted(crossing)
            feeding = {n for n in inside if not doc.consumers_of(n)}
            feeding |= {w.src for w in doc.wires if w.src in inside and w.dst not in inside}
            assert set(ports.outputs) == feeding and len(ports.outputs) == len(feeding)

    @invariant()
    def it_saves_and_loads_back_unchanged(self):
        text = self.doc.to_json()
        back = Document.from_json(text)
        assert back.to_json() == text
        assert back.groups.state() == self.doc.groups.state()

    def teardown(self):
        if not self.start:
            return
        doc = self.doc
        end = doc.to_json()
        for step in reversed(self.steps):
            step.undo()
        assert doc.to_json() == self.start, "undoing every step did not give the start back"
        for step in self.steps:
            step.redo()
        assert doc.to_json() == end, "redoing every step did not give the end back"


def test_random_group_sessions_undo_to_the_start_byte_for_byte():
    run_state_machine_as_test(
        GroupSession,
        settings=settings(
            max_examples=examples(200),
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
