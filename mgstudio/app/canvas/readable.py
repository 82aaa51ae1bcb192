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

#: the node font (the application's, ~9 pt) is drawn under ~7 px below this zoom: unreadable
READABLE_ZOOM = 0.75
FIT_MARGIN = 40.0      # scene units around the fitted graph
EDGE_MARGIN = 48.0     # pixels between the output and the view's right edge
MIN_VIEWPORT = 120     # a viewport narrower or lower than this has no real size yet

_TOUCH = {QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.KeyPress,
          QEvent.Type.MouseButtonDblClick}


def readable_zoom(view) -> float:
    """The zoom ``show_readably`` picks: the fit zoom, clamped to [READABLE_ZOOM, FIT_MAX]."""
    from .view import FIT_MAX_ZOOM

    rect = view.canvas_scene.nodes_bounding_rect()
    if rect.isEmpty():
        return 1.0
    vp = view.viewport().rect()
    fit = min(vp.width() / (rect.width() + 2 * FIT_MARGIN),
              vp.height() / (rect.height() + 2 * FIT_MARGIN))
    return max(READABLE_ZOOM, min(FIT_MAX_ZOOM, fit))


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
        return self.view.isVisible() and vp.width() >= MIN_VIEWPORT \
            and vp.height() >= MIN_VIEWPORT

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
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show) and obj is self.view.viewport() \
                and not self.touched and self.ready():
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
    vp = view.viewport().rect()
    fits = (rect.width() + 2 * FIT_MARGIN) * zoom <= vp.width() + 0.5 and \
        (rect.height() + 2 * FIT_MARGIN) * zoom <= vp.height() + 0.5
    doc = view.document
    if output is None and doc is not None:
        output = output_of(doc)
    item = view.item_for(output) if output is not None and not fits else None
    if item is None:
        view.centerOn(rect.center())
    else:
        # the output near the right edge, its inputs to its left, filling the view
        box = item.sceneBoundingRect()
        half = vp.width() / 2.0 / zoom
        x = box.right() + EDGE_MARGIN / zoom - half
        x = max(x, rect.left() - FIT_MARGIN + half)  # no empty band left of the graph
        view.centerOn(QPointF(x, box.center().y()))
    scene.update_detail()
    scene.refresh_visible(view)

