"""The op registry's machinery: the ``Op`` row, ``OPS`` and who listens to it.

The rows themselves are in ``ops.py`` (one block per op). Every other part of mgstudio reads
them from here: ``Value`` (its methods and fast paths), the ``Tape`` (numpy rules), the
step-through view (local derivatives, their text, the hints), the code importer and exporter
(``FUNCTIONS``), the torch-module exporter (``torch``), the palette's node kinds and
``nn``'s activations. Listeners
(``subscribe``) hear of ops registered later too: a test's throwaway op or a learner's own.
"""

from __future__ import annotations

import ast
import copy
import keyword
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import InitVar, dataclass, field
from typing import Any, Protocol, overload

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Node(Protocol):
    """What an op's rules read of a node: a ``Value`` (this module cannot import it, since
    value.py imports this one). ``_a``/``_b`` are the operands in order, ``_param`` the
    constant parameter (the exponent of ``x**2``)."""

    data: float
    grad: float

    @property
    def _a(self) -> Any: ...

    @property
    def _b(self) -> Any: ...

    @property
    def _param(self) -> float: ...


#: numpy forward: ``(A, B, K, out)`` -> writes ``op(A, B)`` into ``out`` (``B`` is None for one
#: operand, ``K`` the column of constant parameters or None)
NpForward = Callable[[Array, Any, Any, Array], object]
#: numpy local derivatives: ``(A, B, D, K)`` -> one array (or a float) per operand; ``D`` is the
#: op's own output, which tanh, exp and sigmoid express their derivative with
NpLocal = Callable[[Array, Any, Array, Any], tuple[Any, ...]]


# --- the row -------------------------------------------------------------------------------------
@dataclass(eq=False)
class Op:
    """One operation: its maths (scalar and numpy, forward and local derivative) and how the app
    presents it. See the module docstring for what reads which field."""

    name: str
    symbol: str  # ``Value._op`` of its nodes, as micrograd prints it
    arity: int
    fn: Callable[..., float]  # floats -> float: ``fn(a)``, ``fn(a, b)`` or ``fn(a, param)``
    local: Callable[[Node], tuple[float, ...]]
    np_forward: NpForward
    np_local: NpLocal
    derivative: tuple[str, ...]  # the local derivative's text, one per operand
    hint: str  # what the node does with the grad it receives, in a sentence
    #: a hand-inlined form of ``local`` for hot ops (becomes ``backward``; else a generic one)
    fast_backward: InitVar[Callable[[Node], None] | None] = None
    uses_param: bool = False  # ``fn(a, node._param)`` (the exponent of ``x**2``)
    method: str | None = None  # one-input functions: the ``Value`` method (``x.tanh()``)
    activation: bool = False  # a neuron may apply it (``MLP(..., activation=name)``)
    in_micrograd: bool = False  # PyPI micrograd has it too
    title: str = ""  # the palette's name of its node kind (functions only)
    glyph: str = ""  # what its node shows (functions only; default: the symbol)
    doc: str = ""  # the palette's tooltip (functions only)
    #: the op over PyTorch tensors, a template of its operands ``{a}``/``{b}`` and constant
    #: ``{k}`` (``"torch.tanh({a})"``, ``"{a} ** {k}"``): the torch-module export writes it;
    #: empty means PyTorch has no such op and that export refuses a graph using it
    torch: str = ""

    #: ``node.grad`` into the operands' grads; ``forward(node)``: the node's data from theirs
    backward: Callable[[Node], None] = field(init=False, repr=False)
    forward: Callable[[Node], float] = field(init=False, repr=False)

    def __post_init__(self, fast_backward: Callable[[Node], None] | None) -> None:
        self.backward = fast_backward or self._generic_backward
        self.forward = self._make_forward()

    def _make_forward(self) -> Callable[[Node], float]:
        fn = self.fn
        if self.uses_param:
            return lambda n: fn(n._a.data, n._param)
        if self.arity == 2:
            return lambda n: fn(n._a.data, n._b.data)
        return lambda n: fn(n._a.data)

    def _generic_backward(self, node: Node) -> None:
        g = node.grad
        local = self.local(node)
        node._a.grad += local[0] * g
        if self.arity == 2:
            node._b.grad += local[1] * g

    def with_backward(self, backward: Callable[[Node], None]) -> Op:
        """A copy of this row (not registered) whose backward is ``backward``: a replay of a
        misconception gives it to one graph's nodes (``engine.injection.wrong_rule``)."""
        twin = copy.copy(self)
        twin.backward = backward
        return twin

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# --- the registry -----------------------------------------------------------------------------
OPS: dict[str, Op] = {}
Listener = Callable[[str, "Op | None"], None]
_listeners: list[Listener] = []


def register(op: Op) -> Op:
    """Add ``op`` to the registry and tell every listener (``Value`` gets its method, the
    document its node kind). Registering a name again replaces the op.

    A listener may refuse the row by raising (``Value`` has an attribute of that name, a
    built-in node kind has it): then everything is put back as it was before the call, so no
    half-registered op is left for the code importer to read, and the error is raised."""
    if op.method is not None and op.arity != 1:
        raise ValueError(f"{op.name}: only one-input ops can be Value methods")
    if op.method not in (None, op.name):
        # the code importer reads ``x.tanh()`` as a node of the kind (and op) named ``tanh``
        raise ValueError(f"{op.name}: a function's method is named as the op, not {op.method!r}")
    if op.method is not None and not _public_name(op.method):
        # the exporter writes ``x.<method>()`` and the importer reads it back
        raise ValueError(f"the method {op.method!r} is not a plain public Python name")
    if op.torch:
        check_torch_form(op)
    previous = OPS.get(op.name)
    OPS[op.name] = op
    try:
        _tell(op.name, op)
    except Exception:
        if previous is None:
            del OPS[op.name]
        else:
            OPS[op.name] = previous
        _tell(op.name, previous, quiet=True)
        raise
    return op


def torch_slots(op: Op) -> tuple[str, ...]:
    """The placeholders an op's torch template may use: its operands, and ``k`` for the
    constant parameter."""
    operands = ("a", "b")[: op.arity]
    return (*operands, "k") if op.uses_param else operands


def check_torch_form(op: Op) -> None:
    """A torch template must be one Python expression over the op's own placeholders (the
    exporter fills it with operand text and reads its precedence from the parsed form)."""
    slots = torch_slots(op)
    try:
        used = {f for _, f, _, _ in string.Formatter().parse(op.torch) if f is not None}
        ast.parse(op.torch.format(**{s: s for s in slots}), mode="eval")
    except (ValueError, KeyError, IndexError, SyntaxError) as exc:
        raise ValueError(
            f"{op.name}: the torch form {op.torch!r} is no expression ({exc})"
        ) from None
    if not used <= set(slots):
        raise ValueError(f"{op.name}: the torch form may only use {{{'}, {'.join(slots)}}}")


def _public_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def _tell(name: str, op: Op | None, quiet: bool = False) -> None:
    """Every listener hears of the change; ``quiet`` (putting a refused row back) goes on past
    a listener that fails, so the others are put back too."""
    for listener in list(_listeners):
        try:
            listener(name, op)
        except Exception:
            if not quiet:
                raise


def unregister(name: str) -> None:
    """Remove an op (a test's throwaway op, a learner's custom op) and tell the listeners."""
    del OPS[name]
    _tell(name, None)


def subscribe(listener: Listener) -> None:
    """Call ``listener(name, op)`` for every op registered so far and every later change
    (``op`` is None when the op was removed)."""
    _listeners.append(listener)
    for name, op in list(OPS.items()):
        listener(name, op)


class Names(Sequence[str]):
    """A live, read-only list of registry names, e.g. the Value methods: it follows ops
    registered later, so no other module keeps its own copy of the list."""

    def __init__(self, select: Callable[[Op], str | None], extra: tuple[str, ...] = ()):
        self._select = select
        self._extra = extra

    def _names(self) -> tuple[str, ...]:
        picked = (self._select(op) for op in OPS.values())
        return tuple(n for n in picked if n is not None) + self._extra

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...

    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return self._names()[i]

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash(self._names())

    def __repr__(self) -> str:
        return repr(self._names())


#: the ``Value`` methods of the one-input functions (``x.tanh()``), in registry order
FUNCTIONS = Names(lambda op: op.method)


def function_ops() -> list[Op]:
    """The one-input functions (the palette's Functions), in registry order."""
    return [op for op in OPS.values() if op.method is not None]
