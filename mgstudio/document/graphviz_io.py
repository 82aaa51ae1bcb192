"""Graphviz for documents: the lecture's ``draw_dot`` picture, rendering, and auto-layout.

``to_dot`` draws each node as a record ``{ label | data … | grad … }`` and, for computed nodes,
a small op node (the kind's symbol) between the operands and the result, as the lecture does.
``render`` runs Graphviz's ``dot`` program; ``layout_positions`` asks ``dot`` where to put the
nodes and falls back to the layered layout of :mod:`.layered` when ``dot`` is not installed
or the graph is too big for it.

``dot`` runs as a child process we can kill (``run_dot``): the graphviz package's ``pipe`` waits
in ``subprocess.run`` with no way to stop it, and ``dot``'s time grows much faster than the graph
(``benchmarks/bench_dot.py``), so graphs over ``DOT_NODE_LIMIT`` are refused before it starts.
Every long call takes ``progress(done, total)``, called now and then from the thread doing the
work; it may raise to stop the work (the app raises its ``Cancelled`` there).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import graphviz  # no stubs: pyproject lets mypy treat it as Any

from . import fileio
from .dot_groups import dot_safe, group_title, groups_of, hidden_in, outputs_of
from .errors import DocumentError
from .groups import Group, GroupIndex
from .kinds import KINDS
from .layered import LAYER_GAP, NODE_HEIGHT, NODE_WIDTH, ROW_GAP, layered_layout
from .nodes import Node, Wire

INSTALL_HINT = "Graphviz's 'dot' program was not found; install it with: apt-get install graphviz"
RENDER_FORMATS = ("svg", "png", "pdf", "dot")

#: the most document nodes ``render`` hands to ``dot`` (a record and an op node each), and the
#: most boxes a layout does. benchmarks/bench_dot.py on this 2-core machine shared with other
#: jobs (load ~5), seconds for chains / balanced binary trees, from the calmer of two runs:
#:     render svg   1k: 0.4 / 0.2   2k: 0.9 / 1.0   3k: 2.0 / 2.2   5k: 6.6 / 19.2   10k: 38 / >40
#:     layout json  5k: 1.5 / 3.6   10k: 4.5 / 25.8   20k: 37.5 / -
#: (the busier run took 15 s on the 2k tree and 12.9 s on the 5k chain). Beyond these caps
#: ``dot`` is likely to take more than ~10 s; within them the app can still cancel it.
DOT_NODE_LIMIT = 3000
DOT_LAYOUT_LIMIT = 5000
#: how often (seconds) ``run_dot`` looks at ``progress`` while ``dot`` works
POLL_SECONDS = 0.05

Progress = Callable[[int, int], None]


class _Numbered(Protocol):
    @property
    def data(self) -> float: ...
    @property
    def grad(self) -> float: ...


class Drawable(Protocol):
    """What a picture reads: a ``Document`` or a ``PictureSnapshot`` of one."""

    @property
    def nodes(self) -> Mapping[str, Node]: ...
    @property
    def wires(self) -> Sequence[Wire]: ...
    def value_of(self, nid: str) -> _Numbered | None: ...


class GraphvizNotFoundError(DocumentError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""

    def __init__(self, message: str = INSTALL_HINT):
        super().__init__(message)


class RenderError(DocumentError):
    """``dot`` could not produce the picture, or the file could not be written."""


class DotTooLargeError(GraphvizNotFoundError):
    """The graph is bigger than ``dot`` handles in reasonable time; nothing was started.

    A kind of "no Graphviz for this graph", so that every caller that falls back to our own
    layout when ``dot`` is missing (the code importer, auto-arrange) falls back here too."""

    def __init__(self, n_nodes: int, limit: int, hint: str = ""):
        self.n_nodes, self.limit = n_nodes, limit
        message = (
            f"the graph has {n_nodes:,} nodes; Graphviz's dot takes more than ~10 s "
            f"beyond {limit:,}, so it is not run"
        )
        super().__init__(message + (f": {hint}" if hint else ""))


def check_dot_size(n_nodes: int, max_nodes: int | None = DOT_NODE_LIMIT, hint: str = "") -> None:
    """Raise :class:`DotTooLargeError` when ``n_nodes`` is over ``max_nodes`` (None: no cap)."""
    if max_nodes is not None and n_nodes > max_nodes:
        raise DotTooLargeError(n_nodes, max_nodes, hint)


def dot_program() -> str:
    """The path of ``dot``; raises :class:`GraphvizNotFoundError` when it is not installed."""
    found = shutil.which("dot")
    if found is None:
        raise GraphvizNotFoundError()
    return found


# --- reading a document -------------------------------------------------------------------------
def graph_of(doc: Drawable) -> tuple[list[str], list[tuple[str, str]]]:
    """Node ids (document order) and wires as (operand, consumer) pairs in operand order."""
    ids = list(doc.nodes)
    edges = [(src, dst) for dst, src in _operands_in_order(doc)]
    return ids, edges


def _operands_in_order(doc: Drawable) -> list[tuple[str, str]]:
    """(consumer, operand) for every wire, consumers in document order, operands by port."""
    by_dst: dict[str, dict[str, str]] = {}
    for w in doc.wires:
        by_dst.setdefault(w.dst, {})[w.port] = w.src
    pairs: list[tuple[str, str]] = []
    for nid, node in doc.nodes.items():
        ports = by_dst.get(nid)
        if not ports:
            continue
        for port in KINDS[node.kind].inputs:
            if port in ports:
                pairs.append((nid, ports[port]))
    return pairs


def op_symbol(node: Node, exponent_wired: bool = False) -> str:
    """What the op node shows: the kind's symbol, with the exponent for ``x**k``."""
    kind = KINDS[node.kind]
    if node.kind == "pow" and not exponent_wired:
        k = (node.params or {}).get("exponent", kind.default_params()["exponent"])
        return "**" + _short_number(k)
    return kind.symbol


def _short_number(k: float) -> str:
    k = float(k)
    if math.isfinite(k) and k.is_integer() and abs(k) < 1e15:
        return str(int(k))
    return repr(k)


def _record_text(text: str) -> str:
    """Escape a piece of a record label (braces, bars and angle brackets are syntax there)."""
    out = []
    for ch in text.replace("\r", " ").replace("\n", " "):
        if ch in '\\{}|<>"':
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _fmt(x: float | None) -> str:
    return "?" if x is None else f"{x:.4f}"


@dataclass(frozen=True)
class _Numbers:
    data: float
    grad: float


@dataclass(frozen=True)
class PictureSnapshot:
    """What the picture shows of a document, copied: a worker thread can draw it while the
    document goes on changing (nodes and wires are immutable records; numbers are copied)."""

    nodes: dict[str, Node]
    wires: tuple[Wire, ...]
    numbers: dict[str, _Numbers] = field(default_factory=dict)
    selected_output: str | None = None
    #: the groups' records (``GroupIndex.state()``), drawn as clusters
    group_state: tuple[Group, ...] = ()

    @classmethod
    def of(cls, doc: Drawable) -> PictureSnapshot:
        numbers = {}
        for nid in doc.nodes:
            v = doc.value_of(nid)
            if v is not None:
                numbers[nid] = _Numbers(v.data, v.grad)
        groups = groups_of(doc)
        return cls(
            dict(doc.nodes),
            tuple(doc.wires),
            numbers,
            getattr(doc, "selected_output", None),
            groups.state() if groups is not None else (),
        )

    def value_of(self, nid: str) -> _Numbers | None:
        return self.numbers.get(nid)

    @property
    def groups(self) -> GroupIndex:
        index = GroupIndex()
        index.restore(self.group_state)  # the document checked them
        return index


# --- DOT ----------------------------------------------------------------------------------------
def dot_graph(doc: Drawable, output: str | None = None) -> Any:
    """The lecture's ``draw_dot`` picture of the document as a ``graphviz.Digraph``.

    Groups are clusters (``cluster_<gid>``, nested, titled with the group's label); a
    collapsed group is one record ``title | {output | data | grad}`` (a row per output),
    the wires crossing into or out of it attach to that record and its inside is not drawn."""
    dot = graphviz.Digraph(
        "mgstudio", graph_attr={"rankdir": "LR"}, node_attr={"fontname": "Helvetica"}
    )
    names = {nid: f"v{i}" for i, nid in enumerate(doc.nodes)}
    exponent_wired = {w.dst for w in doc.wires if w.port == "exponent"}
    groups = groups_of(doc) or GroupIndex()  # (an empty index draws no cluster)
    hidden = hidden_in(groups) if groups else {}
    ends: dict[str, str] = {}  # a hidden node -> the record (and port) its wires attach to

    def add_node(graph: Any, nid: str) -> None:
        node = doc.nodes[nid]
        value = doc.value_of(nid)
        data = None if value is None else value.data
        grad = None if value is None else value.grad
        record = f"{{ {_record_text(node.label or '')} | data {_fmt(data)} | grad {_fmt(grad)} }}"
        attrs = {"shape": "record", "id": f"node-{nid}", "tooltip": f"{node.kind} {nid}"}
        if output is not None and nid == output:
            attrs["penwidth"] = "2"
        graph.node(names[nid], graphviz.nohtml(record), **attrs)
        if not KINDS[node.kind].is_leaf:
            op_name = names[nid] + "_op"
            symbol = op_symbol(node, nid in exponent_wired)
            graph.node(op_name, graphviz.nohtml(_record_text(symbol)), id=f"op-{nid}")
            graph.edge(op_name, names[nid])

    def add_group(graph: Any, gid: str) -> None:
        g = groups.get(gid)
        if g.collapsed:
            name = f"c_{dot_safe(gid)}_{len(ends)}"
            rows = []
            for k, nid in enumerate(outputs_of(doc, groups, gid)):
                value = doc.value_of(nid)
                data = None if value is None else value.data
                grad = None if value is None else value.grad
                label = _record_text(doc.nodes[nid].label or nid)
                rows.append(f"{{ <o{k}> {label} | data {_fmt(data)} | grad {_fmt(grad)} }}")
                ends[nid] = f"{name}:o{k}"
            for nid in groups.members(gid):
                ends.setdefault(nid, name)
            title = _record_text(group_title(g))
            graph.node(
                name,
                graphviz.nohtml(" | ".join([title, *rows])),
                shape="record",
                style="rounded,bold",
                id=f"group-{gid}",
                tooltip=f"{g.kind} {gid} (collapsed)",
            )
            return
        # a Digraph of its own, added when done: ``graph.subgraph(name=...)`` as a context
        # manager copies the whole body drawn so far, quadratic in the number of clusters
        # (50,000 one-node groups took 49 s to write as .dot)
        cluster = graphviz.Digraph(name=f"cluster_{gid}")
        cluster.attr(
            label=group_title(g).replace("\\", "/"),
            style="rounded",
            color="gray50",
            id=f"group-{gid}",
        )
        for nid in g.nodes:
            add_node(cluster, nid)
        for child in groups.children(gid):
            add_group(cluster, child)
        graph.subgraph(cluster)

    for nid in doc.nodes:
        if groups.group_of(nid) is None:
            add_node(dot, nid)
    for gid in groups.top_level():
        add_group(dot, gid)
    drawn: set[tuple[str, str]] = set()
    for dst, src in _operands_in_order(doc):
        if src in hidden or dst in hidden:
            if hidden.get(src) == hidden.get(dst):
                continue  # inside one collapsed group: not drawn
            head = ends[dst] if dst in hidden else names[dst] + "_op"
            tail = ends[src] if src in hidden else names[src]
            if (tail, head) in drawn:
                continue  # a record fed twice by one node shows it once
            drawn.add((tail, head))
            dot.edge(tail, head)
        else:
            dot.edge(names[src], names[dst] + "_op")
    return dot


def to_dot(doc: Drawable, output: str | None = None) -> str:
    """DOT source of the document in the lecture's ``draw_dot`` style."""
    if output is None:
        output = getattr(doc, "selected_output", None)
    return str(dot_graph(doc, output).source)


def run_dot(source: str, fmt: str, progress: Progress | None = None) -> bytes:
    """``dot -T<fmt>`` on ``source``. ``dot`` reports nothing while it works, so ``progress``
    is called as ``progress(0, 0)`` (busy) every ``POLL_SECONDS``; if it raises, ``dot`` is
    killed and the exception goes on."""
    try:
        proc = subprocess.Popen(
            [dot_program(), f"-T{fmt}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise RenderError(f"can't run dot: {exc.strerror or exc}") from None
    data: bytes | None = source.encode("utf-8")
    try:
        while True:
            try:
                # communicate keeps what it has read when it times out: call it again
                out, err = proc.communicate(data, timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                data = None
                if progress is not None:
                    progress(0, 0)
    finally:
        if proc.returncode is None:
            proc.kill()
            proc.communicate()
    if proc.returncode != 0:
        detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError("dot failed: " + (detail[0] if detail else f"exit {proc.returncode}"))
    return out


def render_bytes(
    doc: Drawable,
    fmt: str,
    output: str | None = None,
    progress: Progress | None = None,
    max_nodes: int | None = DOT_NODE_LIMIT,
) -> bytes:
    """The picture as bytes in ``fmt`` (svg, png, pdf, or dot for the source itself). ``dot``
    is refused over ``max_nodes`` document nodes (None: no cap)."""
    fmt = fmt.lower()
    if fmt not in RENDER_FORMATS:
        raise RenderError(f"can't render to '{fmt}': use one of {', '.join(RENDER_FORMATS)}")
    if fmt != "dot":
        check_dot_size(len(doc.nodes), max_nodes)
        dot_program()  # before building the source: say "install graphviz" at once
    source = to_dot(doc, output)
    if fmt == "dot":
        return source.encode("utf-8")
    return run_dot(source, fmt, progress)


def render(
    doc: Drawable,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    output: str | None = None,
    progress: Progress | None = None,
    max_nodes: int | None = DOT_NODE_LIMIT,
) -> Path:
    """Write the picture to ``path``; the format comes from its suffix unless given. ``doc``
    may be a :class:`PictureSnapshot` (what a worker thread draws)."""
    path = Path(path)  # (a str or PathLike in, a Path out)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "gv":
        fmt = "dot"
    if not fmt:
        raise RenderError(f"'{path.name}' has no suffix: name it .svg, .png or .dot")
    data = render_bytes(doc, fmt, output, progress, max_nodes)
    _write_atomically(path, data)
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        fileio.write_atomic(path, data)
    except DocumentError as exc:
        raise RenderError(str(exc)) from None


# --- layout -------------------------------------------------------------------------------------
def layout_positions(doc: Drawable, use_dot: bool = True) -> dict[str, tuple[float, float]]:
    """Where each node's centre goes, left to right, in Qt's y-down scene coordinates.

    Uses ``dot`` when it is installed (and ``use_dot``) and the graph is within
    ``DOT_NODE_LIMIT``; otherwise :func:`layered_layout`.
    """
    ids, edges = graph_of(doc)
    return layout_graph(ids, edges, use_dot)


def layout_graph(
    ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    use_dot: bool = True,
    progress: Progress | None = None,
) -> dict[str, tuple[float, float]]:
    """:func:`layout_positions` for ids and edges already read from a document (a worker
    thread gets these, not the document)."""
    if use_dot:
        try:
            return dot_layout(ids, edges, progress, max_nodes=DOT_LAYOUT_LIMIT)
        except GraphvizNotFoundError:  # includes DotTooLargeError
            pass
    return {str(k): pos for k, pos in layered_layout(ids, edges).items()}


def _layout_graph(ids: list[str], edges: Iterable[tuple[str, str]]) -> tuple[Any, dict[str, str]]:
    names = {nid: f"v{i}" for i, nid in enumerate(ids)}
    g = graphviz.Digraph(
        graph_attr={
            "rankdir": "LR",
            "ranksep": str((LAYER_GAP - NODE_WIDTH) / 72),
            "nodesep": str((ROW_GAP - NODE_HEIGHT) / 72),
        },
        node_attr={
            "shape": "box",
            "fixedsize": "true",
            "width": str(NODE_WIDTH / 72),
            "height": str(NODE_HEIGHT / 72),
        },
    )
    for nid in ids:
        g.node(names[nid], "")
    for src, dst in edges:
        g.edge(names[src], names[dst])
    return g, names


def dot_layout(
    ids: Sequence[str],
    edges: Iterable[tuple[str, str]],
    progress: Progress | None = None,
    max_nodes: int | None = DOT_LAYOUT_LIMIT,
) -> dict[str, tuple[float, float]]:
    """Node centres from ``dot -Tjson`` (points, y flipped so that y grows downwards).
    Raises :class:`DotTooLargeError` over ``max_nodes`` nodes."""
    ids = list(ids)
    if not ids:
        return {}
    check_dot_size(len(ids), max_nodes)
    dot_program()
    g, names = _layout_graph(ids, edges)
    raw = run_dot(g.source, "json", progress)
    try:
        data = json.loads(raw)
        height = float(data["bb"].split(",")[3])
        by_name = {}
        for obj in data.get("objects", []):
            if "pos" in obj:
                x, y = (float(t) for t in obj["pos"].split(","))
                by_name[obj["name"]] = (x, height - y)
        return {nid: by_name[names[nid]] for nid in ids}
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise RenderError(f"could not read dot's layout ({exc})") from None
