"""``Value``: a scalar that remembers how it was computed, micrograd-compatible.

Differences from micrograd, each for a reason the app needs:

* ``_prev`` is a tuple in operand order (micrograd uses a set), so graphs are deterministic and
  ``b + b`` keeps both operands.
* Nodes hold a shared ``Op`` (see ``ops.py``) instead of a closure: no reference cycle per node,
  so dropped graphs are freed by reference counting, not by the cyclic GC.
* ``backward()`` and the topological sort are iterative: million-node chains work.
* ``recompute()`` re-evaluates a graph **in place** after a leaf's ``data`` changed: the canvas
  keeps its Values instead of rebuilding them on every nudge.
* Arithmetic never raises on bad numbers: ``inf``/``nan`` come out instead (IEEE semantics).
* ``a - b``, ``a / b`` and ``-a`` are single nodes (micrograd builds them from ``*`` and ``**``),
  which keeps learner graphs small and makes ``1/0`` an ``inf`` rather than an error.

Layout, for speed: a training step builds tens of thousands of nodes, and every object the cyclic
GC tracks makes its collections longer (they dominate micrograd's step). So a node is a single
tracked object: its operands live in two slots (``_a``, ``_b``) and ``_prev`` builds the tuple
on demand; slots that most nodes never need (label, custom symbol, constant parameter, lecture
hook) stay unset and their properties fall back to defaults.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from numbers import Real
from typing import TYPE_CHECKING, Any, TypeAlias

from . import ops as _ops
from .registry import Op, subscribe

_new = object.__new__
_MANY: Any = object()  # marks a hand-built node with 3+ operands: ``_a`` then holds their tuple

# ``+ - *`` inline their op's ``fn`` (the hottest path); tests/engine/test_registry.py checks
# each operator against the registry's row. The others call the row's ``fn``.
_ADD, _SUB, _MUL, _DIV = _ops.ADD, _ops.SUB, _ops.MUL, _ops.DIV
_NEG, _POW, _POWV = _ops.NEG, _ops.POW, _ops.POWV
_div, _neg, _pow = _DIV.fn, _NEG.fn, _POW.fn

Number: TypeAlias = "float | int"
#: what backward and recompute call on a node: its engine op, or a hand-set hook
Rule: TypeAlias = "Op | _HookRule"


def _as_number(x: object, what: str) -> float:
    if not isinstance(x, Real):
        raise TypeError(f"{what} must be a real number or a Value, not {type(x).__name__}")
    return float(x)


class Value:
    """A scalar node of an expression graph: ``data``, ``grad`` and how it was made."""

    data: float
    grad: float
    _a: Any  # the first operand, None for a leaf, or the tuple of 3+ operands (``_b is _MANY``)
    _b: Any  # the second operand, None, or ``_MANY``
    _rule: Rule | None
    _param: float
    _sym: str
    _label: str
    _hook: Callable[[], None]

    __slots__ = (
        "data",
        "grad",
        "_a",
        "_b",
        "_rule",
        "_param",
        "_sym",
        "_label",
        "_hook",
        "__weakref__",
    )

    def __init__(
        self, data: Number, _children: Iterable[Value] = (), _op: str = "", label: str = ""
    ) -> None:
        if isinstance(data, Value):
            raise TypeError("Value(data) needs a number; this is already a Value")
        self.data = _as_number(data, "Value data")
        self.grad = 0.0
        self._set_children(tuple(_children))
        self._rule = None  # built by hand, as in the lecture: no rule unless _backward is set
        if _op:
            self._sym = _op
        if label:
            self._label = label

    def _set_children(self, children: tuple[Value, ...]) -> None:
        n = len(children)
        if n == 0:
            self._a = self._b = None
        elif n == 1:
            self._a, self._b = children[0], None
        elif n == 2:
            self._a, self._b = children
        else:
            self._a, self._b = children, _MANY

    # --- micrograd's attributes ------------------------------------------------------------
    @property
    def _prev(self) -> tuple[Value, ...]:
        """The operands, in order."""
        a = self._a
        if a is None:
            return ()
        b = self._b
        if b is None:
            return (a,)
        if b is _MANY:
            return a  # type: ignore[no-any-return]
        return (a, b)

    @_prev.setter
    def _prev(self, children: Iterable[Value]) -> None:
        self._set_children(tuple(children))

    @property
    def _op(self) -> str:
        """The op's display symbol (``'+'``, ``'**2'``, ``'tanh'``); ``''`` for leaves."""
        try:
            return self._sym
        except AttributeError:
            op = self.op
            return "" if op is None else op.symbol

    @_op.setter
    def _op(self, symbol: str) -> None:
        self._sym = symbol

    @property
    def label(self) -> str:
        try:
            return self._label
        except AttributeError:
            return ""

    @label.setter
    def label(self, text: str) -> None:
        self._label = text

    @property
    def _backward(self) -> Callable[[], None]:
        """The lecture's ``node._backward()``: send this node's grad to its operands."""
        rule = self._rule
        if rule is None:
            return _noop
        return _BoundBackward(rule, self)

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        # Lecture code assigns its own closure (``out._backward = _backward``); keep it.
        self._hook = fn
        self._rule = _HookRule(self.op)

    @property
    def is_leaf(self) -> bool:
        return self._a is None

    @property
    def op(self) -> Op | None:
        """The engine op that computes this node (None for leaves and hand-built nodes)."""
        rule = self._rule
        return rule.op if isinstance(rule, _HookRule) else rule

    @property
    def param(self) -> float | None:
        """The op's constant parameter (the exponent of ``x**2``), or None."""
        try:
            return self._param
        except AttributeError:
            return None

    # --- arithmetic ------------------------------------------------------------------------
    # Results are built inline (no __init__, no helper call): this is the hot path of every
    # training step.
    def __add__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _coerce(other)
        v = _new(Value)
        v.data = self.data + other.data
        v.grad = 0.0
        v._a = self
        v._b = other
        v._rule = _ADD
        return v

    def __radd__(self, other: Value | Number) -> Value:
        return _coerce(other) + self

    def __sub__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _coerce(other)
        v = _new(Value)
        v.data = self.data - other.data
        v.grad = 0.0
        v._a = self
        v._b = other
        v._rule = _SUB
        return v

    def __rsub__(self, other: Value | Number) -> Value:
        return _coerce(other) - self

    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _coerce(other)
        v = _new(Value)
        v.data = self.data * other.data
        v.grad = 0.0
        v._a = self
        v._b = other
        v._rule = _MUL
        return v

    def __rmul__(self, other: Value | Number) -> Value:
        return _coerce(other) * self

    def __truediv__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _coerce(other)
        return _make2(_div(self.data, other.data), self, other, _DIV)

    def __rtruediv__(self, other: Value | Number) -> Value:
        return _coerce(other) / self

    def __neg__(self) -> Value:
        return _make1(_neg(self.data), self, _NEG)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _make2(_POWV.fn(self.data, other.data), self, other, _POWV)
        k = _as_number(other, "An exponent")
        if isinstance(other, int) or k.is_integer():
            k_shown = int(k) if abs(k) < 1e15 else k
        else:
            k_shown = k
        v = _make1(_pow(self.data, k), self, _POW)
        v._param = k
        v._sym = f"**{k_shown}"
        return v

    def __rpow__(self, other: Value | Number) -> Value:
        return _coerce(other) ** self

    # --- functions ----------------------------------------------------------------------------
    # ``tanh()``, ``relu()``, ``exp()``, ``log()``, ``sigmoid()`` and any op registered later are
    # attached from the registry (``_attach`` below), each built as ``__add__`` is.
    if TYPE_CHECKING:  # for the type checker only: at run time a missing name still raises

        def __getattr__(self, name: str) -> Callable[[], Value]: ...

    # --- graph algorithms ------------------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every node this one depends on, operands before results, ending with ``self``."""
        return topological_order([self])

    def backward(self) -> None:
        """Backpropagate from this node: ``self.grad = 1``, then the chain rule in reverse
        topological order. Grads accumulate (call ``zero_grad`` first to start clean), exactly
        as in micrograd and the walkthrough."""
        with gc_paused():
            topo = _topological_order([self])
            self.grad = 1.0
            for v in reversed(topo):
                rule = v._rule
                if rule is not None:
                    rule.backward(v)

    def zero_grad(self) -> None:
        """Set the grad of this node and everything it depends on to 0."""
        for v in topological_order([self]):
            v.grad = 0.0

    def recompute(self) -> float:
        """Re-evaluate this node and everything it depends on **in place** (same objects), after
        leaves' ``data`` changed. Returns the new ``data``."""
        recompute(topological_order([self]))
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def _coerce(x: Value | Number) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _make1(data: float, a: Value, op: Op) -> Value:
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v._a = a
    v._b = None
    v._rule = op
    return v


def _make2(data: float, a: Value, b: Value, op: Op) -> Value:
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v._a = a
    v._b = b
    v._rule = op
    return v


class _HookRule:
    """The rule of a node whose ``_backward`` was assigned by hand (lecture style): backward
    calls the hook; forward keeps the data unless the node was made by an engine op."""

    __slots__ = ("op",)

    def __init__(self, op: Op | None) -> None:
        self.op = op

    @property
    def forward(self) -> Callable[[Value], float] | None:
        return None if self.op is None else self.op.forward

    @staticmethod
    def backward(node: Value) -> None:
        node._hook()


class _BoundBackward:
    """``node._backward`` as a callable without storing anything on the node (no cycle)."""

    __slots__ = ("rule", "node")

    def __init__(self, rule: Rule, node: Value) -> None:
        self.rule = rule
        self.node = node

    def __call__(self) -> None:
        backward = self.rule.backward
        assert backward is not None  # an Op's is filled in by __post_init__
        backward(self.node)


def _noop() -> None:
    return None


def topological_order(roots: Iterable[Value]) -> list[Value]:
    """Operands before results, in micrograd's depth-first order, without recursion."""
    with gc_paused():
        return _topological_order(roots)


def _topological_order(roots: Iterable[Value]) -> list[Value]:
    # A node stays on the stack until all its operands are visited; looking at it again after
    # each operand finishes is cheaper than keeping an iterator per node.
    topo: list[Value] = []
    visited: set[Value] = set()
    append, add = topo.append, visited.add
    for root in roots:
        if root in visited:
            continue
        add(root)
        stack = [root]
        push, pop = stack.append, stack.pop
        while stack:
            v = stack[-1]
            a = v._a
            if a is not None:
                b = v._b
                if b is _MANY:
                    child = next((c for c in a if c not in visited), None)
                    if child is not None:
                        add(child)
                        push(child)
                        continue
                else:
                    if a not in visited:
                        add(a)
                        if a._a is None:
                            append(a)
                        else:
                            push(a)
                            continue
                    if b is not None and b not in visited:
                        add(b)
                        if b._a is None:
                            append(b)
                        else:
                            push(b)
                            continue
            append(pop())
    return topo


@contextmanager
def gc_paused() -> Iterator[None]:
    """Our own traversals allocate no reference cycles, so the cyclic collector has nothing to
    find while they run; pausing it keeps big graphs from paying for scans of the whole heap.
    The document and the canvas use it too, while they build a big graph in a burst (opening
    a 5,000-node file ran the collector over the whole heap again and again). Nests."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def recompute(nodes_in_order: Iterable[Value]) -> None:
    """Re-evaluate the given nodes in place, in the given (topological) order. Leaves and
    hand-built nodes keep their ``data``."""
    for v in nodes_in_order:
        rule = v._rule
        if rule is not None:
            forward = rule.forward
            if forward is not None:
                v.data = forward(v)


def zero_grad(nodes: Iterable[Value]) -> None:
    for v in nodes:
        v.grad = 0.0


# --- the registry's one-input functions as methods --------------------------------------------
def _function_method(op: Op) -> Callable[[Value], Value]:
    """``x.tanh()`` for ``op``: built inline like ``__add__``, calling the row's ``fn``."""
    fn = op.fn

    def method(self: Value) -> Value:
        v = _new(Value)
        v.data = fn(self.data)
        v.grad = 0.0
        v._a = self
        v._b = None
        v._rule = op
        return v

    method.__name__ = method.__qualname__ = str(op.method)
    method.__doc__ = f"{op.title or op.name} of this value (local derivative {op.derivative[0]})."
    return method


_attached: dict[str, str] = {}  # op name -> the Value method it attached


def _attach(name: str, op: Op | None) -> None:
    """Keep ``Value``'s methods in step with the registry (ops registered later included)."""
    old = _attached.pop(name, None)
    if old is not None:
        delattr(Value, old)
    if op is None or op.method is None:
        return
    if op.method in vars(Value):
        raise ValueError(f"Value already has an attribute {op.method!r}")
    setattr(Value, op.method, _function_method(op))
    _attached[name] = op.method


subscribe(_attach)
