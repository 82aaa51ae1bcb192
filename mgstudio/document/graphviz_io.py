"""Graphviz for documents: the lecture's ``draw_dot`` picture, rendering, and auto-layout.

``to_dot`` draws each node as a record ``{ label | data … | grad … }`` and, for computed nodes,
a small op node (the kind's symbol) between the operands and the result, as the lecture does.
``render`` runs Graphviz's ``dot`` program; ``layout_positions`` asks ``dot`` where to put the
nodes and falls back to the layered layout of :mod:`.layered` when ``dot`` is not installed.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import graphviz

from .errors import DocumentError
from .kinds import KINDS
from .layered import LAYER_GAP, NODE_HEIGHT, NODE_WIDTH, ROW_GAP, layered_layout

INSTALL_HINT = "Graphviz's 'dot' program was not found; install it with: apt-get install graphviz"
RENDER_FORMATS = ("svg", "png", "pdf", "dot")


class GraphvizNotFoundError(DocumentError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""

    def __init__(self, message: str = INSTALL_HINT):
        super().__init__(message)


class RenderError(DocumentError):
    """``dot`` could not produce the picture, or the file could not be written."""


# --- reading a document -------------------------------------------------------------------------
def graph_of(doc) -> tuple[list[str], list[tuple[str, str]]]:
    """Node ids (document order) and wires as (operand, consumer) pairs in operand order."""
    ids = list(doc.nodes)
    edges = [(src, dst) for dst, src in _operands_in_order(doc)]
    return ids, edges


def _operands_in_order(doc) -> list[tuple[str, str]]:
    """(consumer, operand) for every wire, consumers in document order, operands by port."""
    by_dst: dict[str, dict[str, str]] = {}
    for w in doc.wires:
        by_dst.setdefault(w.dst, {})[w.port] = w.src
    pairs = []
    for nid, node in doc.nodes.items():
        ports = by_dst.get(nid)
        if not ports:
            continue
        for port in KINDS[node.kind].inputs:
            if port in ports:
                pairs.append((nid, ports[port]))
    return pairs


def op_symbol(node, exponent_wired: bool = False) -> str:
    """What the op node shows: the kind's symbol, with the exponent for ``x**k``."""
    kind = KINDS[node.kind]
    if node.kind == "pow" and not exponent_wired:
        k = (node.params or {}).get("exponent", kind.default_params().get("exponent"))
        return "**" + _short_number(k)
    return kind.symbol


def _short_number(k) -> str:
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


def _fmt(x) -> str:
    return "?" if x is None else f"{x:.4f}"


# --- DOT ----------------------------------------------------------------------------------------
def dot_graph(doc, output: str | None = None) -> graphviz.Digraph:
    """The lecture's ``draw_dot`` picture of the document as a ``graphviz.Digraph``."""
    dot = graphviz.Digraph(
        "mgstudio", graph_attr={"rankdir": "LR"}, node_attr={"fontname": "Helvetica"}
    )
    names = {nid: f"v{i}" for i, nid in enumerate(doc.nodes)}
    exponent_wired = {w.dst for w in doc.wires if w.port == "exponent"}
    for nid, node in doc.nodes.items():
        value = doc.value_of(nid)
        data = None if value is None else value.data
        grad = None if value is None else value.grad
        record = f"{{ {_record_text(node.label or '')} | data {_fmt(data)} | grad {_fmt(grad)} }}"
        attrs = {"shape": "record", "id": f"node-{nid}", "tooltip": f"{node.kind} {nid}"}
        if output is not None and nid == output:
            attrs["penwidth"] = "2"
        dot.node(names[nid], graphviz.nohtml(record), **attrs)
        if not KINDS[node.kind].is_leaf:
            op_name = names[nid] + "_op"
            symbol = op_symbol(node, nid in exponent_wired)
            dot.node(op_name, graphviz.nohtml(_record_text(symbol)),
                     id=f"op-{nid}")
            dot.edge(op_name, names[nid])
    for dst, src in _operands_in_order(doc):
        dot.edge(names[src], names[dst] + "_op")
    return dot


def to_dot(doc, output: str | None = None) -> str:
    """DOT source of the document in the lecture's ``draw_dot`` style."""
    if output is None:
        output = getattr(doc, "selected_output", None)
    return dot_graph(doc, output).source


def _pipe(source: str, fmt: str) -> bytes:
    try:
        return graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError() from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError("dot failed: " + (detail[0] if detail else str(exc))) from None


def render_bytes(doc, fmt: str, output: str | None = None) -> bytes:
    """The picture as bytes in ``fmt`` (svg, png, pdf, or dot for the source itself)."""
    fmt = fmt.lower()
    if fmt not in RENDER_FORMATS:
        raise RenderError(f"can't render to '{fmt}': use one of {', '.join(RENDER_FORMATS)}")
    source = to_dot(doc, output)
    if fmt == "dot":
        return source.encode("utf-8")
    return _pipe(source, fmt)


def render(doc, path, fmt: str | None = None, output: str | None = None) -> Path:
    """Write the picture to ``path``; the format comes from its suffix unless given."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "gv":
        fmt = "dot"
    if not fmt:
        raise RenderError(f"'{path.name}' has no suffix: name it .svg, .png or .dot")
    data = render_bytes(doc, fmt, output)
    _write_atomically(path, data)
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=directory)
    except OSError as exc:
        raise RenderError(f"can't write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise RenderError(f"can't write {path}: {exc.strerror or exc}") from None


# --- layout -------------------------------------------------------------------------------------
def layout_positions(doc, use_dot: bool = True) -> dict[str, tuple[float, float]]:
    """Where each node's centre goes, left to right, in Qt's y-down scene coordinates.

    Uses ``dot`` when it is installed (and ``use_dot``); otherwise :func:`layered_layout`.
    """
    ids, edges = graph_of(doc)
    if use_dot:
        try:
            return dot_layout(ids, edges)
        except GraphvizNotFoundError:
            pass
    return layered_layout(ids, edges)


def dot_layout(
    ids: Sequence[str], edges: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Node centres from ``dot -Tjson`` (points, y flipped so that y grows downwards)."""
    ids = list(ids)
    if not ids:
        return {}
    names = {nid: f"v{i}" for i, nid in enumerate(ids)}
    g = graphviz.Digraph(graph_attr={
        "rankdir": "LR",
        "ranksep": str((LAYER_GAP - NODE_WIDTH) / 72),
        "nodesep": str((ROW_GAP - NODE_HEIGHT) / 72),
    }, node_attr={
        "shape": "box", "fixedsize": "true",
        "width": str(NODE_WIDTH / 72), "height": str(NODE_HEIGHT / 72),
    })
    for nid in ids:
        g.node(names[nid], "")
    for src, dst in edges:
        g.edge(names[src], names[dst])
    raw = _pipe(g.source, "json")
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
