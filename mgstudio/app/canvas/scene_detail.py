"""The scene's far-zoom side (a mixin of ``CanvasScene``): whether records are drawn in full or
as boxes, and the boxes themselves, which the view's background layer draws from here.

Shown in full, each node paints itself into a cached picture (a new number repaints one patch
of it). Zoomed out, a node is a plain box: the layer draws all of them in a few calls, and
the items paint nothing (thousands of Python paint calls and tiny cached pictures cost more
than the boxes).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt

from .node_shape import DETAIL_LOD, DIM_OPACITY

#: more node records than this on screen at once are drawn as boxes, whatever the zoom (a
#: big screen at reading zoom holds a few hundred side by side)
MAX_RECORDS_SHOWN = 1500

if TYPE_CHECKING:
    from .scene_host import SceneHost
else:
    SceneHost = object  # the declarations are for the type checker (see scene_host)


class SceneDetail(SceneHost):
    """Records or boxes; the state it reads and writes is ``CanvasScene``'s."""

    def update_detail(self, cache: bool = False) -> None:
        """Note whether any view draws records in full (items skip invisible repaints).

        With ``cache``, also switch how nodes are drawn. Shown in full, each node paints
        itself into a cached picture (a new number repaints one patch of it). Zoomed out, a
        node is a plain box: the view's background layer draws all of them in a few calls,
        and the items paint nothing (thousands of Python paint calls and tiny cached
        pictures cost more than the boxes). Views ask for this when they zoom, before the
        repaint the zoom brings; ``drawBackground`` catches transforms set from outside."""
        views = self.views()
        readable = [v for v in views if self._readable(v)]
        details = bool(readable)
        if self._pending is not None:
            # a big document's records come on screen: make their items before this repaint
            self._hook_rubber_band()
            for view in readable:
                self.make_in(view.mapToScene(view.viewport().rect()).boundingRect())
        self.style.show_details = details
        if cache:
            self.update_group_level()
        if cache and details != self._cached_details:
            self._cached_details = details
            for item in self._nodes.values():
                item.set_boxed(not details)
            self.wires_changed(None)  # the layer gains or loses the boxes

    def _readable(self, view) -> bool:
        """Whether a view shows records in full: zoomed in far enough, and not more of them
        on screen than can be read. Beyond that many they can only be stacked on each other
        (thousands of nodes on one spot), and painting each in full took seconds a frame."""
        zoom = view.transform().m11()
        if zoom < DETAIL_LOD:
            return False
        waiting = self.pending_count()
        if len(self._nodes) + waiting <= MAX_RECORDS_SHOWN:
            return True
        r = view.mapToScene(view.viewport().rect()).boundingRect()
        key = (zoom, r.left(), r.top(), r.right(), r.bottom(), len(self._nodes), waiting)
        cached = self._crowding.get(id(view))
        if cached is None or cached[0] != key:  # drawBackground asks on every paint
            shown = len(self.items(r, Qt.ItemSelectionMode.IntersectsItemBoundingRect))
            shown += self._pending_shown(r)  # nodes without items count as much
            cached = self._crowding[id(view)] = (key, shown <= MAX_RECORDS_SHOWN)
        return cached[1]

    def expect_zoom(self, zoom: float, shown: int = 0) -> None:
        """A new graph will be shown at about this zoom, ``shown`` nodes on screen: make its
        items for it (the view corrects the guess once it has fitted the graph)."""
        self._cached_details = zoom >= DETAIL_LOD and shown <= MAX_RECORDS_SHOWN
        self.style.show_details = self._cached_details

    @property
    def boxes_in_layer(self) -> bool:
        """Whether the view's background layer draws the nodes (zoomed out)."""
        return not self._cached_details

    def paint_boxes(self, painter, rect: QRectF) -> None:
        """Zoomed out: every node in a scene rectangle as a box tinted by its grad, dimmed
        while incomplete, outlined when selected; a few ``drawRects`` for all of them."""
        if self.document is None:
            return
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        value_of, top_grad = self.document.value_of, self._max_abs_grad
        groups: dict[tuple, tuple] = {}
        selected = set(self.selectedItems())
        for it in self._nodes.values():
            if it.group_hidden:  # its group's block is drawn instead
                continue
            x, y = it.x(), it.y()
            e = it.extent
            if x + e[0] > right or x + e[2] < left or y + e[1] > bottom or y + e[3] < top:
                continue
            if it.needs_refresh(top_grad):
                it.stale = False
                it._apply(value_of(it.node_id), top_grad)
            box = it.box_rect()
            it.layer_rect = box
            fill = it.box_fill()
            # colours are shared objects (a handful of tints): their ids group the boxes
            key = (id(fill), it in selected, it.is_complete)
            group = groups.get(key)
            if group is None:
                group = groups[key] = (fill, [])
            group[1].append(box)
        for fill, complete, box in self.pending_boxes(rect, top_grad):  # no items yet
            key = (id(fill), False, complete)
            group = groups.get(key)
            if group is None:
                group = groups[key] = (fill, [])
            group[1].append(box)
        st = self.style
        painter.setRenderHint(painter.RenderHint.Antialiasing, False)
        for (_, selected, complete), (fill, boxes) in groups.items():
            painter.setOpacity(1.0 if complete else DIM_OPACITY)
            painter.setPen(st.box_selected_pen if selected else st.box_pen)
            painter.setBrush(fill)
            painter.drawRects(boxes)
        painter.setOpacity(1.0)

    @contextmanager
    def items_painting(self):
        """Let every node paint itself (a file export draws the items, not the view)."""
        self.make_all()
        boxed = self.boxes_in_layer
        if boxed:
            for item in self._nodes.values():
                item.set_boxed(False)
        try:
            yield
        finally:
            if boxed:
                for item in self._nodes.values():
                    item.set_boxed(True)
