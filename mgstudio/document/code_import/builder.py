"""Build a new :class:`Document` from a :class:`~.ir.Program`: ids, layout, one checked insert.

The program's nodes go in at once, as a file's do (operands come before their users and each
port is wired once, so the wires need no checks of their own); a node the document refuses
(label rules and such) is reported with the line of code that made it.
"""

from __future__ import annotations

import math
from typing import Literal

from mgstudio.engine import gc_paused

from .. import layered
from ..errors import DocumentError
from ..kinds import KINDS
from ..model import Document
from ..nodes import Node, Wire
from .errors import Cancel, CodeImportError, Progress, Steps
from .ir import IRNode, Program

#: how the nodes are placed: ``layered`` (no Graphviz needed) or Graphviz's ``dot`` (falls
#: back to ``layered`` when Graphviz is not installed)
Layout = Literal["layered", "dot"]
LAYOUTS: tuple[Layout, ...] = ("layered", "dot")


def build_document(
    program: Program,
    layout: str = "layered",
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Document:
    """A new :class:`Document` holding the program's graph, laid out left to right.
    ``progress``/``cancel``: see :func:`~.import_snippet` (here 0 to 1 is the building)."""
    return build(program, layout, Steps(progress, cancel))


def build(program: Program, layout: str, steps: Steps) -> Document:
    with gc_paused():  # thousands of nodes in a burst (see engine.value.gc_paused)
        return _build(program, layout, steps)


def _build(program: Program, layout: str, steps: Steps) -> Document:
    steps.at(0.0)
    ids = [f"n{i + 1}" for i in range(len(program.nodes))]
    pos = _positions(program, ids, layout)
    steps.at(0.5)
    # the layouts give centres of equal boxes; the document keeps top-left corners, and the
    # graph starts at the origin
    x0 = min((x for x, _ in pos.values()), default=0.0)
    y0 = min((y for _, y in pos.values()), default=0.0)
    nodes: list[Node] = []
    wires: list[Wire] = []
    for i, n in enumerate(program.nodes):
        _check_numbers(n)
        x, y = pos[ids[i]]
        corner = (float(round(x - x0)), float(round(y - y0)))
        nodes.append(Node(ids[i], n.kind, n.label, n.value, dict(n.params), corner))
        ports = ("a", "exponent") if n.kind == "pow" else KINDS[n.kind].inputs
        wires.extend(Wire(ids[o], ids[i], port) for o, port in zip(n.operands, ports))
    steps.at(0.6)  # the last chance to stop: adding the nodes is one edit
    checker = Document()
    try:
        nodes = [checker._check_new_node(n) for n in nodes]
    except DocumentError as exc:
        raise CodeImportError(str(exc), _culprit_line(program)) from None
    doc = Document._from_checked(nodes, wires)
    if program.output is not None:
        doc.set_selected_output(ids[program.output])
    if steps.progress is not None:
        steps.progress(1.0)
    return doc


def _positions(program: Program, ids: list[str], layout: str) -> dict[str, tuple[float, float]]:
    edges = [(ids[o], ids[i]) for i, n in enumerate(program.nodes) for o in n.operands]
    if layout == "dot":
        from .. import graphviz_io  # the graphviz package, only when asked for

        try:
            return graphviz_io.dot_layout(ids, edges)
        except graphviz_io.GraphvizNotFoundError:
            pass
    elif layout != "layered":
        raise ValueError(f"unknown layout {layout!r}")
    return layered.layered_layout(ids, edges)  # keyed by the ids it was given


def _check_numbers(n: IRNode) -> None:
    if n.value is not None and not math.isfinite(n.value):
        raise CodeImportError(f"a Value must hold a finite number, not {n.value!r}", n.line)
    k = n.params.get("exponent")
    if k is not None and not math.isfinite(k):
        raise CodeImportError(f"an exponent must be a finite number, not {k!r}", n.line)


def _culprit_line(program: Program) -> int | None:
    """The line of the first node the document refuses on its own (label rules and such)."""
    for n in program.nodes:
        try:
            Document().add_node(n.kind, n.label, n.value, dict(n.params))
        except DocumentError:
            return n.line
    return None
