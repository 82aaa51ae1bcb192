"""Counting node repaints from the outside: production items keep no counter, so tests and
benchmarks wrap the first thing ``NodeItem.paint`` does (``_pull_before_paint``). Not
``paint`` itself: once Qt has called an item's Python ``paint``, the binding keeps calling
that function, so replacing the attribute later would count nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from mgstudio.app.canvas.node_item import NodeItem


def count_paints() -> tuple[Counter, Callable[[], None]]:
    """Start counting: ``(counts, stop)``; ``counts[item]`` is how often ``item`` painted."""
    counts: Counter = Counter()
    own = "_pull_before_paint" in vars(NodeItem)  # else inherited (from the painting mixin)
    pull = NodeItem._pull_before_paint

    def counted(self):
        counts[self] += 1
        pull(self)

    NodeItem._pull_before_paint = counted

    def stop() -> None:
        if own:
            NodeItem._pull_before_paint = pull
        else:
            del NodeItem._pull_before_paint

    return counts, stop
