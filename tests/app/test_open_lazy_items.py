"""A big file opens with canvas items for what is on screen only (see canvas/scene_lazy), and
shows exactly what a canvas with every item shows: compared pixel by pixel after the open,
a scroll, a far zoom, an edit seen from far, a zoom back in and select-all. Counted, not
timed: how many items an open makes, and that every one that is needed exists."""

from __future__ import annotations

import json
import random

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

import mgstudio.app.canvas.scene as scene_module
from mgstudio.app.canvas.node_shape import geometry_for
from mgstudio.app.canvas.scene_detail import MAX_RECORDS_SHOWN
from mgstudio.app.commands import MoveNodesCommand, RemoveNodesCommand, SetValueCommand
from mgstudio.document.kinds import KINDS

N = 6000


def big_file(path, n: int = N, positions: bool = False):
    """A fifth leaves, then ops each reading the previous node and a random earlier one (long
    wires across the graph); no positions (laid out on load) unless ``positions``."""
    rnd = random.Random(7)
    leaves = n // 5
    nodes, wires = [], []
    for i in range(n):
        nid = f"n{i}"
        if i < leaves:
            node = {"id": nid, "kind": "input", "label": f"x{i}", "value": rnd.uniform(-1, 1)}
        else:
            kind = rnd.choice(("add", "mul", "tanh", "pow"))
            node = {"id": nid, "kind": kind}
            wires.append({"src": f"n{i - 1}", "dst": nid, "port": "a"})
            if kind in ("add", "mul"):
                wires.append({"src": f"n{rnd.randrange(i)}", "dst": nid, "port": "b"})
            elif kind == "pow" and i % 2:
                wires.append({"src": f"n{rnd.randrange(leaves)}", "dst": nid, "port": "exponent"})
        if positions:
            node["pos"] = [380.0 * (i // 60), 90.0 * (i % 60)]
        nodes.append(node)
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    return path


def shown_rect(view):
    return view.mapToScene(view.viewport().rect()).boundingRect()


def bounds_of(style, doc, nid):
    """Where a node's item stands (bounds, scene coordinates), from the document alone."""
    node = doc.nodes[nid]
    wired = set(doc.inputs_of(nid))
    g = geometry_for(style, KINDS[node.kind], node.label, node.params, wired)
    return g.bounds.translated(*node.pos)


def test_a_big_file_opens_with_items_for_the_screen_only(window, tmp_path, errors):
    assert window.open_file(big_file(tmp_path / "big.mgs"), ask=False)
    window.grab()
    assert not errors
    view, doc = window.canvas, window.document
    scene = view.canvas_scene
    # the records on screen, plus the far ends of their wires: a small part of the file
    assert 0 < scene.made_nodes < MAX_RECORDS_SHOWN < N
    assert scene.pending_count() == N - scene.made_nodes
    # ...but every node the screen shows has its item, at its place
    rect = shown_rect(view)
    made = {it.node_id: it for it in scene.made_items()}
    on_screen = [nid for nid in doc.nodes if bounds_of(scene.style, doc, nid).intersects(rect)]
    assert on_screen and set(on_screen) <= set(made)
    for nid in on_screen:
        assert (made[nid].x(), made[nid].y()) == doc.nodes[nid].pos
    # and every wire crossing the screen has its item (drawn as a curve at this zoom)
    crossing = [w for w in scene.wires_in(rect, make=False)]
    pending = scene._pending
    assert len(pending.wires_in(rect.left(), rect.top(), rect.right(), rect.bottom())) == 0
    assert crossing
    # the whole document is still one item per node and per wire once all are asked for
    assert len(scene.node_items()) == N and scene.pending_count() == 0
    assert len(scene.wire_items()) == len(doc.wires)


def _grab(window):
    QApplication.processEvents()
    return window.canvas.viewport().grab().toImage()


def _walk(window, path):
    """Open and look around as a learner would; the viewport's pixels after each step."""
    assert window.open_file(path, ask=False)
    view, doc = window.canvas, window.document
    shots = [_grab(window)]
    view.centerOn(QPointF(380.0 * 20, 90.0 * 30))  # scroll into the middle of the graph
    shots.append(_grab(window))
    view.fit_all()  # far zoom: boxes and straight wires
    shots.append(_grab(window))
    leaf = next(iter(doc.nodes))
    window.undo_stack.push(SetValueCommand(doc, leaf, 3.0))  # new numbers and tints, from far
    shots.append(_grab(window))
    view.resetTransform()
    view.centerOn(QPointF(380.0 * 40, 90.0 * 10))  # back to reading zoom elsewhere
    shots.append(_grab(window))
    view.select_all()
    shots.append(_grab(window))
    view.fit_all()
    shots.append(_grab(window))  # the selection outlines every box
    return shots


def _same(a, b, tol: int = 3) -> int:
    """How many pixels differ by more than ``tol`` in a channel (antialiased wires drawn in
    another order may round differently)."""
    assert a.size() == b.size()
    bad = 0
    for y in range(0, a.height(), 2):
        for x in range(0, a.width(), 2):
            p, q = a.pixelColor(x, y), b.pixelColor(x, y)
            if (
                abs(p.red() - q.red()) > tol
                or abs(p.green() - q.green()) > tol
                or abs(p.blue() - q.blue()) > tol
            ):
                bad += 1
    return bad


def test_what_a_lazy_canvas_shows_is_what_a_canvas_with_every_item_shows(
    window, tmp_path, monkeypatch, errors
):
    path = big_file(tmp_path / "big.mgs", positions=True)
    window.canvas.setFixedSize(800, 500)  # both walks see the same viewport
    lazy = _walk(window, path)
    made = window.canvas.canvas_scene.made_nodes
    assert made == N  # select-all asked for every item
    window.undo_stack.setClean()
    monkeypatch.setattr(scene_module, "LAZY_MIN", 10**9)  # every item at once, as before
    eager = _walk(window, path)
    assert window.canvas.canvas_scene.pending_count() == 0
    assert not errors
    differing = [_same(a, b) for a, b in zip(lazy, eager)]
    assert differing == [0] * len(lazy)


def test_select_all_and_select_node_reach_nodes_without_items(window, tmp_path):
    assert window.open_file(big_file(tmp_path / "big.mgs"), ask=False)
    view, doc = window.canvas, window.document
    scene = view.canvas_scene
    far = list(doc.nodes)[N // 2]
    assert scene.item_for(far) is not None  # made on demand
    view.select_node(far)  # what finding a node does: select it and scroll to it
    assert view.selected_ids() == [far]
    assert shown_rect(view).intersects(scene.item_for(far).sceneBoundingRect())
    before = scene.made_nodes
    assert before < N
    view.select_all()
    assert set(view.selected_ids()) == set(doc.nodes)
    assert scene.made_nodes == N


def test_scrolling_makes_the_records_that_come_on_screen_and_far_zoom_makes_none(window, tmp_path):
    assert window.open_file(big_file(tmp_path / "big.mgs"), ask=False)
    window.grab()
    view, doc = window.canvas, window.document
    scene = view.canvas_scene
    at_open = scene.made_nodes
    rect = scene.nodes_bounding_rect()
    view.centerOn(rect.center())
    window.grab()
    assert scene.made_nodes > at_open
    rect_now = shown_rect(view)
    for nid in doc.nodes:
        if bounds_of(scene.style, doc, nid).intersects(rect_now):
            assert nid in {it.node_id for it in scene.made_items()}
    made = scene.made_nodes
    view.fit_all()  # everything on screen, as boxes from the pending columns
    window.grab()
    assert scene.boxes_in_layer and scene.made_nodes == made


def _drag(viewport, a, b):
    for kind, pos, buttons in (
        (QEvent.Type.MouseButtonPress, a, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, (a + b) / 2, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, b, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, b, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(
            kind,
            pos,
            viewport.mapToGlobal(pos),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, event)


def _band_select(window, path):
    """Open, zoom out to boxes, drag a rubber band over part of the graph: the selection."""
    assert window.open_file(path, ask=False)
    view = window.canvas
    scene = view.canvas_scene
    view.fit_all()
    window.grab()
    waiting = scene.pending_count()
    vp = view.viewport().rect()
    a = QPointF(vp.width() * 0.3, vp.height() * 0.3)
    b = QPointF(vp.width() * 0.6, vp.height() * 0.6)
    # the band starts on empty canvas (on a node it would drag the node, on a wire select
    # the wire)
    for _ in range(200):
        start = view.mapToScene(a.toPoint())
        if scene.node_at(start) is None and scene.wire_at(start) is None:
            break
        a += QPointF(3.0, 2.0)
    _drag(view.viewport(), a, b)
    return set(view.selected_ids()), waiting


def test_a_rubber_band_from_far_selects_nodes_that_had_no_item(window, tmp_path, monkeypatch):
    path = big_file(tmp_path / "big.mgs", positions=True)
    window.canvas.setFixedSize(800, 500)
    lazy, waiting = _band_select(window, path)
    assert waiting > N // 2  # most nodes had no item when the band started
    monkeypatch.setattr(scene_module, "LAZY_MIN", 10**9)
    eager, waiting = _band_select(window, path)
    assert waiting == 0
    assert len(eager) > 50 and lazy == eager


@pytest.mark.parametrize("edit", ["move", "remove-and-undo"])
def test_edits_of_nodes_without_items_reach_the_canvas(window, tmp_path, edit):
    assert window.open_file(big_file(tmp_path / "big.mgs"), ask=False)
    view, doc = window.canvas, window.document
    scene = view.canvas_scene
    pending = scene._pending
    nid = next(n for n in reversed(list(doc.nodes)) if pending.has_node(n))
    wires = [w for w in doc.wires if nid in (w.src, w.dst)]
    if edit == "move":
        window.undo_stack.push(MoveNodesCommand(doc, {nid: (-3000.0, -3000.0)}))
        item = scene.item_for(nid)
        assert (item.x(), item.y()) == (-3000.0, -3000.0)
        for w in wires:  # its wires run to where it is now
            wi = scene.wire_item(w.dst, w.port)
            x0, y0 = scene.item_for(w.src).output_xy()
            x1, y1 = scene.item_for(w.dst).input_xy(w.port)
            assert wi.ends == (x0, y0, x1, y1)
    else:
        window.undo_stack.push(RemoveNodesCommand(doc, [nid]))
        assert scene.item_for(nid) is None
        assert all(scene.wire_item(w.dst, w.port) is None for w in wires)
        window.undo_stack.undo()
        assert scene.item_for(nid) is not None
        assert all(scene.wire_item(w.dst, w.port).wire == w for w in wires)
    assert len(scene.wire_items()) == len(doc.wires)
    for it in scene.node_items():  # every port shows whether it is wired, as the document says
        assert it._wired == set(doc.inputs_of(it.node_id))
        assert it._out_wired == bool(doc.consumers_of(it.node_id))
