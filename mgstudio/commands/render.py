"""``mgstudio render FILE.mgs -o OUT.svg|png|dot``: the lecture's ``draw_dot`` picture of a
document, after a backward pass so that the grads show (``--no-backward`` to skip it).

``dot`` is not run on graphs over ``--max-nodes`` (default ``DOT_NODE_LIMIT``, where it takes
~10 s here); ``--force`` lifts the cap."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError
from mgstudio.document.graphviz_io import (
    DOT_NODE_LIMIT,
    RENDER_FORMATS,
    DotTooLargeError,
    render,
)

if TYPE_CHECKING:
    from mgstudio.cli import Subparsers


def add_parser(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "render",
        help="draw a document with Graphviz (svg, png or dot)",
        description="Draw a document as the lecture's draw_dot does: one record per node "
        "(label | data | grad) and an op node per operation. SVG and PNG need Graphviz's "
        "'dot' program; .dot writes the source only.",
    )
    p.add_argument("file", metavar="FILE", help="an .mgs document")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the picture to write: .svg, .png, .pdf or .dot",
    )
    p.add_argument(
        "--format", choices=RENDER_FORMATS, help="the format (default: from the output's suffix)"
    )
    p.add_argument(
        "--no-backward",
        action="store_true",
        help="draw the grads as stored (zero) instead of running backward first",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=DOT_NODE_LIMIT,
        metavar="N",
        help="refuse to run dot on graphs of more than N nodes (default "
        f"{DOT_NODE_LIMIT}: beyond it dot takes more than ~10 s)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="run dot however big the graph is (it may take minutes)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        doc = Document.load(args.file)
        if not args.no_backward:
            doc.backward()
        render(doc, args.output, fmt=args.format, max_nodes=None if args.force else args.max_nodes)
    except DotTooLargeError as exc:
        raise UserError(
            f"{exc}: pass --force (or --max-nodes {exc.n_nodes}) to wait for it "
            "anyway, or write only the source with -o OUT.dot"
        ) from None
    except DocumentError as exc:
        raise UserError(str(exc)) from None
    return 0
