"""Read a micrograd / lecture snippet into a :class:`~.ir.Program`, without running it.

The source is parsed with :mod:`ast` and walked against a whitelist: ``Value(…)`` leaves,
numbers, ``+ - * / **``, unary ``-``, ``.tanh() .exp() .log() .sigmoid() .relu()``, assignments
to names (each one makes new nodes, as Python does; later uses see the latest), ``x.label = …``
and ``x.data = …`` (only before ``x`` is used). Anything else is refused with a
:class:`CodeImportError` naming the line. Nothing from the snippet is ever executed: no
``eval``, ``exec`` or ``compile`` of it, and names are only ever looked up in the reader's own
table.

Statements that only *show* something are skipped with a note instead of refused: a bare name
or expression (a notebook cell's output), ``x.zero_grad()``, and calls to ``print``,
``draw_dot`` and ``display`` (never evaluated). ``x.backward()`` is not run either (mgstudio
runs backward itself) but marks ``x`` as the output; without one, the output is the Value
assigned last. Imports are skipped (nothing is imported); ``Value`` and ``math`` are known.

Numbers combined only with numbers are folded with the engine's IEEE rules (``1/0`` is ``inf``,
not an error), exactly as ``Value`` arithmetic treats them.

Limits keep hostile input cheap: the source size (``MAX_SOURCE_BYTES``), the nodes made
(``MAX_NODES``) and the expression nesting (``MAX_DEPTH``).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping

from mgstudio.engine import gc_paused
from mgstudio.engine import ops as _ops

from . import words
from .errors import Cancel, CodeImportError, Progress, Steps
from .ir import FUNCTIONS, IRNode, Program
from .source import parse_source
from .terms import MATH, VALUE_CLASS, NodeRef, Symbol, Term, module_symbol

MAX_NODES = 20_000
MAX_DEPTH = 400  # expression nesting; well below Python's recursion limit

_SHOW_CALLS = ("print", "draw_dot", "display")
_IGNORED_METHODS = ("backward", "zero_grad")
_MATH_CONSTANTS = {"inf": math.inf, "nan": math.nan, "pi": math.pi, "e": math.e, "tau": math.tau}
_VALUE_MODULES = ("micrograd.engine", "mgstudio.engine", "micrograd", "mgstudio")
_REPORTS = 100  # about how many times progress is reported while reading the statements


_BINOPS: dict[type[ast.AST], str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.Pow: "pow",
}
_FOLD: dict[str, Callable[[float, float], float]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": _ops.safe_div,
    "pow": _ops.safe_pow,
}


class Reader:
    """Reads statements (or one expression) into nodes; :meth:`program` is the result."""

    def __init__(self, free_names: bool = False, leaves: Mapping[str, float] | None = None):
        self.nodes: list[IRNode] = []
        self.env: dict[str, Term] = {"Value": VALUE_CLASS, "math": MATH}
        self.notes: list[str] = []
        #: how many kept nodes use each node as an operand (``.data`` may be set while 0)
        self.uses: dict[int, int] = {}
        self.output: NodeRef | None = None  # the last Value assigned to a name
        self.backward_output: NodeRef | None = None  # the last Value ``.backward()`` was called on
        #: an expression's unknown names become input leaves (else they are an error)
        self.free_names = free_names
        self.leaves = dict(leaves or {})

    # --- nodes --------------------------------------------------------------------------------
    def add(self, node: IRNode) -> NodeRef:
        if len(self.nodes) >= MAX_NODES:
            raise CodeImportError(f"the graph would have more than {MAX_NODES} nodes", node.line)
        self.nodes.append(node)
        uses = self.uses
        for o in node.operands:
            uses[o] = uses.get(o, 0) + 1
        return NodeRef(len(self.nodes) - 1)

    def as_node(self, x: Term, line: int) -> NodeRef:
        if isinstance(x, NodeRef):
            return x
        if isinstance(x, Symbol):
            raise CodeImportError(f"'{x}' is not an expression with a value", line)
        return self.add(IRNode("constant", value=x, line=line))

    def drop(self, mark: int) -> None:
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

    def program(self) -> Program:
        names = {k: v.index for k, v in self.env.items() if isinstance(v, NodeRef)}
        output = self.backward_output if self.backward_output is not None else self.output
        return Program(
            list(self.nodes), None if output is None else output.index, self.notes, names
        )

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
                    f"'{words.unparse(target)} {words.op_text(st.op)}= …' is not supported: "
                    "only names can be updated in place",
                    line,
                )
            current = self._name(target.id, line)
            result = self._binop(st.op, current, self.expr(st.value, 1), line)
            self._bind(target.id, result)
        elif isinstance(st, ast.Expr):
            self._bare_expression(st.value, line)
        elif not isinstance(st, ast.Pass):
            raise CodeImportError(words.statement_refusal(st), line)

    def _import(self, st: ast.Import | ast.ImportFrom) -> None:
        if isinstance(st, ast.Import):
            for alias in st.names:
                bound = alias.asname or alias.name.split(".")[0]
                self.env[bound] = module_symbol(alias.name)
                if alias.name not in ("math",) + _VALUE_MODULES:
                    self.notes.append(f"line {st.lineno}: import of '{alias.name}' ignored")
            return
        module = st.module or ""
        for alias in st.names:
            if alias.name == "*":
                if module in _VALUE_MODULES:
                    self.env["Value"] = VALUE_CLASS
                elif module != "__future__":
                    self.notes.append(f"line {st.lineno}: import of '*' from '{module}' ignored")
                continue
            bound = alias.asname or alias.name
            if module in _VALUE_MODULES and alias.name == "Value":
                self.env[bound] = VALUE_CLASS
            else:
                self.env[bound] = module_symbol(f"{module}.{alias.name}")
                if module != "__future__":
                    self.notes.append(
                        f"line {st.lineno}: import of '{alias.name}' from '{module}' ignored"
                    )

    def _assign(self, target: ast.expr, value_expr: ast.expr, line: int) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, self.expr(value_expr, 1))
            return
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            owner = self._name(target.value.id, line)
            if not isinstance(owner, NodeRef):
                raise CodeImportError(
                    f"'{target.value.id}' is not a Value, so '.{target.attr}' cannot be set", line
                )
            if target.attr == "label":
                self.nodes[owner.index].label = _label(value_expr, line)
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
        raise CodeImportError(f"assigning to '{words.unparse(target)}' is not supported", line)

    def _bind(self, name: str, value: Term) -> None:
        self.env[name] = value
        if isinstance(value, NodeRef):
            node = self.nodes[value.index]
            if not node.label:
                node.label = name
            self.output = value

    def _set_data(self, name: str, owner: NodeRef, value_expr: ast.expr, line: int) -> None:
        node = self.nodes[owner.index]
        if node.kind not in ("input", "constant"):
            raise CodeImportError(
                f"'{name}' is computed from other values, so its '.data' cannot be set", line
            )
        if self.uses.get(owner.index, 0):
            raise CodeImportError(
                f"'{name}.data' is set after '{name}' was already used; set it before its "
                "first use",
                line,
            )
        value = self.expr(value_expr, 1)
        if not isinstance(value, float):
            what = "a Value" if isinstance(value, NodeRef) else f"'{value}'"
            raise CodeImportError(f"'{name}.data' must be set to a number, not {what}", line)
        node.value = value

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
                if isinstance(owner, NodeRef) and not e.args and not e.keywords:
                    if func.attr == "backward":
                        # the learner says which output they mean; its nodes are kept
                        self.backward_output = owner
                        self.notes.append(
                            f"line {line}: '.backward()' marks the output "
                            "(mgstudio runs backward itself)"
                        )
                    else:
                        self.drop(mark)
                        self.notes.append(f"line {line}: '.{func.attr}()' ignored")
                    return
                self.drop(mark)
        # anything else is checked like any expression, then dropped: it builds nothing kept
        mark = len(self.nodes)
        self.expr(e, 1)
        self.drop(mark)
        self.notes.append(f"line {line}: an expression whose value is not used; ignored")

    # --- expressions --------------------------------------------------------------------------
    def expr(self, e: ast.expr, depth: int) -> Term:
        """A number, a Value or a symbol; refuses everything else."""
        line: int = getattr(e, "lineno", 0)
        if depth > MAX_DEPTH:
            raise CodeImportError(
                f"expressions nested more than {MAX_DEPTH} deep are not "
                "supported; split them into several assignments",
                line,
            )
        if isinstance(e, ast.Constant):
            return _constant(e.value, line)
        if isinstance(e, ast.Name):
            return self._name(e.id, line)
        if isinstance(e, ast.BinOp):
            left = self.expr(e.left, depth + 1)
            right = self.expr(e.right, depth + 1)
            return self._binop(e.op, left, right, line)
        if isinstance(e, ast.UnaryOp):
            operand = self.expr(e.operand, depth + 1)
            if isinstance(e.op, ast.UAdd):
                _need_number_or_value(operand, "unary '+'", line)
                return operand
            if isinstance(e.op, ast.USub):
                if isinstance(operand, NodeRef):
                    return self.add(IRNode("neg", (operand.index,), line=line))
                return -self._number(operand, "unary '-'", line)
            raise CodeImportError(words.unsupported_op(e.op), line)
        if isinstance(e, ast.Call):
            return self._call(e, depth, line)
        if isinstance(e, ast.Attribute):
            return self._attribute(e, line)
        raise CodeImportError(words.expression_refusal(e), line)

    def _name(self, name: str, line: int) -> Term:
        found = self.env.get(name)
        if found is not None:
            return found
        if self.free_names:
            value = float(self.leaves.get(name, 0.0))
            node = self.add(IRNode("input", value=value, label=name, line=line))
            self.env[name] = node
            return node
        raise CodeImportError(f"the name '{name}' is not defined (assign it before using it)", line)

    def _number(self, x: Term, what: str, line: int) -> float:
        """``x`` as a number (``x`` is known not to be a Value)."""
        _need_number_or_value(x, what, line)
        assert isinstance(x, float)
        return x

    def _binop(self, op: ast.operator, left: Term, right: Term, line: int) -> Term:
        kind = _BINOPS.get(type(op))
        if kind is None:
            raise CodeImportError(words.unsupported_op(op), line)
        symbol = words.op_text(op)
        _need_number_or_value(left, f"'{symbol}'", line)
        _need_number_or_value(right, f"'{symbol}'", line)
        if isinstance(right, float):
            if isinstance(left, float):
                return _FOLD[kind](left, right)
            if kind == "pow":
                return self.add(
                    IRNode(
                        "pow",
                        (self.as_node(left, line).index,),
                        params={"exponent": right},
                        line=line,
                    )
                )
        # Value ** Value is a pow node with its exponent wired; a number operand becomes its
        # own constant node, in the order Python evaluates them
        a = self.as_node(left, line)
        b = self.as_node(right, line)
        return self.add(IRNode(kind, (a.index, b.index), line=line))

    def _call(self, e: ast.Call, depth: int, line: int) -> Term:
        func = e.func
        _no_repeated_keywords(e, line)
        if isinstance(func, ast.Attribute) and func.attr in FUNCTIONS:
            owner = self.expr(func.value, depth + 1)
            if isinstance(owner, float):
                raise CodeImportError(f"'.{func.attr}()' needs a Value, not a number", line)
            if isinstance(owner, Symbol):  # math.exp(…), Value.tanh(a): no such call is made
                raise CodeImportError(_call_refusal(func), line)
            if e.args or e.keywords:
                raise CodeImportError(f"'.{func.attr}()' takes no arguments", line)
            return self.add(IRNode(func.attr, (owner.index,), line=line))
        if isinstance(func, ast.Name) and self.env.get(func.id) == VALUE_CLASS:
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
            if not isinstance(arg, NodeRef):
                raise CodeImportError(f"'{func.id}(…)' needs a Value, not a number", line)
            return self.add(IRNode(func.id, (arg.index,), line=line))
        raise CodeImportError(_call_refusal(func), line)

    def _value_call(self, e: ast.Call, depth: int, line: int) -> NodeRef:
        data_expr = None
        label = ""
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
                label = _label(kw.value, line)
            else:
                raise CodeImportError(
                    f"Value(…) takes a number and label='…' only, not {kw.arg or '**'}=", line
                )
        if data_expr is None:
            raise CodeImportError("Value(…) needs a number", line)
        if isinstance(data_expr, ast.Starred):
            raise CodeImportError("starred expressions (*x) are not supported", line)
        data = self.expr(data_expr, depth + 1)
        if isinstance(data, NodeRef):
            raise CodeImportError("Value(…) needs a number; this is already a Value", line)
        value = self._number(data, "Value(…)", line)
        return self.add(IRNode("input", value=value, label=label, line=line))

    def _attribute(self, e: ast.Attribute, line: int) -> float:
        if isinstance(e.value, ast.Name) and self.env.get(e.value.id) == MATH:
            if e.attr in _MATH_CONSTANTS:
                return _MATH_CONSTANTS[e.attr]
        raise CodeImportError(
            f"reading the attribute '{words.unparse(e)}' is not supported (only math.inf, "
            "math.nan, math.pi, math.e)",
            line,
        )


def _call_refusal(func: ast.expr) -> str:
    return (
        f"calls to {words.describe_call(func)} are not supported (only Value(…) and the "
        f"methods {', '.join('.' + f + '()' for f in FUNCTIONS)})"
    )


def _no_repeated_keywords(e: ast.Call, line: int) -> None:
    """Python refuses ``f(label='a', label='b')`` when it compiles (``ast.parse`` does not)."""
    seen: set[str] = set()
    for kw in e.keywords:
        if kw.arg is not None:
            if kw.arg in seen:
                raise CodeImportError(f"the keyword argument '{kw.arg}' is repeated", line)
            seen.add(kw.arg)


def _need_number_or_value(x: Term, what: str, line: int) -> None:
    if isinstance(x, Symbol):
        raise CodeImportError(f"{what} needs a Value or a number, not '{x}'", line)


def _label(e: ast.expr, line: int) -> str:
    if not (isinstance(e, ast.Constant) and isinstance(e.value, str)):
        raise CodeImportError("a label must be a plain string such as 'a'", line)
    return e.value


def _constant(v: object, line: int) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        if isinstance(v, str):
            raise CodeImportError("strings are only allowed as labels (label='…')", line)
        raise CodeImportError(f"the constant {v!r} is not supported; use a real number", line)
    try:
        return float(v)
    except OverflowError:
        raise CodeImportError("this number is too large", line) from None


# --- the reader's two ways in ---------------------------------------------------------------
def parse_code(
    text: str | bytes, *, progress: Progress | None = None, cancel: Cancel | None = None
) -> Program:
    """Read a snippet into a :class:`Program` (pure: no document, nothing executed).
    ``progress``/``cancel``: see :func:`~.import_snippet` (here 0 to 1 is the reading)."""
    with gc_paused():  # the tree and the nodes hold no cycles: nothing for it to find
        return read_code(text, Steps(progress, cancel))


def read_code(text: str | bytes, steps: Steps) -> Program:
    steps.at(0.0)
    tree = parse_source(text, "exec")
    assert isinstance(tree, ast.Module)
    reader = Reader()
    body = tree.body
    every = max(1, len(body) // _REPORTS)
    try:
        for i, st in enumerate(body):
            if i % every == 0 and i:
                steps.at(i / len(body))
            reader.statement(st)
    except RecursionError:
        raise CodeImportError(
            "the code is nested too deeply; split long expressions into several assignments"
        ) from None
    if reader.output is None:
        raise CodeImportError(
            "the code builds no Value: assign at least one, such as a = Value(2.0, label='a')"
        )
    return reader.program()


def parse_expression(text: str | bytes, leaves: Mapping[str, float] | None = None) -> Program:
    """Read a bare expression such as ``3*x**2 - 4*x + 5``; its free names become input
    leaves (value 0, or the one given in ``leaves``). Besides ``x.tanh()`` it accepts
    ``tanh(x)`` (and exp, log, sigmoid, relu), as written on paper."""
    return read_expression(text, leaves, Steps())


def read_expression(text: str | bytes, leaves: Mapping[str, float] | None, steps: Steps) -> Program:
    steps.at(0.0)
    if not text.strip():  # Python's own word for it is "line 0: invalid syntax"
        raise CodeImportError("the expression is empty; type one such as 3*x**2 - 4*x + 5")
    tree = parse_source(text.strip(), "eval")
    assert isinstance(tree, ast.Expression)
    reader = Reader(free_names=True, leaves=leaves)
    try:
        result = reader.expr(tree.body, 1)
    except RecursionError:
        raise CodeImportError("the expression is nested too deeply") from None
    if isinstance(result, Symbol):
        raise CodeImportError(f"'{result}' is not an expression with a value")
    reader.output = reader.as_node(result, 1)
    return reader.program()
