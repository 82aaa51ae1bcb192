"""``run_program``: check, compile and run a program; its :class:`Run` is what it left.

The GUI calls this in a worker thread (``progress`` and ``cancel`` are called in that thread,
every couple of thousand steps); the document side (``document/code_import``) turns a
``Run`` into a graph.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mgstudio.engine import Value, gc_paused

from .attributes import Attributes
from .builtins import make_builtins
from .compile_stmt import Compiler
from .errors import ProgramError, as_program_error
from .limits import Budget, Limits, Progress
from .machine import Machine
from .modules import Modules, prelude_tree
from .objects import BoundMethod, Builtin, CallGroup, Class, Function, Instance, Module, Scope
from .paths import Paths, find_paths
from .show import Shower
from .source import decode, parse

_RECURSION = 8000  # Python frames: a call of the program is ~8 of ours; depth 100 fits well


@dataclass(frozen=True)
class Candidate:
    """A top-level Value the document can be built from: a variable, or the text of an
    expression statement (``n(x)``, a notebook cell's last line)."""

    name: str
    value: Value
    line: int
    shown: bool = False  # an expression statement, not an assignment


class Run:
    """What a program left: its names, the Values a document can show, its printed lines."""

    def __init__(self, machine: Machine, scope: Scope):
        self.machine = machine
        self.globals: dict[str, Any] = {
            k: v
            for k, v in scope.vars.items()
            if type(v) not in (Module, Builtin) and k != "__name__"
        }
        self.log = machine.log
        self.notes = machine.notes
        self.steps = machine.budget.steps
        self.nodes = machine.budget.nodes
        self.candidates = [
            Candidate(name, v, line, expression)
            for name, (v, line, expression) in machine.candidates.items()
            if expression or self.globals.get(name) is v
        ]
        self._names: Paths | None = None

    @property
    def default(self) -> Candidate | None:
        """The last Value assigned at the top level (else the last shown expression)."""
        assigned = [c for c in self.candidates if not c.shown]
        pick = assigned or self.candidates
        return pick[-1] if pick else None

    def candidate(self, name: str) -> Candidate:
        for c in self.candidates:
            if c.name == name:
                return c
        raise KeyError(name)

    # --- for the document -----------------------------------------------------------------
    @property
    def groups(self) -> list[CallGroup]:
        return self.machine.groups

    def group_of(self, v: Value) -> CallGroup | None:
        return self.machine.group_of(v)

    def is_program_leaf(self, v: Value) -> bool:
        return self.machine.is_program_leaf(v)

    def _paths(self) -> Paths:
        if self._names is None:
            self._names = find_paths(self.globals)
        return self._names

    def name_of(self, v: Value) -> str:
        """A readable label: the Value's own, its variable's, or where it is kept."""
        if v.label:
            return v.label
        first = self.machine.first_names.get(id(v))
        if first is not None and first[0]() is v:
            return first[1]
        return self._paths().values.get(id(v), "")

    def path_of(self, obj: Instance) -> str:
        return self._paths().objects.get(id(obj), "")

    def owner_of(self, v: Value) -> Instance | None:
        """The object whose attribute holds ``v`` (a neuron for its weights and bias)."""
        return self._paths().owners.get(id(v))


def run_program(
    text: str | bytes,
    *,
    limits: Limits | None = None,
    progress: Callable[[Progress], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Run:
    """Run ``text`` as an mgstudio program; raises :class:`ProgramError` (with the line) for
    anything refused or failed, :class:`LimitReached` past a budget, ``ProgramCancelled``."""
    limits = limits or Limits()
    tree, notes = parse(decode(text))
    m, compiler = start(limits, progress, cancel)
    m.notes.extend(notes)
    scope = Scope({"__name__": "__main__"})
    body = tree.body  # type: ignore[attr-defined]
    execute(m, lambda: compiler.block(body)(scope) if body else None)
    return Run(m, scope)


def start(
    limits: Limits,
    progress: Callable[[Progress], object] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[Machine, Compiler]:
    """A fresh machine and the compiler of its programs (builtins, attributes, modules)."""
    m = Machine(limits, Budget(limits, progress, cancel))
    shower = Shower(lambda obj: _call_repr(m, obj))
    compiler = Compiler(m, Attributes(m), make_builtins(m, shower), shower)

    def compile_prelude() -> Callable[[Scope], int]:
        top, compiler.top = compiler.top, False
        try:
            return compiler.block(prelude_tree().body)
        finally:
            compiler.top = top

    compiler.modules = Modules(m, compile_prelude)
    return m, compiler


def execute(m: Machine, work: Callable[[], object]) -> None:
    """Compile and run ``work`` on ``m``: every way it can fail is a :class:`ProgramError`,
    carrying what the program printed before it stopped (the learner's clue)."""
    try:
        _execute(m, work)
    except ProgramError as exc:
        exc.log = list(m.log)
        raise
    m.budget.report()


def _execute(m: Machine, work: Callable[[], object]) -> None:
    try:
        with gc_paused(), _deep_enough():  # gc: a training loop builds graphs in bursts
            work()
    except ProgramError:
        raise
    except Exception as exc:  # an operation outside any statement (a prelude import, say)
        raise as_program_error(exc, m.line or None) from None


_runs_lock = threading.Lock()
_runs = [0, 0]  # running programs, and the recursion limit before the first of them


@contextmanager
def _deep_enough() -> Iterator[None]:
    """Python's recursion limit raised while any program runs (the interpreter's own depth
    limit is the one a program meets), and put back when the last one ends."""
    with _runs_lock:
        if _runs[0] == 0:
            _runs[1] = sys.getrecursionlimit()
            if _runs[1] < _RECURSION:
                sys.setrecursionlimit(_RECURSION)
        _runs[0] += 1
    try:
        yield
    finally:
        with _runs_lock:
            _runs[0] -= 1
            if _runs[0] == 0:
                sys.setrecursionlimit(_runs[1])


def _call_repr(m: Machine, obj: Instance) -> str | None:
    try:
        fn = obj.cls.lookup("__repr__")
    except KeyError:
        return None
    if type(fn) is not Function:
        return None
    text = m.invoke(fn, (obj,), None)
    if type(text) is not str:
        raise ProgramError(f"{obj.cls.name}.__repr__ should return a string")
    return text


__all__ = ["Candidate", "Run", "run_program", "BoundMethod", "Class"]
