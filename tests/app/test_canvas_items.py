"""What the node items show, and that they follow the document live."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from mgstudio.app.canvas.colors import CanvasColors
from mgstudio.app.canvas.numbers import format_number, parse_number
from mgstudio.app.commands import SetValueCommand
from mgstudio.document import Document


def render(scene, rect: QRectF, scale: float = 2.0) -> QImage:
    image = QImage(
        int(rect.width() * scale), int(rect.height() * scale), QImage.Format.Format_ARGB32
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image


def reddish_pixels(image: QImage) -> int:
    n = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if c.red() > 170 and c.green() < 110 and c.blue() < 110:
                n += 1
    return n


@pytest.mark.parametrize(
    "x, shown",
    [
        (0.0, "0.0000"),
        (-6.0, "-6.0000"),
        (0.8813735870195432, "0.8814"),
        (1e7, "1.000e+07"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (float("nan"), "nan"),
        (2e-5, "2.000e-05"),
    ],
)
def test_numbers_are_shown_like_draw_dot(x, shown):
    assert format_number(x) == shown


@pytest.mark.parametrize(
    "text, x", [("2.5", 2.5), (" -3 ", -3.0), ("1e-3", 0.001), ("0,5", 0.5), ("−2", -2.0)]
)
def test_typed_numbers_are_parsed_without_eval(text, x):
    assert parse_number(text) == x


@pytest.mark.parametrize("text", ["2+2", "__import__('os')", "", "1,000.5", "x1"])
def test_anything_but_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_items_show_the_records_and_follow_value_edits(canvas, doc, undo_stack, neuron):
    texts = {k: canvas.item_for(v).texts() for k, v in neuron.items()}
    assert texts["x1"] == ["x1", "data 2.0000", "grad 0.0000"]
    assert texts["o"] == ["o", "data 0.7071", "grad 0.0000"]
    undo_stack.push(SetValueCommand(doc, neuron["x2"], 1.0))
    # x2w2 = 1 * 1, x1w1x2w2 = -5, n = 1.8814, o = tanh(n)
    assert canvas.item_for(neuron["x2w2"]).texts()[1] == "data 1.0000"
    assert canvas.item_for(neuron["n"]).texts()[1] == "data 1.8814"
    o = math.tanh(-5.0 + 6.8813735870195432)
    assert canvas.item_for(neuron["o"]).texts()[1] == f"data {o:.4f}"
    undo_stack.undo()
    assert canvas.item_for(neuron["o"]).texts()[1] == "data 0.7071"


def test_backward_tints_grads_by_sign_and_size(canvas, doc, neuron):
    doc.backward(neuron["o"])
    items = {k: canvas.item_for(v) for k, v in neuron.items()}
    x1, w1, w2, o = items["x1"].tint, items["w1"].tint, items["w2"].tint, items["o"].tint
    assert x1.blue() > x1.red()  # grad -1.5: blue
    assert w1.red() > w1.blue()  # grad +1.0: red
    assert w2 is None  # grad 0: no tint
    fill = canvas.canvas_scene.style.colors.node_fill

    def distance(c: QColor) -> int:
        return (
            abs(c.red() - fill.red()) + abs(c.green() - fill.green()) + abs(c.blue() - fill.blue())
        )

    # same sign, |grad| 1.0 against 0.5: the larger grad has the stronger tint
    assert distance(w1) == distance(o) > distance(items["n"].tint)
    assert canvas.canvas_scene.max_abs_grad == pytest.approx(1.5)


def test_tint_strength_grows_with_grad_relative_to_the_largest():
    colors = CanvasColors.from_palette()
    fill = colors.node_fill

    def distance(g: float) -> int:
        c = colors.grad_tint(g, 4.0)
        return (
            abs(c.red() - fill.red()) + abs(c.green() - fill.green()) + abs(c.blue() - fill.blue())
        )

    for sign in (1, -1):
        strengths = [distance(sign * g) for g in (0.01, 0.5, 1.0, 2.0, 4.0, 8.0)]
        assert strengths == sorted(strengths) and strengths[0] > 0
        assert strengths[-1] == strengths[-2]  # beyond the largest it saturates
    assert colors.grad_tint(0.0, 4.0) is None
    assert colors.grad_tint(float("nan"), 4.0) is None


def test_incomplete_nodes_are_dimmed_and_show_a_dash(canvas, doc):
    m = doc.add_node("mul", label="m")
    item = canvas.item_for(m)
    assert item.is_dimmed and item.texts() == ["m", "data —", "grad —"]
    a = doc.add_node("input", value=3.0)
    doc.connect(a, m, "a")
    doc.connect(a, m, "b")
    assert not item.is_dimmed and item.texts()[1] == "data 9.0000"


def test_overflow_shows_a_red_inf(canvas, doc):
    x = doc.add_node("input", label="x", value=1000.0, pos=(0, 0))
    e = doc.add_node("exp", label="e", pos=(0, 100))
    doc.connect(x, e, "a")
    item = canvas.item_for(e)
    assert item.texts()[1] == "data inf"
    red_inf = render(canvas.canvas_scene, item.cell_rect("data"))
    assert reddish_pixels(red_inf) > 5
    doc.set_value(x, 1.0)
    assert item.texts()[1] == "data 2.7183"
    assert reddish_pixels(render(canvas.canvas_scene, item.cell_rect("data"))) == 0


def test_nan_is_shown_as_nan(canvas, doc):
    x = doc.add_node("input", value=-1.0)
    lg = doc.add_node("log")
    doc.connect(x, lg, "a")
    assert canvas.item_for(lg).texts()[1] == "data nan"


def test_ops_show_their_symbol_and_leaves_have_none(canvas, doc):
    p = doc.add_node("pow")
    assert canvas.item_for(p).symbol == "**2"
    doc.set_param(p, "exponent", 3.0)
    assert canvas.item_for(p).symbol == "**3"
    t = doc.add_node("tanh")
    assert canvas.item_for(t).symbol == "tanh"
    assert canvas.item_for(doc.add_node("input")).symbol == ""


def test_ports_sit_left_for_inputs_and_right_for_the_output(canvas, doc):
    m = doc.add_node("mul", pos=(100, 100))
    item = canvas.item_for(m)
    rect = item.sceneBoundingRect()
    a, b, out = item.input_pos("a"), item.input_pos("b"), item.output_pos()
    assert a.x() < rect.center().x() < out.x()
    assert a.y() < b.y()
    assert item.port_at(a).name == "a" and item.port_at(out).is_output


def test_selection_is_reported_as_ids(canvas, doc, neuron, qtbot):
    with qtbot.waitSignal(canvas.selection_changed) as sig:
        canvas.select_node(neuron["b"])
    assert sig.args == [[neuron["b"]]] and canvas.selected_ids() == [neuron["b"]]
    canvas.select_all()
    assert sorted(canvas.selected_ids()) == sorted(neuron.values())


def test_set_document_resubscribes_and_rebuilds(canvas, doc, neuron):
    old_listeners = len(doc.events.node_added)
    other = Document()
    a = other.add_node("input", label="a", value=1.0)
    canvas.set_document(other)
    assert len(doc.events.node_added) == old_listeners - 1
    assert [it.node_id for it in canvas.canvas_scene.node_items()] == [a]
    doc.add_node("mul")  # the old document no longer reaches the canvas
    assert len(canvas.canvas_scene.node_items()) == 1
    other.add_node("exp")
    assert len(canvas.canvas_scene.node_items()) == 2
    canvas.detach()
    assert len(other.events.values_changed) == 0


def test_colours_follow_a_dark_palette(canvas, doc, neuron, qtbot):
    app = QApplication.instance()
    light = app.palette()
    dark = QPalette(light)
    for group in (
        QPalette.ColorGroup.Active,
        QPalette.ColorGroup.Inactive,
        QPalette.ColorGroup.Disabled,
    ):
        dark.setColor(group, QPalette.ColorRole.Base, QColor(30, 30, 32))
        dark.setColor(group, QPalette.ColorRole.Window, QColor(40, 40, 44))
        dark.setColor(group, QPalette.ColorRole.Text, QColor(230, 230, 230))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: canvas.canvas_scene.style.colors.dark)  # Qt posts the change
        colors = canvas.canvas_scene.style.colors
        assert colors.dark and colors.node_fill.lightness() < 60
        assert colors.text.lightness() > 200
        assert canvas.item_for(neuron["x1"]).style is canvas.canvas_scene.style
    finally:
        app.setPalette(light)
    qtbot.waitUntil(lambda: not canvas.canvas_scene.style.colors.dark)


def test_a_scene_without_a_view_can_be_built_for_a_big_document(qtbot):
    from mgstudio.app.canvas.scene import CanvasScene

    doc = Document()
    prev = doc.add_node("input", value=0.5)
    for i in range(200):
        nid = doc.add_node("tanh", pos=(i * 10.0, 0.0))
        doc.connect(prev, nid, "a")
        prev = nid
    scene = CanvasScene(doc)
    assert len(scene.node_items()) == 201 and len(scene.wire_items()) == 200
    scene.release()


def test_a_node_moved_onto_the_screen_shows_numbers_that_changed_while_it_was_away(
    canvas, doc, undo_stack, neuron
):
    # found by the edit-session state machine: Qt redraws a moved item from its cached
    # picture, so a stale item moved into view showed its old numbers without painting
    from mgstudio.app.commands import MoveNodesCommand

    canvas.resetTransform()
    o = canvas.item_for(neuron["o"])
    canvas.centerOn(o)
    canvas.viewport().grab()  # o painted (cached) with its numbers
    undo_stack.push(MoveNodesCommand(doc, {neuron["o"]: (1600.0, 5000.0)}))  # out of view
    canvas.viewport().grab()
    undo_stack.push(SetValueCommand(doc, neuron["x1"], 1.0))  # o's numbers change off screen
    assert o.stale
    undo_stack.push(MoveNodesCommand(doc, {neuron["o"]: (1600.0, 170.0)}))  # back into view
    canvas.viewport().grab()
    v = doc.value_of(neuron["o"])
    assert o.held_texts()[1:] == [f"data {format_number(v.data)}", f"grad {format_number(v.grad)}"]
