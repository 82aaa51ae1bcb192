"""The rules checked on the whole program before any of it runs.

Everything that can be decided from the text is decided here, so a program that breaks a rule
runs not even its first line: constructs outside the subset (``try``, ``with``, ``yield``,
decorators, metaclasses, ``global`` ...), names and attributes starting with ``_`` (Python's
internals: ``__class__``, ``__subclasses__``, ``gi_frame`` is reached only through them or
through attribute tables that do not list it), and nesting deep enough to exhaust Python's
stack. Each refusal names the line and says what to write instead.
"""

from __future__ import annotations

import ast

from .errors import ProgramError
from .modules import check_module

MAX_NESTING = 400  # as the expression reader's limit: well below Python's recursion limit
#: underscore attributes a program may use: micrograd's graph, and calling a base's __init__
ALLOWED_UNDERSCORE_ATTRS = frozenset({"_prev", "_op", "__init__"})
#: dunder methods a class may define
ALLOWED_DUNDER_METHODS = frozenset({"__init__", "__call__", "__repr__"})
ALLOWED_DUNDER_NAMES = frozenset({"__name__"})

_REFUSED: dict[type[ast.AST], str] = {
    ast.Try: "try/except is not available in mgstudio programs",
    ast.Raise: "raise is not available in mgstudio programs (use assert to check something)",
    ast.With: "with is not available in mgstudio programs",
    ast.AsyncWith: "async code is not available in mgstudio programs",
    ast.AsyncFor: "async code is not available in mgstudio programs",
    ast.AsyncFunctionDef: "async code is not available in mgstudio programs",
    ast.Await: "async code is not available in mgstudio programs",
    ast.Yield: "generators with yield are not available; build and return a list instead",
    ast.YieldFrom: "generators with yield are not available; build and return a list instead",
    ast.Global: "global is not available; pass values to functions and return results",
    ast.Nonlocal: "nonlocal is not available; pass values to functions and return results",
    ast.Delete: "del is not available in mgstudio programs",
    ast.NamedExpr: "the := operator is not available; assign on a line of its own",
}
if hasattr(ast, "TryStar"):
    _REFUSED[ast.TryStar] = _REFUSED[ast.Try]
if hasattr(ast, "Match"):
    _REFUSED[ast.Match] = "match is not available in mgstudio programs; use if/elif"


def check_program(tree: ast.AST) -> None:
    _Checker().visit_all(tree)


class _Checker:
    def visit_all(self, tree: ast.AST) -> None:
        """Every rule on every node; the error raised is the first in the text (line, then
        column), whatever order the tree is walked in."""
        # iterative, with the depth of each node: a hostile program nests 10,000 deep
        todo: list[tuple[ast.AST, int, bool]] = [(tree, 0, False)]
        first: tuple[tuple[int, int], ProgramError] | None = None
        while todo:
            node, depth, in_class = todo.pop()
            if isinstance(node, ast.ClassDef) and node.name == "Value" and depth == 1:
                continue  # the lecture's own Value class: skipped whole (see compile_stmt)
            try:
                self.check(node, in_class)
            except ProgramError as error:
                first = _earlier(first, node, error)
            inside_class = isinstance(node, ast.ClassDef)
            children = list(ast.iter_child_nodes(node))
            if children and depth >= MAX_NESTING:
                # said at the parent: an expression has a line, its operator or ctx not
                too_deep = ProgramError(
                    "the code is nested too deeply; split it into several lines",
                    getattr(node, "lineno", None),
                )
                first = _earlier(first, node, too_deep)
                continue  # nothing below it is looked at: the walk stays short
            for child in reversed(children):  # popped in source order
                todo.append((child, depth + 1, inside_class))
        if first is not None:
            raise first[1]

    def check(self, node: ast.AST, in_class: bool) -> None:
        line = getattr(node, "lineno", None)
        refused = _REFUSED.get(type(node))
        if refused is not None:
            raise ProgramError(refused, line)
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult):
            raise ProgramError("the @ operator is not available in mgstudio programs", line)
        if isinstance(node, ast.Attribute):
            self._attribute(node)
        elif isinstance(node, ast.Name):
            if node.id.startswith("__") and node.id not in ALLOWED_DUNDER_NAMES:
                raise ProgramError(
                    f"`{node.id}` is not available in mgstudio programs (names starting "
                    "with __ are Python's internals)",
                    line,
                )
        elif isinstance(node, ast.FunctionDef):
            self._function(node, in_class)
        elif isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, ast.Lambda):
            self._arguments(node.args, line)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, (bytes, complex)):
                kind = "bytes" if isinstance(node.value, bytes) else "complex numbers"
                raise ProgramError(f"{kind} are not available in mgstudio programs", line)
        elif isinstance(node, ast.Call):
            names = [k.arg for k in node.keywords if k.arg is not None]
            repeated = next((n for n in names if names.count(n) > 1), None)
            if repeated is not None:
                raise ProgramError(f"keyword argument repeated: {repeated}", line)
        elif isinstance(node, ast.keyword):
            if node.arg is not None and node.arg.startswith("__"):
                raise ProgramError(f"the keyword {node.arg!r} is not available", line)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
            self._targets(node)
        elif isinstance(node, ast.comprehension):
            if node.is_async:
                raise ProgramError("async code is not available in mgstudio programs", line)
            self._target(node.target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None and alias.asname.startswith("__"):
                    raise ProgramError(f"`{alias.asname}` is not available as a name", line)
                check_module(alias.name, line or 0)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise ProgramError("relative imports are not available in mgstudio programs", line)
            check_module(node.module or "", line or 0)

    def _attribute(self, node: ast.Attribute) -> None:
        name = node.attr
        if not name.startswith("_"):
            return
        writing = not isinstance(node.ctx, ast.Load)
        if name in ALLOWED_UNDERSCORE_ATTRS and not writing:
            return
        what = f"`{_dotted(node)}`"
        if name in ("_backward", "_prev", "_op") and writing:
            raise ProgramError(
                f"{what} cannot be set: mgstudio's Value computes its graph and backward "
                "itself (build it with operations such as a * b)",
                node.lineno,
            )
        raise ProgramError(
            f"{what} is not available in mgstudio programs (attributes starting with _ are "
            "Python's internals; micrograd's _prev and _op can be read)",
            node.lineno,
        )

    def _function(self, node: ast.FunctionDef, in_class: bool) -> None:
        if node.decorator_list:
            raise ProgramError(
                "decorators are not available in mgstudio programs",
                node.decorator_list[0].lineno,
            )
        if node.name.startswith("__"):
            if not in_class or node.name not in ALLOWED_DUNDER_METHODS:
                allowed = ", ".join(sorted(ALLOWED_DUNDER_METHODS))
                raise ProgramError(
                    f"a method named {node.name} is not available (a class may define {allowed})",
                    node.lineno,
                )
        self._arguments(node.args, node.lineno)

    def _arguments(self, args: ast.arguments, line: int | None) -> None:
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if a is not None and a.arg.startswith("__"):
                raise ProgramError(f"the parameter name {a.arg!r} is not available", line)

    def _class(self, node: ast.ClassDef) -> None:
        line = node.lineno
        if node.decorator_list:
            raise ProgramError("decorators are not available in mgstudio programs", line)
        if node.keywords:
            raise ProgramError(
                "class keywords (metaclass=...) are not available in mgstudio programs", line
            )
        if len(node.bases) > 1:
            raise ProgramError(
                f"class {node.name} has several bases; mgstudio programs use one (class "
                "Neuron(Module))",
                line,
            )
        if node.bases and not isinstance(node.bases[0], (ast.Name, ast.Attribute)):
            raise ProgramError(f"class {node.name}'s base must be a class name", line)
        for stmt in node.body:
            if not isinstance(
                stmt, (ast.FunctionDef, ast.Assign, ast.AnnAssign, ast.Pass, ast.Expr)
            ):
                raise ProgramError(
                    "a class body holds methods and simple assignments only", stmt.lineno
                )

    def _targets(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                self._target(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
            self._target(node.target)

    def _target(self, t: ast.expr) -> None:
        if isinstance(t, ast.Starred):
            raise ProgramError(
                "starred assignment (a, *b = ...) is not available; index the list instead",
                t.lineno,
            )
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self._target(e)


def _earlier(
    first: tuple[tuple[int, int], ProgramError] | None, node: ast.AST, error: ProgramError
) -> tuple[tuple[int, int], ProgramError]:
    line = error.line if error.line else getattr(node, "lineno", 0) or 0
    where = (line or 1 << 30, getattr(node, "col_offset", 0) or 0)
    if first is None or where < first[0]:
        return where, error
    return first


def _dotted(node: ast.expr) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):
        text = "." + getattr(node, "attr", "?")
    return text if len(text) <= 60 else "…" + text[-59:]
