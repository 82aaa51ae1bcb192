"""Statements -> closures ``f(scope) -> NORMAL | BREAK | CONTINUE | RETURN``.

Every statement counts one step of the budget and turns Python's own exceptions from the
operations it runs (a ``ZeroDivisionError``, a ``TypeError`` of a builtin ...) into a
:class:`ProgramError` naming its line; the innermost statement names it, so an error inside a
method points into the method, not at the call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from mgstudio.engine import Value

from .compile_expr import ExpressionCompiler
from .errors import ProgramError, as_program_error
from .objects import (
    BREAK,
    CONTINUE,
    NORMAL,
    RETURN,
    Class,
    Function,
    Scope,
    Unavailable,
)
from .operators import BINARY_SYMBOLS, plain_binary, value_binary
from .show import type_name

Stmt = Callable[[Scope], int]
Store = Callable[[Scope, Any], None]
#: calls that only show something in a notebook: skipped at the top level, with a note
SHOW_CALLS = ("draw_dot", "display")


class Compiler(ExpressionCompiler):
    def __init__(self, machine: Any, attrs: Any, builtins: dict[str, Any], shower: Any):
        self.m = machine
        self.attrs = attrs
        self.builtins = builtins
        self.shower = shower
        self.top = True  # compiling module-level code (its Values are candidates)
        self.modules: Any = None  # set by the runner: import statements resolve through it

    # --- blocks -------------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> Stmt:
        stmts = [self.stmt(s) for s in body]
        if len(stmts) == 1:
            return stmts[0]

        def run(scope: Scope) -> int:
            for s in stmts:
                r = s(scope)
                if r:
                    return r
            return NORMAL

        return run

    def stmt(self, node: ast.stmt) -> Stmt:
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is None:
            raise ProgramError(f"{type(node).__name__} statements are not available", node.lineno)
        inner: Stmt = method(node)
        line = node.lineno
        m = self.m
        budget = m.budget

        def run(scope: Scope) -> int:
            budget.steps += 1
            if budget.steps >= budget.next_look:
                m.line = line
                budget.look()
            try:
                return inner(scope)
            except ProgramError as exc:
                raise exc.at(line) from None
            except Exception as exc:  # Python's, from an operation: the learner's words
                raise as_program_error(exc, line) from None

        return run

    # --- simple statements --------------------------------------------------------------------
    def s_Pass(self, node: ast.Pass) -> Stmt:
        return lambda scope: NORMAL

    def s_Break(self, node: ast.Break) -> Stmt:
        return lambda scope: BREAK

    def s_Continue(self, node: ast.Continue) -> Stmt:
        return lambda scope: CONTINUE

    def s_Return(self, node: ast.Return) -> Stmt:
        value = self.expr(node.value) if node.value is not None else (lambda scope: None)

        def ret(scope: Scope) -> int:
            scope.ret = value(scope)
            return RETURN

        return ret

    def s_Expr(self, node: ast.Expr) -> Stmt:
        value = self.expr(node.value)
        if not self.top:

            def evaluate(scope: Scope) -> int:
                value(scope)
                return NORMAL

            return evaluate
        m = self.m
        line = node.lineno
        text = ast.unparse(node.value)
        shown = text if len(text) <= 60 else text[:59] + "…"
        call = node.value if isinstance(node.value, ast.Call) else None
        root = _root_name(call.func) if call is not None else None

        def top_level(scope: Scope) -> int:
            if root is not None:
                if root in SHOW_CALLS:
                    m.notes.append(f"line {line}: {shown} skipped: mgstudio draws the graph itself")
                    return NORMAL
                found = scope.vars.get(root)
                if type(found) is Unavailable:
                    m.notes.append(f"line {line}: {shown} skipped ({found.module} is not used)")
                    return NORMAL
            v = value(scope)
            if type(v) is Value:
                m.candidate(shown, v, line, expression=True)
            return NORMAL

        return top_level

    def s_Assign(self, node: ast.Assign) -> Stmt:
        value = self.expr(node.value)
        stores = [self.store(t) for t in node.targets]
        if len(stores) == 1:
            store = stores[0]

            def assign1(scope: Scope) -> int:
                store(scope, value(scope))
                return NORMAL

            return assign1

        def assign(scope: Scope) -> int:
            v = value(scope)
            for s in stores:
                s(scope, v)
            return NORMAL

        return assign

    def s_AnnAssign(self, node: ast.AnnAssign) -> Stmt:
        if node.value is None:
            return lambda scope: NORMAL
        value, store = self.expr(node.value), self.store(node.target)

        def assign(scope: Scope) -> int:
            store(scope, value(scope))
            return NORMAL

        return assign

    def s_AugAssign(self, node: ast.AugAssign) -> Stmt:
        symbol = BINARY_SYMBOLS[type(node.op)]
        with_value = value_binary(symbol)
        budget = self.m.budget
        plain = plain_binary(symbol, self.m.limits.items, budget.spend_on)
        made = self.m.made
        materialize = self.m.materialize
        items = budget.items
        value = self.expr(node.value)

        def combine(cur: Any, v: Any) -> Any:
            if type(cur) is Value or type(v) is Value:
                return made(with_value(cur, v))
            if symbol == "+" and type(cur) is list:  # in place, as Python's list +=
                more = materialize(v)  # weighed there: the growth is spent
                items(len(cur) + len(more))
                cur.extend(more)
                return cur
            return plain(cur, v)

        target = node.target
        put_item = self.put_item
        if isinstance(target, ast.Name):
            load, store = self.expr(ast.Name(target.id, ast.Load())), self.store(target)

            def aug_name(scope: Scope) -> int:
                store(scope, combine(load(scope), value(scope)))
                return NORMAL

            return aug_name
        if isinstance(target, ast.Attribute):
            obj, name = self.expr(target.value), target.attr
            get, put = self.attrs.get, self.attrs.set

            def aug_attr(scope: Scope) -> int:
                o = obj(scope)
                v = value(scope)
                put(o, name, combine(get(o, name), v))
                return NORMAL

            return aug_attr
        if isinstance(target, ast.Subscript):
            cont, index = self.expr(target.value), self.expr(target.slice)

            def aug_item(scope: Scope) -> int:
                c = cont(scope)
                i = index(scope)
                v = value(scope)
                _check_item_target(c)
                new = combine(c[i], v)
                put_item(c, i, new)
                return NORMAL

            return aug_item
        raise ProgramError("this cannot be the target of an augmented assignment", node.lineno)

    def s_Assert(self, node: ast.Assert) -> Stmt:
        test = self.expr(node.test)
        msg = self.expr(node.msg) if node.msg is not None else None
        text = self.shower.text

        def check(scope: Scope) -> int:
            if not test(scope):
                said = f": {text(msg(scope))}" if msg is not None else ""
                raise ProgramError(f"assertion failed{said}")
            return NORMAL

        return check

    # --- targets ------------------------------------------------------------------------------
    def store(self, target: ast.expr, loop: bool = False) -> Store:
        """``loop``: a ``for`` target, whose Values are candidates but neither the default
        output nor named after it (``for p in n.parameters()`` names no weight ``p``)."""
        if isinstance(target, ast.Name):
            name = target.id
            if self.top:
                candidate = self.m.candidate
                line = target.lineno

                def store_top(scope: Scope, v: Any) -> None:
                    scope.vars[name] = v
                    if type(v) is Value and scope.parent is None:
                        candidate(name, v, line, loop)

                return store_top

            def store_name(scope: Scope, v: Any) -> None:
                scope.vars[name] = v

            return store_name
        if isinstance(target, ast.Attribute):
            obj, attr = self.expr(target.value), target.attr
            put = self.attrs.set
            return lambda scope, v: put(obj(scope), attr, v)
        if isinstance(target, ast.Subscript):
            cont, index = self.expr(target.value), self.expr(target.slice)
            put_item = self.put_item

            def store_item(scope: Scope, v: Any) -> None:
                c = cont(scope)
                _check_item_target(c)
                put_item(c, index(scope), v)

            return store_item
        if isinstance(target, (ast.Tuple, ast.List)):
            parts = [self.store(e, loop) for e in target.elts]
            n = len(parts)
            materialize = self.m.materialize

            def unpack(scope: Scope, v: Any) -> None:
                values = v if type(v) in (tuple, list) else materialize(v)
                if len(values) != n:
                    raise ProgramError(f"cannot unpack {len(values)} values into {n} names")
                for s, x in zip(parts, values):
                    s(scope, x)

            return unpack
        raise ProgramError("this cannot be assigned to", target.lineno)

    def put_item(self, c: Any, i: Any, v: Any) -> None:
        """``c[i] = v``; a slice of a list takes the items of ``v`` read by the machine
        (``a[:] = (x for x in range(10**12))`` meets a budget, not the end of memory) and
        the list's new length counts against the item budget."""
        if type(i) is slice and type(c) is list:
            v = self.m.materialize(v)  # weighed there
            if len(v) > 0:
                self.m.budget.items(len(c) + len(v))
        c[i] = v

    # --- control flow -------------------------------------------------------------------------
    def s_If(self, node: ast.If) -> Stmt:
        test, body = self.expr(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None

        def if_(scope: Scope) -> int:
            if test(scope):
                return body(scope)
            return orelse(scope) if orelse is not None else NORMAL

        return if_

    def s_For(self, node: ast.For) -> Stmt:
        iterable, store = self.expr(node.iter), self.store(node.target, loop=True)
        body = self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None
        budget = self.m.budget
        iterate = self.m.iterate

        def for_(scope: Scope) -> int:
            for x in iterate(iterable(scope)):
                budget.steps += 1
                store(scope, x)
                r = body(scope)
                if r:
                    if r == BREAK:
                        return NORMAL
                    if r == RETURN:
                        return r
            return orelse(scope) if orelse is not None else NORMAL

        return for_

    def s_While(self, node: ast.While) -> Stmt:
        test, body = self.expr(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None
        budget = self.m.budget

        def while_(scope: Scope) -> int:
            while test(scope):
                budget.steps += 1
                if budget.steps >= budget.next_look:
                    budget.look()
                r = body(scope)
                if r:
                    if r == BREAK:
                        return NORMAL
                    if r == RETURN:
                        return r
            return orelse(scope) if orelse is not None else NORMAL

        return while_

    # --- definitions --------------------------------------------------------------------------
    def s_FunctionDef(self, node: ast.FunctionDef) -> Stmt:
        top, self.top = self.top, False
        try:
            body = self.block(node.body)
        finally:
            self.top = top
        make = self.function_maker(node.name, node.args, body, node.lineno)
        name = node.name

        def define(scope: Scope) -> int:
            scope.vars[name] = make(scope)
            return NORMAL

        return define

    def s_ClassDef(self, node: ast.ClassDef) -> Stmt:
        name, line = node.name, node.lineno
        if self.top and name == "Value":
            m = self.m

            def skip(scope: Scope) -> int:
                m.notes.append(
                    f"line {line}: class Value skipped: mgstudio's own Value does the same maths"
                )
                return NORMAL

            return skip
        base = self.expr(node.bases[0]) if node.bases else None
        top, self.top = self.top, False
        try:
            body = self.block(node.body)
        finally:
            self.top = top

        def define(scope: Scope) -> int:
            parent = base(scope) if base is not None else None
            if parent is not None and type(parent) is not Class:
                raise ProgramError(
                    f"class {name} can only derive from a class of the program or of "
                    f"micrograd.nn, not {type_name(parent)}"
                )
            attrs: dict[str, Any] = {}
            body(Scope(attrs, scope, None, is_class=True))
            cls = Class(name, parent, attrs, line)
            for v in attrs.values():
                if type(v) is Function and v.owner is None:
                    v.owner = cls
            scope.vars[name] = cls
            return NORMAL

        return define

    def s_Import(self, node: ast.Import) -> Stmt:
        modules = self.modules
        line = node.lineno
        names = [(a.name, a.asname) for a in node.names]
        for full, _ in names:
            modules.check(full, line)

        def import_(scope: Scope) -> int:
            for full, alias in names:
                if alias is None:  # `import micrograd.nn` binds `micrograd`
                    top = full.split(".")[0]
                    scope.vars[top] = modules.load(top, line)
                    modules.load(full, line)
                else:
                    scope.vars[alias] = modules.load(full, line)
            return NORMAL

        return import_

    def s_ImportFrom(self, node: ast.ImportFrom) -> Stmt:
        modules = self.modules
        line = node.lineno
        full = node.module or ""
        modules.check(full, line)
        names = [(a.name, a.asname or a.name) for a in node.names]

        def import_from(scope: Scope) -> int:
            for name, alias in names:
                scope.vars[alias] = modules.take(full, name, line)
            return NORMAL

        return import_from


def _check_item_target(c: Any) -> None:
    if type(c) not in (list, dict):
        raise ProgramError(f"items of {type_name(c)} cannot be set")


def _root_name(func: ast.expr) -> str | None:
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else None
