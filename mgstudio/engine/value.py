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
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from contextlib import contextmanager
from numbers import Real

from . import ops as _ops
from .ops import Op

_new = object.__new__


def _make(data: float, prev: tuple, op: Op, symbol: str | None = None, param=None) -> Value:
    """Fast internal constructor for an op's result (skips ``__init__`` argument handling)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v._prev = prev
    v._op = op.symbol if symbol is None else symbol
    v.label = ""
    v._rule = op
    v._param = param
    v._custom_backward = None
    return v


def _as_number(x, what: str) -> float:
    if not isinstance(x, Real):
        raise TypeError(f"{what} must be a real number or a Value, not {type(x).__name__}")
    return float(x)


class Value:
    """A scalar node of an expression graph: ``data``, ``grad`` and how it was made."""

    __slots__ = ("data", "grad", "_prev", "_op", "label", "_rule", "_param", "_custom_backward",
                 "__weakref__")

    def __init__(self, data, _children=(), _op: str = "", label: str = ""):
        if isinstance(data, Value):
            raise TypeError("Value(data) needs a number; this is already a Value")
        self.data = _as_number(data, "Value data")
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
        self._rule = None  # built by hand, as in the lecture: no rule unless _backward is set
        self._param = None
        self._custom_backward = None

    # --- micrograd's per-node hook ---------------------------------------------------------
    @property
    def _backward(self):
        """The lecture's ``node._backward()``: send this node's grad to its operands."""
        if self._custom_backward is not None:
            return self._custom_backward
        rule = self._rule
        if rule is None:
            return _noop
        return _BoundBackward(rule, self)

    @_backward.setter
    def _backward(self, fn) -> None:
        # Lecture code assigns its own closure (``out._backward = _backward``); keep it.
        self._custom_backward = fn

    @property
    def is_leaf(self) -> bool:
        return not self._prev

    @property
    def op(self) -> Op | None:
        """The engine op that computes this node (None for leaves and hand-built nodes)."""
        return self._rule

    @property
    def param(self):
        """The op's constant parameter (the exponent of ``x**2``), or None."""
        return self._param

    # --- arithmetic ------------------------------------------------------------------------
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return _make(self.data + other.data, (self, other), _ops.ADD)

    def __radd__(self, other):
        return Value(other) + self

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return _make(self.data - other.data, (self, other), _ops.SUB)

    def __rsub__(self, other):
        return Value(other) - self

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return _make(self.data * other.data, (self, other), _ops.MUL)

    def __rmul__(self, other):
        return Value(other) * self

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return _make(_ops.safe_div(self.data, other.data), (self, other), _ops.DIV)

    def __rtruediv__(self, other):
        return Value(other) / self

    def __neg__(self):
        return _make(-self.data, (self,), _ops.NEG)

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, Value):
            return _make(_ops.safe_pow(self.data, other.data), (self, other), _ops.POWV)
        k = _as_number(other, "An exponent")
        if isinstance(other, int) or k.is_integer():
            k_shown = int(k) if abs(k) < 1e15 else k
        else:
            k_shown = k
        return _make(_ops.safe_pow(self.data, k), (self,), _ops.POW, f"**{k_shown}", k)

    def __rpow__(self, other):
        return Value(other) ** self

    # --- functions -------------------------------------------------------------------------
    def relu(self):
        return _make(0.0 if self.data < 0 else self.data, (self,), _ops.RELU)

    def tanh(self):
        return _make(math.tanh(self.data), (self,), _ops.TANH)

    def exp(self):
        return _make(_ops.safe_exp(self.data), (self,), _ops.EXP)

    def log(self):
        return _make(_ops.safe_log(self.data), (self,), _ops.LOG)

    def sigmoid(self):
        return _make(_ops.safe_sigmoid(self.data), (self,), _ops.SIGMOID)

    # --- graph algorithms ------------------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every node this one depends on, operands before results, ending with ``self``."""
        return topological_order([self])

    def backward(self) -> None:
        """Backpropagate from this node: ``self.grad = 1``, then the chain rule in reverse
        topological order. Grads accumulate (call ``zero_grad`` first to start clean), exactly
        as in micrograd and the walkthrough."""
        with _gc_paused():
            topo = _topological_order([self])
            self.grad = 1.0
            for v in reversed(topo):
                custom = v._custom_backward
                if custom is not None:
                    custom()
                elif v._rule is not None:
                    v._rule.backward(v)

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


class _BoundBackward:
    """``node._backward`` as a callable without storing anything on the node (no cycle)."""

    __slots__ = ("rule", "node")

    def __init__(self, rule: Op, node: Value):
        self.rule = rule
        self.node = node

    def __call__(self) -> None:
        self.rule.backward(self.node)


def _noop() -> None:
    return None


def topological_order(roots: Iterable[Value]) -> list[Value]:
    """Operands before results, in micrograd's depth-first order, without recursion."""
    with _gc_paused():
        return _topological_order(roots)


def _topological_order(roots: Iterable[Value]) -> list[Value]:
    topo: list[Value] = []
    visited: set[Value] = set()
    append, add = topo.append, visited.add
    for root in roots:
        if root in visited:
            continue
        add(root)
        # parallel stacks: the nodes being expanded and the iterators over their operands
        nodes, pending = [root], [iter(root._prev)]
        push_node, push_pending = nodes.append, pending.append
        while pending:
            for child in pending[-1]:
                if child not in visited:
                    add(child)
                    if child._prev:
                        push_node(child)
                        push_pending(iter(child._prev))
                        break
                    append(child)
            else:
                pending.pop()
                append(nodes.pop())
    return topo


@contextmanager
def _gc_paused():
    """Our own traversals allocate no reference cycles, so the cyclic collector has nothing to
    find while they run; pausing it keeps big graphs from paying for scans of the whole heap."""
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
            v.data = rule.forward(v)


def zero_grad(nodes: Iterable[Value]) -> None:
    for v in nodes:
        v.grad = 0.0
