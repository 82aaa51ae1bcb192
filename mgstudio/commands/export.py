"""``mgstudio export FILE.mgs --to micrograd|torch|torch-module [-o OUT.py]``: the document as
a script that rebuilds it, runs backward and prints every named node's data and grad (a
document of MLPs as the lecture's class-based program); ``torch-module``: a trained document
as a PyTorch ``nn.Module`` with the loop that replays its run (``training/torch_export.py``)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError
from mgstudio.document.code_export import export_torch
from mgstudio.document.code_export_classes import export_program
from mgstudio.document.fileio import write_atomic
from mgstudio.training.torch_export import TorchExportError, export_torch_module

if TYPE_CHECKING:
    from mgstudio.cli import Subparsers

#: micrograd: the lecture's Neuron/Layer/MLP classes for a document of networks (the flat
#: script for any other), so ``import`` of the result gives the grouped document again
EXPORTERS = {
    "micrograd": export_program,
    "torch": export_torch,
    "torch-module": export_torch_module,
}


def add_parser(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="write a document as a micrograd or PyTorch script, or a PyTorch module",
        description="Write a document as a runnable Python script (micrograd style, or "
        "PyTorch to compare the numbers).",
    )
    p.add_argument("file", metavar="FILE", help="an .mgs document")
    p.add_argument(
        "--to",
        choices=sorted(EXPORTERS),
        default="micrograd",
        help="the kind of script (default: micrograd; torch-module: a trained document as "
        "a PyTorch module with the loop that replays its run)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.py",
        help="where to write the script (default: standard output)",
    )


def load_document(path: str) -> Document:
    try:
        return Document.load(path)
    except DocumentError as exc:
        raise UserError(str(exc)) from None


def write_text(path: str, text: str) -> None:
    """Atomically, so a failed export never leaves half a script behind."""
    try:
        write_atomic(path, text)
    except DocumentError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    doc = load_document(args.file)
    try:
        text = EXPORTERS[args.to](doc)
    except TorchExportError as exc:
        raise UserError(f"cannot export {args.file} as a PyTorch module: {exc}") from None
    if args.output:
        write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
