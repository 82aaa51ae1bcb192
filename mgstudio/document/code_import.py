"""Turn a micrograd / lecture snippet into a document, without running it.

The source is parsed with :mod:`ast` and walked against a whitelist: ``Value(…)`` leaves,
numbers, ``+ - * / **``, unary ``-``, ``.tanh() .exp() .log() .sigmoid() .relu()``, assignments
to names (each one makes new nodes, as Python does; later uses see the latest), ``x.label = …``
and ``x.data = …`` (only before ``x`` is used). Anything else is refused with a
:class:`CodeImportError` naming the line. Nothing from the snippet is ever executed.

Statements that only *show* something are skipped with a note instead of refused: a bare name
or expression (a notebook cell's output), ``x.zero_grad()``, and calls to ``print``,
``draw_dot`` and ``display`` (never evaluated). ``x.backward()`` is not run either (mgstudio
runs backward itself) but marks ``x`` as the output; without one, the output is the Value
assigned last. Imports are skipped (nothing is imported); ``Value`` and ``math`` are known.

Numbers combined only with numbers are folded with the engine's IEEE rules (``1/0`` is ``inf``,
not an error), exactly as ``Value`` arithmetic treats them.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from mgstudio.engine import gc_paused
from mgstudio.engine import ops as _ops

from .errors import DocumentError

MAX_SOURCE_BYTES = 200_000
MAX_NODES = 20_000
MAX_DEPTH = 400  # expression nesting; well below Python's recursion limit

FUNCTIONS = _ops.FUNCTIONS  # the op registry's Value methods (a live view: x.tanh(), ...)
_SHOW_CALLS = ("print", "draw_dot", "display")
_IGNORED_METHODS = ("backward", "zero_grad")
_MATH_CONSTANTS = {"inf": math.inf, "nan": math.nan, "pi": math.pi, "e": math.e, "tau": math.tau}
_VALUE_MODULES = ("micrograd.engine", "mgstudio.engine", "micrograd", "mgstudio")


#: ``progress(fraction)``: called now and then with how much of the import is done (0 to 1)
Progress = Callable[[float], object]
#: ``cancel()``: asked now and then; True stops the import with :class:`ImportCancelled`
Cancel = Callable[[], bool]
_PARSED = 0.6  # the share of the work done once the statements are read (then: layout, build)
_REPORTS = 100  # about how many times progress is reported while reading the statements


class ImportCancelled(Exception):
    """The caller's ``cancel()`` returned True; nothing was built. Not a DocumentError: it is
    the caller's own choice, not a problem with the code."""


class _Steps:
    """Progress reports and cancel checks at fixed steps (deterministic, cheap when unused)."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None):
        self.progress, self.cancel = progress, cancel

    def at(self, fraction: float) -> None:
        if self.cancel is not None and self.cancel():
            raise ImportCancelled("the import was cancelled")
        if self.progress is not None:
            self.progress(min(1.0, max(0.0, fraction)))


class CodeImportError(DocumentError):
    """Code the importer does not understand; ``line`` is where (1-based, or None)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        self.reason = message


@dataclass
class IRNode:
    """One node the snippet builds: a leaf (``input``/``constant``) or an op on earlier nodes."""

    kind: str
    operands: tuple[int, ...] = ()
    value: float | None = None
    params: dict = field(default_factory=dict)
    label: str = ""
    line: int = 0
    named: bool = False  # label came from the code (label=, .label =), not from a variable name


@dataclass
class Program:
    """What a snippet builds, in creation order (operands always come first)."""

    nodes: list[IRNode]
    output: int | None
    notes: list[str]
    names: dict[str, int]  # variable name -> node index, for the nodes still bound at the end


# --- what a name or expression stands for ----------------------------------------------------
class _Node(int):
    """An index into ``Program.nodes`` (a Value), told apart from plain numbers."""


class _Marker(str):
    """Something that is not a number or a Value: the ``Value`` class or a module."""


_VALUE_CLASS = _Marker("Value")
_MATH = _Marker("math")


def _module_marker(name: str) -> _Marker:
    return _MATH if name == "math" else _Marker("module " + name)


_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_FOLD = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": _ops.safe_div,
    "pow": _ops.safe_pow,
}
_OP_WORDS = {
    ast.FloorDiv: "'//'",
    ast.Mod: "'%'",
    ast.MatMult: "'@'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|'",
    ast.BitAnd: "'&'",
    ast.BitXor: "'^'",
    ast.Not: "'not'",
    ast.Invert: "'~'",
}
_STATEMENT_WORDS = {  # each with its verb, for "… not supported"
    ast.For: "'for' loops are",
    ast.AsyncFor: "'for' loops are",
    ast.While: "'while' loops are",
    ast.If: "'if' statements are",
    ast.FunctionDef: "function definitions ('def') are",
    ast.AsyncFunctionDef: "function definitions ('def') are",
    ast.ClassDef: "class definitions are",
    ast.With: "'with' blocks are",
    ast.AsyncWith: "'with' blocks are",
    ast.Try: "'try' blocks are",
    ast.Return: "'return' is",
    ast.Delete: "'del' is",
    ast.Global: "'global' is",
    ast.Nonlocal: "'nonlocal' is",
    ast.Assert: "'assert' is",
    ast.Raise: "'raise' is",
    ast.AnnAssign: "annotated assignments are",
    ast.Break: "'break' is",
    ast.Continue: "'continue' is",
}
_EXPRESSION_WORDS = {
    ast.Lambda: "lambda functions",
    ast.ListComp: "list comprehensions",
    ast.SetComp: "set comprehensions",
    ast.DictComp: "dict comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.Subscript: "indexing (x[…])",
    ast.Starred: "starred expressions (*x)",
    ast.NamedExpr: "the walrus operator (:=)",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'… if … else …'",
    ast.JoinedStr: "f-strings",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
    ast.Slice: "slices",
}


def _describe_call(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return f"'{func.id}'"
    if isinstance(func, ast.Attribute):
        return f"'{_unparse(func)}'"
    return "this kind of function"


class _Builder:
    def __init__(self, free_names: bool, leaves: dict[str, float] | None):
        self.nodes: list[IRNode] = []
        self.env: dict[str, object] = {"Value": _VALUE_CLASS, "math": _MATH}
        self.notes: list[str] = []
        #: how many kept nodes use each node as an operand (``.data`` may be set while 0)
        self.uses: dict[int, int] = {}
        self.output: int | None = None  # the last Value assigned to a name
        self.backward_output: int | None = None  # the last Value ``.backward()`` was called on
        self.free_names = free_names
        self.leaves = dict(leaves or {})

    # --- nodes --------------------------------------------------------------------------------
    def _add(self, node: IRNode) -> _Node:
        if len(self.nodes) >= MAX_NODES:
            raise CodeImportError(f"the graph would have more than {MAX_NODES} nodes", node.line)
        self.nodes.append(node)
        uses = self.uses
        for o in node.operands:
            uses[o] = uses.get(o, 0) + 1
        return _Node(len(self.nodes) - 1)

    def _as_node(self, x, line: int) -> _Node:
        if isinstance(x, _Node):
            return x
        return self._add(IRNode("constant", value=float(x), line=line))

    # --- statements ---------------------------------------------------------------------------
    def statement(self, st: ast.stmt) -> None:
        line = st.lineno
        if isinstance(st, ast.Import | ast.ImportFrom):
            self._import(st)
        elif isinstance(st, ast.Assign):
            if len(st.targets) != 1:
                raise CodeImportError("chained assignments (a = b = …) are not supported", line)
            self._assign(st.targets[0], st.value, line)
        elif isinstance(st, ast.AugAssign):
            target = st.target
            if not isinstance(target, ast.Name):
                raise CodeImportError(
                    f"'{_unparse(target)} {_op_text(st.op)}= …' is not supported: only names "
                    "can be updated in place",
                    line,
                )
            current = self._name(target.id, line)
            result = self._binop(st.op, current, self.expr(st.value, 1), line)
            self._bind(target.id, result, line)
        elif isinstance(st, ast.Expr):
            self._bare_expression(st.value, line)
        elif isinstance(st, ast.Pass):
            pass
        else:
            what = _STATEMENT_WORDS.get(type(st), f"'{type(st).__name__}' statements are")
            raise CodeImportError(
                f"{what} not supported; write each step on its own line with plain assignments",
                line,
            )

    def _import(self, st: ast.Import | ast.ImportFrom) -> None:
        if isinstance(st, ast.Import):
            for alias in st.names:
                bound = alias.asname or alias.name.split(".")[0]
                self.env[bound] = _module_marker(alias.name)
                if alias.name not in ("math",) + _VALUE_MODULES:
                    self.notes.append(f"line {st.lineno}: import of '{alias.name}' ignored")
            return
        module = st.module or ""
        for alias in st.names:
            if alias.name == "*":
                if module in _VALUE_MODULES:
                    self.env["Value"] = _VALUE_CLASS
                continue
            bound = alias.asname or alias.name
            if module in _VALUE_MODULES and alias.name == "Value":
                self.env[bound] = _VALUE_CLASS
            else:
                self.env[bound] = _module_marker(f"{module}.{alias.name}")
                if module != "__future__":
                    self.notes.append(
                        f"line {st.lineno}: import of '{alias.name}' from '{module}' ignored"
                    )

    def _assign(self, target: ast.expr, value_expr: ast.expr, line: int) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, self.expr(value_expr, 1), line)
            return
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            owner = self._name(target.value.id, line)
            if not isinstance(owner, _Node):
                raise CodeImportError(
                    f"'{target.value.id}' is not a Value, so '.{target.attr}' cannot be set", line
                )
            if target.attr == "label":
                self._set_label(owner, value_expr, line)
                return
            if target.attr == "data":
                self._set_data(target.value.id, owner, value_expr, line)
                return
            if target.attr == "grad":
                raise CodeImportError(
                    "setting '.grad' by hand is not supported: mgstudio computes every grad "
                    "with backward",
                    line,
                )
            raise CodeImportError(f"setting '.{target.attr}' is not supported", line)
        if isinstance(target, ast.Tuple | ast.List):
            raise CodeImportError(
                "unpacking several names at once is not supported; assign one name per line", line
            )
        raise CodeImportError(f"assigning to '{_unparse(target)}' is not supported", line)

    def _bind(self, name: str, value, line: int) -> None:
        self.env[name] = value
        if isinstance(value, _Node):
            node = self.nodes[value]
            if not node.label:
                node.label = name
            self.output = value

    def _set_label(self, owner: _Node, value_expr: ast.expr, line: int) -> None:
        if not (isinstance(value_expr, ast.Constant) and isinstance(value_expr.value, str)):
            raise CodeImportError("a label must be a plain string such as 'a'", line)
        self.nodes[owner].label = value_expr.value
        self.nodes[owner].named = True

    def _set_data(self, name: str, owner: _Node, value_expr: ast.expr, line: int) -> None:
        node = self.nodes[owner]
        if node.kind not in ("input", "constant"):
            raise CodeImportError(
                f"'{name}' is computed from other values, so its '.data' cannot be set", line
            )
        if self.uses.get(owner, 0):
            raise CodeImportError(
                f"'{name}.data' is set after '{name}' was already used; set it before its "
                "first use",
                line,
            )
        value = self.expr(value_expr, 1)
        if isinstance(value, _Node):
            raise CodeImportError(f"'{name}.data' must be set to a number, not a Value", line)
        node.value = float(value)

    def _bare_expression(self, e: ast.expr, line: int) -> None:
        if isinstance(e, ast.Constant) and isinstance(e.value, str):
            return  # a docstring: a comment as far as the graph goes
        if isinstance(e, ast.Call):
            func = e.func
            if isinstance(func, ast.Name) and func.id in _SHOW_CALLS:
                self.notes.append(f"line {line}: '{func.id}(…)' ignored (nothing is run)")
                return
            if isinstance(func, ast.Attribute) and func.attr in _IGNORED_METHODS:
                mark = len(self.nodes)
                owner = self.expr(func.value, 1)
                if isinstance(owner, _Node) and not e.args and not e.keywords:
                    if func.attr == "backward":
                        # the learner says which output they mean; its nodes are kept
                        self.backward_output = owner
                        self.notes.append(
                            f"line {line}: '.backward()' marks the output "
                            "(mgstudio runs backward itself)"
                        )
                    else:
                        self._drop(mark)
                        self.notes.append(f"line {line}: '.{func.attr}()' ignored")
                    return
                self._drop(mark)
        # anything else is checked like any expression, then dropped: it builds nothing kept
        mark = len(self.nodes)
        self.expr(e, 1)
        self._drop(mark)
        self.notes.append(f"line {line}: an expression whose value is not used; ignored")

    def _drop(self, mark: int) -> None:
        """Forget the nodes made since ``mark`` (nothing else refers to them yet). Only their
        own uses are taken back: rebuilding the counts from every node made each ignored
        statement cost the whole graph so far (quadratic in the snippet's length)."""
        uses = self.uses
        for node in self.nodes[mark:]:
            for o in node.operands:
                left = uses[o] - 1
                if left:
                    uses[o] = left
                else:
                    del uses[o]
        del self.nodes[mark:]

    # --- expressions --------------------------------------------------------------------------
    def expr(self, e: ast.expr, depth: int):
        """A number (float), a Value (``_Node``) or a marker; refuses everything else."""
        line = getattr(e, "lineno", 0)
        if depth > MAX_DEPTH:
            raise CodeImportError(
                f"expressions nested more than {MAX_DEPTH} deep are not "
                "supported; split them into several assignments",
                line,
            )
        if isinstance(e, ast.Constant):
            return self._constant(e.value, line)
        if isinstance(e, ast.Name):
            return self._name(e.id, line)
        if isinstance(e, ast.BinOp):
            left = self.expr(e.left, depth + 1)
            right = self.expr(e.right, depth + 1)
            return self._binop(e.op, left, right, line)
        if isinstance(e, ast.UnaryOp):
            operand = self.expr(e.operand, depth + 1)
            if isinstance(e.op, ast.UAdd):
                self._need_number_or_value(operand, "unary '+'", line)
                return operand
            if isinstance(e.op, ast.USub):
                self._need_number_or_value(operand, "unary '-'", line)
                if isinstance(operand, _Node):
                    return self._add(IRNode("neg", (operand,), line=line))
                return -operand
            raise CodeImportError(f"the operator {_OP_WORDS[type(e.op)]} is not supported", line)
        if isinstance(e, ast.Call):
            return self._call(e, depth, line)
        if isinstance(e, ast.Attribute):
            return self._attribute(e, depth, line)
        what = _EXPRESSION_WORDS.get(type(e), f"'{type(e).__name__}' expressions")
        raise CodeImportError(f"{what} are not supported", line)

    def _constant(self, v, line: int) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            if isinstance(v, str):
                raise CodeImportError("strings are only allowed as labels (label='…')", line)
            raise CodeImportError(f"the constant {v!r} is not supported; use a real number", line)
        try:
            return float(v)
        except OverflowError:
            raise CodeImportError("this number is too large", line) from None

    def _name(self, name: str, line: int):
        if name in self.env:
            return self.env[name]
        if self.free_names:
            value = float(self.leaves.get(name, 0.0))
            node = self._add(IRNode("input", value=value, label=name, line=line))
            self.env[name] = node
            return node
        raise CodeImportError(f"the name '{name}' is not defined (assign it before using it)", line)

    def _need_number_or_value(self, x, what: str, line: int) -> None:
        if isinstance(x, _Marker):
            raise CodeImportError(f"{what} needs a Value or a number, not '{x}'", line)

    def _binop(self, op: ast.operator, left, right, line: int):
        kind = _BINOPS.get(type(op))
        if kind is None:
            raise CodeImportError(f"the operator {_OP_WORDS[type(op)]} is not supported", line)
        symbol = _op_text(op)
        self._need_number_or_value(left, f"'{symbol}'", line)
        self._need_number_or_value(right, f"'{symbol}'", line)
        if not isinstance(left, _Node) and not isinstance(right, _Node):
            return _FOLD[kind](left, right)
        if kind == "pow" and not isinstance(right, _Node):
            k = right
            return self._add(IRNode("pow", (left,), params={"exponent": k}, line=line))
        if kind == "pow":
            # Value ** Value: a pow node with its exponent wired
            return self._add(IRNode("pow", (self._as_node(left, line), right), line=line))
        # a number operand becomes its own constant node, in the order Python evaluates them
        a = self._as_node(left, line)
        b = self._as_node(right, line)
        return self._add(IRNode(kind, (a, b), line=line))

    def _call(self, e: ast.Call, depth: int, line: int):
        func = e.func
        if isinstance(func, ast.Attribute) and func.attr in FUNCTIONS:
            owner = self.expr(func.value, depth + 1)
            if not isinstance(owner, _Node):
                raise CodeImportError(f"'.{func.attr}()' needs a Value, not a number", line)
            if e.args or e.keywords:
                raise CodeImportError(f"'.{func.attr}()' takes no arguments", line)
            return self._add(IRNode(func.attr, (owner,), line=line))
        if isinstance(func, ast.Name) and self.env.get(func.id) is _VALUE_CLASS:
            return self._value_call(e, depth, line)
        if (
            self.free_names
            and isinstance(func, ast.Name)
            and func.id in FUNCTIONS
            and func.id not in self.env
        ):
            # an expression may write tanh(x) for x.tanh(), as on paper
            if len(e.args) != 1 or e.keywords or isinstance(e.args[0], ast.Starred):
                raise CodeImportError(f"'{func.id}(…)' takes one argument", line)
            arg = self.expr(e.args[0], depth + 1)
            if not isinstance(arg, _Node):
                raise CodeImportError(f"'{func.id}(…)' needs a Value, not a number", line)
            return self._add(IRNode(func.id, (arg,), line=line))
        raise CodeImportError(
            f"calls to {_describe_call(func)} are not supported (only Value(…) and the "
            f"methods {', '.join('.' + f + '()' for f in FUNCTIONS)})",
            line,
        )

    def _value_call(self, e: ast.Call, depth: int, line: int) -> _Node:
        data_expr = None
        label = None
        if len(e.args) > 1:
            raise CodeImportError(
                "Value(…) with children or an op is not supported; build results with "
                "operators instead",
                line,
            )
        if e.args:
            data_expr = e.args[0]
        for kw in e.keywords:
            if kw.arg == "data" and data_expr is None:
                data_expr = kw.value
            elif kw.arg == "label":
                if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)):
                    raise CodeImportError("a label must be a plain string such as 'a'", line)
                label = kw.value.value
            else:
                raise CodeImportError(
                    f"Value(…) takes a number and label='…' only, not {kw.arg or '**'}=", line
                )
        if data_expr is None:
            raise CodeImportError("Value(…) needs a number", line)
        if isinstance(data_expr, ast.Starred):
            raise CodeImportError("starred expressions (*x) are not supported", line)
        data = self.expr(data_expr, depth + 1)
        if isinstance(data, _Node):
            raise CodeImportError("Value(…) needs a number; this is already a Value", line)
        self._need_number_or_value(data, "Value(…)", line)
        node = IRNode(
            "input", value=float(data), label=label or "", line=line, named=label is not None
        )
        return self._add(node)

    def _attribute(self, e: ast.Attribute, depth: int, line: int):
        if isinstance(e.value, ast.Name) and self.env.get(e.value.id) is _MATH:
            if e.attr in _MATH_CONSTANTS:
                return _MATH_CONSTANTS[e.attr]
        raise CodeImportError(
            f"reading the attribute '{_unparse(e)}' is not supported (only math.inf, math.nan, "
            "math.pi, math.e)",
            line,
        )

    def program(self) -> Program:
        names = {k: int(v) for k, v in self.env.items() if isinstance(v, _Node)}
        output = self.backward_output if self.backward_output is not None else self.output
        return Program(list(self.nodes), output, self.notes, names)


def _op_text(op: ast.operator) -> str:
    return {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}.get(
        type(op), "?"
    )


def _unparse(e: ast.AST) -> str:
    try:
        text = ast.unparse(e)
    except Exception:  # unparse of odd trees; the kind of node is enough
        return type(e).__name__
    return text if len(text) <= 40 else text[:37] + "…"


def _parse(text: str, mode: str) -> ast.AST:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CodeImportError(f"the code is not valid UTF-8 text ({exc.reason})") from None
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise CodeImportError(f"the code is larger than {MAX_SOURCE_BYTES // 1000} KB")
    try:
        with warnings.catch_warnings():
            # "invalid escape sequence" and such are about running the code, which we never do
            warnings.simplefilter("ignore")
            return ast.parse(text, mode=mode)
    except SyntaxError as exc:
        line = exc.lineno
        msg = exc.msg or "invalid syntax"
        if "null bytes" in msg:
            line = None
        raise CodeImportError(f"this is not valid Python ({msg})", line) from None
    except (RecursionError, MemoryError):
        raise CodeImportError(
            "the code is nested too deeply to read; split long expressions into several assignments"
        ) from None
    except ValueError as exc:  # e.g. null bytes on some Python versions
        raise CodeImportError(f"this is not valid Python ({exc})") from None


def parse_code(
    text: str, *, progress: Progress | None = None, cancel: Cancel | None = None
) -> Program:
    """Read a snippet into a :class:`Program` (pure: no document, nothing executed).
    ``progress``/``cancel``: see :func:`import_code_with_notes` (here 0 to 1 is the reading)."""
    with gc_paused():  # the tree and the nodes hold no cycles: nothing for it to find
        return _parse_code(text, _Steps(progress, cancel))


def _parse_code(text: str, steps: _Steps) -> Program:
    steps.at(0.0)
    tree = _parse(text, "exec")
    builder = _Builder(free_names=False, leaves=None)
    body = tree.body
    every = max(1, len(body) // _REPORTS)
    try:
        for i, st in enumerate(body):
            if i % every == 0 and i:
                steps.at(i / len(body))
            builder.statement(st)
    except RecursionError:
        raise CodeImportError(
            "the code is nested too deeply; split long expressions into several assignments"
        ) from None
    if builder.output is None:
        raise CodeImportError(
            "the code builds no Value: assign at least one, such as a = Value(2.0, label='a')"
        )
    return builder.program()


def parse_expression(text: str, leaves: dict[str, float] | None = None) -> Program:
    """Read a bare expression such as ``3*x**2 - 4*x + 5``; its free names become input
    leaves (value 0, or the one given in ``leaves``). Besides ``x.tanh()`` it accepts
    ``tanh(x)`` (and exp, log, sigmoid, relu), as written on paper."""
    tree = _parse(text.strip(), "eval")
    builder = _Builder(free_names=True, leaves=leaves)
    try:
        result = builder.expr(tree.body, 1)
    except RecursionError:
        raise CodeImportError("the expression is nested too deeply") from None
    if isinstance(result, _Marker):
        raise CodeImportError(f"'{result}' is not an expression with a value")
    if not isinstance(result, _Node):
        result = builder._as_node(result, 1)
    builder.output = result
    return builder.program()


# --- building the document ------------------------------------------------------------------
def build_document(
    program: Program,
    layout: str = "layered",
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
):
    """A new :class:`Document` holding the program's graph, laid out left to right
    (``layout``: ``"layered"`` (no Graphviz needed) or ``"dot"``). ``progress``/``cancel``:
    see :func:`import_code_with_notes` (here 0 to 1 is the building)."""
    with gc_paused():  # thousands of nodes in a burst (see engine.value.gc_paused)
        return _build_document(program, layout, progress, cancel)


def _build_document(
    program: Program, layout: str, progress: Progress | None, cancel: Cancel | None
):
    from . import graphviz_io, layered
    from .model import Document
    from .nodes import Node, Wire

    steps = _Steps(progress, cancel)
    steps.at(0.0)
    ids = [f"n{i + 1}" for i in range(len(program.nodes))]
    edges = [(ids[o], ids[i]) for i, n in enumerate(program.nodes) for o in n.operands]
    if layout == "dot":
        try:
            pos = graphviz_io.dot_layout(ids, edges)
        except graphviz_io.GraphvizNotFoundError:
            pos = layered.layered_layout(ids, edges)
    elif layout == "layered":
        pos = layered.layered_layout(ids, edges)
    else:
        raise ValueError(f"unknown layout {layout!r}")
    steps.at(0.5)
    # the layouts give centres of equal boxes; the document keeps top-left corners, and the
    # graph starts at the origin
    x0 = min((x for x, _ in pos.values()), default=0.0)
    y0 = min((y for _, y in pos.values()), default=0.0)
    nodes, wires = [], []
    for i, n in enumerate(program.nodes):
        _check_numbers(n)
        x, y = pos[ids[i]]
        corner = (float(round(x - x0)), float(round(y - y0)))
        nodes.append(Node(ids[i], n.kind, n.label, n.value, dict(n.params), corner))
        ports = ("a", "exponent") if n.kind == "pow" else _ports(n.kind)
        wires.extend(Wire(ids[o], ids[i], port) for o, port in zip(n.operands, ports))
    steps.at(0.6)  # the last chance to stop: adding the nodes is one edit
    checker = Document()
    try:
        # operands come before their users and each port is wired once, so the wires need
        # no checks of their own: the nodes go in at once, as a file's do
        nodes = [checker._check_new_node(n) for n in nodes]
    except DocumentError as exc:
        raise CodeImportError(str(exc), _culprit_line(program)) from None
    doc = Document._from_checked(nodes, wires)
    if program.output is not None:
        doc.set_selected_output(ids[program.output])
    if progress is not None:
        progress(1.0)
    return doc


def _ports(kind: str) -> tuple[str, ...]:
    from .kinds import KINDS

    return KINDS[kind].inputs


def _check_numbers(n: IRNode) -> None:
    if n.value is not None and not math.isfinite(n.value):
        raise CodeImportError(f"a Value must hold a finite number, not {n.value!r}", n.line)
    k = n.params.get("exponent")
    if k is not None and not math.isfinite(k):
        raise CodeImportError(f"an exponent must be a finite number, not {k!r}", n.line)


def _culprit_line(program: Program) -> int | None:
    """The line of the first node the document refuses on its own (label rules and such)."""
    from .model import Document

    for n in program.nodes:
        try:
            Document().add_node(n.kind, n.label, n.value, dict(n.params))
        except DocumentError:
            return n.line
    return None


def import_code(
    text: str,
    layout: str = "layered",
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
):
    """A document built from a micrograd snippet (see the module docstring for what is
    understood); raises :class:`CodeImportError` naming the line otherwise.
    ``progress``/``cancel``: see :func:`import_code_with_notes`."""
    return import_code_with_notes(text, layout, progress=progress, cancel=cancel)[0]


def import_code_with_notes(
    text: str,
    layout: str = "layered",
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
):
    """Like :func:`import_code`, also returning the notes about skipped statements.

    For a worker thread: ``progress(fraction)`` is called about a hundred times with a
    rising fraction from 0.0 to 1.0 (in the calling thread: forward it with a signal), and
    ``cancel()`` (e.g. ``threading.Event().is_set``) is asked as often; when it returns True
    the import stops with :class:`ImportCancelled` and builds nothing."""
    steps = _Steps(None, cancel)

    def part(lo: float, hi: float) -> Progress | None:
        if progress is None:
            return None
        return lambda f: progress(lo + (hi - lo) * f)

    program = parse_code(text, progress=part(0.0, _PARSED), cancel=cancel)
    steps.at(_PARSED)
    doc = build_document(program, layout, progress=part(_PARSED, 1.0), cancel=cancel)
    return doc, list(program.notes)


def import_expression(text: str, leaves: dict[str, float] | None = None, layout: str = "layered"):
    """A document for a bare expression such as ``3*x**2 - 4*x + 5``: free names become
    input leaves (0, or their value in ``leaves``); the expression is the output."""
    return build_document(parse_expression(text, leaves), layout)
