"""Expressions -> closures ``f(scope) -> value``.

Each ``ast`` node is turned once into a Python closure that evaluates it; running a program is
calling closures, with no tree walk and no dispatch on node types at run time (several times
faster than visiting the tree, which matters for a training loop). The safety rules were
checked on the whole tree before (``safety.py``); what can only be known at run time (the
type of an operand, the size of a result) is checked here and in ``operators.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from mgstudio.engine import Value

from .compile_calls import CallCompiler
from .errors import ProgramError
from .objects import Function, Scope
from .operators import (
    BINARY_SYMBOLS,
    COMPARE,
    compare_error,
    plain_binary,
    value_binary,
)
from .show import type_name

Expr = Callable[[Scope], Any]
_INDEXABLE = (list, tuple, str, dict, range)


class ExpressionCompiler(CallCompiler):
    """Set up by :class:`~.compile_stmt.Compiler`: ``m`` the machine, ``attrs`` the
    attribute tables, ``builtins`` the names every program sees, ``shower`` for f-strings."""

    m: Any
    attrs: Any
    builtins: dict[str, Any]
    shower: Any
    store: Callable[[ast.expr], Callable[[Scope, Any], None]]  # compile_stmt.Compiler's

    def expr(self, node: ast.expr) -> Expr:
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is None:  # safety.py refuses these first; this is the backstop
            raise ProgramError(f"{type(node).__name__} expressions are not available", node.lineno)
        fn: Expr = method(node)
        return fn

    # --- atoms ------------------------------------------------------------------------------
    def e_Constant(self, node: ast.Constant) -> Expr:
        value = node.value
        return lambda scope: value

    def e_Name(self, node: ast.Name) -> Expr:
        name = node.id
        builtins = self.builtins
        missing = self.missing_name
        m = self.m

        def load(scope: Scope) -> Any:
            try:
                return scope.vars[name]
            except KeyError:
                pass
            s = scope.parent
            while s is not None:
                if name in s.vars:
                    return s.vars[name]
                s = s.parent
            try:
                return builtins[name]
            except KeyError:
                if m.free_names is not None:  # an expression's free name: a new input
                    return m.free_leaf(scope, name)
                raise missing(name) from None

        return load

    def missing_name(self, name: str) -> ProgramError:
        import builtins as python_builtins

        if hasattr(python_builtins, name):
            hints = {
                "getattr": " (write obj.name)",
                "setattr": " (write obj.name = value)",
                "type": " (isinstance(x, Value) tells whether x is a Value)",
                "eval": "; mgstudio never runs text as Python",
                "exec": "; mgstudio never runs text as Python",
                "open": "; a program cannot read or write files",
            }
            return ProgramError(
                f"`{name}` is not available in mgstudio programs{hints.get(name, '')}"
            )
        return ProgramError(f"name {name!r} is not defined")

    def e_Attribute(self, node: ast.Attribute) -> Expr:
        obj = self.expr(node.value)
        name = node.attr
        get = self.attrs.get
        if name == "data":  # the hottest attribute of a training loop

            def data(scope: Scope) -> Any:
                o = obj(scope)
                return o.data if type(o) is Value else get(o, name)

            return data
        return lambda scope: get(obj(scope), name)

    def e_Subscript(self, node: ast.Subscript) -> Expr:
        obj = self.expr(node.value)
        index = self.expr(node.slice)
        spend_on = self.m.budget.spend_on
        sliced = isinstance(node.slice, ast.Slice)

        def subscript(scope: Scope) -> Any:
            o = obj(scope)
            i = index(scope)
            if type(o) not in _INDEXABLE:
                raise ProgramError(f"{type_name(o)} cannot be indexed with [...]")
            try:
                if sliced:  # a slice is a copy: weighed as made
                    return spend_on(o[i])
                return o[i]
            except TypeError:
                raise ProgramError(f"{type_name(o)} cannot be indexed by {type_name(i)}") from None
            except IndexError:
                raise ProgramError(f"index {self.shower.show(i)} is out of range") from None
            except KeyError:
                raise ProgramError(f"the dict has no key {self.shower.show(i)}") from None

        return subscript

    def e_Slice(self, node: ast.Slice) -> Expr:
        parts = [None if p is None else self.expr(p) for p in (node.lower, node.upper, node.step)]

        def make(scope: Scope) -> slice:
            lo, hi, st = (None if p is None else p(scope) for p in parts)
            return slice(lo, hi, st)

        return make

    # --- operators --------------------------------------------------------------------------
    def e_BinOp(self, node: ast.BinOp) -> Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        symbol = BINARY_SYMBOLS[type(node.op)]
        with_value = value_binary(symbol)
        plain = plain_binary(symbol, self.m.limits.items, self.m.budget.spend_on)
        made = self.m.made

        def binary(scope: Scope) -> Any:
            a = left(scope)
            b = right(scope)
            if type(a) is Value or type(b) is Value:
                return made(with_value(a, b))
            return plain(a, b)

        return binary

    def e_UnaryOp(self, node: ast.UnaryOp) -> Expr:
        operand = self.expr(node.operand)
        made = self.m.made
        op = type(node.op)
        if op is ast.Not:
            return lambda scope: not operand(scope)

        def unary(scope: Scope) -> Any:
            x = operand(scope)
            if type(x) is Value:
                if op is ast.USub:
                    return made(-x)
                if op is ast.UAdd:
                    return x
            elif type(x) in (int, float, bool):
                if op is ast.USub:
                    return -x
                if op is ast.UAdd:
                    return +x
                if op is ast.Invert and type(x) is not float:
                    return ~x
            raise ProgramError(f"this sign does not apply to {type_name(x)}")

        return unary

    def e_BoolOp(self, node: ast.BoolOp) -> Expr:
        values = [self.expr(v) for v in node.values]
        if isinstance(node.op, ast.And):

            def all_(scope: Scope) -> Any:
                x = None
                for v in values:
                    x = v(scope)
                    if not x:
                        return x
                return x

            return all_

        def any_(scope: Scope) -> Any:
            x = None
            for v in values:
                x = v(scope)
                if x:
                    return x
            return x

        return any_

    def e_Compare(self, node: ast.Compare) -> Expr:
        first = self.expr(node.left)
        rest = [(COMPARE[type(op)], self.expr(e)) for op, e in zip(node.ops, node.comparators)]

        def compare(scope: Scope) -> Any:
            a = first(scope)
            for (symbol, fn), e in rest:
                b = e(scope)
                try:
                    if not fn(a, b):
                        return False
                except TypeError:
                    raise compare_error(symbol, a, b) from None
                a = b
            return True

        return compare

    def e_IfExp(self, node: ast.IfExp) -> Expr:
        test, body, orelse = self.expr(node.test), self.expr(node.body), self.expr(node.orelse)
        return lambda scope: body(scope) if test(scope) else orelse(scope)

    # --- displays ---------------------------------------------------------------------------
    def _elements(self, elts: list[ast.expr]) -> Callable[[Scope], list[Any]]:
        parts = [
            (True, self.expr(e.value)) if isinstance(e, ast.Starred) else (False, self.expr(e))
            for e in elts
        ]
        if not any(star for star, _ in parts):
            fns = [fn for _, fn in parts]
            return lambda scope: [fn(scope) for fn in fns]
        materialize = self.m.materialize

        def build(scope: Scope) -> list[Any]:
            out: list[Any] = []
            for star, fn in parts:
                if star:
                    out.extend(materialize(fn(scope)))
                else:
                    out.append(fn(scope))
            self.m.budget.items(len(out))
            self.m.budget.spend_on(out)
            return out

        return build

    def e_List(self, node: ast.List) -> Expr:
        return self._elements(node.elts)

    def e_Tuple(self, node: ast.Tuple) -> Expr:
        build = self._elements(node.elts)
        return lambda scope: tuple(build(scope))

    def e_Set(self, node: ast.Set) -> Expr:
        build = self._elements(node.elts)
        return lambda scope: _hashed(set, build(scope))

    def e_Dict(self, node: ast.Dict) -> Expr:
        pairs = [
            (None if k is None else self.expr(k), self.expr(v))
            for k, v in zip(node.keys, node.values)
        ]
        budget = self.m.budget
        spread = any(k is None for k, _ in pairs)  # {**a, **b}: a copy of any size

        def build(scope: Scope) -> dict[Any, Any]:
            out: dict[Any, Any] = {}
            for k, v in pairs:
                if k is None:
                    other = v(scope)
                    if type(other) is not dict:
                        raise ProgramError(f"** needs a dict, not {type_name(other)}")
                    budget.items(len(out) + len(other), "a dict")
                    out.update(other)
                else:
                    key = k(scope)
                    try:
                        out[key] = v(scope)
                    except TypeError:
                        raise ProgramError(f"{type_name(key)} cannot be a dict key") from None
            return budget.spend_on(out) if spread else out

        return build

    def e_JoinedStr(self, node: ast.JoinedStr) -> Expr:
        parts: list[Expr] = []
        fmt = self.shower.format
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                value = self.expr(v.value)
                spec = None if v.format_spec is None else self.expr(v.format_spec)
                conversion = v.conversion

                def part(
                    scope: Scope, value: Expr = value, spec: Expr | None = spec, c: int = conversion
                ) -> str:
                    return str(fmt(value(scope), "" if spec is None else spec(scope), c))

                parts.append(part)
            else:
                parts.append(self.expr(v))
        items, spend_on = self.m.budget.items, self.m.budget.spend_on

        def join(scope: Scope) -> str:
            text = "".join([p(scope) for p in parts])
            items(len(text), "a string")
            spend_on(text)
            return text

        return join

    # --- functions and comprehensions ---------------------------------------------------------
    def e_Lambda(self, node: ast.Lambda) -> Expr:
        body = self.expr(node.body)
        make = self.function_maker("<lambda>", node.args, body, node.lineno, is_lambda=True)
        return make

    def function_maker(
        self, name: str, args: ast.arguments, body: Expr, line: int, *, is_lambda: bool = False
    ) -> Expr:
        """A closure that makes the Function when the ``def``/``lambda`` runs (defaults are
        evaluated then, as in Python)."""
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        defaults = [self.expr(d) for d in args.defaults]
        kwonly = tuple(a.arg for a in args.kwonlyargs)
        kwdefaults = [(a.arg, self.expr(d)) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d]
        star = args.vararg.arg if args.vararg else None
        starstar = args.kwarg.arg if args.kwarg else None

        def make(scope: Scope) -> Function:
            # a method sees the module (or its enclosing function), not the class body
            closure = scope.parent if scope.is_class else scope
            return Function(
                name,
                params,
                tuple(d(scope) for d in defaults),
                body,
                closure,
                line,
                kwonly=kwonly,
                kwdefaults={k: d(scope) for k, d in kwdefaults},
                star=star,
                starstar=starstar,
                is_lambda=is_lambda,
            )

        return make

    def _generators(
        self, gens: list[ast.comprehension], emit: Callable[[Scope], None]
    ) -> Callable[[Scope, Any], None]:
        """The loops of a comprehension, innermost last; ``emit`` is called per item."""
        m = self.m
        budget = m.budget
        compiled = [
            (self.store(g.target), self.expr(g.iter), [self.expr(c) for c in g.ifs]) for g in gens
        ]
        iterate = m.iterate

        def level(k: int) -> Callable[[Scope, Any], None]:
            store, _, conds = compiled[k]
            inner = level(k + 1) if k + 1 < len(compiled) else None
            nxt = compiled[k + 1][1] if inner is not None else None

            def run(scope: Scope, iterable: Any) -> None:
                for x in iterate(iterable):
                    budget.steps += 1
                    if budget.steps >= budget.next_look:
                        budget.look()
                    store(scope, x)
                    if conds and not all(c(scope) for c in conds):
                        continue
                    if inner is None:
                        emit(scope)
                    else:
                        inner(scope, nxt(scope))  # type: ignore[misc]

            return run

        return level(0)

    def _comprehension(self, gens: list[ast.comprehension], kind: str, *elts: ast.expr) -> Expr:
        # compiled once; each evaluation collects into its own scope's ``ret`` (a recursive
        # function may be inside the same comprehension twice)
        first_iter = self.expr(gens[0].iter)
        fns = [self.expr(e) for e in elts]
        items = self.m.budget.items
        limit = self.m.limits.items
        if kind == "list":
            elt = fns[0]

            def emit(s: Scope) -> None:
                out = s.ret
                out.append(elt(s))
                if len(out) > limit:
                    items(len(out))

        elif kind == "set":

            def emit(s: Scope) -> None:
                _hashed(s.ret.add, [fns[0](s)])
                if len(s.ret) > limit:
                    items(len(s.ret), "a set")

        else:

            def emit(s: Scope) -> None:
                out = s.ret
                key = fns[0](s)
                _hashed(lambda k: out.__setitem__(k, fns[1](s)), [key])
                if len(out) > limit:
                    items(len(out), "a dict")

        loops = self._generators(gens, emit)
        spend_on = self.m.budget.spend_on

        def run(scope: Scope) -> Any:
            inner = Scope({}, scope)
            inner.ret = {} if kind == "dict" else set() if kind == "set" else []
            loops(inner, first_iter(scope))
            return spend_on(inner.ret)

        return run

    def e_ListComp(self, node: ast.ListComp) -> Expr:
        return self._comprehension(node.generators, "list", node.elt)

    def e_SetComp(self, node: ast.SetComp) -> Expr:
        return self._comprehension(node.generators, "set", node.elt)

    def e_DictComp(self, node: ast.DictComp) -> Expr:
        return self._comprehension(node.generators, "dict", node.key, node.value)

    def e_GeneratorExp(self, node: ast.GeneratorExp) -> Expr:
        # lazy, as in Python: sum(w * x for ...) interleaves with its consumer, so a
        # program that draws random numbers inside one draws them in Python's order. The
        # outer loop yields item by item; inner loops (rare) run whole per outer item.
        first_iter = self.expr(node.generators[0].iter)
        elt = self.expr(node.elt)
        iterate = self.m.iterate
        step = self._generators(node.generators, lambda s: s.ret.append(elt(s)))

        def run(scope: Scope) -> Any:
            iterable = iterate(first_iter(scope))  # evaluated now, as Python does
            inner = Scope({}, scope)
            results: list[Any] = []
            inner.ret = results

            def gen() -> Any:
                for x in iterable:
                    step(inner, (x,))
                    yield from results
                    results.clear()

            return gen()

        return run


def _hashed(into: Callable[[Any], Any], values: list[Any]) -> Any:
    try:
        if into is set:
            return set(values)
        for v in values:
            into(v)
        return None
    except TypeError:
        bad = next((v for v in values if type(v) in (list, dict, set)), None)
        raise ProgramError(f"{type_name(bad)} cannot be in a set or be a dict key") from None
