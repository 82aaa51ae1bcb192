"""Gestures on the canvas with real mouse and key events (offscreen), through the undo stack."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mgstudio.app.canvas.view import MIME_KIND
from mgstudio.document import Wire

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
NOMOD = Qt.KeyboardModifier.NoModifier


def vp(view, scene_pos: QPointF) -> QPoint:
    return view.mapFromScene(scene_pos)


def drag(view, a: QPointF, b: QPointF, button=LEFT, mods=NOMOD, steps: int = 4) -> None:
    """Press at scene point ``a``, move in steps, release at ``b`` (viewport events)."""
    port = view.viewport()
    pa, pb = vp(view, a), vp(view, b)
    QTest.mousePress(port, button, mods, pa)
    for k in range(1, steps + 1):
        p = pa + (pb - pa) * (k / steps)
        QTest.mouseMove(port, p)
    QTest.mouseRelease(port, button, mods, pb)


def drop_mime(view, mime: QMimeData, scene_pos: QPointF) -> None:
    """What a palette drag sends the view: enter, move, drop (the drop needs the enter)."""
    pos = QPointF(vp(view, scene_pos))
    copy = Qt.DropAction.CopyAction
    # enter/move take an integer QPoint in PySide6 6.11, the drop a QPointF
    for event in (
        QDragEnterEvent(pos.toPoint(), copy, mime, LEFT, NOMOD),
        QDragMoveEvent(pos.toPoint(), copy, mime, LEFT, NOMOD),
        QDropEvent(pos, copy, mime, LEFT, NOMOD),
    ):
        QApplication.sendEvent(view.viewport(), event)


def drop_kind(view, kind: str, scene_pos: QPointF) -> None:
    mime = QMimeData()
    mime.setData(MIME_KIND, kind.encode("utf-8"))
    drop_mime(view, mime, scene_pos)


# --- palette drops ------------------------------------------------------------------------
def test_drop_from_palette_adds_the_node_there(canvas, doc, undo_stack):
    target = canvas.mapToScene(canvas.viewport().rect().center())
    drop_kind(canvas, "mul", target)
    assert [n.kind for n in doc.nodes.values()] == ["mul"]
    (nid,) = doc.nodes
    item = canvas.item_for(nid)
    assert item.sceneBoundingRect().contains(target)
    assert canvas.selected_ids() == [nid]
    assert undo_stack.text(0) == "Add mul"
    undo_stack.undo()
    assert not doc.nodes and canvas.item_for(nid) is None


def test_drop_of_unknown_data_is_ignored(canvas, doc):
    mime = QMimeData()
    mime.setData(MIME_KIND, b"rm -rf")
    drop_mime(canvas, mime, QPointF(10, 10))
    assert not doc.nodes


def test_drop_onto_a_wire_inserts_the_node(canvas, doc, undo_stack, neuron):
    wire_item = canvas.canvas_scene.wire_item(neuron["o"], "a")
    mid = wire_item.path().pointAtPercent(0.5)
    drop_kind(canvas, "exp", mid)
    (e,) = [nid for nid, n in doc.nodes.items() if n.kind == "exp"]
    assert Wire(neuron["n"], e, "a") in doc.wires
    assert Wire(e, neuron["o"], "a") in doc.wires
    assert undo_stack.count() == 1  # one step: add + splice
    undo_stack.undo()
    assert e not in doc.nodes and Wire(neuron["n"], neuron["o"], "a") in doc.wires


# --- wiring -------------------------------------------------------------------------------
def test_wire_from_output_to_input_with_the_mouse(canvas, doc, undo_stack):
    a = doc.add_node("input", label="a", value=3.0, pos=(0, 0))
    e = doc.add_node("neg", label="e", pos=(400, 100))
    src, dst = canvas.item_for(a), canvas.item_for(e)
    drag(canvas, src.output_pos(), dst.input_pos("a"))
    assert doc.wires == (Wire(a, e, "a"),)
    assert undo_stack.text(0) == "Connect a → e.a"
    assert dst.texts() == ["e", "data -3.0000", "grad 0.0000"]
    assert canvas.canvas_scene.wire_item(e, "a") is not None
    rubber = [it for it in canvas.canvas_scene.items() if type(it).__name__ == "QGraphicsPathItem"]
    assert rubber == []  # the live rubber wire is gone after release


def test_wire_from_input_to_output_works_too(canvas, doc):
    a = doc.add_node("input", label="a", value=1.0, pos=(0, 0))
    e = doc.add_node("exp", label="e", pos=(400, 0))
    drag(canvas, canvas.item_for(e).input_pos("a"), canvas.item_for(a).output_pos())
    assert doc.wires == (Wire(a, e, "a"),)


def test_release_over_a_node_body_uses_its_first_free_input(canvas, doc):
    a = doc.add_node("input", label="a", value=1.0, pos=(0, 0))
    b = doc.add_node("input", label="b", value=1.0, pos=(0, 100))
    m = doc.add_node("mul", label="m", pos=(400, 0))
    doc.connect(a, m, "a")
    body = canvas.item_for(m).cell_rect("data").center()
    drag(canvas, canvas.item_for(b).output_pos(), body)
    assert Wire(b, m, "b") in doc.wires


def test_a_cycle_is_refused_with_the_documents_message(canvas, doc, undo_stack, qtbot):
    a = doc.add_node("input", label="a", pos=(0, 0))
    n = doc.add_node("neg", label="n", pos=(350, 0))
    m = doc.add_node("exp", label="m", pos=(700, 0))
    doc.connect(a, n, "a")
    doc.connect(n, m, "a")
    p = doc.add_node("add", label="p", pos=(350, 200))
    doc.connect(m, p, "a")
    with qtbot.waitSignal(canvas.status_message) as msg:
        drag(canvas, canvas.item_for(p).output_pos(), canvas.item_for(p).input_pos("b"))
    assert "cycle" in msg.args[0]
    assert undo_stack.count() == 0
    assert Wire(p, p, "b") not in doc.wires


def test_an_occupied_input_is_refused(canvas, doc, undo_stack, neuron, qtbot):
    canvas.fit_all()
    x1w1 = canvas.item_for(neuron["x1w1"])
    b = canvas.item_for(neuron["b"])
    before = doc.to_json()
    messages = []
    canvas.status_message.connect(messages.append)
    # drag from b's output onto x1w1's wired input 'a' (picking up is only from the input end)
    drag(canvas, b.output_pos(), x1w1.input_pos("a"))
    assert messages and "already wired" in messages[0]
    assert messages[0].startswith("can't wire 'b' into mul 'x1w1': ")
    assert messages[0].count("can't wire") == 1  # said once, not "can't wire: can't wire"
    assert doc.to_json() == before and undo_stack.count() == 0


def test_dragging_a_wire_end_off_an_input_disconnects(canvas, doc, undo_stack, neuron):
    o = canvas.item_for(neuron["o"])
    start = o.input_pos("a")
    drag(canvas, start, start + QPointF(0, 300))
    assert all(w.dst != neuron["o"] for w in doc.wires)
    assert undo_stack.text(0) == "Disconnect n → o.a"
    assert o.texts()[1:] == ["data —", "grad —"] and o.is_dimmed
    undo_stack.undo()
    assert Wire(neuron["n"], neuron["o"], "a") in doc.wires
    assert not o.is_dimmed


def test_picking_up_a_wire_and_dropping_it_on_another_input_moves_it(canvas, doc, undo_stack):
    a = doc.add_node("input", label="a", value=2.0, pos=(0, 0))
    f = doc.add_node("exp", label="f", pos=(400, 0))
    g = doc.add_node("neg", label="g", pos=(400, 200))
    doc.connect(a, f, "a")
    drag(canvas, canvas.item_for(f).input_pos("a"), canvas.item_for(g).input_pos("a"))
    assert doc.wires == (Wire(a, g, "a"),)
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert doc.wires == (Wire(a, f, "a"),)


def test_cut_gesture_removes_crossed_wires_in_one_step(canvas, doc, undo_stack, neuron):
    canvas.fit_all()
    scene = canvas.canvas_scene
    w1 = scene.wire_item(neuron["o"], "a").path().pointAtPercent(0.5)
    w2 = scene.wire_item(neuron["n"], "b").path().pointAtPercent(0.5)
    ctrl = Qt.KeyboardModifier.ControlModifier
    # a knife line through the middle of both wires
    drag(canvas, QPointF(w1.x() - 5, w1.y() - 60), QPointF(w1.x() + 5, w1.y() + 60), RIGHT, ctrl)
    drag(canvas, QPointF(w2.x() - 5, w2.y() - 60), QPointF(w2.x() + 5, w2.y() + 60), RIGHT, ctrl)
    assert Wire(neuron["n"], neuron["o"], "a") not in doc.wires
    assert Wire(neuron["b"], neuron["n"], "b") not in doc.wires
    assert len(doc.wires) == 7
    assert undo_stack.text(0) == "Disconnect n → o.a"
    undo_stack.undo()
    undo_stack.undo()
    assert len(doc.wires) == 9


def test_cut_misses_wires_it_does_not_cross(canvas, doc, undo_stack, neuron):
    drag(
        canvas, QPointF(-3000, -3000), QPointF(-2900, -2800), RIGHT, Qt.KeyboardModifier.AltModifier
    )
    assert len(doc.wires) == 9 and undo_stack.count() == 0


# --- selection, moving, deleting ----------------------------------------------------------
def test_moving_selected_nodes_is_one_undo_step_on_release(canvas, doc, undo_stack, neuron):
    canvas.select_ids([neuron["x1"], neuron["w1"]])
    x1 = canvas.item_for(neuron["x1"])
    start = {nid: doc.nodes[nid].pos for nid in (neuron["x1"], neuron["w1"])}
    grab = x1.cell_rect("label").center()
    drag(canvas, grab, grab + QPointF(0, -150 / canvas.zoom()), steps=6)
    assert undo_stack.count() == 1 and undo_stack.text(0) == "Move 2 nodes"
    for nid, (x, y) in start.items():
        nx, ny = doc.nodes[nid].pos
        assert nx == pytest.approx(x, abs=1) and ny < y - 50
    undo_stack.undo()
    assert {nid: doc.nodes[nid].pos for nid in start} == start
    assert (x1.x(), x1.y()) == start[neuron["x1"]]


def test_dragging_a_free_node_onto_a_wire_splices_it(canvas, doc, undo_stack, neuron):
    e = doc.add_node("exp", label="e", pos=(0, 900))
    canvas.fit_all()
    item = canvas.item_for(e)
    grab = item.cell_rect("label").center()
    target = canvas.canvas_scene.wire_item(neuron["o"], "a").path().pointAtPercent(0.5)
    offset = grab - item.sceneBoundingRect().center()
    drag(canvas, grab, target + offset, steps=8)
    assert Wire(neuron["n"], e, "a") in doc.wires and Wire(e, neuron["o"], "a") in doc.wires
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert Wire(neuron["n"], neuron["o"], "a") in doc.wires
    assert doc.nodes[e].pos == (0.0, 900.0)


def test_rubber_band_selects_and_delete_key_deletes(canvas, doc, undo_stack, neuron):
    canvas.fit_all()
    scene = canvas.canvas_scene
    leaves = [neuron[k] for k in ("x1", "w1")]
    rect = (
        scene.item_for(leaves[0])
        .sceneBoundingRect()
        .united(scene.item_for(leaves[1]).sceneBoundingRect())
    )
    drag(canvas, rect.topLeft() - QPointF(30, 30), rect.bottomRight() + QPointF(4, 4))
    assert sorted(canvas.selected_ids()) == sorted(leaves)
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert not set(leaves) & set(doc.nodes)
    QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(leaves) <= set(doc.nodes)
    assert Wire(neuron["x1"], neuron["x1w1"], "a") in doc.wires


def test_delete_undo_redo_keeps_ids_and_items(canvas, doc, undo_stack, neuron):
    canvas.select_ids([neuron["n"]])
    for _ in range(4):
        canvas.delete_selected() if undo_stack.count() == 0 else undo_stack.redo()
        assert canvas.item_for(neuron["n"]) is None
        assert canvas.canvas_scene.wire_item(neuron["o"], "a") is None
        assert canvas.item_for(neuron["o"]).is_dimmed
        undo_stack.undo()
        assert canvas.item_for(neuron["n"]) is not None
        assert canvas.canvas_scene.wire_item(neuron["o"], "a") is not None
        assert canvas.item_for(neuron["o"]).texts()[1] == "data 0.7071"
    assert len(canvas.canvas_scene.node_items()) == len(doc.nodes) == 10
    assert len(canvas.canvas_scene.wire_items()) == len(doc.wires) == 9


def test_click_selects_a_wire_and_backspace_deletes_it(canvas, doc, neuron):
    canvas.fit_all()
    wire = canvas.canvas_scene.wire_item(neuron["o"], "a")
    mid = wire.path().pointAtPercent(0.5)
    QTest.mouseClick(canvas.viewport(), LEFT, NOMOD, vp(canvas, mid))
    assert canvas.canvas_scene.selected_wires() == [wire.wire] and wire.selected
    QTest.keyClick(canvas, Qt.Key.Key_Backspace)
    assert Wire(neuron["n"], neuron["o"], "a") not in doc.wires
    assert neuron["n"] in doc.nodes


# --- clipboard ----------------------------------------------------------------------------
def test_copy_paste_and_duplicate(canvas, doc, undo_stack, neuron):
    canvas.select_ids([neuron["x1"], neuron["w1"], neuron["x1w1"]])
    QTest.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clip = json.loads(QApplication.clipboard().text())
    assert len(clip["nodes"]) == 3 and len(clip["wires"]) == 2
    QTest.mouseMove(canvas.viewport(), QPoint(-50, -50))  # the mouse is off the canvas
    QTest.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = canvas.selected_ids()
    assert len(pasted) == 3 and not set(pasted) & set(neuron.values())
    labels = {doc.nodes[i].label: i for i in pasted}
    assert canvas.item_for(labels["x1w1"]).texts()[1] == "data -6.0000"
    # just below the copied piece (its nodes span y 0..60), never on top of it
    x, y = doc.nodes[neuron["x1"]].pos
    assert doc.nodes[labels["x1"]].pos == (x, y + 60 + 110)
    dup = canvas.duplicate()
    assert len(dup) == 3 and len(doc.nodes) == 16
    undo_stack.undo()
    undo_stack.undo()
    assert len(doc.nodes) == 10


def test_cut_then_paste_restores_the_piece(canvas, doc, neuron):
    canvas.select_ids([neuron["b"]])
    canvas.cut()
    assert neuron["b"] not in doc.nodes
    (new,) = canvas.paste()
    assert doc.nodes[new].label == "b" and doc.nodes[new].value == pytest.approx(6.88137358)


def test_paste_of_garbage_is_a_message_not_a_crash(canvas, doc, undo_stack, qtbot):
    QApplication.clipboard().setText('{"format": "nope", "nodes": []}')
    with qtbot.waitSignal(canvas.status_message) as msg:
        assert canvas.paste() == []
    assert "not" in msg.args[0] and undo_stack.count() == 0
    QApplication.clipboard().setText("just words")
    assert canvas.paste() == []


# --- editors and the quick-add popup ------------------------------------------------------
def test_double_click_a_leaf_edits_its_value_inline(canvas, doc, undo_stack, neuron):
    x1 = canvas.item_for(neuron["x1"])
    QTest.mouseDClick(canvas.viewport(), LEFT, NOMOD, vp(canvas, x1.cell_rect("data").center()))
    editor = canvas.editor
    assert editor is not None and editor.text() == "2"
    editor.setText("3")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.nodes[neuron["x1"]].value == 3.0
    assert undo_stack.text(0) == "Set x1 = 3"
    assert canvas.item_for(neuron["x1w1"]).texts()[1] == "data -9.0000"
    assert canvas.editor is None


def test_typing_nonsense_into_a_value_is_refused(canvas, doc, undo_stack, neuron, qtbot):
    editor = canvas.edit_value(neuron["x1"])
    editor.setText("2+2")
    with qtbot.waitSignal(canvas.status_message):
        QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.nodes[neuron["x1"]].value == 2.0 and undo_stack.count() == 0


def test_escape_cancels_an_inline_edit(canvas, doc, neuron, undo_stack):
    editor = canvas.rename(neuron["o"])
    editor.setText("out")
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert doc.nodes[neuron["o"]].label == "o" and undo_stack.count() == 0


def test_double_click_a_label_renames(canvas, doc, undo_stack, neuron):
    n = canvas.item_for(neuron["n"])
    QTest.mouseDClick(canvas.viewport(), LEFT, NOMOD, vp(canvas, n.cell_rect("label").center()))
    canvas.editor.setText("sum")
    QTest.keyClick(canvas.editor, Qt.Key.Key_Return)
    assert doc.nodes[neuron["n"]].label == "sum"
    assert n.texts()[0] == "sum"
    assert undo_stack.text(0) == "Rename n to sum"


def test_tab_opens_quick_add_and_enter_adds_the_match(canvas, doc, undo_stack):
    QTest.keyClick(canvas, Qt.Key.Key_Tab)
    popup = canvas.quick_add
    assert popup is not None and popup.isVisible()
    QTest.keyClicks(popup.filter, "tan")
    assert popup.visible_kinds() == ["constant", "tanh"]  # "constant" holds "tan" too
    assert popup.list.currentItem().data(Qt.ItemDataRole.UserRole) == "tanh"  # prefix wins
    QTest.keyClick(popup.filter, Qt.Key.Key_Return)
    assert [n.kind for n in doc.nodes.values()] == ["tanh"]
    assert not popup.isVisible()


def test_typing_a_letter_opens_quick_add_filtered(canvas, doc):
    QTest.keyClick(canvas, Qt.Key.Key_S)
    popup = canvas.quick_add
    assert popup.filter.text() == "s"
    assert {"sub", "sigmoid", "constant"} <= set(popup.visible_kinds())
    assert "add" not in popup.visible_kinds()
    QTest.keyClick(popup.filter, Qt.Key.Key_Escape)
    assert not popup.isVisible() and not doc.nodes


# --- neuron, arrange, zoom ----------------------------------------------------------------
def test_insert_neuron_then_backward_shows_the_lectures_numbers(canvas, doc, undo_stack):
    ids = canvas.insert_neuron(2, "tanh")
    assert undo_stack.count() == 1 and len(ids) == 10
    by_label = {doc.nodes[i].label: i for i in ids}
    doc.backward(by_label["o"])
    texts = {k: canvas.item_for(v).texts() for k, v in by_label.items()}
    assert texts["o"] == ["o", "data 0.7071", "grad 1.0000"]
    assert texts["n"] == ["n", "data 0.8814", "grad 0.5000"]
    assert texts["x1"][2] == "grad -1.5000" and texts["w1"][2] == "grad 1.0000"
    assert texts["x2"][2] == "grad 0.5000" and texts["w2"][2] == "grad 0.0000"
    # nothing overlaps: the neuron is laid out
    rects = [canvas.item_for(i).sceneBoundingRect().adjusted(8, 8, -8, -8) for i in ids]
    assert not any(a.intersects(b) for k, a in enumerate(rects) for b in rects[k + 1 :])


def test_auto_arrange_is_one_undoable_move(canvas, doc, undo_stack, neuron):
    doc.move_nodes({nid: (0.0, 0.0) for nid in neuron.values()})  # all in one heap
    assert canvas.auto_arrange().wait()  # the layout runs in a background task
    assert undo_stack.count() == 1 and undo_stack.text(0) == "Arrange nodes"
    rects = [canvas.item_for(i).sceneBoundingRect().adjusted(8, 8, -8, -8) for i in neuron.values()]
    assert not any(a.intersects(b) for k, a in enumerate(rects) for b in rects[k + 1 :])
    # left to right: every wire goes from a node further left to one further right
    for w in doc.wires:
        assert doc.nodes[w.src].pos[0] < doc.nodes[w.dst].pos[0]
    undo_stack.undo()
    assert all(doc.nodes[i].pos == (0.0, 0.0) for i in neuron.values())


def test_wheel_zooms_around_the_cursor(canvas, doc, neuron):
    from PySide6.QtCore import QPoint as P
    from PySide6.QtGui import QWheelEvent

    canvas.fit_all()
    at = QPointF(300, 200)
    before_zoom, under = canvas.zoom(), canvas.mapToScene(at.toPoint())
    event = QWheelEvent(
        at,
        QPointF(canvas.viewport().mapToGlobal(at.toPoint())),
        P(0, 0),
        P(0, 240),
        Qt.MouseButton.NoButton,
        NOMOD,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), event)
    assert canvas.zoom() > before_zoom * 1.3
    after = canvas.mapToScene(at.toPoint())
    assert abs(after.x() - under.x()) < 2 / canvas.zoom() + 1
    assert abs(after.y() - under.y()) < 2 / canvas.zoom() + 1
    for _ in range(40):
        canvas.zoom_out()
    assert canvas.zoom() == pytest.approx(0.05)


def test_alt_wheel_on_a_leaf_nudges_as_one_step(canvas, doc, undo_stack, neuron):
    from PySide6.QtCore import QPoint as P
    from PySide6.QtGui import QWheelEvent

    at = QPointF(vp(canvas, canvas.item_for(neuron["x1"]).cell_rect("data").center()))
    zoom = canvas.zoom()
    for _ in range(3):
        event = QWheelEvent(
            at,
            QPointF(canvas.viewport().mapToGlobal(at.toPoint())),
            P(0, 0),
            P(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.AltModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(canvas.viewport(), event)
    assert doc.nodes[neuron["x1"]].value == pytest.approx(2.3)
    assert undo_stack.count() == 1 and canvas.zoom() == zoom
    assert canvas.item_for(neuron["x1w1"]).texts()[1] == "data -6.9000"


# --- panning, menus, lifetime -------------------------------------------------------------
def test_middle_drag_pans_the_view(canvas, doc, neuron):
    before = canvas.mapToScene(QPoint(400, 300))
    port = canvas.viewport()
    QTest.mousePress(port, Qt.MouseButton.MiddleButton, NOMOD, QPoint(400, 300))
    QTest.mouseMove(port, QPoint(300, 250))
    QTest.mouseRelease(port, Qt.MouseButton.MiddleButton, NOMOD, QPoint(300, 250))
    after = canvas.mapToScene(QPoint(400, 300))
    assert (after - before).x() == pytest.approx(100 / canvas.zoom(), abs=2)
    assert (after - before).y() == pytest.approx(50 / canvas.zoom(), abs=2)


def test_space_drag_pans_instead_of_selecting(canvas, doc, undo_stack, neuron):
    start = {nid: n.pos for nid, n in doc.nodes.items()}
    x1 = canvas.item_for(neuron["x1"]).cell_rect("label").center()
    before = canvas.mapToScene(QPoint(10, 10))
    QTest.keyPress(canvas, Qt.Key.Key_Space)
    drag(canvas, x1, x1 + QPointF(0, 120 / canvas.zoom()))
    QTest.keyRelease(canvas, Qt.Key.Key_Space)
    assert {nid: n.pos for nid, n in doc.nodes.items()} == start and undo_stack.count() == 0
    assert canvas.mapToScene(QPoint(10, 10)).y() < before.y() - 50


def test_double_click_on_empty_canvas_opens_quick_add_there(canvas, doc):
    spot = QPointF(-2000, -2000)
    canvas.centerOn(spot)
    QTest.mouseDClick(canvas.viewport(), LEFT, NOMOD, vp(canvas, spot))
    popup = canvas.quick_add
    assert popup is not None and popup.isVisible()
    QTest.keyClicks(popup.filter, "exp")
    QTest.keyClick(popup.filter, Qt.Key.Key_Return)
    (nid,) = doc.nodes
    assert canvas.item_for(nid).sceneBoundingRect().contains(spot)


def test_context_menus_offer_what_fits(canvas, doc, neuron):
    leaf = canvas.context_menu(canvas.item_for(neuron["x1"]).cell_rect("data").center())
    assert "Edit value" in [a.text() for a in leaf.actions()]
    op = canvas.context_menu(canvas.item_for(neuron["n"]).cell_rect("data").center())
    assert "Edit value" not in [a.text() for a in op.actions()]
    empty = [a.text() for a in canvas.context_menu(QPointF(-5000, -5000)).actions()]
    assert {"Add node…", "Insert neuron", "Paste", "Arrange"} <= set(empty)
    mid = canvas.canvas_scene.wire_item(neuron["o"], "a").path().pointAtPercent(0.5)
    wire_menu = canvas.context_menu(mid)
    (disconnect,) = [a for a in wire_menu.actions() if a.text() == "Disconnect"]
    disconnect.trigger()
    assert all(w.dst != neuron["o"] for w in doc.wires)


def test_a_deleted_view_no_longer_listens_to_the_document(qtbot, doc, undo_stack):
    from mgstudio.app.canvas.view import CanvasView

    listeners = len(doc.events.values_changed)
    view = CanvasView(doc, undo_stack)
    assert len(doc.events.values_changed) == listeners + 1
    view.deleteLater()  # closed without detach(), as a careless window might
    qtbot.waitUntil(lambda: len(doc.events.values_changed) == listeners)
    doc.add_node("input", value=1.0)  # must not call into the deleted scene


def test_a_wire_dropped_on_empty_canvas_offers_a_node_to_wire_it_to(canvas, doc, undo_stack):
    a = doc.add_node("input", label="a", value=0.5, pos=(0, 0))
    out = canvas.item_for(a).output_pos()
    drag(canvas, out, out + QPointF(250, 40))
    popup = canvas.quick_add
    assert popup is not None and popup.isVisible()
    QTest.keyClicks(popup.filter, "tanh")
    QTest.keyClick(popup.filter, Qt.Key.Key_Return)
    (t,) = [nid for nid, n in doc.nodes.items() if n.kind == "tanh"]
    assert doc.wires == (Wire(a, t, "a"),)
    assert canvas.item_for(t).texts()[1] == "data 0.4621"
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert list(doc.nodes) == [a] and not doc.wires


def test_a_wire_pulled_back_from_a_free_input_gets_a_new_source(canvas, doc, undo_stack):
    e = doc.add_node("exp", label="e", pos=(500, 0))
    inp = canvas.item_for(e).input_pos("a")
    drag(canvas, inp, inp - QPointF(200, 0))
    QTest.keyClicks(canvas.quick_add.filter, "input")
    QTest.keyClick(canvas.quick_add.filter, Qt.Key.Key_Return)
    (x,) = [nid for nid, n in doc.nodes.items() if n.kind == "input"]
    assert doc.wires == (Wire(x, e, "a"),)
    assert canvas.item_for(e).texts()[1] == "data 1.0000"  # exp(0)


def test_undo_in_the_middle_of_a_wire_drag_does_not_crash(canvas, doc, undo_stack):
    a = canvas.add_node_at("input", QPointF(0, 0))
    out = canvas.item_for(a).output_pos()
    port = canvas.viewport()
    QTest.mousePress(port, LEFT, NOMOD, vp(canvas, out))
    QTest.mouseMove(port, vp(canvas, out + QPointF(80, 0)))
    undo_stack.undo()  # the node being wired from disappears
    QTest.mouseMove(port, vp(canvas, out + QPointF(120, 0)))
    QTest.mouseRelease(port, LEFT, NOMOD, vp(canvas, out + QPointF(160, 0)))
    assert not doc.nodes and canvas.interaction is None
    assert canvas.canvas_scene.items() == []
