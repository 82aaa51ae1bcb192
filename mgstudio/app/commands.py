"""Undo commands: every edit the canvas (or a panel) makes to a Document.

Each command only calls the Document API: ``redo`` makes the edit, ``undo`` applies the inverse
the document handed back. Commands that create nodes undo by ``remove_nodes`` and redo by
``restore_nodes``, so a node keeps its id (and its wires) through any number of undo/redo.

A command whose first ``redo`` is refused by the document (a ``DocumentError``) marks itself
obsolete, so ``QUndoStack.push`` drops it; the error is kept on ``command.error``, because an
exception cannot travel back through Qt's ``push``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QUndoCommand

from mgstudio.document import DocumentError, Wire
from mgstudio.document.errors import UnknownWireError
from mgstudio.document.json_limits import load_json

_SET_VALUE_ID = 4201
_SET_PARAM_ID = 4202


def node_name(doc, nid: str) -> str:
    """How the undo history names a node: its label, else kind and id."""
    node = doc.nodes.get(nid)
    if node is None:
        return nid
    return node.label or f"{node.kind} {nid}"


def wire_text(doc, wire: Wire) -> str:
    """``a → e.a``: the lecture-style name of a wire."""
    return f"{node_name(doc, wire.src)} → {node_name(doc, wire.dst)}.{wire.port}"


def check_wires(doc, wires: Iterable[Wire]) -> None:
    """Refuse (``UnknownWireError``) unless every wire is in the document now: commands that
    remove several wires check them all before changing anything, so a refused edit changes
    nothing."""
    for w in wires:
        if w.dst not in doc.nodes or doc.inputs_of(w.dst).get(w.port) != w:
            raise UnknownWireError(f"there is no such wire in this document: {w}")


def _number(x: float) -> str:
    return f"{x:g}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


class DocumentCommand(QUndoCommand):
    """Base: remembers the document, and turns a refused first redo into ``error``."""

    def __init__(self, doc, text: str = "", parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.doc = doc
        self.error: DocumentError | None = None
        self._done = False

    def redo(self) -> None:
        try:
            self._redo()
        except DocumentError as exc:
            if self._done:  # the document changed under the stack: a real bug, let it show
                raise
            self.error = exc
            self.setObsolete(True)
            return
        except Exception:
            # a bug, shown as one; but a first redo that did nothing must not stay on the
            # stack as an empty entry that undoes nothing
            if not self._done:
                self.setObsolete(True)
            raise
        self._done = True

    def undo(self) -> None:
        self._undo()

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class _CreatesNodes(DocumentCommand):
    """Shared by commands that add nodes: the first redo creates them, later ones restore."""

    def __init__(self, doc, text: str, parent=None):
        super().__init__(doc, text, parent)
        self.ids: list[str] = []
        self._record = None

    def _redo(self) -> None:
        if self._record is None:
            self.ids = self._create()
        else:
            self.doc.restore_nodes(self._record)

    def _undo(self) -> None:
        self._record = self.doc.remove_nodes(self.ids)

    def _create(self) -> list[str]:
        raise NotImplementedError


class AddNodeCommand(_CreatesNodes):
    """Add one node of ``kind`` at ``pos``."""

    def __init__(
        self, doc, kind: str, pos=(0.0, 0.0), label: str = "", value=None, params=None, parent=None
    ):
        super().__init__(doc, f"Add {label or kind}", parent)
        self._args = (kind, label, value, params, tuple(pos))

    @property
    def node_id(self) -> str | None:
        return self.ids[0] if self.ids else None

    def _create(self) -> list[str]:
        kind, label, value, params, pos = self._args
        return [self.doc.add_node(kind, label=label, value=value, params=params, pos=pos)]


class PasteCommand(_CreatesNodes):
    """Add a copy of a clipboard fragment (JSON text or data) with fresh ids."""

    def __init__(self, doc, fragment, offset=(0.0, 0.0), text: str | None = None, parent=None):
        if isinstance(fragment, (str, bytes)):
            # the clipboard is hostile input: read under the same limits as a file (the paste
            # itself reports what is wrong with it; here it only names the undo entry)
            try:
                nodes = load_json(fragment).get("nodes")
            except (DocumentError, AttributeError):
                nodes = None
            n = len(nodes) if isinstance(nodes, list) else 0
        else:
            n = len(fragment.get("nodes", ()))
        super().__init__(doc, text or f"Paste {_count(n, 'node')}", parent)
        self._fragment = fragment
        self._offset = tuple(offset)

    def _create(self) -> list[str]:
        return self.doc.paste_fragment(self._fragment, self._offset)


class InsertNeuronCommand(PasteCommand):
    """Insert the lecture's neuron ``x_i, w_i, b -> * -> + -> act`` as one undo step."""

    def __init__(
        self,
        doc,
        n_inputs: int = 2,
        activation: str = "tanh",
        origin=(0.0, 0.0),
        values: Mapping[str, float] | None = None,
        parent=None,
    ):
        from mgstudio.app.canvas.neuron import neuron_fragment  # Qt-light, but canvas-owned

        fragment = neuron_fragment(n_inputs, activation, origin=origin, values=values)
        act = "linear" if activation in (None, "", "linear") else activation
        super().__init__(
            doc, fragment, (0.0, 0.0), f"Insert neuron ({_count(n_inputs, 'input')}, {act})", parent
        )


class RemoveNodesCommand(DocumentCommand):
    """Delete nodes (with every wire touching them) and, optionally, other selected wires."""

    def __init__(self, doc, ids: Iterable[str], wires: Iterable[Wire] = (), text=None, parent=None):
        self.ids = list(dict.fromkeys(ids))
        gone = set(self.ids)
        # wires that touch a deleted node go with it; only the others are disconnected here
        self.wires = [w for w in dict.fromkeys(wires) if w.src not in gone and w.dst not in gone]
        if text is None:
            if len(self.ids) == 1 and not self.wires:
                text = f"Delete {node_name(doc, self.ids[0])}"
            elif not self.ids and len(self.wires) == 1:
                text = f"Disconnect {wire_text(doc, self.wires[0])}"
            else:
                parts = [_count(len(self.ids), "node")] if self.ids else []
                parts += [_count(len(self.wires), "wire")] if self.wires else []
                text = "Delete " + " and ".join(parts)
        super().__init__(doc, text, parent)
        self._record = None

    def _redo(self) -> None:
        # all checks first: a stale wire or node must not leave earlier disconnects applied
        if not self.ids and not self.wires:
            raise DocumentError("nothing to delete")
        for nid in self.ids:
            self.doc.node(nid)
        check_wires(self.doc, self.wires)
        with self.doc.batch():
            for w in self.wires:
                self.doc.disconnect(w)
            self._record = self.doc.remove_nodes(self.ids) if self.ids else None

    def _undo(self) -> None:
        with self.doc.batch():
            if self._record is not None:
                self.doc.restore_nodes(self._record)
            for w in reversed(self.wires):
                self.doc.connect(w.src, w.dst, w.port)


class ConnectCommand(DocumentCommand):
    """Wire ``src``'s output into input ``port`` of ``dst``."""

    def __init__(self, doc, src: str, dst: str, port: str, parent=None):
        self.wire = Wire(src, dst, port)
        super().__init__(doc, f"Connect {wire_text(doc, self.wire)}", parent)

    def _redo(self) -> None:
        self.doc.connect(self.wire.src, self.wire.dst, self.wire.port)

    def _undo(self) -> None:
        self.doc.disconnect(self.wire)


class DisconnectCommand(DocumentCommand):
    """Remove one wire, or several at once (a cut gesture)."""

    def __init__(self, doc, wires: Wire | Iterable[Wire], text: str | None = None, parent=None):
        self.wires = [wires] if isinstance(wires, Wire) else list(dict.fromkeys(wires))
        if text is None:
            text = (
                f"Disconnect {wire_text(doc, self.wires[0])}"
                if len(self.wires) == 1
                else f"Cut {_count(len(self.wires), 'wire')}"
                if self.wires
                else "Disconnect"
            )
        super().__init__(doc, text, parent)

    def _redo(self) -> None:
        if not self.wires:
            raise DocumentError("no wire to disconnect")
        check_wires(self.doc, self.wires)  # all or nothing
        with self.doc.batch():
            for w in self.wires:
                self.doc.disconnect(w)

    def _undo(self) -> None:
        with self.doc.batch():
            for w in reversed(self.wires):
                self.doc.connect(w.src, w.dst, w.port)


class SetValueCommand(DocumentCommand):
    """Give a leaf a new number. Consecutive edits of the same leaf merge into one step
    (nudges, spin boxes) unless ``merge=False`` (a value typed on purpose)."""

    def __init__(self, doc, nid: str, value: float, merge: bool = True, parent=None):
        super().__init__(doc, "", parent)
        self.nid = nid
        self.new = float(value)
        self.old: float | None = None
        self.merge = merge
        self._name = node_name(doc, nid)
        self._retitle()

    def _retitle(self) -> None:
        self.setText(f"Set {self._name} = {_number(self.new)}")

    def id(self) -> int:
        return _SET_VALUE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetValueCommand) or other.nid != self.nid or not other.merge:
            return False
        self.new = other.new
        self._retitle()
        if self.old == self.new:
            self.setObsolete(True)  # nudged back to where it started: nothing to undo
        return True

    def _redo(self) -> None:
        old = self.doc.set_value(self.nid, self.new)
        if self.old is None:
            self.old = old

    def _undo(self) -> None:
        self.doc.set_value(self.nid, self.old)


class SetLabelCommand(DocumentCommand):
    """Rename a node."""

    def __init__(self, doc, nid: str, label: str, parent=None):
        super().__init__(doc, f"Rename {node_name(doc, nid)} to {label or '(no label)'}", parent)
        self.nid = nid
        self.new = label
        self.old: str | None = None

    def _redo(self) -> None:
        old = self.doc.set_label(self.nid, self.new)
        if self.old is None:
            self.old = old

    def _undo(self) -> None:
        self.doc.set_label(self.nid, self.old)


class SetParamCommand(DocumentCommand):
    """Change a node's setting (e.g. the exponent of pow); consecutive edits merge."""

    def __init__(self, doc, nid: str, name: str, value: float, merge: bool = True, parent=None):
        super().__init__(doc, "", parent)
        self.nid = nid
        self.name = name
        self.new = value
        self.old = None
        self.merge = merge
        self._node = node_name(doc, nid)
        self._retitle()

    def _retitle(self) -> None:
        self.setText(f"Set {self.name} of {self._node} = {_number(self.new)}")

    def id(self) -> int:
        return _SET_PARAM_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, SetParamCommand)
            or not other.merge
            or (other.nid, other.name) != (self.nid, self.name)
        ):
            return False
        self.new = other.new
        self._retitle()
        if self.old == self.new:
            self.setObsolete(True)
        return True

    def _redo(self) -> None:
        old = self.doc.set_param(self.nid, self.name, self.new)
        if self.old is None:
            self.old = old

    def _undo(self) -> None:
        self.doc.set_param(self.nid, self.name, self.old)


class MoveNodesCommand(DocumentCommand):
    """Move nodes to new positions in one step (a drag, an auto-arrange).

    ``old`` defaults to where the document has them now; a drag passes it, because the items
    already moved on screen while the document kept the start positions."""

    def __init__(
        self,
        doc,
        positions: Mapping[str, tuple[float, float]],
        old: Mapping[str, tuple[float, float]] | None = None,
        text: str | None = None,
        parent=None,
    ):
        self.new = {nid: (float(x), float(y)) for nid, (x, y) in positions.items()}
        # a stale id is refused by the first redo (move_nodes checks every id before moving)
        self.old = (
            dict(old)
            if old is not None
            else {nid: doc.nodes[nid].pos for nid in self.new if nid in doc.nodes}
        )
        if text is None:
            text = (
                f"Move {node_name(doc, next(iter(self.new)))}"
                if len(self.new) == 1
                else f"Move {_count(len(self.new), 'node')}"
            )
        super().__init__(doc, text, parent)

    def _redo(self) -> None:
        if not self.new:
            raise DocumentError("nothing to move")
        self.doc.move_nodes(self.new)

    def _undo(self) -> None:
        self.doc.move_nodes(self.old)


class RewireCommand(DocumentCommand):
    """Replace some wires by others in one step, all or nothing (a reconnect drag, a splice):
    the old wires are checked before any is removed, and a refused new wire puts everything
    back before the refusal is reported."""

    def __init__(self, doc, remove: Iterable[Wire], add: Iterable[Wire], text: str, parent=None):
        super().__init__(doc, text, parent)
        self.old = tuple(remove)
        self.new = tuple(add)

    def _redo(self) -> None:
        check_wires(self.doc, self.old)
        with self.doc.batch():
            for w in self.old:
                self.doc.disconnect(w)
            done: list[Wire] = []
            try:
                for w in self.new:
                    done.append(self.doc.connect(w.src, w.dst, w.port))
            except DocumentError:
                for w in reversed(done):  # leave the document as it was
                    self.doc.disconnect(w)
                for w in reversed(self.old):
                    self.doc.connect(w.src, w.dst, w.port)
                raise

    def _undo(self) -> None:
        with self.doc.batch():
            for w in reversed(self.new):
                self.doc.disconnect(w)
            for w in reversed(self.old):
                self.doc.connect(w.src, w.dst, w.port)


class ReconnectCommand(RewireCommand):
    """Drag a wire's end from one input to another."""

    def __init__(self, doc, old: Wire, new: Wire, parent=None):
        super().__init__(doc, [old], [new], f"Reconnect {wire_text(doc, new)}", parent)


class SpliceCommand(RewireCommand):
    """Put a node into a wire: ``src → node.<first free input>`` and ``node → dst.port``."""

    def __init__(self, doc, nid: str, wire: Wire, port: str, parent=None):
        super().__init__(
            doc,
            [wire],
            [Wire(wire.src, nid, port), Wire(nid, wire.dst, wire.port)],
            f"Insert {node_name(doc, nid)} into {wire_text(doc, wire)}",
            parent,
        )


_SELECT_OUTPUT_ID = 4203


class SelectOutputCommand(DocumentCommand):
    """Choose the node Backward starts from (None: automatic). It is saved in the file, so it
    is an edit like any other: it marks the document modified, autosave keeps it, and Undo
    gives the old choice back. Consecutive choices merge into one step."""

    def __init__(self, doc, nid: str | None, parent=None):
        super().__init__(doc, "", parent)
        self.new = nid
        self.old: str | None = None
        self._retitle()

    def _retitle(self) -> None:
        if self.new is None:
            self.setText("Choose the output automatically")
        else:
            self.setText(f"Choose output {self.doc.describe(self.new)}")

    def id(self) -> int:
        return _SELECT_OUTPUT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SelectOutputCommand):
            return False
        self.new = other.new
        self._retitle()
        if self.old == self.new:
            self.setObsolete(True)  # chose the old output back: nothing to undo
        return True

    def _redo(self) -> None:
        old = self.doc.set_selected_output(self.new)
        if not self._done:
            self.old = old

    def _undo(self) -> None:
        self.doc.set_selected_output(self.old)
