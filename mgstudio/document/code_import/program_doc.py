"""A program's run -> a document: the graph behind one of its top-level Values, grouped.

The interpreter (``mgstudio.interpreter``) runs the program; this walks the chosen Value's
graph (the engine's own topological order), makes a node per Value (leaves the program made
with ``Value(...)`` are inputs, numbers an op wrapped are constants), names them after where
the program keeps them (``L0.N1.w2``), and makes a group of every instance call that made
Values in the graph: the lecture's MLP arrives as neurons in layers in an MLP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mgstudio.engine import Value, gc_paused
from mgstudio.interpreter import (
    Limits,
    ProgramCancelled,
    ProgramError,
    Progress,
    Run,
    run_program,
)

from ..errors import DocumentError
from ..kinds import KIND_FOR_OP, KINDS
from ..model import Document
from ..network_layout import fresh_network_positions, network_groups
from ..nodes import Node, Wire
from .builder import _positions
from .errors import CodeImportError, ImportCancelled
from .ir import IRNode, Program
from .program_groups import fit_label, program_groups

#: the most nodes a program's graph may bring into a document
MAX_PROGRAM_NODES = 100_000


@dataclass
class ProgramImport:
    """What importing a program gives: the document, what to tell the user, the run."""

    document: Document
    notes: list[str]
    log: list[str]
    candidates: list[str]
    output: str
    run: Run


def import_program(
    text: str | bytes,
    *,
    output: str | None = None,
    layout: str = "layered",
    limits: Limits | None = None,
    progress: Callable[[Progress], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ProgramImport:
    """Run ``text`` with the interpreter and build the document of ``output`` (a candidate's
    name; default: the last top-level Value assigned). Raises :class:`CodeImportError`
    (a DocumentError, naming the line) or :class:`ImportCancelled`."""
    try:
        run = run_program(text, limits=limits, progress=progress, cancel=cancel)
    except ProgramCancelled:
        raise ImportCancelled("the import was cancelled") from None
    except ProgramError as exc:
        raise CodeImportError(exc.message, exc.line) from None
    doc, notes, chosen = _document(run, output, layout)
    return ProgramImport(doc, notes, list(run.log), [c.name for c in run.candidates], chosen, run)


def program_document(
    run: Run, output: str | None = None, layout: str = "layered"
) -> tuple[Document, list[str]]:
    """The document of another of a run's Values (the program is not run again)."""
    doc, notes, _ = _document(run, output, layout)
    return doc, notes


def _document(run: Run, output: str | None, layout: str) -> tuple[Document, list[str], str]:
    if output is None:
        chosen = run.default
        if chosen is None:
            raise CodeImportError(
                "the program made no Value at the top level to show (assign one to a name, "
                "e.g. loss = ...)"
            )
    else:
        try:
            chosen = run.candidate(output)
        except KeyError:
            names = ", ".join(c.name for c in run.candidates) or "none"
            raise CodeImportError(
                f"the program has no Value named {output!r} (it has: {names})"
            ) from None
    with gc_paused():
        doc = _Builder(run, layout).build(chosen.value, chosen.name)
    notes = list(run.notes)
    moved = _was_updated(chosen.value)
    if moved is not None:
        before, after = moved
        notes.append(
            f"{chosen.name}'s leaves changed after it was computed (a training step?): the "
            f"program computed {chosen.name} = {before:.6g}, the document shows "
            f"{chosen.name} = {after:.6g}, recomputed from the leaves as they are now"
        )
    return doc, notes, chosen.name


def _was_updated(out: Value) -> tuple[float, float] | None:
    """``out`` as the program left it and recomputed from its leaves' data, when they
    differ (the weights were updated after the forward pass); None when they agree."""
    order = out.topological_order()
    if len(order) > MAX_PROGRAM_NODES:
        return None
    saved = [v.data for v in order]
    try:
        out.recompute()
        now, then = out.data, saved[-1]
        same = now == then or (now != now and then != then)  # NaN both times
        return None if same else (then, now)
    finally:
        for v, d in zip(order, saved):
            v.data = d


class _Builder:
    def __init__(self, run: Run, layout: str):
        self.run = run
        self.layout = layout

    def build(self, out: Value, out_name: str) -> Document:
        run = self.run
        order = out.topological_order()
        if len(order) > MAX_PROGRAM_NODES:
            raise CodeImportError(
                f"{out_name}'s graph has {len(order):,} nodes; a document holds at most "
                f"{MAX_PROGRAM_NODES:,} (show a smaller part: a single sample's loss, say)"
            )
        index = {id(v): i for i, v in enumerate(order)}
        ids = [f"n{i + 1}" for i in range(len(order))]
        ir: list[IRNode] = []
        results = {id(g.result): g for g in run.groups if type(g.result) is Value}
        for v in order:
            operands = tuple(index[id(p)] for p in v._prev)
            op = v.op
            label = run.name_of(v)
            if op is None:
                kind = "input" if run.is_program_leaf(v) else "constant"
                ir.append(IRNode(kind, (), float(v.data), {}, fit_label(label)))
                continue
            if not label and id(v) in results:
                label = run.path_of(results[id(v)].instance)
            params: dict[str, float] = {}
            if op.name == "pow" and v.param is not None:
                params["exponent"] = float(v.param)
            ir.append(IRNode(KIND_FOR_OP[op.name], operands, None, params, fit_label(label)))
        program = Program(ir, len(ir) - 1, [], {})
        pos = _positions(program, ids, self.layout)
        x0 = min((x for x, _ in pos.values()), default=0.0)
        y0 = min((y for _, y in pos.values()), default=0.0)
        nodes: list[Node] = []
        wires: list[Wire] = []
        checker = Document()
        for i, n in enumerate(ir):
            x, y = pos[ids[i]]
            node = Node(ids[i], n.kind, n.label, n.value, dict(n.params), (x - x0, y - y0))
            try:
                nodes.append(checker._check_new_node(node))
            except DocumentError as exc:
                what = f"the Value {n.label}" if n.label else f"a {n.kind} node"
                raise CodeImportError(f"{what} cannot be shown: {exc}") from None
            ports = ("a", "exponent") if n.kind == "pow" else KINDS[n.kind].inputs
            wires.extend(Wire(ids[o], ids[i], p) for o, p in zip(n.operands, ports))
        doc = Document._from_checked(nodes, wires)
        doc.set_selected_output(ids[-1])
        groups = program_groups(self.run, order, ids, out_name)
        if groups:
            doc.restore_groups(groups)
            if network_groups(doc):
                doc.move_nodes(fresh_network_positions(doc))
        doc.backward(ids[-1])
        doc._edited = False
        return doc
