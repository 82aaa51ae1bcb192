"""Zoom, pan and Fit of the canvas view, and how a grouped graph is fitted: what is drawn at
its semantic level (``group_view``), not the nodes its blocks hide. A base of ``CanvasView``
(which holds the scene, the document and the editor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QGraphicsView

from .group_view import LAYER_ZOOM, NEURON_ZOOM, fit_level

if TYPE_CHECKING:
    from .scene import CanvasScene

MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
FIT_MAX_ZOOM = 1.25


class ViewZoom(QGraphicsView):
    """Zoom and Fit (``CanvasView`` provides ``canvas_scene`` and ``document``)."""

    if TYPE_CHECKING:
        canvas_scene: CanvasScene
        document: Any

    # --- zoom and pan ----------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, viewport_pos: QPointF | None = None) -> None:
        """Scale around a viewport point (default: the centre), keeping it under the cursor."""
        current = self.zoom()
        factor = min(MAX_ZOOM / current, max(MIN_ZOOM / current, factor))
        if abs(factor - 1.0) < 1e-9:
            return
        if viewport_pos is None:
            viewport_pos = QPointF(self.viewport().rect().center())
        anchor = self.mapToScene(viewport_pos.toPoint())
        self.scale(factor, factor)
        self.canvas_scene.update_detail(cache=True)
        moved = self.mapFromScene(anchor) - viewport_pos.toPoint()
        self._scroll_by(moved.x(), moved.y())

    def _scroll_by(self, dx: float, dy: float) -> None:
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(dx))
        v.setValue(v.value() + round(dy))

    def reset_zoom(self) -> None:
        """Actual size (100 %), keeping the middle of the view where it is."""
        self.zoom_by(1.0 / self.zoom())

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    def reveal_group(self, gid: str) -> None:
        """Keep a group the learner just collapsed or expanded on screen: an expanded one that
        semantic zoom would still draw as a block brings the view to the zoom where it opens;
        then its frame (title first) or its block is scrolled into view. A view that shows it
        already stays as it is."""
        doc = self.document
        if doc is None or gid not in doc.groups:
            return
        group = doc.groups.get(gid)
        need = {"neuron": NEURON_ZOOM, "layer": LAYER_ZOOM}.get(group.kind)
        if not group.collapsed and need is not None and self.zoom() < need:
            self.zoom_by(need * 1.001 / self.zoom())
        scene = self.canvas_scene
        scene.flush_groups()  # the frame or block for the new state, before it is measured
        block, frame = scene.block_for(gid), scene.frame_for(gid)
        if block is not None:
            self.ensureVisible(block.sceneBoundingRect(), 40, 40)
        elif frame is not None:
            rect = frame.frame_rect
            self.ensureVisible(rect, 40, 40)  # as much of it as fits...
            title = QRectF(rect.left(), rect.top(), min(rect.width(), 400.0), 40.0)
            self.ensureVisible(title, 40, 40)  # ...and its title in any case

    def _fit_zoom_guess(self, document) -> float:
        """About the zoom ``fit_all`` will pick for a document, from its node positions
        (before there are items to measure)."""
        if not document.nodes:
            return 1.0
        xs = [n.pos[0] for n in document.nodes.values()]
        ys = [n.pos[1] for n in document.nodes.values()]
        w = max(xs) - min(xs) + 400.0  # a typical record's size, and fit_all's margin
        h = max(ys) - min(ys) + 120.0
        view = self.viewport().rect()
        return min(FIT_MAX_ZOOM, view.width() / w, view.height() / h)

    def fit_drawn(self, margin: float) -> tuple[int, QRectF, float]:
        """What Fit shows of a grouped graph: the semantic level, the rectangle drawn at it
        (blocks, not the nodes they hide) and the zoom fitting it with ``margin`` (scene
        units) around, unclamped (see group_view.fit_level)."""
        scene = self.canvas_scene
        vp = self.viewport().rect()
        rects: dict[int, QRectF] = {}

        def fit_at(level: int) -> float:
            rect = rects[level] = scene.drawn_bounds(level)
            if rect.isEmpty():
                return 1.0
            return min(
                vp.width() / (rect.width() + 2 * margin), vp.height() / (rect.height() + 2 * margin)
            )

        level, zoom = fit_level(fit_at)
        return level, rects[level], zoom

    def fit_all(self) -> None:
        """Show every node, no larger than a comfortable reading size."""
        doc = self.document
        if doc is not None and doc.groups:
            _level, rect, zoom = self.fit_drawn(40.0)
            if not rect.isEmpty():
                self.resetTransform()
                zoom = min(FIT_MAX_ZOOM, max(MIN_ZOOM, zoom))
                self.scale(zoom, zoom)
                self.canvas_scene.update_detail(cache=True)  # the level, before the repaint
                self.centerOn(rect.center())
                return
        rect = self.canvas_scene.nodes_bounding_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.canvas_scene.update_detail(cache=True)
            self.centerOn(0.0, 0.0)
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > FIT_MAX_ZOOM:
            self.resetTransform()
            self.scale(FIT_MAX_ZOOM, FIT_MAX_ZOOM)
        elif self.zoom() < MIN_ZOOM:
            self.resetTransform()
            self.scale(MIN_ZOOM, MIN_ZOOM)
        self.canvas_scene.update_detail(cache=True)  # before the repaint the zoom brings
        self.centerOn(rect.center())
