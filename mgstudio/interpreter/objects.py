"""The interpreter's own objects: what a program's ``def``, ``class``, ``import`` make.

A program only ever holds these, plain data (numbers, strings, lists, tuples, dicts, sets,
ranges), engine ``Value``s and iterators over them. None of these classes exposes anything of
Python's: attribute access goes through ``attributes.py``, which knows each type's own table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: what a compiled statement returns: carry on, or leave the loop/function
NORMAL, BREAK, CONTINUE, RETURN = 0, 1, 2, 3


class Scope:
    """One namespace: the module's, a call's, a class body's or a comprehension's.
    ``parent``: where free names are looked up next (the enclosing function, or None at the
    module); ``fn``: the Function being run (``super()`` needs its class and ``self``)."""

    __slots__ = ("vars", "parent", "fn", "ret", "is_class")

    def __init__(
        self,
        vars: dict[str, Any],
        parent: Scope | None = None,
        fn: Function | None = None,
        is_class: bool = False,
    ):
        self.vars = vars
        self.parent = parent
        self.fn = fn
        self.ret: Any = None
        self.is_class = is_class


class Function:
    """A ``def`` or ``lambda``: how to bind arguments, and the compiled body."""

    __slots__ = (
        "name",
        "params",
        "defaults",
        "kwonly",
        "kwdefaults",
        "star",
        "starstar",
        "body",
        "closure",
        "owner",
        "line",
        "is_lambda",
    )

    def __init__(
        self,
        name: str,
        params: tuple[str, ...],
        defaults: tuple[Any, ...],
        body: Callable[[Scope], Any],
        closure: Scope | None,
        line: int,
        *,
        kwonly: tuple[str, ...] = (),
        kwdefaults: dict[str, Any] | None = None,
        star: str | None = None,
        starstar: str | None = None,
        is_lambda: bool = False,
    ):
        self.name = name
        self.params = params
        self.defaults = defaults
        self.kwonly = kwonly
        self.kwdefaults = kwdefaults or {}
        self.star = star
        self.starstar = starstar
        self.body = body
        self.closure = closure
        self.owner: Class | None = None  # the class whose body defined it (for super())
        self.line = line
        self.is_lambda = is_lambda


class Class:
    """A ``class``: its name, its one base (or None) and its attributes (methods mostly)."""

    __slots__ = ("name", "base", "attrs", "line")

    def __init__(self, name: str, base: Class | None, attrs: dict[str, Any], line: int):
        self.name = name
        self.base = base
        self.attrs = attrs
        self.line = line

    def lookup(self, name: str) -> Any:
        """The attribute from this class or the nearest base; raises KeyError."""
        cls: Class | None = self
        while cls is not None:
            if name in cls.attrs:
                return cls.attrs[name]
            cls = cls.base
        raise KeyError(name)

    def derives_from(self, name: str) -> bool:
        cls: Class | None = self
        while cls is not None:
            if cls.name == name:
                return True
            cls = cls.base
        return False

    def is_subclass(self, other: Class) -> bool:
        cls: Class | None = self
        while cls is not None:
            if cls is other:
                return True
            cls = cls.base
        return False


class Instance:
    """An object of a program's class: its class and its own attributes."""

    __slots__ = ("cls", "attrs", "calls", "__weakref__")

    def __init__(self, cls: Class):
        self.cls = cls
        self.attrs: dict[str, Any] = {}
        self.calls = 0  # how many times it was called (its groups are numbered by this)


class BoundMethod:
    __slots__ = ("fn", "obj")

    def __init__(self, fn: Function, obj: Any):
        self.fn = fn
        self.obj = obj


class Builtin:
    """A function the interpreter provides (``len``, ``math.exp``, ``list.append`` bound to a
    list ...): ``impl`` is ours, called with the program's values."""

    __slots__ = ("name", "impl", "pytype", "sig")

    def __init__(
        self,
        name: str,
        impl: Callable[..., Any],
        pytype: type | None = None,
        sig: tuple[Callable[..., Any], Any] | None = None,
    ):
        self.name = name
        self.impl = impl
        self.pytype = pytype  # for isinstance(x, int): the Python type this builtin names
        #: a method's (function, object): whose signature a wrong call is explained by
        self.sig = sig


class Module:
    """An importable module: a name and a namespace of builtins and values."""

    __slots__ = ("name", "names", "submodule")

    def __init__(
        self,
        name: str,
        names: dict[str, Any],
        submodule: Callable[[str], Any] | None = None,
    ):
        self.name = name
        self.names = names
        #: ``micrograd.engine`` read as an attribute of ``micrograd``: loads it (or None)
        self.submodule = submodule


class Super:
    """``super()`` inside a method: attributes from ``cls`` upwards, bound to ``obj``."""

    __slots__ = ("cls", "obj")

    def __init__(self, cls: Class | None, obj: Any):
        self.cls = cls
        self.obj = obj


class Unavailable:
    """A name imported from a module programs cannot use (graphviz, matplotlib, numpy):
    harmless until used, then an error that names the module."""

    __slots__ = ("name", "module")

    def __init__(self, name: str, module: str):
        self.name = name
        self.module = module


class CallGroup:
    """One call of an instance's ``__call__``: the Values made while it is the innermost
    call become a group of the document."""

    __slots__ = ("instance", "index", "parent", "result", "made")

    def __init__(self, instance: Instance, index: int, parent: CallGroup | None):
        self.instance = instance
        self.index = index  # 1 for the instance's first call, 2 for its second ...
        self.parent = parent
        self.result: Any = None
        self.made = False  # did it make any Value itself (else it is not worth a group)
