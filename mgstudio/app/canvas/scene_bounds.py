"""Where the scene's nodes are: Qt's item index rectangle kept around them, and the
rectangles Fit and exports ask for (what is drawn: a collapsed group's block, not the nodes it
hides; nodes without items yet from the lazy columns). A base of ``CanvasScene``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF

if TYPE_CHECKING:
    from .scene_host import SceneHost
else:
    SceneHost = object  # the declarations are for the type checker (see scene_host)

INDEX_MARGIN = 2000.0  # room around the nodes in the scene's own rectangle


class SceneBounds(SceneHost):
    """The index rectangle and the bounds of what is drawn."""

    def fit_index(self) -> None:
        """Fit the scene rectangle (what Qt's index divides) to the nodes, with room around."""
        rect = self.nodes_bounding_rect()
        if rect.isEmpty():
            rect = QRectF(0.0, 0.0, 0.0, 0.0)
        m = INDEX_MARGIN
        self.setSceneRect(rect.adjusted(-m, -m, m, m))

    def keep_indexed(self, item) -> None:
        """Grow the scene rectangle when a node goes beyond it (items outside still work,
        but crowd the index's border cells). Called whenever a node moves or is added."""
        self._bounds = None
        if self._frames or self._blocks:
            self.groups_follow_node(item.node_id)
        x, y = item.x(), item.y()
        left, top, right, bottom = item.extent
        r = self.sceneRect()
        if (
            x + left < r.left()
            or y + top < r.top()
            or x + right > r.right()
            or y + bottom > r.bottom()
        ):
            m = INDEX_MARGIN
            self.setSceneRect(
                r.united(
                    QRectF(x + left - m, y + top - m, right - left + 2 * m, bottom - top + 2 * m)
                )
            )

    def content_rect(self) -> QRectF:
        """Every node and wire (what an exported picture shows)."""
        self.make_all()
        rect = self.itemsBoundingRect()
        for w in self._wires.values():
            rect = rect.united(w.boundingRect())
        return rect

    def itemsBoundingRect(self) -> QRectF:  # noqa: N802 (Qt's name; Python callers reach it)
        if self._hidden or self._frames:  # what is drawn: not the nodes a block hides
            rect = QRectF()
            for it in self.items():
                if it.isVisible() and not getattr(it, "group_hidden", False):
                    rect = rect.united(it.sceneBoundingRect())
            for frame in self._frames.values():
                rect = rect.united(frame.frame_rect)
        else:
            rect = super().itemsBoundingRect()
        pending = self.pending_bounds()
        return rect if pending is None else rect.united(pending)

    def nodes_bounding_rect(self) -> QRectF:
        """The scene rectangle around every node (wires run between nodes)."""
        # from positions and the shared geometry: itemsBoundingRect asks every item (and
        # every wire) for its rectangle, a tenth of a second on a 5,000-node graph
        pending = self.pending_bounds()
        if not self._nodes and pending is None:
            return QRectF()
        if self._bounds is not None:  # fitting the index and the view both ask after a load
            return QRectF(self._bounds)
        left = top = math.inf
        right = bottom = -math.inf
        if pending is not None:
            left, top, right, bottom = (
                pending.left(),
                pending.top(),
                pending.right(),
                pending.bottom(),
            )
        for item in self._nodes.values():
            if item.group_hidden:
                continue
            x, y = item.x(), item.y()
            b_left, b_top, b_right, b_bottom = item.extent
            left, top = min(left, x + b_left), min(top, y + b_top)
            right, bottom = max(right, x + b_right), max(bottom, y + b_bottom)
        groups = self.groups_bounds()
        if groups is not None:
            left, top = min(left, groups.left()), min(top, groups.top())
            right, bottom = max(right, groups.right()), max(bottom, groups.bottom())
        if left > right:  # every node hidden and nothing drawn (cannot happen with a block)
            return QRectF()
        self._bounds = QRectF(left, top, right - left, bottom - top)
        return QRectF(self._bounds)
