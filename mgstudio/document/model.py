"""``Document``: the editable graph a learner builds, bound to live engine ``Value``s.

The facade of three parts: the graph index (``graph``: nodes, wires, the walkers, the wire
check), the binding of nodes to Values (``binding``: rebuild, recompute, backward) and pieces
for the clipboard (``clipboard``). This class holds the edits and the events: every edit
checks everything first, changes the parts, then announces what changed, and nothing when
nothing did (napari's rule: a node moved to where it is, a value set to what it is). Every
edit returns what its exact inverse needs, so undo commands stay tiny.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from mgstudio.engine import Value, gc_paused

from . import clipboard, fileformat, outputs
from .binding import Binding
from .bulk_gc import promote_young
from .edits import Edits, Removal
from .errors import DocumentError
from .events import DocumentEvents
from .graph import Graph, describe, indexed
from .group_edits import GroupEdits
from .groups import GroupIndex
from .kinds import KINDS
from .nodes import Node, Wire
from .training_state import TrainingState

__all__ = ["Document", "Removal"]


class Document(Edits, GroupEdits):
    """Nodes, wires and their live Values; see docs/CONTRACTS.md for the API's shape."""

    def __init__(self, graph: Graph | None = None) -> None:
        self.events = DocumentEvents()
        self.title = ""
        self.description = ""
        #: top-level file fields this version does not know, written back on save
        self.extra: dict[str, Any] = {}
        self._graph = graph if graph is not None else Graph()
        self._groups = GroupIndex()  # (before the hook below, which tells it of changes)
        self._graph.on_change(self._structure_changed)
        self._binding = Binding(self._graph)
        self._binding.added(self._graph.nodes)
        self._nodes_view = MappingProxyType(self._graph.nodes)
        self._selected: str | None = None
        #: the node training compares with the target (None: the default output)
        self._prediction: str | None = None
        self._training = TrainingState()
        #: the automatic output, after the ones it replaced (see ``outputs``); re-checked
        #: after structural edits
        self._auto: list[str] = []
        self._auto_stale = False
        self._auto_backward = False
        #: an edit changed something since the last batch ended (auto backward answers it)
        self._edited = False
        #: the chosen output changed since then (auto backward follows it even if the
        #: grads on show are current: they are the old output's)
        self._output_edited = False
        self._depth = 0
        self._pending: dict[str, None] = {}

    # --- reading ----------------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        """Node id -> Node, in the order they were added (read-only)."""
        return self._nodes_view

    @property
    def wires(self) -> tuple[Wire, ...]:
        """Every wire, ordered by target node then by input port (stable, so files diff)."""
        return self._graph.wires

    def __len__(self) -> int:
        return len(self._graph.nodes)

    def __bool__(self) -> bool:  # an empty document is still a document (``doc or ...``)
        return True

    def __contains__(self, nid: object) -> bool:
        return nid in self._graph.nodes

    def node(self, nid: str) -> Node:
        return self._graph.node(nid)

    def values(self) -> list[Value]:
        """Every bound Value (incomplete nodes have none), in node order."""
        return self._binding.bound()

    def value_of(self, nid: str) -> Value | None:
        """The node's live Value, or None while the node is incomplete."""
        self.node(nid)
        return self._binding.value_of(nid)

    def is_complete(self, nid: str) -> bool:
        return self.value_of(nid) is not None

    def inputs_of(self, nid: str) -> dict[str, Wire]:
        """Input port -> the wire feeding it (unwired ports are absent)."""
        self.node(nid)
        return dict(self._graph.ins.get(nid, {}))

    def consumers_of(self, nid: str) -> list[Wire]:
        """The wires leaving this node."""
        self.node(nid)
        return list(self._graph.outs.get(nid, {}))

    def missing_inputs(self, nid: str) -> list[str]:
        """Required ports of this node that have no wire yet."""
        node = self.node(nid)
        ins = self._graph.ins.get(nid, {})
        return [p for p in KINDS[node.kind].required if p not in ins]

    def why_incomplete(self, nid: str) -> str | None:
        """A sentence saying why the node shows no number, or None if it does."""
        if self.value_of(nid) is not None:
            return None
        node = self._graph.nodes[nid]
        missing = self.missing_inputs(nid)
        if missing:
            ports = " and ".join(repr(p) for p in missing)
            return f"{describe(node)} needs a wire into input {ports}"
        for w in self._graph.ins.get(nid, {}).values():
            if self._binding.value_of(w.src) is None:
                return (
                    f"{describe(node)} waits for {describe(self._graph.nodes[w.src])}, "
                    "which is incomplete"
                )
        return f"{describe(node)} is incomplete"

    def describe(self, nid: str) -> str:
        """``mul 'e'`` (or ``mul n3`` without a label): how messages name a node."""
        return describe(self.node(nid))

    def output_ids(self) -> list[str]:
        """Nodes nobody consumes, in the order they were added."""
        return self._graph.output_ids()

    def topological_ids(self) -> list[str]:
        """Every node id, inputs before the nodes that use them (ties in node order)."""
        return self._graph.topological_ids()

    def upstream_ids(self, nid: str) -> list[str]:
        """The node and every node it depends on, in dependency order."""
        return self._graph.upstream_ids(nid)

    def downstream_ids(self, nid: str) -> list[str]:
        """The node and every node that depends on it, in dependency order."""
        self.node(nid)
        return list(self._graph.downstream_ids(nid))

    # --- the output -------------------------------------------------------------------------
    @property
    def selected_output(self) -> str | None:
        return self._selected

    def set_selected_output(self, nid: str | None) -> str | None:
        """Choose the node ``backward`` starts from (None: pick automatically)."""
        if nid is not None:
            self.node(nid)
        old = self._selected
        if old != nid:
            with self.batch():
                self._selected = nid
                self._output_edited = True
                self.events.output_changed.emit(nid)
        return old

    def default_output(self) -> str | None:
        """The node ``backward()`` starts from: the selected output, else the automatic one.
        Every panel asks this; the rule lives in ``outputs`` (complete sinks first, the
        current choice kept while it stays valid, so a paste never steals it)."""
        if self._selected is not None:
            return self._selected
        return self._auto_output()

    def _auto_output(self) -> str | None:
        if self._auto_stale:
            self._auto_stale = False
            self._auto = outputs.choose_output(self, self._auto)
        return self._auto[-1] if self._auto else None

    # --- training (docs/CONTRACTS.md, "Training a document") ----------------------------------
    @property
    def prediction(self) -> str | None:
        """The node chosen as the prediction (None: ``prediction_node()`` falls back to the
        default output)."""
        return self._prediction

    def set_prediction(self, nid: str | None) -> str | None:
        """Choose the node training compares with each sample's target (None: the default
        output). Returns the old choice; announced as ``prediction_changed``."""
        if nid is not None:
            self.node(nid)
        old = self._prediction
        if old != nid:
            with self.batch():
                self._prediction = nid
                self._edited = True
                self.events.prediction_changed.emit(nid)
        return old

    def prediction_node(self) -> str | None:
        """The prediction training uses: the chosen one, else ``default_output()``."""
        return self._prediction if self._prediction is not None else self.default_output()

    def feature_ids(self) -> dict[int, list[str]]:
        """Dataset column -> the input leaves that take it (node order), columns ascending."""
        out: dict[int, list[str]] = {}
        for node in self._graph.nodes.values():
            if node.feature is not None:
                out.setdefault(node.feature, []).append(node.id)
        return dict(sorted(out.items()))

    @property
    def training(self) -> TrainingState:
        """The dataset, settings and runs saved with the document (immutable)."""
        return self._training

    def set_training(self, state: TrainingState) -> TrainingState:
        """Replace the training state whole; returns the old one (the inverse is
        ``set_training(old)``). Announced as ``training_changed`` (nothing when equal)."""
        if not isinstance(state, TrainingState):
            raise TypeError(f"set_training needs a TrainingState, not {type(state).__name__}")
        old = self._training
        if state is not old and state != old:
            with self.batch():
                self._training = state
                self._edited = True
                self.events.training_changed.emit()
        return old

    def detached_values(self, nid: str) -> dict[str, Value | None]:
        """Fresh Values of ``nid`` and every node it depends on (dependency order), owned by
        the caller: what training compiles, leaving the document's own Values alone."""
        return self._binding.detached(self.upstream_ids(nid))

    # --- events -----------------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[Document]:
        """Group edits so that ``values_changed`` fires once, at the end of the block (and
        auto backward, when on, runs once there)."""
        # (psygnal's ``paused(reducer=...)`` queues and nests the same way, but a reducer
        # cannot drop the merged emission: a batch that removes every node it touched, such
        # as deleting a sink with the wire into it, would announce an empty change)
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._settle()

    def _settle(self) -> None:
        """The end of the outermost edit: settle the automatic output, run auto backward,
        then announce the values that changed."""
        if self._auto_stale:
            self._auto_output()  # settle it after every edit, before the next can steal
        edited, self._edited = self._edited, False
        output_edited, self._output_edited = self._output_edited, False
        if self._auto_backward and ((edited and not self.grads_current) or output_edited):
            self._depth += 1  # inside the block: its changed grads join this announcement
            try:
                self.backward()
            finally:
                self._depth -= 1
        if self._pending:
            nodes = self._graph.nodes
            ids = tuple(nid for nid in self._pending if nid in nodes)
            self._pending = {}
            if ids:
                self.events.values_changed.emit(ids)

    def _changed(self, ids: Iterable[str]) -> None:
        self._pending.update(dict.fromkeys(ids))

    def _structure_changed(self) -> None:
        self._binding.structure_changed()
        self._groups.wires_changed()
        self._auto_stale = True
        self._edited = True

    # --- grads ------------------------------------------------------------------------------
    @property
    def grads_current(self) -> bool:
        """True once ``backward`` ran (or grads were published) and no edit changed a value
        since."""
        return self._binding.grads_current

    @property
    def backward_output(self) -> str | None:
        """The output the grads on show were computed from."""
        return self._binding.backward_output

    @property
    def auto_backward(self) -> bool:
        """Whether grads follow every edit: a backward pass from ``default_output()`` at the
        end of each edit (or batch) that left them stale or chose another output. Zeroed
        grads stay zero until the next edit; published ones until an edit changes them."""
        return self._auto_backward

    def set_auto_backward(self, on: bool) -> None:
        """Switch auto backward; switching it on catches up at once."""
        self._auto_backward = bool(on)
        if on and not self.grads_current:
            self.backward()

    def backward(self, output: str | None = None) -> str | None:
        """Zero every grad, then backpropagate from ``output`` (default: ``default_output()``).
        Returns the id it started from (None when there is nothing to start from)."""
        target = self.default_output() if output is None else output
        if target is not None:
            self.node(target)
        with self.batch():
            self._changed(self._binding.backward(target))
        return target

    def zero_grad(self) -> list[str]:
        """Set every grad to 0 (one values_changed); returns the ids whose grad changed.
        Auto backward leaves them at 0 until the next edit."""
        with self.batch():
            changed = self._binding.zero_grad()
            self._changed(changed)
        return changed

    def publish_grads(self, ids: Iterable[str], output: str | None) -> None:
        """Announce grads set on the Values from outside (the step-through, node by node,
        from ``output``): one values_changed for ``ids``; they count as current, so auto
        backward leaves them alone until the next edit."""
        with self.batch():
            self._binding.grads_published(output)
            self._changed(ids)

    # --- checks -----------------------------------------------------------------------------
    def check_connect(self, src: str, dst: str, port: str) -> None:
        """Raise the DocumentError that ``connect(src, dst, port)`` would raise, if any."""
        self._graph.check_connect(src, dst, port)

    def _check_new_node(self, node: Node) -> Node:
        # (the code importer checks its nodes through this before ``_from_checked``)
        return self._graph.check_new_node(node)

    # --- clipboard --------------------------------------------------------------------------
    def fragment(self, ids: Iterable[str]) -> dict[str, Any]:
        """The given nodes and the wires among them as JSON-able data (for the clipboard)."""
        return clipboard.fragment(self, ids)

    def paste_fragment(
        self, fragment: Mapping[str, Any] | str, offset: tuple[float, float] = (0.0, 0.0)
    ) -> list[str]:
        """Add a copy of a fragment with fresh ids, shifted by ``offset``; returns the new ids
        in fragment order (see ``clipboard.paste_fragment``)."""
        return clipboard.paste_fragment(self, fragment, offset)

    # --- files ------------------------------------------------------------------------------
    def to_json(self) -> str:
        return fileformat.dump(
            self._graph.nodes.values(),
            self.wires,
            title=self.title,
            description=self.description,
            selected_output=self._selected,
            extra=self.extra,
            groups=self._groups.state(),
            prediction=self._prediction,
            training=self._training,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Document:
        """A document from ``.mgs`` text; raises DocumentError (FileFormatError) if invalid."""
        with gc_paused():
            doc = cls._from_json(text)
            promote_young()  # its objects live as long as it does: no young-generation scan
            return doc

    @classmethod
    def _from_json(cls, text: str | bytes) -> Document:
        parsed = fileformat.parse(text)
        doc = cls._from_checked(parsed.nodes, parsed.wires, parsed.order, parsed.graph)
        doc.title = parsed.title
        doc.description = parsed.description
        doc.extra = parsed.extra
        doc._selected = parsed.selected_output
        doc._prediction = parsed.prediction
        doc._training = parsed.training
        if parsed.groups:
            doc._groups.restore(parsed.groups)  # checked by the parser
        return doc

    @classmethod
    def _from_checked(
        cls,
        nodes: Iterable[Node],
        wires: Iterable[Wire],
        order: list[str] | None = None,
        graph: Graph | None = None,
    ) -> Document:
        """A new document of nodes and wires checked as a file's are (every field, unique ids,
        known ports, one wire per input, no cycle): inserted at once, bound once. A big file
        or snippet has thousands, and edit by edit each would be checked and announced.
        ``order``: the ids in dependency order if the check already sorted them; ``graph``:
        those nodes and wires already indexed (by the file check)."""
        if graph is None:
            graph = indexed(nodes, wires)
        if order is not None:
            graph.adopt_order(order)
        doc = cls(graph)
        doc._binding.bind_all()
        doc._auto_stale = True
        doc._auto_output()
        doc._edited = False
        return doc

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the document atomically (the old file survives any failure)."""
        fileformat.write_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Document:
        data = fileformat.read_file(path)
        try:
            return cls.from_json(data)
        except DocumentError as exc:
            raise type(exc)(f"{os.path.basename(os.fspath(path))}: {exc}") from None
