"""The PyPI ``micrograd`` package as the oracle of the interpreter's numbers.

The programs are test-owned (tests/fixtures/programs), so running them with ``exec`` here is
the oracle, never user data. The package's Value has no ``tanh``/``exp``: ``OracleValue``
adds them in micrograd's own style (a closure per node, the lecture's formulas) and keeps every
result of its operators an ``OracleValue``; the oracle's copy of a program reads
``from micrograd.engine import Value`` as that class. ``micrograd.nn`` stays the package's own.

``compare`` walks the interpreter's top-level names and the oracle's in parallel (instances'
attributes, lists, tuples, dicts) and checks every Value's data and grad to 1e-12 relative.
"""

from __future__ import annotations

import io
import math
import random
import re
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import micrograd.engine
import micrograd.nn

from mgstudio.engine import Value as EngineValue
from mgstudio.interpreter import Class, Function, Instance, Run

_VALUE_IMPORT = re.compile(r"^from micrograd\.engine import Value[ \t]*$", re.MULTILINE)


class OracleValue(micrograd.engine.Value):  # type: ignore[misc]
    """micrograd's Value plus the lecture's ``label``, ``tanh`` and ``exp``."""

    def __init__(self, data: Any, _children: Any = (), _op: str = "", label: str = "") -> None:
        super().__init__(data, _children, _op)
        self.label = label

    def __add__(self, other: Any) -> OracleValue:
        return _ours(super().__add__(other))

    def __mul__(self, other: Any) -> OracleValue:
        return _ours(super().__mul__(other))

    def __pow__(self, other: Any) -> OracleValue:
        return _ours(super().__pow__(other))

    def relu(self) -> OracleValue:
        return _ours(super().relu())

    def tanh(self) -> OracleValue:
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = OracleValue(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> OracleValue:
        out = OracleValue(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out


def _ours(v: Any) -> OracleValue:
    v.__class__ = OracleValue  # the package builds plain Values; same layout, so retyping is safe
    return v


def oracle(text: str) -> tuple[dict[str, Any], list[str]]:
    """The program's top-level namespace and printed lines, as CPython runs it with the PyPI
    package (and ``OracleValue`` for ``from micrograd.engine import Value``)."""
    return _run({"Value": OracleValue}, _VALUE_IMPORT.sub("", text))


def engine_oracle(text: str) -> tuple[dict[str, Any], list[str]]:
    """The same program run by CPython with mgstudio's engine ``Value`` as micrograd's, and the
    package's own ``nn.py`` over it: the interpreter does the same operations in the same
    order, so this oracle has no rounding of its own to forgive (unlike micrograd, whose
    ``_prev`` sets make its own sums' order, and so its last bits, change from run to run)."""
    engine = ModuleType("micrograd.engine")
    engine.Value = EngineValue  # type: ignore[attr-defined]
    nn = ModuleType("micrograd.nn")
    nn_source = Path(micrograd.nn.__file__).read_text()  # the package's code, not user data
    patched = {"micrograd.engine": engine, "micrograd.nn": nn}
    saved = {k: sys.modules.get(k) for k in patched}
    sys.modules.update(patched)
    try:
        exec(compile(nn_source, micrograd.nn.__file__, "exec"), nn.__dict__)  # noqa: S102
        return _run({}, text)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def _run(names: dict[str, Any], text: str) -> tuple[dict[str, Any], list[str]]:
    ns: dict[str, Any] = {"__name__": "__oracle__", **names}
    state = random.getstate()  # the program seeds the global generator; leave it as it was
    printed = io.StringIO()
    try:
        with redirect_stdout(printed):
            exec(compile(text, "<oracle>", "exec"), ns)  # noqa: S102
    finally:
        random.setstate(state)
    return ns, printed.getvalue().splitlines()


def same(x: float, y: float, rel: float = 1e-12) -> bool:
    return math.isclose(x, y, rel_tol=rel, abs_tol=rel)


def error(x: float, y: float) -> float:
    """How far apart, relative (absolute below 1): what ``same`` bounds."""
    return 0.0 if x == y else abs(x - y) / max(abs(x), abs(y), 1.0)


_PLAIN = (int, float, str, bool, type(None))


def is_data(v: object) -> bool:
    """A name worth comparing: a value, not a module, class or function."""
    return not isinstance(v, (ModuleType, type, FunctionType, Class, Function)) and not callable(
        getattr(v, "__func__", None)
    )


def _is_oracle_value(v: object) -> bool:
    # the package's Value, or a program's own ``class Value`` (run as written by the oracle)
    return isinstance(v, micrograd.engine.Value) or (
        type(v).__name__ == "Value" and hasattr(v, "data") and hasattr(v, "grad")
    )


@dataclass
class Walk:
    rel: float = 1e-12
    values: int = 0  # Values compared
    worst: float = 0.0  # the largest difference met, relative (absolute below 1)
    seen: set[int] = field(default_factory=set)

    def close(self, ours: float, theirs: float, where: str) -> None:
        self.worst = max(self.worst, error(ours, theirs))
        assert same(ours, theirs, self.rel), f"{where}: {ours!r} != {theirs!r}"

    def compare(self, ours: object, theirs: object, where: str) -> None:
        if id(theirs) in self.seen:
            return
        self.seen.add(id(theirs))
        if _is_oracle_value(theirs):
            assert type(ours) is EngineValue, f"{where}: {ours!r} is no Value"
            self.close(ours.data, theirs.data, f"{where}.data")
            self.close(ours.grad, theirs.grad, f"{where}.grad")
            self.values += 1
        elif isinstance(theirs, (list, tuple)):
            assert type(ours) is type(theirs), f"{where}: {type(ours).__name__}"
            assert len(ours) == len(theirs), f"{where}: {len(ours)} != {len(theirs)} items"  # type: ignore[arg-type]
            for i, (a, b) in enumerate(zip(ours, theirs)):  # type: ignore[call-overload]
                self.compare(a, b, f"{where}[{i}]")
        elif isinstance(theirs, dict):
            assert isinstance(ours, dict) and ours.keys() == theirs.keys(), where
            for k in theirs:
                self.compare(ours[k], theirs[k], f"{where}[{k!r}]")
        elif isinstance(theirs, _PLAIN):
            assert type(ours) is type(theirs), f"{where}: {ours!r} vs {theirs!r}"
            if isinstance(theirs, float):
                self.close(ours, theirs, where)  # type: ignore[arg-type]
            else:
                assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"
        elif hasattr(theirs, "__dict__") and is_data(theirs):
            assert isinstance(ours, Instance), f"{where}: {ours!r} is no instance"
            assert ours.cls.name == type(theirs).__name__, where
            attrs = vars(theirs)
            assert ours.attrs.keys() == attrs.keys(), (
                f"{where}: {sorted(ours.attrs)} != {sorted(attrs)}"
            )
            for k, v in attrs.items():
                self.compare(ours.attrs[k], v, f"{where}.{k}")


def compare_runs(run: Run, theirs: dict[str, Any], rel: float = 1e-12) -> Walk:
    """Every top-level name of both runs compared (the walk says how many Values were)."""
    mine = {k for k, v in run.globals.items() if is_data(v)}
    names = {k for k, v in theirs.items() if not k.startswith("__") and is_data(v)}
    assert mine == names, f"names differ: only ours {mine - names}, only theirs {names - mine}"
    walk = Walk(rel)
    for name in sorted(names):
        walk.compare(run.globals[name], theirs[name], name)
    return walk


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def same_lines(ours: list[str], theirs: list[str], rel: float = 1e-12) -> None:
    """Printed lines equal, their numbers to 1e-12 (a repr's last digit may differ, and
    micrograd's backward leaves the output's grad the int 1 where mgstudio's is 1.0)."""
    assert len(ours) == len(theirs), (ours, theirs)
    for a, b in zip(ours, theirs):
        assert _NUMBER.split(a) == _NUMBER.split(b), (a, b)
        for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
            assert same(float(x), float(y), rel), (a, b)
