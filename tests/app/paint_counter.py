"""Counting node repaints from the outside: production items keep no counter, so tests and
benchmarks wrap ``NodeItem.paint`` (Qt looks the Python override up on every call)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from mgstudio.app.canvas.node_item import NodeItem


def count_paints() -> tuple[Counter, Callable[[], None]]:
    """Start counting: ``(counts, stop)``; ``counts[item]`` is how often ``item`` painted."""
    counts: Counter = Counter()
    own = "paint" in vars(NodeItem)  # else inherited (from the painting mixin)
    paint = NodeItem.paint

    def counted(self, painter, option, widget=None):
        counts[self] += 1
        paint(self, painter, option, widget)

    NodeItem.paint = counted

    def stop() -> None:
        if own:
            NodeItem.paint = paint
        else:
            del NodeItem.paint

    return counts, stop
