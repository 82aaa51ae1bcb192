"""A snippet (or a bare expression) -> a document, through the interpreter.

``import_snippet`` runs the text with ``mgstudio.interpreter`` (never with Python) and builds
the document of what it kept (``program_doc``): every top-level Value's graph for a snippet,
the value for an expression. Progress is a rising fraction (the run's share grows with its
steps, whose number is not known in advance; then the building), cancel is the interpreter's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from mgstudio.interpreter import Progress as RunProgress
from mgstudio.interpreter import run_expression, run_program

from ..model import Document
from .errors import Cancel, Progress, Steps
from .program_doc import expression_document, interpreted, snippet_document

_RUN = 0.6  # the share of the fraction the run reports (then: layout, build)
_HALF = 20_000  # interpreter steps at which the run's share is half reported


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

    ``text``: a snippet (any program the interpreter runs: ``Value(...)`` arithmetic, the
    lecture's classes, loops), or with ``expression`` a bare expression such as
    ``3*x**2 - 4*x + 5`` whose free names become input leaves (0, or their value in
    ``leaves``) and which is the output. ``layout``: one of :data:`LAYOUTS`. Raises
    :class:`CodeImportError` naming the line for anything refused or failed.

    For a worker thread: ``progress(fraction)`` is called with a rising fraction from 0.0 to
    1.0 (in the calling thread: forward it with a signal), and ``cancel()`` (e.g.
    ``threading.Event().is_set``) is asked every couple of thousand steps of the run and
    between the stages; when it returns True the import stops with :class:`ImportCancelled`
    and builds nothing."""
    steps = Steps(progress, cancel)
    steps.at(0.0)
    running = _fraction(steps) if progress is not None else None
    with interpreted():
        if expression:
            run, value = run_expression(text, leaves, progress=running, cancel=cancel)
        else:
            run = run_program(text, progress=running, cancel=cancel)
    steps.at(_RUN)
    if expression:
        doc, notes = expression_document(run, value, layout), list(run.notes)
    else:
        doc, notes = snippet_document(run, layout)
    steps.at(1.0)
    return doc, notes


def _fraction(steps: Steps) -> Callable[[RunProgress], None]:
    """The run's progress as its share of the fraction (never reaching it: no known end)."""

    def report(p: RunProgress) -> None:
        if steps.progress is not None:
            steps.progress(_RUN * p.steps / (p.steps + _HALF))

    return report


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
