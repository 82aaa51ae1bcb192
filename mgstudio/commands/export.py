"""``mgstudio export FILE.mgs --to micrograd|torch [-o OUT.py]``: the document as a script that
rebuilds it, runs backward and prints every named node's data and grad."""

from __future__ import annotations

import os
import sys
import tempfile

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError
from mgstudio.document.code_export import export_micrograd, export_torch

EXPORTERS = {"micrograd": export_micrograd, "torch": export_torch}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="write a document as a micrograd or PyTorch script",
        description="Write a document as a runnable Python script (micrograd style, or "
        "PyTorch to compare the numbers).",
    )
    p.add_argument("file", metavar="FILE", help="an .mgs document")
    p.add_argument("--to", choices=sorted(EXPORTERS), default="micrograd",
                   help="the kind of script (default: micrograd)")
    p.add_argument("-o", "--output", metavar="OUT.py",
                   help="where to write the script (default: standard output)")


def load_document(path: str) -> Document:
    try:
        return Document.load(path)
    except DocumentError as exc:
        raise UserError(str(exc)) from None


def write_text(path: str, text: str) -> None:
    """Atomically, so a failed export never leaves half a script behind."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".")
    except OSError as exc:
        raise UserError(f"can't write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UserError(f"can't write {path}: {exc.strerror or exc}") from None


def run(args) -> int:
    doc = load_document(args.file)
    text = EXPORTERS[args.to](doc)
    if args.output:
        write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
