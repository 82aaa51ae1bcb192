"""What ``import`` can reach: math, random, micrograd's engine and nn, nothing else.

``random`` is the run's own ``random.Random`` (Python's generator, so ``random.seed(1337)``
draws micrograd's weights). Modules that only draw or load data in a notebook (graphviz,
matplotlib, numpy, ...) are skipped with a note; a name from them stops the program when it is
used, naming the module. Anything else is refused at its ``import`` line before the program
runs.
"""

from __future__ import annotations

import ast
import math
from functools import lru_cache
from typing import Any

from mgstudio.engine import Value

from .errors import ProgramError
from .objects import Builtin, Module, Scope, Unavailable

ALLOWED = ("math", "random", "micrograd", "micrograd.engine", "micrograd.nn")
_ALIASES = {"mgstudio": "micrograd", "mgstudio.engine": "micrograd.engine"}
#: notebook companions: skipped, their names unusable
SKIPPED = ("graphviz", "matplotlib", "IPython", "numpy", "sklearn", "torch", "tqdm", "pandas")
_MATH_FUNCTIONS = (
    "sqrt exp log log2 log10 log1p expm1 sin cos tan asin acos atan atan2 sinh cosh tanh "
    "asinh acosh atanh floor ceil trunc fabs copysign hypot pow isfinite isinf isnan isclose "
    "degrees radians fmod"
).split()
_MATH_CONSTANTS = ("pi", "e", "tau", "inf", "nan")
_NUMBERS = (int, float, bool)


def _root(full: str) -> str:
    return full.split(".")[0]


def check_module(full: str, line: int) -> None:
    """Refuse a module no program may import (``safety.py`` asks, before anything runs)."""
    full = _ALIASES.get(full, full)
    if full in ALLOWED or _root(full) in SKIPPED:
        return
    raise ProgramError(
        f"`{full}` is not available in mgstudio programs (a program can import "
        "math, random, micrograd.engine and micrograd.nn)",
        line,
    )


class Modules:
    def __init__(self, machine: Any, compile_prelude: Any):
        self.m = machine
        self.compile_prelude = compile_prelude
        self.loaded: dict[str, Any] = {}

    def check(self, full: str, line: int) -> None:
        check_module(full, line)

    def load(self, full: str, line: int) -> Any:
        full = _ALIASES.get(full, full)
        if _root(full) in SKIPPED:
            self.m.notes.append(f"line {line}: import {full} skipped (not used by mgstudio)")
            return Unavailable(full.split(".")[-1], _root(full))
        if full not in self.loaded:
            self.loaded[full] = self._make(full)
        return self.loaded[full]

    def take(self, full: str, name: str, line: int) -> Any:
        """``from full import name``."""
        full = _ALIASES.get(full, full)
        if _root(full) in SKIPPED:
            self.m.notes.append(f"line {line}: from {full} import {name} skipped (not used)")
            return Unavailable(name, _root(full))
        if name == "*":
            raise ProgramError("`import *` is not available; name what you import")
        module = self.load(full, line)
        if name in module.names:
            return module.names[name]
        sub = f"{full}.{name}"
        if sub in ALLOWED:
            return self.load(sub, line)
        raise ProgramError(f"{full} has no {name!r} that mgstudio programs can use")

    def _submodule(self, name: str) -> Any:
        full = f"micrograd.{name}"
        return self.load(full, self.m.line) if full in ALLOWED else None

    def _make(self, full: str) -> Module:
        if full == "math":
            names: dict[str, Any] = {n: getattr(math, n) for n in _MATH_CONSTANTS}
            names.update(
                {n: Builtin(f"math.{n}", _numeric(n, getattr(math, n))) for n in _MATH_FUNCTIONS}
            )
            return Module("math", names)
        if full == "random":
            return Module("random", _random_names(self.m))
        if full == "micrograd.engine":
            return Module(full, {"Value": Value})
        if full == "micrograd":
            # `import micrograd` then micrograd.engine.Value: a submodule read as an attribute
            return Module(full, {}, self._submodule)
        # micrograd.nn: its classes, interpreted from nn_source
        scope = Scope({"__name__": "micrograd.nn"})
        self.compile_prelude()(scope)
        names = {k: v for k, v in scope.vars.items() if k in ("Module", "Neuron", "Layer", "MLP")}
        return Module(full, names)


def _numeric(name: str, fn: Any) -> Any:
    def run(*args: Any) -> Any:
        for a in args:
            if type(a) is Value:
                raise ProgramError(
                    f"math.{name}() takes numbers; for a Value use its method (v.tanh(), "
                    "v.exp()) or its number v.data"
                )
            if type(a) not in _NUMBERS:
                raise ProgramError(f"math.{name}() takes numbers")
        try:
            return fn(*args)
        except ValueError:
            shown = ", ".join(repr(a) for a in args)
            raise ProgramError(f"math.{name}({shown}) is outside the function's domain") from None

    return run


def _random_names(m: Any) -> dict[str, Any]:
    r = m.random

    def numbers(name: str, fn: Any) -> Builtin:
        def run(*args: Any) -> Any:
            if not all(type(a) in _NUMBERS for a in args):
                raise ProgramError(f"random.{name}() takes numbers")
            return fn(*args)

        return Builtin(f"random.{name}", run)

    def seed(a: Any = None) -> None:
        if a is not None and type(a) not in (int, float, str, bool):
            raise ProgramError("random.seed() takes a number or a string")
        r.seed(a)

    def choice(seq: Any) -> Any:
        if type(seq) not in (list, tuple, str, range):
            raise ProgramError("random.choice() needs a list, tuple, string or range")
        return r.choice(seq)

    def shuffle(seq: Any) -> None:
        if type(seq) is not list:
            raise ProgramError("random.shuffle() shuffles a list")
        m.budget.steps += len(seq)  # a shuffle costs a step an item: the clock is looked at
        r.shuffle(seq)

    def sample(population: Any, k: Any) -> list[Any]:
        items = m.materialize(population)
        if type(k) is not int:
            raise ProgramError("random.sample()'s k must be an int")
        picked: list[Any] = r.sample(items, k)
        return picked

    return {
        "seed": Builtin("random.seed", seed),
        "random": numbers("random", r.random),
        "uniform": numbers("uniform", r.uniform),
        "gauss": numbers("gauss", r.gauss),
        "normalvariate": numbers("normalvariate", r.normalvariate),
        "randint": numbers("randint", r.randint),
        "randrange": numbers("randrange", r.randrange),
        "choice": Builtin("random.choice", choice),
        "shuffle": Builtin("random.shuffle", shuffle),
        "sample": Builtin("random.sample", sample),
    }


@lru_cache(maxsize=1)
def prelude_tree() -> ast.Module:
    """micrograd.nn's code, parsed once, every line numbered 0 (errors inside it are
    reported at the program's line that called into it)."""
    from .nn_source import SOURCE

    tree = ast.parse(SOURCE)
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            node.lineno = 0
    return tree
