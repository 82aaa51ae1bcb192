"""``CanvasEditor``: the canvas's gestures turned into undo commands, without a view.

The view (``view.CanvasView``) owns zoom, pan, painting, the mouse and the keyboard; once it
knows what the learner did (a drop at a scene point, a drag that ended, a number typed into a
cell) it asks the editor, which builds the command (a ``CompositeCommand`` when one gesture
makes several edits), pushes it and selects the result. The editor needs only the scene (to
find items and wires under a point) and the undo stack, so tests drive it with no
``QGraphicsView`` at all. Qt-light: QtCore points, QtGui undo commands, no widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from PySide6.QtCore import QPointF
from PySide6.QtGui import QUndoCommand, QUndoStack

from mgstudio.app.commands import (
    AddNodeCommand,
    ConnectCommand,
    InsertNeuronCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
    SetLabelCommand,
    SetParamCommand,
    SetValueCommand,
    SpliceCommand,
)
from mgstudio.app.composite import CompositeCommand, composite
from mgstudio.app.group_commands import (
    CollapseGroupCommand,
    GroupSelectionCommand,
    RenameGroupCommand,
    SetGroupsCommand,
    UngroupCommand,
    has_network,
    network_positions,
    target_group,
)
from mgstudio.document import KINDS, Document, Wire

from . import clipboard
from .node_item import NodeItem
from .numbers import nudged, parse_number
from .scene import CanvasScene

PASTE_STEP = 40.0


def select_in_scene(scene: CanvasScene, ids: Iterable[str]) -> None:
    """Select exactly the items of ``ids``, redrawn once (no signal per item)."""
    scene.blockSignals(True)
    try:
        scene.clearSelection()
        for nid in ids:
            item = scene.item_for(nid)
            if item is not None:
                item.setSelected(True)
    finally:
        scene.blockSignals(False)
    scene.selection_redrawn()


def _nodes(n: int) -> str:
    return f"{n} node{'s' * (n != 1)}"


class CanvasEditor:
    """Edits of the document shown by ``scene``, pushed on ``undo_stack``. ``say`` shows a
    refusal ("can't wire …"); ``select`` selects ids (default: in the scene only)."""

    def __init__(
        self,
        scene: CanvasScene,
        undo_stack: QUndoStack,
        say: Callable[[str], None],
        select: Callable[[list[str]], None] | None = None,
    ):
        self.scene = scene
        self.undo_stack = undo_stack
        self.say = say
        self.select: Callable[[list[str]], None] = (
            select if select is not None else (lambda ids: select_in_scene(scene, ids))
        )
        self.document: Document | None = None
        self._step: CompositeCommand | None = None  # the gesture being built, if any
        self._paste_count = 0
        self._paste_text: tuple | None = None  # (text, place) of the last paste

    @property
    def doc(self) -> Document:
        assert self.document is not None, "the editor has no document"
        return self.document

    def set_document(self, document: Document | None) -> None:
        self.document = document
        self._paste_count = 0

    # --- pushing ---------------------------------------------------------------------------
    def push(self, command: QUndoCommand) -> bool:
        """Push an undo command (or add it to the gesture being built); a refusal by the
        document becomes a message."""
        if self._step is not None:
            self._step.add(command)
        else:
            self.undo_stack.push(command)
        error = getattr(command, "error", None)
        if error is not None:
            self.say(str(error))
            return False
        return True

    @contextmanager
    def step(self, text: str) -> Iterator[CompositeCommand]:
        """The edits pushed in this block are one undo step named ``text``."""
        if self._step is not None:
            raise RuntimeError("one gesture at a time")
        with composite(self.undo_stack, text) as step:
            self._step = step
            try:
                yield step
            finally:
                self._step = None

    # --- adding ----------------------------------------------------------------------------
    def add_node_at(self, kind: str, pos: QPointF, select: bool = True) -> str | None:
        """Add a node centred on a scene point; returns its id."""
        height = max(32.0, len(KINDS[kind].inputs) * 20.0 + 12.0)
        cmd = AddNodeCommand(
            self.doc,
            kind,
            (round(pos.x() - 40.0), round(pos.y() - height / 2)),
        )
        if not self.push(cmd) or cmd.node_id is None:
            return None
        if select:
            self.select([cmd.node_id])
        return cmd.node_id

    def drop_kind(self, kind: str, pos: QPointF) -> str | None:
        """A palette drop: a new node at ``pos``, spliced into the wire under it if any."""
        wire_item = self.scene.wire_at(pos) if KINDS[kind].inputs else None
        if wire_item is None:
            return self.add_node_at(kind, pos)
        wire = wire_item.wire
        with self.step(f"Insert {kind} into wire"):
            nid = self.add_node_at(kind, pos, select=False)
            if nid is not None:
                self.push(SpliceCommand(self.doc, nid, wire, KINDS[kind].inputs[0]))
        if nid is not None:
            self.select([nid])
        return nid

    def quick_added(self, kind: str, pos: QPointF, link=None) -> str | None:
        """The quick-add list chose ``kind`` at ``pos``; with ``link`` (a PortRef: a wire
        dropped on empty canvas) the new node is wired to that port in the same step."""
        doc, inputs = self.doc, KINDS[kind].inputs
        if link is None or link.node_id not in doc.nodes or (link.is_output and not inputs):
            return self.add_node_at(kind, pos)
        with self.step(f"Add {kind}"):
            if link.is_output:  # the new node takes the wire into its first input
                nid = self.add_node_at(kind, pos, select=False)
                if nid is not None:
                    self.push(ConnectCommand(doc, link.node_id, nid, inputs[0]))
            else:  # the new node feeds the input the wire came from
                nid = self.add_node_at(kind, QPointF(pos.x() - 240.0, pos.y()), select=False)
                if nid is not None:
                    self.push(ConnectCommand(doc, nid, link.node_id, link.name))
        if nid is not None:
            self.select([nid])
        return nid

    def insert_neuron(self, n_inputs: int, activation: str, origin: QPointF) -> list[str]:
        """The lecture's neuron at ``origin``, as one undo step; returns the new ids."""
        try:
            cmd = InsertNeuronCommand(
                self.doc, n_inputs, activation, (round(origin.x()), round(origin.y()))
            )
        except ValueError as exc:
            self.say(str(exc))
            return []
        if not self.push(cmd):
            return []
        self.select(cmd.ids)
        return list(cmd.ids)

    # --- what is selected -------------------------------------------------------------------
    def selected_group_ids(self) -> list[str]:
        """The groups the canvas selected as such (a frame, a collapsed block)."""
        chosen = getattr(self.scene, "selected_group_ids", None)
        if chosen is None or self.document is None:
            return []
        return [gid for gid in chosen() if gid in self.document.groups]

    def selected_ids(self) -> list[str]:
        """The selected nodes, a selected group's members included (a collapsed block stands
        for its nodes: deleting or copying it takes them all)."""
        ids = self.scene.selected_ids()
        groups = self.selected_group_ids()
        if groups:
            index = self.doc.groups
            ids = list(dict.fromkeys([*ids, *(n for g in groups for n in index.members(g))]))
        return ids

    def selected_group(self) -> str | None:
        """The group Ungroup, Collapse and Rename act on (``target_group``)."""
        if self.document is None:
            return None
        return target_group(self.doc, self.scene.selected_ids(), self.selected_group_ids())

    # --- removing and the clipboard --------------------------------------------------------
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        wires = self.scene.selected_wires()
        if ids or wires:
            self.push(RemoveNodesCommand(self.doc, ids, wires))

    def disconnect(self, wire: Wire) -> bool:
        return self.push(RemoveNodesCommand(self.doc, [], [wire]))

    def copy(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            self.say("nothing selected to copy")
            return False
        clipboard.put_fragment(self.doc.fragment(ids))
        self._paste_text, self._paste_count = None, 0
        return True

    def cut(self) -> None:
        if self.copy():
            ids = self.selected_ids()
            self.push(RemoveNodesCommand(self.doc, ids, text=f"Cut {_nodes(len(ids))}"))

    def paste(self, at: QPointF | None) -> list[str]:
        """Paste the clipboard's nodes with their top-left at ``at`` (a scene point), else
        just below where they were copied from, so a paste never lands on its original."""
        text = clipboard.get_fragment_text()
        if text is None:
            self.say("the clipboard holds no mgstudio nodes")
            return []
        place = clipboard.paste_offset(text, (at.x(), at.y()) if at is not None else None)
        key = (text, place.anchored)
        if key != self._paste_text:
            self._paste_text, self._paste_count = key, 0
        self._paste_count += 1
        # pasting again at the same place: each copy a little further, never a pile
        dx, dy = place.offset(self._paste_count, PASTE_STEP)
        return self._paste(text, (dx, dy))

    def duplicate(self) -> list[str]:
        ids = self.selected_ids()
        if not ids:
            return []
        return self._paste(
            self.doc.fragment(ids), (PASTE_STEP, PASTE_STEP), text=f"Duplicate {_nodes(len(ids))}"
        )

    def _paste(self, fragment, offset, text=None) -> list[str]:
        cmd = PasteCommand(self.doc, fragment, offset, text=text)
        if not self.push(cmd):
            return []
        self.select(cmd.ids)
        return list(cmd.ids)

    # --- values and names ------------------------------------------------------------------
    def nudge(self, nid: str, step: float) -> None:
        """Move a leaf's value by ``step``; a run of nudges is one undo step."""
        value = self.doc.nodes[nid].value
        if value is not None:  # a leaf's
            self.push(SetValueCommand(self.doc, nid, nudged(value, step), merge=True))

    def commit_value(self, nid: str, text: str) -> None:
        """A number typed into a leaf's cell."""
        try:
            value = parse_number(text)
        except ValueError as exc:
            self.say(str(exc))
            return
        if nid in self.doc.nodes and value != self.doc.nodes[nid].value:
            self.push(SetValueCommand(self.doc, nid, value, merge=False))

    def commit_label(self, nid: str, text: str) -> None:
        text = text.strip()
        if nid in self.doc.nodes and text != self.doc.nodes[nid].label:
            self.push(SetLabelCommand(self.doc, nid, text))

    def commit_param(self, nid: str, name: str, text: str) -> None:
        try:
            value = parse_number(text)
        except ValueError as exc:
            self.say(str(exc))
            return
        if nid in self.doc.nodes:
            self.push(SetParamCommand(self.doc, nid, name, value, merge=False))

    # --- groups ----------------------------------------------------------------------------
    def group_selection(self) -> str | None:
        """Ctrl+G: the selected nodes become a group (named ``group N``); returns its id."""
        ids = self.selected_ids()
        if not ids:
            self.say("select the nodes to group first")
            return None
        cmd = GroupSelectionCommand(self.doc, ids)
        if not self.push(cmd) or cmd.group_id is None:
            return None
        self.select(ids)
        name = self.doc.groups.get(cmd.group_id).name
        self.say(f"Grouped {_nodes(len(ids))} as {name}: rename it in the Inspector")
        return cmd.group_id

    def _group_or_say(self, gid: str | None, what: str) -> str | None:
        if gid is None:
            gid = self.selected_group()
        if gid is None or gid not in self.doc.groups:
            self.say(f"select a group (or a node inside one) to {what}")
            return None
        return gid

    def ungroup(self, gid: str | None = None) -> bool:
        """Dissolve a group (default: the selected one); its nodes stay where they are."""
        gid = self._group_or_say(gid, "ungroup")
        return gid is not None and self.push(UngroupCommand(self.doc, gid))

    def toggle_group(self, gid: str | None = None) -> bool:
        """Collapse an expanded group, expand a collapsed one (default: the selected one)."""
        gid = self._group_or_say(gid, "collapse or expand")
        return gid is not None and self._expand_or_collapse(CollapseGroupCommand(self.doc, gid))

    def set_group_collapsed(self, gid: str, collapsed: bool) -> bool:
        if gid not in self.doc.groups or self.doc.groups.get(gid).collapsed == collapsed:
            return False
        return self._expand_or_collapse(CollapseGroupCommand(self.doc, gid, collapsed))

    def _expand_or_collapse(self, command: CollapseGroupCommand) -> bool:
        if not self.push(command):
            return False
        gid = command.gid
        reveal = getattr(self.scene, "group_reveal_requested", None)
        if reveal is not None and gid in self.doc.groups:
            reveal.emit(gid)  # the view keeps it on screen (and shows an expanded one's inside)
        return True

    def rename_group(self, gid: str, label: str) -> bool:
        """A group's new name (plain text, checked by the document); no step if unchanged."""
        label = label.strip()
        if gid not in self.doc.groups or self.doc.groups.get(gid).label == label:
            return False
        return self.push(RenameGroupCommand(self.doc, gid, label))

    def arrange_network(self) -> bool:
        """Auto-arrange of a document holding a network: its nodes go to the network layout
        (columns of layers, neurons top to bottom) as one step. False when the document has
        no network, so Auto-arrange uses dot as before."""
        if self.document is None or not has_network(self.doc):
            return False
        positions = network_positions(self.doc)
        moved = {nid: p for nid, p in positions.items() if tuple(self.doc.nodes[nid].pos) != p}
        if moved:
            self.push(SetGroupsCommand(self.doc, None, moved, "Arrange nodes"))
        return True

    # --- moving ----------------------------------------------------------------------------
    def move_to(self, positions: Mapping[str, tuple[float, float]], text: str) -> None:
        """Nodes laid out elsewhere (auto-arrange): the ones that moved, as one step."""
        doc = self.doc
        moved = {nid: p for nid, p in positions.items() if tuple(doc.nodes[nid].pos) != p}
        if moved:
            self.push(MoveNodesCommand(doc, moved, text=text))

    def finish_move(self) -> None:
        """Items moved on screen during a drag; now tell the document, as one undo step (a
        lone unwired node dropped on a wire goes into it, in the same step)."""
        doc = self.doc
        moved = {}
        for item in self.scene.selectedItems():
            if isinstance(item, NodeItem) and item.node_id in doc.nodes:
                pos = (item.x(), item.y())
                if pos != tuple(doc.nodes[item.node_id].pos):
                    moved[item.node_id] = pos
        if not moved:
            return
        splice = self._splice_target(moved)
        if splice is not None:
            nid, wire, port = splice
            node = doc.nodes[nid]
            with self.step(f"Insert {node.label or node.kind} into wire"):
                self.push(MoveNodesCommand(doc, moved))
                self.push(SpliceCommand(doc, nid, wire, port))
        else:
            self.push(MoveNodesCommand(doc, moved))
        for nid in moved:  # a refused move snaps back to where the document has the node
            node_item = self.scene.item_for(nid)
            if node_item is not None and nid in doc.nodes:
                node_item.setPos(*doc.nodes[nid].pos)
                node_item.moved()

    def _splice_target(self, moved) -> tuple[str, Wire, str] | None:
        """A single unwired node dropped onto a wire goes into it (if it has an input)."""
        if len(moved) != 1:
            return None
        nid = next(iter(moved))
        item = self.scene.item_for(nid)
        kind = KINDS[self.doc.nodes[nid].kind]
        if item is None or not kind.inputs or item.wires:
            return None
        wire_item = self.scene.wire_at(item.sceneBoundingRect().center())
        if wire_item is None:
            return None
        return nid, wire_item.wire, kind.inputs[0]
