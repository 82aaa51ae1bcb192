"""``run_expression``: one bare expression such as ``3*x**2 - 4*x + 5``, run like a program.

The same checks, compiler and budgets as :func:`~.run.run_program`, with three differences an
expression needs: a name defined nowhere is an input leaf labelled with the name (its number
from ``leaves``, else 0; ``Machine.free_leaf``), the op registry's one-input functions may be
written as on paper (``tanh(x)`` for ``x.tanh()``), and ``math`` needs no import. The result is
what the expression evaluates to (a Value, or a plain number for ``2 * 3.5``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from mgstudio.engine import Value
from mgstudio.engine.ops import FUNCTIONS

from .errors import ProgramError
from .limits import Limits, Progress
from .objects import Builtin, Scope
from .run import Run, execute, start
from .show import type_name
from .source import decode, parse

EMPTY = "the expression is empty; type one such as 3*x**2 - 4*x + 5"


def run_expression(
    text: str | bytes,
    leaves: Mapping[str, float] | None = None,
    *,
    limits: Limits | None = None,
    progress: Callable[[Progress], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[Run, Any]:
    """The run of the expression ``text`` and its value; raises :class:`ProgramError` (with
    the line) as :func:`~.run.run_program` does."""
    text = decode(text).strip()
    if not text:  # Python's own word for it is "line 0: invalid syntax"
        raise ProgramError(EMPTY)
    tree, _ = parse(text, "eval")
    m, compiler = start(limits or Limits(), progress, cancel)
    m.free_names = dict(leaves or {})
    compiler.builtins = {**compiler.builtins, **_paper_functions(m)}
    scope = Scope({"__name__": "__main__", "math": compiler.modules.load("math", 1)})
    body = tree.body  # type: ignore[attr-defined]
    # a return statement: the statement wrapper gives it the step count and the line of errors
    value = compiler.stmt(ast.copy_location(ast.Return(value=body), body))
    execute(m, lambda: value(scope))
    return Run(m, scope), scope.ret


def _paper_functions(m: Any) -> dict[str, Builtin]:
    """``tanh(x)`` and the rest: the registry's method of the Value given."""

    def function(name: str) -> Builtin:
        method = getattr(Value, name)

        def call(*args: Any, **kwargs: Any) -> Value:
            if len(args) != 1 or kwargs:
                raise ProgramError(f"{name}(…) takes one argument")
            x = args[0]
            if type(x) is not Value:
                raise ProgramError(
                    f"{name}(…) needs a Value, not {type_name(x)} (its input must depend on "
                    "a name, as in tanh(x))"
                )
            made: Value = m.made(method(x))
            return made

        return Builtin(name, call)

    return {name: function(name) for name in FUNCTIONS}
