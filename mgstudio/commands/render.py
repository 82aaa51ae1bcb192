"""``mgstudio render FILE.mgs -o OUT.svg|png|dot``: the lecture's ``draw_dot`` picture of a
document, after a backward pass so that the grads show (``--no-backward`` to skip it)."""

from __future__ import annotations

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError
from mgstudio.document.graphviz_io import RENDER_FORMATS, render


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "render",
        help="draw a document with Graphviz (svg, png or dot)",
        description="Draw a document as the lecture's draw_dot does: one record per node "
        "(label | data | grad) and an op node per operation. SVG and PNG need Graphviz's "
        "'dot' program; .dot writes the source only.",
    )
    p.add_argument("file", metavar="FILE", help="an .mgs document")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the picture to write: .svg, .png, .pdf or .dot")
    p.add_argument("--format", choices=RENDER_FORMATS,
                   help="the format (default: from the output's suffix)")
    p.add_argument("--no-backward", action="store_true",
                   help="draw the grads as stored (zero) instead of running backward first")


def run(args) -> int:
    try:
        doc = Document.load(args.file)
        if not args.no_backward:
            doc.backward()
        render(doc, args.output, fmt=args.format)
    except DocumentError as exc:
        raise UserError(str(exc)) from None
    return 0
