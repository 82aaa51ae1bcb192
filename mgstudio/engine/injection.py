"""A deliberately wrong backward rule for one graph, for showing a misconception on real Values.

``wrong_rule(root, "add", overwrite_backward)`` is a context manager: inside the block the
nodes of ``root``'s graph that the registry's ``add`` row computes backpropagate with the
given rule; on leaving (an exception included) every one of them points at the registry's row
again. The registry's row itself is never changed: the block swaps the rule of this graph's
nodes only (a copy of the row, ``Op.with_backward``), so a training run in another thread, or
any other graph, keeps the true rule while a replay runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .registry import OPS, Node, Op
from .value import Value, topological_order


@contextmanager
def wrong_rule(root: Value, op_name: str, backward: Callable[[Node], None]) -> Iterator[Op]:
    """Within the block, ``root``'s graph backpropagates ``op_name`` nodes with ``backward``
    (``backward(node)`` adds into the operands' grads, as ``Op.backward`` does). Yields the
    wrong row (its ``name`` is the registry's). Raises ``KeyError`` for an unknown op."""
    true_op = OPS[op_name]
    wrong = true_op.with_backward(backward)
    swapped = [v for v in topological_order([root]) if v._rule is true_op]
    for v in swapped:
        v._rule = wrong
    try:
        yield wrong
    finally:
        for v in swapped:
            v._rule = true_op
