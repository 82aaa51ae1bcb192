"""A safe interpreter for micrograd programs: the lecture's own class-based code, run
without Python ever running it.

``run_program(text)`` parses the text with :mod:`ast`, checks it against the subset
(``safety.py``), compiles each node into a closure (``compile_expr.py``, ``compile_stmt.py``)
and runs those over the interpreter's own objects (``objects.py``) and mgstudio's engine
``Value``. Nothing a program does reaches Python's internals: names come from our tables,
attributes from each type's table (``attributes.py``), builtins and modules are ours
(``builtins.py``, ``modules.py``; ``micrograd.nn`` is itself interpreted from
``nn_source.py``). ``run_expression(text, leaves)`` runs one bare expression whose free
names become input leaves (``expression.py``), for the Expression box. Budgets
(``limits.py``) stop runaway programs with the line.

Qt-free; imports only the engine. The document side is ``mgstudio.document.code_import``.
"""

from .errors import LimitReached, ProgramCancelled, ProgramError
from .expression import run_expression
from .limits import Limits, Progress
from .objects import CallGroup, Class, Function, Instance
from .run import Candidate, Run, run_program
from .source import MAX_SOURCE_BYTES

__all__ = [
    "MAX_SOURCE_BYTES",
    "CallGroup",
    "Candidate",
    "Class",
    "Function",
    "Instance",
    "LimitReached",
    "Limits",
    "ProgramCancelled",
    "ProgramError",
    "Progress",
    "Run",
    "run_expression",
    "run_program",
]
