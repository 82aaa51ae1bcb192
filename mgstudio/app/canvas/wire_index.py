"""Which wires are near a point or a rectangle: grids of buckets, one finer than the next.

Wires are not QGraphicsItems (see wire_item), so Qt's own index does not know them. A wire
goes into the finest grid on which its box covers at most a few buckets: short wires into
the 512-unit grid, a wire across a 100,000-node graph into a coarse one. With one grid, a
long wire sat in thousands of buckets, and opening a big graph with many long wires spent
most of its time filling them (40,000 nodes: 12 million bucket entries, 25 s).
"""

from __future__ import annotations

import math

CELL = 512.0  # scene units per bucket side of the finest grid: a few wires per bucket
FANOUT = 8  # each grid's buckets are this many times wider than the next finer one's
LEVELS = 8  # the coarsest buckets (512 * 8**7 units) are wider than any graph can be
MAX_CELLS = 16  # a wire goes into the finest grid where its box covers at most this many


class WireIndex:
    """Buckets of wire items by the grid cells their ``box`` covers, per grid level."""

    def __init__(self):
        self._levels: list[dict[tuple[int, int], set]] = [{} for _ in range(LEVELS)]
        self._huge: set = set()  # boxes no grid can hold (not finite): always candidates

    @staticmethod
    def _span(box, level: int) -> tuple[int, int, int, int]:
        size = CELL * FANOUT**level
        left, top, right, bottom = box
        return (
            math.floor(left / size),
            math.floor(top / size),
            math.floor(right / size),
            math.floor(bottom / size),
        )

    def _place(self, box) -> tuple[int, tuple[int, int, int, int]] | None:
        """The grid level and bucket span for a wire's box (None: the huge list)."""
        if not all(map(math.isfinite, box)):
            return None
        for level in range(LEVELS):
            x0, y0, x1, y1 = span = self._span(box, level)
            if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_CELLS:
                return level, span
        return None

    def add(self, item, box) -> None:
        where = self._place(box)
        if where is None:
            self._huge.add(item)
            return
        level, span = where
        _fill(self._levels[level], span, item)

    def add_many(self, items) -> None:
        """``add(item, item.box)`` for each item, in one loop (a new document's wires: the
        calls per wire and per grid level were most of the work)."""
        floor, levels, huge = math.floor, self._levels, self._huge
        sizes = [CELL * FANOUT**level for level in range(LEVELS)]
        for item in items:
            left, top, right, bottom = box = item.box
            if not all(map(math.isfinite, box)):
                huge.add(item)
                continue
            for cells, size in zip(levels, sizes):  # noqa: B007 (the level found is used)
                x0, y0 = floor(left / size), floor(top / size)
                x1, y1 = floor(right / size), floor(bottom / size)
                if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_CELLS:
                    break
            else:
                huge.add(item)
                continue
            _fill(cells, (x0, y0, x1, y1), item)

    def remove(self, item, box) -> None:
        if item in self._huge:
            self._huge.discard(item)
            return
        where = self._place(box)
        if where is None:
            return
        level, (x0, y0, x1, y1) = where
        cells = self._levels[level]
        for ix in range(x0, x1 + 1):
            for iy in range(y0, y1 + 1):
                bucket = cells.get((ix, iy))
                if bucket is not None:
                    bucket.discard(item)
                    if not bucket:
                        del cells[ix, iy]

    def move(self, item, old_box, new_box) -> None:
        if item in self._huge or self._place(old_box) != self._place(new_box):
            self.remove(item, old_box)
            self.add(item, new_box)

    def clear(self) -> None:
        for cells in self._levels:
            cells.clear()
        self._huge.clear()

    def candidates(self, left: float, top: float, right: float, bottom: float) -> set:
        """Wires whose buckets meet the rectangle (a superset: test their boxes after)."""
        if not all(map(math.isfinite, (left, top, right, bottom))):
            return set().union(self._huge, *(b for cells in self._levels for b in cells.values()))
        out = set(self._huge)
        for level, cells in enumerate(self._levels):
            if not cells:
                continue
            x0, y0, x1, y1 = self._span((left, top, right, bottom), level)
            if (x1 - x0 + 1) * (y1 - y0 + 1) > len(cells):
                # a rectangle wider than the graph: walk the filled buckets instead
                for (ix, iy), bucket in cells.items():
                    if x0 <= ix <= x1 and y0 <= iy <= y1:
                        out |= bucket
                continue
            for ix in range(x0, x1 + 1):
                for iy in range(y0, y1 + 1):
                    found = cells.get((ix, iy))
                    if found:
                        out |= found
        return out

    def bucket_entries(self) -> int:
        """How many (bucket, wire) entries the grids hold: the index's size and build work."""
        return sum(len(b) for cells in self._levels for b in cells.values())


def _fill(cells: dict, span: tuple[int, int, int, int], item) -> None:
    """Put ``item`` into every bucket of ``span`` (x0, y0, x1, y1, inclusive)."""
    x0, y0, x1, y1 = span
    for ix in range(x0, x1 + 1):
        for iy in range(y0, y1 + 1):
            bucket = cells.get((ix, iy))
            if bucket is None:
                cells[ix, iy] = {item}
            else:
                bucket.add(item)
