"""``mgstudio check FILE [--json]``: load a document, evaluate it, backpropagate from its output
and print every node's label, op, data and grad.

With ``--json`` the output is exactly ``{"nodes": [{"id", "label", "op", "data", "grad"}, ...],
"outputs": [ids], "groups": [{"id", "kind", "label", "nodes", "parent", "collapsed"}, ...]}``:
``op`` is the node's kind name, ``data``/``grad`` are null for incomplete nodes, and numbers
JSON cannot hold are the strings ``"inf"``, ``"-inf"`` and ``"nan"``. A group's ``nodes`` are
the ids of all its members, nested groups' nodes included (document order); ``parent`` is the
group around it or null; ``groups`` is ``[]`` for a document without groups.
A document with training fields adds ``"training"`` (features, prediction, dataset, runs,
position, steps, final_loss: docs/CONTRACTS.md, "Training a document").
``outputs`` lists the nodes nobody consumes; backward starts from the document's selected output
(else the single output; among several, the last added complete one), or from ``--output``.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING, Any

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError
from mgstudio.document.training_format import dataset_to_dict

if TYPE_CHECKING:
    from mgstudio.cli import Subparsers


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "check",
        help="load a document, evaluate it and print every node's data and grad",
        description="Load an .mgs document, evaluate it, run backward from its output and "
        "print each node's label, op, data and grad.",
    )
    p.add_argument("file", metavar="FILE", help="an .mgs document")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument(
        "--gradcheck",
        action="store_true",
        help="also compare every leaf's grad with a central finite difference (exit 1 if any "
        "disagrees)",
    )
    p.add_argument(
        "--output",
        metavar="NODE",
        help="run backward from this node (its id or its label) instead of the default output",
    )
    return p


def run(args: argparse.Namespace) -> int:
    try:
        doc = Document.load(args.file)
    except DocumentError as exc:
        raise UserError(" ".join(str(exc).split())) from None
    output = _resolve(doc, args.output) if args.output else None
    start = doc.backward(output)
    result = report(doc)
    checked = None
    if getattr(args, "gradcheck", False):
        checked = gradcheck_rows(doc, start)
        result["gradcheck"] = checked
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(table(doc, start, args.file))
        if checked is not None:
            print(gradcheck_table(checked))
    if checked is not None and not checked["ok"]:
        bad = ", ".join(r["label"] or r["id"] for r in checked["rows"] if not r["ok"])
        raise UserError(f"the gradient check failed for: {bad}")
    return 0


def gradcheck_rows(doc: Document, start: str | None) -> dict[str, Any]:
    """Central differences for every leaf the output depends on, against backward's grads."""
    from mgstudio.engine.gradcheck import gradcheck

    root = doc.value_of(start) if start is not None else None
    if root is None:
        return {"ok": True, "rows": []}
    ids = {id(v): nid for nid in doc.nodes if (v := doc.value_of(nid)) is not None}
    from .progress import StderrProgress

    progress = StderrProgress("gradient check", "leaves")
    try:
        checked = gradcheck(root, progress=progress)
    finally:
        progress.close()
    rows = []
    for r in checked.rows:
        nid = ids.get(id(r.leaf), "")
        rows.append(
            {
                "id": nid,
                "label": doc.nodes[nid].label if nid else r.label,
                "analytic": json_number(r.analytic),
                "numeric": json_number(r.numeric),
                "rel_error": json_number(r.rel_error),
                "ok": bool(r.ok),
            }
        )
    return {"ok": all(r["ok"] for r in rows), "rows": rows}


def gradcheck_table(checked: dict[str, Any]) -> str:
    lines = ["", "gradient check (backward vs central differences):"]
    for r in checked["rows"]:
        name = r["label"] or r["id"]
        mark = "ok" if r["ok"] else "MISMATCH"
        lines.append(f"  {name:<12} {_num(r['analytic']):>12} {_num(r['numeric']):>12}  {mark}")
    if not checked["rows"]:
        lines.append("  (no leaves to check)")
    return "\n".join(lines)


def _num(x: float | str) -> str:
    return x if isinstance(x, str) else _fmt(x)


def _resolve(doc: Document, name: str) -> str:
    if name in doc.nodes:
        return name
    hits = [nid for nid, node in doc.nodes.items() if node.label == name]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise UserError(f"several nodes are labelled {name!r}; give an id: {', '.join(hits)}")
    raise UserError(f"there is no node with id or label {name!r}")


def json_number(x: float | None) -> float | str | None:
    """A float for JSON: inf/nan become the strings "inf", "-inf", "nan"."""
    if x is None or math.isfinite(x):
        return x
    if math.isnan(x):
        return "nan"
    return "inf" if x > 0 else "-inf"


def report(doc: Document) -> dict[str, Any]:
    nodes = []
    for nid, node in doc.nodes.items():
        v = doc.value_of(nid)
        nodes.append(
            {
                "id": nid,
                "label": node.label,
                "op": node.kind,
                "data": None if v is None else json_number(v.data),
                "grad": None if v is None else json_number(v.grad),
            }
        )
    out = {"nodes": nodes, "outputs": doc.output_ids(), "groups": group_rows(doc)}
    trained = training_summary(doc)
    if trained is not None:
        out["training"] = trained
    return out


def training_summary(doc: Document) -> dict[str, Any] | None:
    """What a document keeps of its training (docs/CONTRACTS.md, "Training a document"), or
    None for a document without training fields (its JSON stays as it was)."""
    state = doc.training
    features = [
        {"id": nid, "label": doc.node(nid).label, "column": column}
        for column, ids in doc.feature_ids().items()
        for nid in ids
    ]
    if not features and doc.prediction is None and state.is_empty:
        return None
    dataset = dataset_to_dict(state.dataset)
    if dataset is not None:  # the rows' count, not the rows
        dataset["samples"] = len(dataset.pop("rows", ())) or dataset.pop("n", 0)
    runs = [
        {
            "name": r.name,
            "steps": r.steps,
            "parent": list(r.parent) if r.parent is not None else None,
            "final_loss": json_number(float(r.loss[-1])) if r.steps else None,
        }
        for r in state.runs
    ]
    at = state.runs[state.position[0]] if state.position is not None else None
    return {
        "features": features,
        "prediction": doc.prediction,
        "dataset": dataset,
        "test_ratio": state.test_ratio,
        "runs": runs,
        "position": list(state.position) if state.position is not None else None,
        "steps": at.steps if at is not None else 0,
        "final_loss": json_number(float(at.loss[-1])) if at is not None and at.steps else None,
    }


def group_rows(doc: Document) -> list[dict[str, Any]]:
    """One object per group, in the document's order."""
    index = doc.groups
    order = {nid: i for i, nid in enumerate(doc.nodes)} if index else {}
    return [
        {
            "id": g.id,
            "kind": g.kind,
            "label": g.label,
            "nodes": sorted(index.members(g.id), key=order.__getitem__),
            "parent": g.parent,
            "collapsed": g.collapsed,
        }
        for g in index
    ]


def _groups(doc: Document) -> str:
    """``, 13 groups (9 neuron, 3 layer, 1 mlp)`` for the table's head, or nothing."""
    index = doc.groups
    if not index:
        return ""
    kinds: dict[str, int] = {}
    for g in index:
        kinds[g.kind] = kinds.get(g.kind, 0) + 1
    n = len(index)
    each = ", ".join(f"{k} {kind}" for kind, k in kinds.items())
    return f", {'1 group' if n == 1 else f'{n} groups'} ({each})"


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-4):
        return f"{x:.4e}"
    return f"{x:.4f}"


def _op(doc: Document, nid: str) -> str:
    node = doc.nodes[nid]
    if node.kind == "pow" and "exponent" not in doc.inputs_of(nid):
        k = float(node.params["exponent"])
        # as the picture writes it (graphviz_io.op_symbol): 1e300 is no 301-digit integer
        return f"pow **{int(k) if k.is_integer() and abs(k) < 1e15 else repr(k)}"
    return node.kind


def _nodes(doc: Document) -> str:
    n = len(doc.nodes)
    return ("1 node" if n == 1 else f"{n} nodes") + _groups(doc)


def table(doc: Document, start: str | None, name: str) -> str:
    outputs = set(doc.output_ids())
    rows = [("id", "label", "op", "data", "grad", "")]
    for nid, node in doc.nodes.items():
        v = doc.value_of(nid)
        note = []
        if nid == start:
            note.append("backward from here")
        elif nid in outputs:
            note.append("output")
        if v is None:
            note.append(f"incomplete: {doc.why_incomplete(nid)}")
        data = "-" if v is None else _fmt(v.data)
        grad = "-" if v is None else _fmt(v.grad)
        rows.append((nid, node.label, _op(doc, nid), data, grad, "; ".join(note)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for r in rows:
        cells = [
            r[0].ljust(widths[0]),
            r[1].ljust(widths[1]),
            r[2].ljust(widths[2]),
            r[3].rjust(widths[3]),
            r[4].rjust(widths[4]),
        ]
        lines.append("  ".join(cells + ([r[5]] if r[5] else [])).rstrip())
    if start is None:
        head = f"{name}: {_nodes(doc)}; no output to run backward from"
    elif doc.value_of(start) is None:
        head = (
            f"{name}: {_nodes(doc)}; the output {doc.describe(start)} is "
            "incomplete, so there are no grads"
        )
    else:
        head = f"{name}: {_nodes(doc)}; backward from {doc.describe(start)}"
    return "\n".join([head, *lines])
