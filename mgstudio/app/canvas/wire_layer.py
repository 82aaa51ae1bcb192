"""The view's background as a cached picture: canvas colour, grid and every wire.

Wires are long antialiased curves, and Qt repaints every item that crosses an exposed area:
a new number in one record used to re-stroke each curve passing near it (most of a frame on a
1,000-node graph). Here the curves are drawn once into a pixmap the size of the viewport; a
repaint copies pixels from it. Only what changed is redrawn: the rectangles the scene reports
for wires that moved or changed pen, the strip uncovered by a scroll, everything after a zoom
or resize. ``QGraphicsView.CacheBackground`` does the same for the background alone, but it
cannot be told that a single wire changed without repainting the rest of that area from
scratch, and it leaves the curves to the items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap

if TYPE_CHECKING:
    from .view import CanvasView
    from .wire_item import WireItem

# beyond this many separate dirty rectangles, one rectangle around them all is cheaper
MAX_DIRTY_RECTS = 12


class WireLayer:
    """The cached background of one ``CanvasView`` (``view.paint_layer`` draws into it)."""

    def __init__(self, view: CanvasView) -> None:
        self.view = view
        self._pixmap: QPixmap | None = None
        self._key: tuple[float, ...] | None = None  # scale and size the pixmap was drawn for
        self._origin = QPointF()  # where scene (0, 0) was on the viewport then
        self._dirty: list[QRectF] | None = None  # scene rectangles to redraw; None: all
        self.redraws = 0  # full redraws, read by tests

    # --- what the scene says ---------------------------------------------------------------
    def invalidate(self, scene_rect: QRectF | None = None) -> None:
        """Redraw ``scene_rect`` (or everything) before the next copy."""
        if scene_rect is None or self._dirty is None:
            self._dirty = None
            return
        self._dirty.append(scene_rect)

    # --- what the view asks ----------------------------------------------------------------
    def draw(self, painter: QPainter, scene_rect: QRectF) -> None:
        """Copy the part of the layer under ``scene_rect`` (brought up to date first)."""
        view = self.view
        target = view.mapFromScene(scene_rect).boundingRect().adjusted(-1, -1, 1, 1)
        target = target.intersected(view.viewport().rect())
        if target.isEmpty():
            return
        pixmap = self._sync()
        dpr = pixmap.devicePixelRatio()
        source = QRectF(
            target.x() * dpr, target.y() * dpr, target.width() * dpr, target.height() * dpr
        )
        painter.save()
        painter.resetTransform()  # viewport pixels, as the pixmap is
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawPixmap(QRectF(target), pixmap, source)
        painter.restore()

    def _sync(self) -> QPixmap:
        """Bring the picture up to date with the view; returns it."""
        view = self.view
        vt = view.viewportTransform()
        size = view.viewport().size()
        dpr = view.devicePixelRatioF()
        key = (vt.m11(), vt.m12(), vt.m21(), vt.m22(), size.width(), size.height(), dpr)
        origin = QPointF(vt.dx(), vt.dy())
        pixmap = self._pixmap
        if key != self._key or pixmap is None:
            self._pixmap = pixmap = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
            pixmap.setDevicePixelRatio(dpr)
            self._key, self._origin, self._dirty = key, origin, None
        elif origin != self._origin:
            self._scroll(pixmap, origin - self._origin, dpr)
        if self._dirty is None:
            self._redraw(pixmap, [view.viewport().rect()])
            self.redraws += 1
        elif self._dirty:
            rects = [
                view.mapFromScene(r).boundingRect().adjusted(-2, -2, 2, 2) for r in self._dirty
            ]
            if len(rects) > MAX_DIRTY_RECTS:
                whole = QRect()
                for r in rects:
                    whole = whole.united(r)
                rects = [whole]
            self._redraw(pixmap, [r for r in rects if r.intersects(view.viewport().rect())])
        self._dirty = []
        return pixmap

    def _scroll(self, pixmap: QPixmap, delta: QPointF, dpr: float) -> None:
        """A pan: move the pixels along and redraw the uncovered strips."""
        dx, dy = delta.x(), delta.y()
        self._origin += delta
        if self._dirty is None:
            return
        if dx != round(dx) or dy != round(dy):
            self._dirty = None  # a fractional shift would blur the copy: draw afresh
            return
        dx, dy = round(dx), round(dy)
        w, h = self.view.viewport().width(), self.view.viewport().height()
        if abs(dx) >= w or abs(dy) >= h:
            self._dirty = None
            return
        pixmap.scroll(round(dx * dpr), round(dy * dpr), pixmap.rect())
        to_scene = self.view.mapToScene
        strips = []
        if dx:
            strips.append(QRect(0, 0, dx, h) if dx > 0 else QRect(w + dx, 0, -dx, h))
        if dy:
            strips.append(QRect(0, 0, w, dy) if dy > 0 else QRect(0, h + dy, w, -dy))
        self._dirty.extend(to_scene(s).boundingRect() for s in strips)

    def _redraw(self, pixmap: QPixmap, rects: list[QRect]) -> None:
        if not rects:
            return
        view = self.view
        painter = QPainter(pixmap)
        try:
            for rect in rects:
                painter.save()
                painter.setClipRect(rect)
                painter.setTransform(view.viewportTransform())
                view.paint_layer(painter, view.mapToScene(rect).boundingRect())
                painter.restore()
        finally:
            painter.end()


def paint_wire_items(
    painter: QPainter,
    items: Iterable[WireItem],
    antialias: bool,
    straight: bool = False,
    order: Callable[[list[WireItem]], object] | None = None,
) -> None:
    """Stroke wire items, the highlighted ones last so they sit on top (in ``order``, a
    sorting function, when given). ``straight``: seen from far away, as straight lines (one
    call for all of them; the bend is a few pixels)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    plain: list[WireItem] = []
    strong: list[WireItem] = []
    for item in items:
        (strong if item.selected or item.is_hot else plain).append(item)
    if order is not None:
        order(strong)
    if straight and plain:
        painter.setPen(plain[0].visual_pen)
        lines: list[QLineF] = [QLineF(*item.ends) for item in plain]
        painter.drawLines(lines)
        plain = []
    for group in (plain, strong):
        for item in group:
            painter.setPen(item.visual_pen)
            painter.drawPath(item.curve())
