"""A program's run -> a document: the graph behind one of its top-level Values, grouped.

The interpreter (``mgstudio.interpreter``) runs the program; this walks the chosen Value's
graph (the engine's own topological order), makes a node per Value (leaves the program made
with ``Value(...)`` are inputs, numbers an op wrapped are constants), names them after where
the program keeps them (``L0.N1.w2``), and makes a group of every instance call that made
Values in the graph: the lecture's MLP arrives as neurons in layers in an MLP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from mgstudio.engine import Value, gc_paused, topological_order
from mgstudio.interpreter import (
    Limits,
    ProgramCancelled,
    ProgramError,
    Progress,
    Run,
    run_program,
)

from .. import layered
from ..errors import DocumentError
from ..kinds import KIND_FOR_OP, KINDS
from ..model import Document
from ..network_layout import fresh_network_positions, network_groups
from ..nodes import Node, Wire
from .errors import CodeImportError, ImportCancelled
from .program_groups import fit_label, program_groups

#: the most nodes a program's graph may bring into a document
MAX_PROGRAM_NODES = 100_000
#: how the nodes are placed: ``layered`` (no Graphviz needed) or Graphviz's ``dot`` (falls
#: back to ``layered`` when Graphviz is not installed)
Layout = Literal["layered", "dot"]
LAYOUTS: tuple[Layout, ...] = ("layered", "dot")


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
    with interpreted():
        run = run_program(text, limits=limits, progress=progress, cancel=cancel)
    doc, notes, chosen = _document(run, output, layout)
    return ProgramImport(doc, notes, list(run.log), [c.name for c in run.candidates], chosen, run)


@contextmanager
def interpreted() -> Iterator[None]:
    """The interpreter's ways of stopping as the importer's: :class:`ImportCancelled`, and
    :class:`CodeImportError` with the same sentence and line."""
    try:
        yield
    except ProgramCancelled:
        raise ImportCancelled("the import was cancelled") from None
    except ProgramError as exc:
        raise CodeImportError(exc.message, exc.line) from None


def program_document(
    run: Run, output: str | None = None, layout: str = "layered"
) -> tuple[Document, list[str]]:
    """The document of another of a run's Values (the program is not run again)."""
    doc, notes, _ = _document(run, output, layout)
    return doc, notes


def snippet_document(run: Run, layout: str = "layered") -> tuple[Document, list[str]]:
    """The document of everything a snippet kept: the graphs of all its top-level Values
    (a document's export has several outputs and loose leaves). The output is the Value the
    snippet last ran ``backward()`` on, else the last one assigned."""
    assigned: list[tuple[Value, int | None]] = [
        (c.value, c.line) for c in run.candidates if not c.shown
    ]
    roots = assigned or [(c.value, c.line) for c in run.candidates]
    out = run.machine.backward_of
    if out is None:
        if run.default is None:
            raise CodeImportError(
                "the code builds no Value: assign at least one, such as a = Value(2.0, label='a')"
            )
        out = run.default.value
    if all(r is not out for r, _ in roots):
        roots.append((out, None))
    return _build(run, roots, out, run.name_of(out) or "the output", layout)


def expression_document(run: Run, result: object, layout: str = "layered") -> Document:
    """The document of an expression's value (a plain number is one constant node)."""
    if isinstance(result, int | float) and type(result) is not bool:
        result = Value(float(result))  # not the program's own leaf: a constant
    if type(result) is not Value:
        what = run.machine.type_name(result)
        raise CodeImportError(f"the expression's value is {what}, not a number or a Value")
    return _build(run, [(result, 1)], result, "the expression", layout)[0]


def _build(
    run: Run, roots: list[tuple[Value, int | None]], out: Value, name: str, layout: str
) -> tuple[Document, list[str]]:
    """The document of the graphs of ``roots`` (each with the line that made it, for errors),
    ``out`` selected as the output."""
    with gc_paused():
        doc = _Builder(run, layout).build(roots, out, name)
    notes = list(run.notes)
    moved = _was_updated(out)
    if moved is not None:
        before, after = moved
        notes.append(
            f"{name}'s leaves changed after it was computed (a training step?): the "
            f"program computed {name} = {before:.6g}, the document shows "
            f"{name} = {after:.6g}, recomputed from the leaves as they are now"
        )
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
    doc, notes = _build(run, [(chosen.value, chosen.line)], chosen.value, chosen.name, layout)
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

    def build(self, roots: list[tuple[Value, int | None]], out: Value, out_name: str) -> Document:
        run = self.run
        order = _union_order(roots, out_name)
        index = {id(v): i for i, v in enumerate(order)}
        ids = [f"n{i + 1}" for i in range(len(order))]
        results = {id(g.result): g for g in run.groups if type(g.result) is Value}
        made: list[tuple[str, str, float | None, dict[str, float]]] = []
        wires: list[Wire] = []
        for i, v in enumerate(order):
            op = v.op
            label = run.name_of(v)
            if op is None:
                kind = "input" if run.is_program_leaf(v) else "constant"
                made.append((kind, fit_label(label), float(v.data), {}))
                continue
            if not label and id(v) in results:
                label = run.path_of(results[id(v)].instance)
            params: dict[str, float] = {}
            if op.name == "pow" and v.param is not None:
                params["exponent"] = float(v.param)
            kind = KIND_FOR_OP[op.name]
            made.append((kind, fit_label(label), None, params))
            ports = ("a", "exponent") if kind == "pow" else KINDS[kind].inputs
            wires.extend(Wire(ids[index[id(p)]], ids[i], port) for p, port in zip(v._prev, ports))
        pos = _positions(ids, [(w.src, w.dst) for w in wires], self.layout)
        x0 = min((x for x, _ in pos.values()), default=0.0)
        y0 = min((y for _, y in pos.values()), default=0.0)
        nodes: list[Node] = []
        checker = Document()
        for i, (kind, label, value, params) in enumerate(made):
            nid = ids[i]
            x, y = pos[nid]
            try:
                nodes.append(
                    checker._check_new_node(Node(nid, kind, label, value, params, (x - x0, y - y0)))
                )
            except DocumentError as exc:
                what = f"the Value {label!r}" if label else f"a {kind} node"
                line = _line_of(order[i], roots)
                raise CodeImportError(f"{what} cannot be shown: {exc}", line) from None
        doc = Document._from_checked(nodes, wires)
        out_id = ids[index[id(out)]]
        doc.set_selected_output(out_id)
        groups = program_groups(self.run, order, ids, out_name)
        if groups:
            doc.restore_groups(groups)
            if network_groups(doc):
                doc.move_nodes(fresh_network_positions(doc))
        doc.backward(out_id)
        doc._edited = False
        return doc


def _union_order(roots: list[tuple[Value, int | None]], name: str) -> list[Value]:
    """Every Value the roots are computed from, each after its operands (the engine's order;
    a Value two roots share comes once, where the first put it)."""
    order = topological_order(r for r, _ in roots)
    if len(order) > MAX_PROGRAM_NODES:
        raise CodeImportError(
            f"{name}'s graph has {len(order):,} nodes; a document holds at most "
            f"{MAX_PROGRAM_NODES:,} (show a smaller part: a single sample's loss, say)"
        )
    return order


def _line_of(v: Value, roots: list[tuple[Value, int | None]]) -> int | None:
    """The line of the first root whose graph holds ``v`` (for an error: a walk per root)."""
    for root, line in roots:
        if any(u is v for u in root.topological_order()):
            return line
    return None


def _positions(
    ids: list[str], edges: list[tuple[str, str]], layout: str
) -> dict[str, tuple[float, float]]:
    """Each node's centre, left to right by ``layout`` (see :data:`LAYOUTS`)."""
    if layout == "dot":
        from .. import graphviz_io  # the graphviz package, only when asked for

        try:
            return graphviz_io.dot_layout(ids, edges)
        except graphviz_io.GraphvizNotFoundError:
            pass
    elif layout != "layered":
        raise ValueError(f"unknown layout {layout!r}")
    return layered.layered_layout(ids, edges)  # keyed by the ids it was given
