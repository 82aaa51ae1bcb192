"""What a name or an expression stands for while the reader reads: a number, a Value (a node
of the program) or a symbol. Explicit types, so no number can pass for a node or the other way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A Value: the node ``Program.nodes[index]`` (told apart from plain numbers by type)."""

    index: int


@dataclass(frozen=True, slots=True)
class Symbol:
    """A name that is neither a number nor a Value: the ``Value`` class or a module."""

    kind: Literal["value_class", "math", "module"]
    name: str

    def __str__(self) -> str:
        return f"module {self.name}" if self.kind == "module" else self.name


#: what an expression reads as: a number, a Value or a symbol (nothing else is reachable)
Term = float | NodeRef | Symbol

VALUE_CLASS = Symbol("value_class", "Value")
MATH = Symbol("math", "math")


def module_symbol(name: str) -> Symbol:
    return MATH if name == "math" else Symbol("module", name)
