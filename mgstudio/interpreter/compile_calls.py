"""Calls -> closures: ``f(args)``, ``obj.method(args)`` (a program's method invoked without
a bound-method object: the hot path of ``n(x)``), ``*args``/``**kwargs`` and ``super()``."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .errors import ProgramError
from .objects import Class, Function, Instance, Scope, Super
from .show import type_name

Expr = Callable[[Scope], Any]


class CallCompiler:
    """A mixin of :class:`~.compile_expr.ExpressionCompiler` (which gives ``expr``,
    ``_elements``, ``m`` and ``attrs``)."""

    m: Any
    attrs: Any
    expr: Callable[[ast.expr], Expr]
    _elements: Callable[[list[ast.expr]], Callable[[Scope], list[Any]]]

    # --- calls ------------------------------------------------------------------------------
    def e_Call(self, node: ast.Call) -> Expr:
        m = self.m
        call = m.call
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "super"
            and not node.args
            and not node.keywords
        ):
            return self._super()
        args = self._elements(node.args)
        keywords = self._keywords(node.keywords)
        simple = not any(isinstance(a, ast.Starred) for a in node.args) and not node.keywords
        if isinstance(node.func, ast.Attribute):
            # obj.method(...): a program's method is invoked without a bound-method object
            obj = self.expr(node.func.value)
            name = node.func.attr
            get = self.attrs.get
            invoke = m.invoke
            argfns = [self.expr(a) for a in node.args] if simple else []

            def method_call(scope: Scope) -> Any:
                o = obj(scope)
                if type(o) is Instance and name not in o.attrs:
                    try:
                        fn = o.cls.lookup(name)
                    except KeyError:
                        fn = None
                    if type(fn) is Function:
                        if simple:
                            return invoke(fn, (o, *[a(scope) for a in argfns]), None)
                        return invoke(fn, (o, *args(scope)), keywords(scope))
                f = get(o, name)
                if simple:
                    return call(f, tuple([a(scope) for a in argfns]), None)
                return call(f, tuple(args(scope)), keywords(scope))

            return method_call
        func = self.expr(node.func)
        if simple:
            argfns = [self.expr(a) for a in node.args]
            if len(argfns) == 1:
                a0 = argfns[0]
                return lambda scope: call(func(scope), (a0(scope),), None)
            return lambda scope: call(func(scope), tuple([a(scope) for a in argfns]), None)
        return lambda scope: call(func(scope), tuple(args(scope)), keywords(scope))

    def _keywords(self, keywords: list[ast.keyword]) -> Callable[[Scope], dict[str, Any]]:
        parts = [(k.arg, self.expr(k.value)) for k in keywords]

        def build(scope: Scope) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, fn in parts:
                v = fn(scope)
                if name is not None:
                    out[name] = v
                    continue
                if type(v) is not dict or not all(type(k) is str for k in v):
                    raise ProgramError(f"** needs a dict of names, not {type_name(v)}")
                for k in v:
                    if k.startswith("_"):
                        raise ProgramError(f"the keyword {k!r} is not available")
                out.update(v)
            return out

        return build

    def _super(self) -> Expr:
        def make(scope: Scope) -> Super:
            s: Scope | None = scope
            while s is not None and s.fn is None:
                s = s.parent
            fn = s.fn if s is not None else None
            if fn is None or fn.owner is None or not fn.params or s is None:
                raise ProgramError("super() works inside a method of a class")
            owner: Class = fn.owner
            return Super(owner.base, s.vars.get(fn.params[0]))

        return make
