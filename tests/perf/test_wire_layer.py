"""Wires live in the view's cached background: drawn where they are, redrawn only where they
changed, still exported, and Qt's item index stays useful."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from mgstudio.app.canvas.scene import CanvasScene
from mgstudio.app.commands import MoveNodesCommand, SetValueCommand


def _close(a: QColor, b: QColor, tol: int = 40) -> bool:
    return (abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())) <= tol


def _pixel(canvas, scene_pos: QPointF) -> QColor:
    canvas.viewport().repaint()
    image = canvas.viewport().grab().toImage()
    p = canvas.mapFromScene(scene_pos)
    return image.pixelColor(p.x(), p.y())


def _midpoint(canvas, dst: str, port: str = "a") -> QPointF:
    return canvas.canvas_scene.wire_item(dst, port).path().pointAtPercent(0.5)


@pytest.fixture
def wire_strokes(monkeypatch) -> list:
    """The scene rectangles the wire layer redraws from now on."""
    rects = []
    original = CanvasScene.paint_wires
    monkeypatch.setattr(
        CanvasScene,
        "paint_wires",
        lambda self, *args, **kw: (rects.append(args[1]), original(self, *args, **kw)),
    )
    return rects


@pytest.fixture
def pair(canvas, doc):
    """An input wired into a tanh far below it, shown at 1:1."""
    a = doc.add_node("input", label="a", value=0.5, pos=(0.0, 0.0))
    t = doc.add_node("tanh", label="t", pos=(400.0, 200.0))
    doc.connect(a, t, "a")
    canvas.resetTransform()
    canvas.centerOn(300.0, 200.0)
    return a, t


def test_wires_are_drawn_and_follow_a_moved_node(canvas, doc, undo_stack, pair, qtbot):
    a, t = pair
    colors = canvas.canvas_scene.style.colors
    old_mid = _midpoint(canvas, t)
    assert _close(_pixel(canvas, old_mid), colors.wire)
    undo_stack.push(MoveNodesCommand(doc, {t: (400.0, 400.0)}))
    new_mid = _midpoint(canvas, t)
    assert new_mid.y() > old_mid.y() + 50
    assert _close(_pixel(canvas, new_mid), colors.wire)
    assert _close(_pixel(canvas, old_mid), colors.background, tol=60)  # nothing left behind
    undo_stack.undo()
    assert _close(_pixel(canvas, old_mid), colors.wire)


def test_selected_wire_is_drawn_strong_and_a_removed_one_disappears(canvas, doc, pair):
    a, t = pair
    scene = canvas.canvas_scene
    mid = _midpoint(canvas, t)
    scene.select_wire(scene.wire_item(t, "a"))
    assert _close(_pixel(canvas, mid), scene.style.colors.wire_hover)
    doc.disconnect(scene.wire_item(t, "a").wire)
    assert _close(_pixel(canvas, mid), scene.style.colors.background, tol=60)


def test_a_leaf_edit_redraws_no_wire(canvas, doc, undo_stack, pair, wire_strokes, paints):
    a, t = pair
    canvas.viewport().repaint()
    wire_strokes.clear()
    before = paints[canvas.item_for(t)]
    undo_stack.push(SetValueCommand(doc, a, 2.0))
    canvas.viewport().repaint()
    assert canvas.item_for(t).texts()[1] == "data 0.9640"
    assert paints[canvas.item_for(t)] > before
    assert wire_strokes == []


def test_panning_redraws_only_the_uncovered_strip(canvas, pair, wire_strokes):
    canvas.viewport().repaint()
    wire_strokes.clear()
    redrawn = wire_strokes
    full_redraws = canvas.wire_layer.redraws
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().value() + 30)
    canvas.viewport().repaint()
    assert canvas.wire_layer.redraws == full_redraws
    assert redrawn and all(r.width() <= 40 for r in redrawn)
    canvas.scale(1.25, 1.25)  # a zoom draws everything afresh
    canvas.viewport().repaint()
    assert canvas.wire_layer.redraws == full_redraws + 1


def test_exported_picture_still_has_the_wires(canvas, pair):
    a, t = pair
    scene = canvas.canvas_scene
    mid = _midpoint(canvas, t)
    rect = QRectF(mid.x() - 20, mid.y() - 20, 40, 40)
    image = QImage(40, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    assert _close(image.pixelColor(20, 20), scene.style.colors.wire, tol=60)


def test_item_index_finds_only_what_is_near(canvas, doc):
    with doc.batch():
        prev = doc.add_node("input", label="x", value=1.0, pos=(0.0, 0.0))
        for i in range(1, 200):
            n = doc.add_node("tanh", pos=(400.0 * (i % 20), 80.0 * (i // 20)))
            doc.connect(prev, n, "a")
            prev = n
    scene = canvas.canvas_scene
    for wire in scene.wire_items():  # real bounds (they come from the hit shape)
        path, bounds = wire.path(), wire.boundingRect()
        assert not bounds.isEmpty()
        assert all(bounds.contains(path.pointAtPercent(t)) for t in (0.0, 0.5, 1.0))
    near = scene.items(QRectF(-5.0, -5.0, 10.0, 10.0))
    assert 1 <= len(near) <= 5
    # a node moved far away keeps the index around it
    far = doc.add_node("input", label="far", value=0.0, pos=(50_000.0, 50_000.0))
    assert scene.sceneRect().contains(canvas.item_for(far).sceneBoundingRect())


def test_a_new_number_repaints_to_the_same_pixels_as_a_fresh_paint(canvas, doc, undo_stack, pair):
    """The value cells are repainted alone into each node's cached picture: the result must
    be what painting everything afresh gives."""
    a, t = pair
    canvas.viewport().repaint()
    undo_stack.push(SetValueCommand(doc, a, -1.25))
    canvas.viewport().repaint()
    partial = canvas.viewport().grab().toImage()
    for item in canvas.canvas_scene.node_items():
        item.update()  # drop every cached picture
    canvas.viewport().repaint()
    fresh = canvas.viewport().grab().toImage()
    assert partial.size() == fresh.size()
    # antialiased outlines drawn under a clip may differ in a corner pixel or two, no more
    off = [
        max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))
        for y in range(fresh.height())
        for x in range(0, fresh.width())
        if partial.pixel(x, y) != fresh.pixel(x, y)
        for a, b in [(QColor(partial.pixel(x, y)), QColor(fresh.pixel(x, y)))]
    ]
    assert len(off) <= 8 and max(off, default=0) <= 60, (len(off), max(off, default=0))


def test_far_zoom_drops_the_cached_pictures_and_zooming_in_brings_them_back(canvas, doc, pair):
    from PySide6.QtWidgets import QGraphicsItem

    cached = QGraphicsItem.CacheMode.DeviceCoordinateCache
    item = canvas.item_for(pair[1])
    canvas.reset_zoom()
    assert item.cacheMode() == cached
    canvas.zoom_by(0.1)
    assert item.cacheMode() == QGraphicsItem.CacheMode.NoCache
    new = doc.add_node("input", label="new", value=1.0, pos=(0.0, 300.0))
    assert canvas.item_for(new).cacheMode() == QGraphicsItem.CacheMode.NoCache
    canvas.reset_zoom()
    assert canvas.zoom() == pytest.approx(1.0)
    assert item.cacheMode() == cached and canvas.item_for(new).cacheMode() == cached


def _hover(canvas, scene_pos: QPointF) -> None:
    """A plain mouse move (no button) over the canvas, delivered straight to the viewport:
    QTest's moves are dropped when the offscreen cursor is already there."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(canvas.mapFromScene(scene_pos))
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        local,
        QPointF(canvas.viewport().mapToGlobal(local.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas.viewport(), event)


def test_the_wire_under_the_mouse_is_drawn_strong(canvas, pair):
    from PySide6.QtCore import Qt

    a, t = pair
    scene = canvas.canvas_scene
    wire = scene.wire_item(t, "a")
    mid = _midpoint(canvas, t)
    _hover(canvas, mid)
    assert wire.is_hot and wire.visual_pen.color() == scene.style.colors.wire_hover
    assert _close(_pixel(canvas, mid), scene.style.colors.wire_hover)
    _hover(canvas, mid + QPointF(0.0, 80.0))
    assert not wire.is_hot
    assert canvas.viewport().cursor().shape() != Qt.CursorShape.CrossCursor


# --- zoomed out: the layer draws the nodes as boxes ---------------------------------------
def _box_pixel(canvas, nid) -> QColor:
    return _pixel(canvas, canvas.item_for(nid).sceneBoundingRect().center())


@pytest.fixture
def far(canvas, doc, pair):
    """The pair, zoomed out to boxes (through the view's own zoom)."""
    canvas.reset_zoom()
    canvas.zoom_by(0.2)
    canvas.centerOn(300.0, 200.0)
    canvas.viewport().repaint()
    return pair


def test_far_zoom_boxes_come_from_the_layer_and_follow_tint_moves_and_selection(
    canvas, doc, undo_stack, far, paints
):
    a, t = far
    scene = canvas.canvas_scene
    item = canvas.item_for(t)
    assert scene.boxes_in_layer and item.boxed
    before = paints[item]
    assert _close(_box_pixel(canvas, t), item.box_fill(), tol=30)
    assert paints[item] == before  # the item itself paints nothing
    # a new grad tint shows (t's grad is 1 as the output; a's follows tanh')
    undo_stack.push(SetValueCommand(doc, a, 0.0))
    assert _close(_box_pixel(canvas, a), canvas.item_for(a).box_fill(), tol=30)
    # a move leaves nothing behind
    old = item.sceneBoundingRect().center()
    undo_stack.push(MoveNodesCommand(doc, {t: (400.0, 900.0)}))
    assert _close(_pixel(canvas, old), scene.style.colors.background, tol=60)
    assert _close(_box_pixel(canvas, t), item.box_fill(), tol=30)
    # selection outlines the box
    canvas.select_ids([t])
    box = canvas.mapFromScene(item.box_rect()).boundingRect()
    image = canvas.viewport().grab().toImage()
    outline = [
        image.pixelColor(x, y)
        for y in range(box.top() - 1, box.top() + 2)
        for x in range(box.left() + 2, box.right() - 2)
    ]
    assert any(_close(c, scene.style.colors.selected, tol=80) for c in outline)


def test_a_transform_set_from_outside_switches_painting_in_the_same_frame(canvas, far, paints):
    a, t = far
    item = canvas.item_for(t)
    canvas.resetTransform()  # not through zoom_by: drawBackground must notice
    canvas.centerOn(item)
    before = paints[item]
    canvas.viewport().repaint()
    assert not item.boxed and paints[item] > before


def test_exporting_while_zoomed_out_draws_the_records(canvas, far, tmp_path, monkeypatch):
    from mgstudio.app.canvas.node_item import NodeItem
    from mgstudio.app.export import render_scene

    labels = []
    original = NodeItem._paint_label
    monkeypatch.setattr(
        NodeItem, "_paint_label", lambda self, p: (labels.append(self.node_id), original(self, p))
    )
    render_scene(canvas.canvas_scene, tmp_path / "far.png", "png")
    assert sorted(labels) == sorted(far)
    assert canvas.item_for(far[1]).boxed  # and the view is back to boxes


def _differing_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    return sum(a.pixel(x, y) != b.pixel(x, y) for y in range(a.height()) for x in range(a.width()))


@pytest.mark.parametrize("zoom", [1.0, 0.8, 1.5, 0.3])
@pytest.mark.parametrize(("dx", "dy"), [(30, 0), (0, 30), (-17, 23), (7, -45)])
def test_a_panned_layer_equals_a_fresh_layer(canvas, pair, zoom, dx, dy):
    """After a pan only the uncovered strip is drawn; the grid must be anchored to scene
    coordinates so that strip lines up with the pixels scrolled along (it used to draw a line
    every 100 px from wherever the strip began, rounded to 20)."""
    canvas.scale(zoom, zoom)
    canvas.viewport().repaint()
    redraws = canvas.wire_layer.redraws
    for bar, d in ((canvas.horizontalScrollBar(), dx), (canvas.verticalScrollBar(), dy)):
        bar.setValue(bar.value() + d)
    canvas.viewport().repaint()
    assert canvas.wire_layer.redraws == redraws  # really a partial redraw
    panned = canvas.viewport().grab().toImage()
    canvas.wire_layer.invalidate()
    canvas.viewport().repaint()
    assert canvas.wire_layer.redraws == redraws + 1
    fresh = canvas.viewport().grab().toImage()
    assert _differing_pixels(panned, fresh) == 0


def test_a_wire_edit_redraws_to_the_same_pixels_as_a_fresh_layer(canvas, doc, undo_stack, pair):
    """Moving a node redraws the rectangles its wires left and took (grid included): no
    misaligned grid patch or leftover line fragment may remain."""
    a, t = pair
    canvas.scale(0.8, 0.8)
    canvas.viewport().repaint()
    redraws = canvas.wire_layer.redraws
    undo_stack.push(MoveNodesCommand(doc, {t: (430.0, 330.0)}))
    e = doc.add_node("exp", pos=(150.0, 260.0))
    doc.connect(a, e, "a")
    canvas.viewport().repaint()
    assert canvas.wire_layer.redraws == redraws
    edited = canvas.viewport().grab().toImage()
    canvas.wire_layer.invalidate()
    canvas.viewport().repaint()
    fresh = canvas.viewport().grab().toImage()
    assert _differing_pixels(edited, fresh) == 0
