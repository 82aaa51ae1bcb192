"""``mgstudio import PROGRAM.py -o FILE.mgs``: a micrograd program (or an expression) becomes a
document. The program is interpreted in a safe subset of Python (``mgstudio.interpreter``),
never run by Python; what it prints is shown, the graph of one of its Values is written."""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from typing import TYPE_CHECKING

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError, code_import
from mgstudio.document.fileio import read_regular

if TYPE_CHECKING:
    from mgstudio.cli import Subparsers


def add_parser(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "import",
        help="turn a micrograd program into a document",
        description="Interpret a micrograd program (Value(...), the lecture's Neuron/Layer/MLP "
        "classes, from micrograd.nn import MLP, loops, a training loop) in mgstudio's safe "
        "subset of Python and write the graph of its last top-level Value (or --variable) as "
        "an .mgs document. Python never runs the code; files, the network and the system are "
        "out of its reach.",
    )
    p.add_argument(
        "source",
        metavar="PROGRAM",
        help="a .py file ('-' for standard input), or with -e an expression",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE.mgs", help="the document to write"
    )
    p.add_argument(
        "-e",
        "--expression",
        action="store_true",
        help="SNIPPET is an expression such as '3*x**2 - 4*x + 5'; its names become inputs",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with -e: the value of an input (default 0); repeat for several",
    )
    p.add_argument(
        "--variable",
        metavar="NAME",
        help="the top-level Value whose graph to write (default: the last one assigned)",
    )
    p.add_argument(
        "--layout",
        choices=("layered", "dot"),
        default="layered",
        help="how to place the nodes (dot needs Graphviz; default: layered)",
    )


def _leaf_values(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        # as Python reads a name in the expression (fullwidth ｘ is x)
        name = unicodedata.normalize("NFKC", name.strip())
        if not sep or not name.isidentifier():
            raise UserError(f"--set takes NAME=VALUE, not {pair!r}")
        try:
            out[name] = float(value)
        except ValueError:
            raise UserError(f"--set {name}: {value.strip()!r} is not a number") from None
    return out


def _check_settings(leaves: dict[str, float], doc: Document) -> None:
    """A ``--set`` for a name the expression does not have is a typo, not a no-op: the name
    meant keeps 0 and the output is silently another number."""
    names = {n.label for n in doc.nodes.values() if n.kind == "input" and n.label}
    unknown = [name for name in leaves if name not in names]
    if unknown:
        have = ", ".join(sorted(names)) or "none"
        raise UserError(
            f"--set {unknown[0]}: the expression has no name {unknown[0]!r} (its names: {have})"
        )


def _read_source(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read(code_import.MAX_SOURCE_BYTES + 1)
    else:
        try:
            data = read_regular(
                path,
                code_import.MAX_SOURCE_BYTES,
                verb="read",
                too_large=lambda _n: f"larger than {code_import.MAX_SOURCE_BYTES // 1000} KB",
            )
        except DocumentError as exc:
            raise UserError(str(exc)) from None
    if len(data) > code_import.MAX_SOURCE_BYTES:
        raise UserError(f"the snippet is larger than {code_import.MAX_SOURCE_BYTES // 1000} KB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None


def run(args: argparse.Namespace) -> int:
    if args.set and not args.expression:
        raise UserError("--set only applies to an expression (-e)")
    if args.variable is not None and args.expression:
        raise UserError("--variable applies to a program, not to an expression (-e)")
    where = "the expression" if args.expression else args.source
    log: list[str] = []
    try:
        if args.expression:
            text, leaves = args.source, _leaf_values(args.set)
            doc, notes = code_import.import_snippet(
                text, expression=True, leaves=leaves, layout=args.layout
            )
        else:
            leaves = None
            result = code_import.import_program(
                _read_source(args.source), output=args.variable, layout=args.layout
            )
            doc, notes, log = result.document, result.notes, result.log
    except DocumentError as exc:
        raise UserError(f"{where}: {exc}") from None
    for line in log:  # what the program printed, as it would have
        print(line)
    if leaves:
        _check_settings(leaves, doc)
    if not args.expression and args.source != "-":
        doc.title = os.path.splitext(os.path.basename(args.source))[0]
    try:
        doc.save(args.output)
    except DocumentError as exc:
        raise UserError(str(exc)) from None
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    out = doc.selected_output
    value = doc.value_of(out) if out is not None else None
    shown = doc.nodes[out].label or out if out is not None else "none"
    print(
        f"wrote {args.output}: {_count(len(doc.nodes), 'node')}, "
        f"{_count(len(doc.wires), 'wire')}, output "
        f"{shown!r}" + (f" = {value.data:.4f}" if value is not None else "")
    )
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
