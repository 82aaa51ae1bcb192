"""``show_readably(view)``: how a graph is first shown, at start-up, after Show Network on Canvas
and when a lesson opens its example: fitted, but never smaller than the zoom at which node
labels and numbers can be read. When the graph does not fit at that zoom, the output is shown
(centred vertically, near the right edge, so the nodes that feed it fill the view: graphs
flow left to right). Fit (Ctrl+0) still shows the whole graph at any size.

A window that is not on screen yet has a viewport of a placeholder size: fitting into it drew
the graph as a row of slivers at every start (issue 12, item 2). So the view is shown readably
once it has its real size, and again whenever it is resized (the window manager maximizes,
docks settle) until the learner zooms, pans, clicks or types in it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF

from .group_view import READABLE_AT

#: the node font (the application's, ~9 pt) is drawn under ~7 px below this zoom: unreadable
READABLE_ZOOM = 0.75
FIT_MARGIN = 40.0  # scene units around the fitted graph
EDGE_MARGIN = 48.0  # pixels between the output and the view's right edge
MIN_VIEWPORT = 120  # a viewport narrower or lower than this has no real size yet

_TOUCH = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonDblClick,
}


def readable_zoom(view) -> float:
    """The zoom ``show_readably`` picks: the fit zoom, clamped to [READABLE_ZOOM, FIT_MAX]
    (a grouped graph: the fit of what is drawn, no smaller than the zoom its level's text
    stays readable at; see group_view)."""
    from .view import FIT_MAX_ZOOM

    if _grouped(view):
        level, rect, fit = view.fit_drawn(FIT_MARGIN)
        if rect.isEmpty():
            return 1.0
        return max(READABLE_AT[level], min(FIT_MAX_ZOOM, fit))
    rect = view.canvas_scene.nodes_bounding_rect()
    if rect.isEmpty():
        return 1.0
    vp = view.viewport().rect()
    fit = min(
        vp.width() / (rect.width() + 2 * FIT_MARGIN), vp.height() / (rect.height() + 2 * FIT_MARGIN)
    )
    return max(READABLE_ZOOM, min(FIT_MAX_ZOOM, fit))


def _grouped(view) -> bool:
    doc = view.document
    return doc is not None and bool(doc.groups)


def show_readably(view, output: str | None = None) -> bool:
    """Show ``view``'s graph readably now, or as soon as the view has its size; returns True
    if it was done now. ``output`` defaults to the node gradients are taken from."""
    keeper = _Keeper.of(view)
    keeper.output = output
    keeper.touched = False
    return keeper.apply()


class _Keeper(QObject):
    """Re-shows the graph readably on resizes until the learner touches the view."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.output: str | None = None
        self.touched = True  # nothing asked yet
        self.pending = False
        self.applied = 0  # how many times the view was set (for tests)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    @classmethod
    def of(cls, view) -> _Keeper:
        keeper = view.findChild(_Keeper)
        return keeper if keeper is not None else cls(view)

    def ready(self) -> bool:
        vp = self.view.viewport()
        return self.view.isVisible() and vp.width() >= MIN_VIEWPORT and vp.height() >= MIN_VIEWPORT

    def apply(self) -> bool:
        if not self.ready():
            self.pending = True
            return False
        self.pending = False
        _show(self.view, self.output)
        self.applied += 1
        return True

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in _TOUCH:
            self.touched = True
            self.pending = False
        elif (
            kind in (QEvent.Type.Resize, QEvent.Type.Show)
            and obj is self.view.viewport()
            and not self.touched
            and self.ready()
        ):
            self.apply()
        return False


def _show(view, output: str | None) -> None:
    from mgstudio.app.grads import output_of

    scene = view.canvas_scene
    rect = scene.nodes_bounding_rect()
    if rect.isEmpty():
        view.fit_all()
        return
    zoom = readable_zoom(view)
    view.resetTransform()
    view.scale(zoom, zoom)
    scene.update_detail(cache=True)  # before the repaint the zoom brings
    if _grouped(view):
        rect = scene.nodes_bounding_rect()  # what that zoom draws (its semantic level)
    vp = view.viewport().rect()
    fits = (rect.width() + 2 * FIT_MARGIN) * zoom <= vp.width() + 0.5 and (
        rect.height() + 2 * FIT_MARGIN
    ) * zoom <= vp.height() + 0.5
    doc = view.document
    if output is None and doc is not None:
        output = output_of(doc)
    item = view.item_for(output) if output is not None and not fits else None
    if item is None:
        view.centerOn(rect.center())
    else:
        # the output near the right edge, its inputs to its left, filling the view
        box = scene.drawn_rect_of(item)  # a hidden output: its group's block
        half = vp.width() / 2.0 / zoom
        x = box.right() + EDGE_MARGIN / zoom - half
        x = max(x, rect.left() - FIT_MARGIN + half)  # no empty band left of the graph
        view.centerOn(QPointF(x, box.center().y()))
    scene.update_detail()
    scene.refresh_visible(view)


def expected_view(view, document) -> tuple[float, int]:
    """Before a new graph has items: about the zoom ``show_readably`` will pick for it, and
    how many of its nodes that view will show. The scene makes the items for this (records
    or far-zoom boxes): guessing from the plain fit instead made 100,000 items as boxes and
    switched every one back to a record a moment later (a wrong guess only costs that
    switch, never what is shown)."""
    from mgstudio.app.grads import output_of

    from .scene import MAX_RECORDS_SHOWN
    from .view import FIT_MAX_ZOOM

    nodes = document.nodes
    if not nodes:
        return 1.0, 0
    fit = view._fit_zoom_guess(document)
    zoom = max(READABLE_ZOOM, min(FIT_MAX_ZOOM, fit))
    if zoom <= fit:  # it all fits: every node on screen
        return zoom, len(nodes)
    vp = view.viewport().rect()
    half_w, half_h = vp.width() / 2.0 / zoom, vp.height() / 2.0 / zoom
    output = output_of(document)
    if output in nodes:  # as _show places it: near the right edge, centred vertically
        ox, oy = nodes[output].pos
        cx, cy = ox + EDGE_MARGIN / zoom - half_w, oy
    else:
        xs = [n.pos[0] for n in nodes.values()]
        ys = [n.pos[1] for n in nodes.values()]
        cx, cy = (min(xs) + max(xs)) / 2.0, (min(ys) + max(ys)) / 2.0
    # a node shows if its record (about 400 x 120 with its ports) meets the viewport
    left, right = cx - half_w - 400.0, cx + half_w + 400.0
    top, bottom = cy - half_h - 120.0, cy + half_h + 120.0
    shown = 0
    for node in nodes.values():
        x, y = node.pos
        if left <= x <= right and top <= y <= bottom:
            shown += 1
            if shown > MAX_RECORDS_SHOWN:
                break
    return zoom, shown
