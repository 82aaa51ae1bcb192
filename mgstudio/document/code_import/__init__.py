"""Turn micrograd code (a program, a snippet or a bare expression) into a document.

The code is run by the one safe interpreter (``mgstudio.interpreter``), never by Python;
``program_doc`` builds the document from what the run left (ids, layout, groups, one insert).

- :func:`import_program`: a program's run and the graph of one of its Values (the CLI's
  ``import PROGRAM.py`` and the Import Code dialog), :func:`program_document` for another;
- :func:`import_snippet`: ``(document, notes)`` of a snippet (every top-level Value's graph)
  or, with ``expression``, of a bare expression whose free names are inputs (the Expression
  box and ``import -e``), with progress and cancel for a worker thread; ``import_code``,
  ``import_code_with_notes`` and ``import_expression`` are its short forms.
"""

from __future__ import annotations

from mgstudio.engine.ops import FUNCTIONS
from mgstudio.interpreter import MAX_SOURCE_BYTES

from .errors import Cancel, CodeImportError, ImportCancelled, Progress
from .program_doc import (
    LAYOUTS,
    MAX_PROGRAM_NODES,
    Layout,
    ProgramImport,
    import_program,
    program_document,
)
from .snippet import import_code, import_code_with_notes, import_expression, import_snippet

__all__ = [
    "FUNCTIONS",
    "LAYOUTS",
    "MAX_PROGRAM_NODES",
    "MAX_SOURCE_BYTES",
    "Cancel",
    "CodeImportError",
    "ImportCancelled",
    "Layout",
    "ProgramImport",
    "Progress",
    "import_code",
    "import_code_with_notes",
    "import_expression",
    "import_program",
    "import_snippet",
    "program_document",
]
