"""The state of one run, and how anything a program calls is called.

``Machine`` owns the budget, the log, the program's own ``random``, and the record of which
Values were made where: every Value made inside an instance's ``__call__`` is noted with that
call (the document makes groups of them), and every leaf made by ``Value(...)`` is noted as
the program's own (the document makes it an input; numbers an op wrapped become constants).
The records hold weak references, so a training loop's dropped graphs are still freed.
"""

from __future__ import annotations

import random
import re
import weakref
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from mgstudio.engine import Value

from .errors import LimitReached, ProgramError, as_program_error, python_words
from .limits import Budget, Limits
from .objects import (
    RETURN,
    BoundMethod,
    Builtin,
    CallGroup,
    Class,
    Function,
    Instance,
    Scope,
    Unavailable,
)
from .show import type_name

_ref = weakref.ref
_SIZED = (list, tuple, str, dict, set, range)
_NOT_ITERABLE = (Value, Instance, Class, Function, BoundMethod, Builtin, Unavailable)


class Machine:
    def __init__(self, limits: Limits, budget: Budget):
        self.limits = limits
        self.budget = budget
        self.log: list[str] = []
        self.log_size = 0  # characters printed and kept
        self.log_cut = False  # the log is full: its last line says so
        self.log_open = False  # the last print's end was not a newline: the next continues it
        self.notes: list[str] = []
        self.random = random.Random()
        self.group: CallGroup | None = None  # the innermost running __call__
        self.groups: list[CallGroup] = []
        #: id(value) -> (weak ref, the call that made it): only Values made inside a call
        self.origin: dict[int, tuple[weakref.ref[Value], CallGroup]] = {}
        #: id(value) -> weak ref: leaves made by ``Value(...)`` (the program's inputs)
        self.leaves: dict[int, weakref.ref[Value]] = {}
        self._prune_at = 4096
        self.line = 0  # the statement running (for errors raised outside one)
        #: top-level name (or shown expression) -> (Value, line, is an expression statement)
        self.candidates: dict[str, tuple[Value, int, bool]] = {}
        self.first_names: dict[int, tuple[weakref.ref[Value], str]] = {}
        self.type_name = type_name
        #: an expression's names and their numbers: a name defined nowhere becomes a leaf
        #: (``free_leaf``) instead of an error; None for a program
        self.free_names: Mapping[str, float] | None = None
        self.backward_of: Value | None = None  # the last Value whose backward() ran

    def candidate(self, name: str, v: Value, line: int, expression: bool = False) -> None:
        if not expression and id(v) not in self.first_names:
            # a Value is named after the variable it was first assigned to, even when the
            # name is later reused (a = Value(1); b = a * 2; a = Value(5): two a's)
            self.first_names[id(v)] = (_ref(v), name)
        cands = self.candidates
        if expression and name in cands and cands[name][0] is v:
            return  # `b` on a line of its own shows the variable b: nothing new
        cands.pop(name, None)  # the last assigned comes last
        cands[name] = (v, line, expression)

    # --- iteration ----------------------------------------------------------------------------
    def iterate(self, x: Any) -> Any:
        """``iter(x)`` for a program's value (only its containers and iterators iterate)."""
        if type(x) in _NOT_ITERABLE:
            raise ProgramError(f"{type_name(x)} cannot be looped over")
        try:
            return iter(x)
        except TypeError:
            raise ProgramError(f"{type_name(x)} cannot be looped over") from None

    def materialize(self, x: Any) -> list[Any]:
        """The items of ``x`` as a list, within the item budget; an iterator is read item by
        item, each a step (``list(range(10**12))`` stops at a budget, not at memory's end)."""
        b = self.budget
        if type(x) in _SIZED:
            try:
                n = len(x)
            except OverflowError:
                n = self.limits.items + 1
            b.items(n)
            b.steps += n // 8
            copy = list(x)
            b.spend(56 + 8 * n)
            return copy
        out: list[Any] = []
        limit = self.limits.items
        for item in self.iterate(x):
            b.steps += 1
            if b.steps >= b.next_look:
                b.look()
            out.append(item)
            if len(out) > limit:
                b.items(len(out))
        b.spend(56 + 8 * len(out))
        return out

    def key_function(self, key: Any) -> Callable[[Any], Any]:
        return lambda x: self.call(key, (x,))

    # --- records ------------------------------------------------------------------------------
    def made(self, v: Value) -> Value:
        """Note a Value an operation made (count it; remember its call)."""
        b = self.budget
        b.nodes += 1
        g = self.group
        if g is not None:
            g.made = True
            origin = self.origin
            origin[id(v)] = (_ref(v), g)
            if len(origin) > self._prune_at:
                self._prune()
        return v

    def free_leaf(self, scope: Scope, name: str) -> Value:
        """The input leaf an expression's free ``name`` stands for, made on first use and
        kept in the module's scope (``x*x`` is one leaf used twice)."""
        numbers = self.free_names or {}
        data = numbers.get(name, 0.0)
        if type(data) not in (int, float):
            raise ProgramError(f"the value of {name!r} must be a number")
        v = self.made_leaf(Value(float(data), label=name))
        while scope.parent is not None:
            scope = scope.parent
        scope.vars[name] = v
        return v

    def made_leaf(self, v: Value) -> Value:
        self.leaves[id(v)] = _ref(v)
        if len(self.leaves) > self._prune_at:
            self._prune()
        return self.made(v)

    def _prune(self) -> None:
        # dead entries go; the threshold doubles past what is alive (amortised O(1))
        self.origin = {k: e for k, e in self.origin.items() if e[0]() is not None}
        self.leaves = {k: r for k, r in self.leaves.items() if r() is not None}
        self._prune_at = max(4096, 2 * max(len(self.origin), len(self.leaves)))

    def group_of(self, v: Value) -> CallGroup | None:
        e = self.origin.get(id(v))
        return e[1] if e is not None and e[0]() is v else None

    def is_program_leaf(self, v: Value) -> bool:
        r = self.leaves.get(id(v))
        return r is not None and r() is v

    # --- calls --------------------------------------------------------------------------------
    def call(self, f: Any, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None) -> Any:
        t = type(f)
        if t is Function:
            return self.invoke(f, args, kwargs)
        if t is BoundMethod:
            return self.invoke(f.fn, (f.obj, *args), kwargs)
        if t is Builtin:
            try:
                return f.impl(*args, **kwargs) if kwargs else f.impl(*args)
            except TypeError as exc:
                raise argument_error(f, args, kwargs or {}, exc) from None
        if t is Class:
            return self.instantiate(f, args, kwargs)
        if t is Instance:
            return self.call_instance(f, args, kwargs)
        if f is Value:
            return self.new_value(*args, **(kwargs or {}))
        if t is Unavailable:
            raise ProgramError(unavailable_message(f))
        raise ProgramError(f"{type_name(f)} cannot be called")

    def invoke(self, fn: Function, args: tuple[Any, ...], kwargs: dict[str, Any] | None) -> Any:
        b = self.budget
        b.depth += 1
        b.steps += 1
        try:
            if b.depth > self.limits.depth:
                raise LimitReached(
                    f"calls nested more than {self.limits.depth} deep (a function that calls "
                    "itself without end?)"
                )
            if b.steps >= b.next_look:
                b.look()
            params = fn.params
            if not kwargs and len(args) == len(params) and fn.star is None and not fn.kwonly:
                bound = dict(zip(params, args))
                if fn.starstar is not None:
                    bound[fn.starstar] = {}
            else:
                bound = bind(fn, args, kwargs or {})
            scope = Scope(bound, fn.closure, fn)
            if fn.is_lambda:
                try:
                    return fn.body(scope)
                except Exception as exc:  # a lambda has no statement to name its line
                    raise as_program_error(exc, fn.line) from None
            if fn.body(scope) == RETURN:
                return scope.ret
            return None
        finally:
            b.depth -= 1

    def instantiate(self, cls: Class, args: tuple[Any, ...], kwargs: dict[str, Any] | None) -> Any:
        obj = Instance(cls)
        try:
            init = cls.lookup("__init__")
        except KeyError:
            if args or kwargs:
                raise ProgramError(
                    f"{cls.name}() takes no arguments (it has no __init__)"
                ) from None
            return obj
        if self.invoke(init, (obj, *args), kwargs) is not None:
            raise ProgramError(f"{cls.name}.__init__ should not return a value")
        return obj

    def call_instance(self, obj: Instance, args: tuple[Any, ...], kwargs: Any) -> Any:
        try:
            method = obj.cls.lookup("__call__")
        except KeyError:
            raise ProgramError(
                f"a {obj.cls.name} object cannot be called (it has no __call__)"
            ) from None
        obj.calls += 1
        outer = self.group
        g = CallGroup(obj, obj.calls, outer)
        self.group = g
        try:
            result = self.invoke(method, (obj, *args), kwargs)
        finally:
            self.group = outer
        if g.made:
            g.result = result
            self.groups.append(g)
            if outer is not None:
                outer.made = True  # its child made Values: the outer call is a group too
        return result

    def new_value(self, data: Any = None, *rest: Any, label: Any = "", **kw: Any) -> Value:
        """``Value(data, label=...)``: a leaf of the program's own."""
        if rest or kw:
            extra = ", ".join(kw) if kw else "children"
            raise ProgramError(
                f"Value() takes a number and a label; {extra} would build a node by hand "
                "(write the operation instead, e.g. a + b)"
            )
        if type(data) not in (int, float, bool):
            if isinstance(data, Value):
                raise ProgramError("Value(data) needs a number; this is already a Value")
            raise ProgramError(f"Value(data) needs a number, not {type_name(data)}")
        if type(label) is not str:
            raise ProgramError(f"a Value's label must be a string, not {type_name(label)}")
        return self.made_leaf(Value(data, label=label))

    def say(self, text: str) -> None:
        """One ``print``'s output, its ``end`` included (``end=""`` leaves the line open for
        the next print, as a terminal shows it). The log is capped in lines and characters,
        and one print in a tenth of the characters; what is cut ends in a line that says so."""
        if self.log_cut:
            return
        closed = text.endswith("\n")
        if closed:
            text = text[:-1]
        lim = self.limits
        one = lim.log_chars // 10
        if len(text) > one:
            text = text[:one] + f"… (one print of more than {one:,} characters, cut there)"
        cut = False
        room = lim.log_chars - self.log_size
        if len(text) > room:
            text, cut = text[: max(room, 0)], True
        lines = text.split("\n")
        log = self.log
        if self.log_open and log:
            log[-1] += lines.pop(0)
        if len(lines) > lim.log_lines - len(log):
            lines, cut = lines[: max(lim.log_lines - len(log), 0)], True
        log.extend(lines)
        self.log_open = not closed
        self.log_size += len(text)
        if cut:
            self.log_cut = True
            log.append(
                f"… output cut: the program printed more than {lim.log_lines:,} lines or "
                f"{lim.log_chars:,} characters; the rest is not shown"
            )


def unavailable_message(u: Unavailable) -> str:
    if u.module == "numpy":
        return (
            f"`{u.name}` comes from numpy, which mgstudio programs cannot use; "
            "write the data as lists of numbers instead"
        )
    return (
        f"`{u.name}` comes from {u.module}, which mgstudio programs cannot use "
        "(mgstudio draws graphs and plots itself)"
    )


def bind(fn: Function, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Python's argument binding for positional, default, keyword, *args and **kwargs."""
    params = fn.params
    n = len(params)
    bound: dict[str, Any] = {}
    name = "the lambda" if fn.is_lambda else f"{fn.name}()"
    if len(args) > n:
        if fn.star is None:
            raise ProgramError(
                f"{name} takes {_count(n, 'positional argument')} but {len(args)} were given"
            )
        bound[fn.star] = tuple(args[n:])
        args = args[:n]
    elif fn.star is not None:
        bound[fn.star] = ()
    for p, a in zip(params, args):
        bound[p] = a
    extra: dict[str, Any] = {}
    for k, v in kwargs.items():
        if k in bound:
            raise ProgramError(f"{name} got several values for argument {k!r}")
        if k in params or k in fn.kwonly:
            bound[k] = v
        elif fn.starstar is not None:
            extra[k] = v
        else:
            raise ProgramError(f"{name} got an unexpected keyword argument {k!r}")
    first_default = n - len(fn.defaults)
    missing = []
    for i, p in enumerate(params):
        if p not in bound:
            if i >= first_default:
                bound[p] = fn.defaults[i - first_default]
            else:
                missing.append(p)
    for p in fn.kwonly:
        if p not in bound:
            if p in fn.kwdefaults:
                bound[p] = fn.kwdefaults[p]
            else:
                missing.append(p)
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise ProgramError(f"{name} is missing {_count(len(missing), 'argument')}: {names}")
    if fn.starstar is not None:
        bound[fn.starstar] = extra
    return bound


def argument_error(
    f: Builtin, args: tuple[Any, ...], kwargs: dict[str, Any], exc: TypeError
) -> ProgramError:
    """A builtin called with the wrong arguments, in its Python name (``len``, never our
    function's); any other TypeError from inside it, in words without our names."""
    import inspect

    name = f.name
    try:
        target = partial(f.sig[0], f.sig[1]) if f.sig is not None else f.impl
        inspect.signature(target).bind(*args, **kwargs)
    except TypeError as bad:
        return ProgramError(f"`{name}()` {_argument_words(str(bad))}")
    except ValueError:  # no signature to read (a C function): Python's words, our name
        pass
    text = python_words(exc)
    return ProgramError(_QUALNAME.sub(f"`{name}()`", text, count=1))


def _argument_words(text: str) -> str:
    return {
        "too many positional arguments": "was given too many arguments",
    }.get(text, text.replace("a required argument", "an argument"))


_QUALNAME = re.compile(r"^[\w.<>]+\(\)")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


Caller = Callable[[Any, tuple[Any, ...], dict[str, Any] | None], Any]
