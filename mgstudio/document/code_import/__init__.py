"""Turn a micrograd / lecture snippet (or a bare expression) into a document, without running it.

Three parts, one way through:

- ``ir``: what a snippet builds, as plain data (:class:`Program` of :class:`IRNode`);
- ``reader``: code -> ``Program`` (``ast`` against a whitelist, with limits; never executed);
- ``builder``: ``Program`` -> :class:`~mgstudio.document.Document` (ids, layout, one insert).

:func:`import_snippet` is the entry point: ``(document, notes)``, with progress and cancel for
a worker thread. ``import_code``, ``import_code_with_notes`` and ``import_expression`` are its
short forms; ``parse_code``/``parse_expression`` and ``build_document`` are the two stages, for
callers that look at the program in between.
"""

from __future__ import annotations

from collections.abc import Mapping

from mgstudio.engine import gc_paused

from ..model import Document
from .builder import LAYOUTS, Layout, build, build_document
from .errors import Cancel, CodeImportError, ImportCancelled, Progress, Steps
from .ir import FUNCTIONS, IRNode, Program
from .program_doc import MAX_PROGRAM_NODES, ProgramImport, import_program, program_document
from .reader import (
    MAX_DEPTH,
    MAX_NODES,
    parse_code,
    parse_expression,
    read_code,
    read_expression,
)
from .source import MAX_SOURCE_BYTES

__all__ = [
    "FUNCTIONS",
    "LAYOUTS",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_PROGRAM_NODES",
    "MAX_SOURCE_BYTES",
    "Cancel",
    "CodeImportError",
    "IRNode",
    "ImportCancelled",
    "Layout",
    "Program",
    "ProgramImport",
    "Progress",
    "build_document",
    "import_code",
    "import_code_with_notes",
    "import_expression",
    "import_program",
    "import_snippet",
    "parse_code",
    "parse_expression",
    "program_document",
]

_READ = 0.6  # the share of the work done once the code is read (then: layout, build)


def import_snippet(
    text: str | bytes,
    *,
    expression: bool = False,
    leaves: Mapping[str, float] | None = None,
    layout: str = "layered",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> tuple[Document, list[str]]:
    """A new document built from ``text``, and the notes about what was skipped.

    ``text``: a snippet (see :mod:`.reader` for what is understood), or with ``expression``
    a bare expression such as ``3*x**2 - 4*x + 5`` whose free names become input leaves (0, or
    their value in ``leaves``) and which is the output. ``layout``: one of :data:`LAYOUTS`.
    Raises :class:`CodeImportError` naming the line for anything else.

    For a worker thread: ``progress(fraction)`` is called about a hundred times with a
    rising fraction from 0.0 to 1.0 (in the calling thread: forward it with a signal), and
    ``cancel()`` (e.g. ``threading.Event().is_set``) is asked as often; when it returns True
    the import stops with :class:`ImportCancelled` and builds nothing."""
    steps = Steps(progress, cancel)
    reading = steps.part(0.0, _READ)
    with gc_paused():  # the tree and the nodes hold no cycles: nothing for it to find
        if expression:
            program = read_expression(text, leaves, reading)
        else:
            program = read_code(text, reading)
    steps.check()
    doc = build(program, layout, steps.part(_READ, 1.0))
    return doc, list(program.notes)


def import_code(
    text: str | bytes,
    layout: str = "layered",
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Document:
    """:func:`import_snippet`'s document alone."""
    return import_snippet(text, layout=layout, progress=progress, cancel=cancel)[0]


def import_code_with_notes(
    text: str | bytes,
    layout: str = "layered",
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> tuple[Document, list[str]]:
    """:func:`import_snippet` of a snippet (its older name)."""
    return import_snippet(text, layout=layout, progress=progress, cancel=cancel)


def import_expression(
    text: str | bytes, leaves: Mapping[str, float] | None = None, layout: str = "layered"
) -> Document:
    """:func:`import_snippet`'s document for a bare expression."""
    return import_snippet(text, expression=True, leaves=leaves, layout=layout)[0]
