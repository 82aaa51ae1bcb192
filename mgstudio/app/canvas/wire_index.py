"""Which wires are near a point or a rectangle: a coarse grid of buckets.

Wires are not QGraphicsItems (see wire_item), so Qt's own index does not know them. A learner's
graph has at most some thousands of wires; a uniform grid answers "what is under the cursor"
and "what crosses this repaint" by looking at a few buckets instead of every wire.
"""

from __future__ import annotations

import math

CELL = 512.0  # scene units per bucket side: a few wires per bucket on a typical layout
MAX_SPAN = 4096  # a wire covering more buckets than this is kept on a short "huge" list


class WireIndex:
    """Buckets of wire items by the grid cells their ``box`` covers."""

    def __init__(self):
        self._cells: dict[tuple[int, int], set] = {}
        self._huge: set = set()  # wires between nodes very far apart: always candidates

    @staticmethod
    def _span(box) -> tuple[int, int, int, int]:
        left, top, right, bottom = box
        return (math.floor(left / CELL), math.floor(top / CELL),
                math.floor(right / CELL), math.floor(bottom / CELL))

    def _keys(self, box):
        x0, y0, x1, y1 = self._span(box)
        return [(ix, iy) for ix in range(x0, x1 + 1) for iy in range(y0, y1 + 1)]

    def add(self, item, box) -> None:
        x0, y0, x1, y1 = self._span(box)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_SPAN:
            self._huge.add(item)
            return
        cells = self._cells
        for ix in range(x0, x1 + 1):
            for iy in range(y0, y1 + 1):
                bucket = cells.get((ix, iy))
                if bucket is None:
                    cells[ix, iy] = {item}
                else:
                    bucket.add(item)

    def remove(self, item, box) -> None:
        if item in self._huge:
            self._huge.discard(item)
            return
        cells = self._cells
        for key in self._keys(box):
            bucket = cells.get(key)
            if bucket is not None:
                bucket.discard(item)
                if not bucket:
                    del cells[key]

    def move(self, item, old_box, new_box) -> None:
        if self._span(old_box) != self._span(new_box) or item in self._huge:
            self.remove(item, old_box)
            self.add(item, new_box)

    def clear(self) -> None:
        self._cells.clear()
        self._huge.clear()

    def candidates(self, left: float, top: float, right: float, bottom: float) -> set:
        """Wires whose buckets meet the rectangle (a superset: test their boxes after)."""
        if not all(map(math.isfinite, (left, top, right, bottom))):
            return set().union(self._huge, *self._cells.values())
        x0, y0, x1, y1 = self._span((left, top, right, bottom))
        out = set(self._huge)
        cells = self._cells
        if (x1 - x0 + 1) * (y1 - y0 + 1) > len(cells):
            # a rectangle wider than the graph: walk the filled buckets instead
            for (ix, iy), bucket in cells.items():
                if x0 <= ix <= x1 and y0 <= iy <= y1:
                    out |= bucket
            return out
        for ix in range(x0, x1 + 1):
            for iy in range(y0, y1 + 1):
                bucket = cells.get((ix, iy))
                if bucket:
                    out |= bucket
        return out
