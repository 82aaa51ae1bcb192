"""``obj.name`` and ``obj.name = x``: each type's own table, nothing else.

Attribute names are fixed in the code, so the ones starting with ``_`` are refused before the
program runs (``safety.py``); here every type answers only for the names it lists, which is
why no Python internals (``__class__``, ``gi_frame``, ``__globals__`` ...) can be reached: a
list knows ``append``, a Value its data, grad, label, operands and methods, an instance its
own attributes and its class's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mgstudio.engine import Value
from mgstudio.engine.registry import Op, subscribe

from .errors import ProgramError
from .objects import BoundMethod, Builtin, Class, Function, Instance, Module, Super, Unavailable
from .show import type_name

#: Value methods that make a node: the registry's one-operand functions (tanh, exp, relu ...),
#: kept up to date with ops registered later (a learner's own op reaches programs too)
VALUE_METHODS: set[str] = set()


def _follow_registry(name: str, op: Op | None) -> None:
    if op is not None and op.method:
        VALUE_METHODS.add(op.method)
    else:  # removed (a function's method is named as its op)
        VALUE_METHODS.discard(name)


subscribe(_follow_registry)
_NUMBER = (int, float, bool)


class Attributes:
    """Attribute access for one run (``machine`` runs the methods of a program's classes)."""

    def __init__(self, machine: Any):
        self.m = machine
        self.tables: dict[type, dict[str, Callable[[Any], Any]]] = _native_tables(machine)

    def get(self, obj: Any, name: str) -> Any:
        t = type(obj)
        if t is Instance:
            attrs = obj.attrs
            if name in attrs:
                return attrs[name]
            try:
                found = obj.cls.lookup(name)
            except KeyError:
                raise ProgramError(f"{type_name(obj)} has no attribute {name!r}") from None
            return BoundMethod(found, obj) if type(found) is Function else found
        if t is Value:
            return self._value(obj, name)
        if t is Module:
            try:
                return obj.names[name]
            except KeyError:
                found = obj.submodule(name) if obj.submodule is not None else None
                if found is not None:
                    return found
                raise ProgramError(
                    f"the module {obj.name} has no {name!r} that mgstudio programs can use"
                ) from None
        if t is Class:
            try:
                return obj.lookup(name)
            except KeyError:
                raise ProgramError(f"the class {obj.name} has no attribute {name!r}") from None
        if t is Super:
            found = None if obj.cls is None else _lookup(obj.cls, name)
            if found is None:
                if name == "__init__":  # object.__init__: nothing to do
                    return Builtin("__init__", lambda *a, **k: None)
                raise ProgramError(f"super() has no attribute {name!r}")
            return BoundMethod(found, obj.obj) if type(found) is Function else found
        if t is Unavailable:
            from .machine import unavailable_message

            raise ProgramError(unavailable_message(obj))
        table = self.tables.get(t)
        if table is not None and name in table:
            return table[name](obj)
        raise ProgramError(f"{type_name(obj)} has no attribute {name!r}")

    def set(self, obj: Any, name: str, value: Any) -> None:
        t = type(obj)
        if t is Instance:
            obj.attrs[name] = value
        elif t is Value:
            if name in ("data", "grad"):
                if type(value) not in _NUMBER:
                    raise ProgramError(
                        f"a Value's {name} must be a number, not {type_name(value)}"
                        + (
                            " (write w.data for another Value's number)"
                            if type(value) is Value
                            else ""
                        )
                    )
                setattr(obj, name, float(value))
            elif name == "label":
                if type(value) is not str:
                    raise ProgramError(f"a Value's label must be a string, not {type_name(value)}")
                obj.label = value
            else:
                raise ProgramError(f"a Value's {name!r} cannot be set (data, grad and label can)")
        elif t is Class:
            obj.attrs[name] = value
        else:
            raise ProgramError(f"attributes of {type_name(obj)} cannot be set")

    def _value(self, v: Value, name: str) -> Any:
        if name == "data":
            return v.data
        if name == "grad":
            return v.grad
        if name == "label":
            return v.label
        if name == "_prev":
            return set(v._prev)  # micrograd's _prev is a set
        if name == "_op":
            return v._op
        m = self.m
        if name in VALUE_METHODS:
            method = getattr(Value, name)

            def op(*args: Any) -> Value:
                if args:
                    raise ProgramError(f"{name}() takes no arguments")
                made: Value = m.made(method(v))
                return made

            return Builtin(name, op)
        if name == "backward":

            def backward(*args: Any) -> None:
                if args:
                    raise ProgramError("backward() takes no arguments")
                v.backward()
                m.backward_of = v  # a snippet's output is the Value it ran backward on
                m.budget.next_look = 0  # a backward can be long: look at the clock next step

            return Builtin("backward", backward)
        raise ProgramError(f"a Value has no attribute {name!r}")


def _lookup(cls: Class, name: str) -> Any:
    try:
        return cls.lookup(name)
    except KeyError:
        return None


def _native_tables(m: Any) -> dict[type, dict[str, Callable[[Any], Any]]]:
    from .native_methods import tables

    return tables(m)
