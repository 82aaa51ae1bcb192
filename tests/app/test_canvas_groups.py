"""Groups on the canvas: frames around expanded groups, a block for a collapsed one (members
hidden, wires re-routed to its ports), semantic zoom, and the hooks the editor uses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor

from mgstudio.app.canvas.group_items import (
    BlockItem,
    FrameItem,
    GroupWire,
    kind_tint,
)
from mgstudio.app.canvas.group_view import (
    BLOCK_TEXT_PX,
    LAYER_TEXT_PX,
    LAYER_ZOOM,
    LAYERS,
    MIN_TEXT_PX,
    NEURON_ZOOM,
    NEURONS,
    READABLE_AT,
    effective_collapsed,
    fit_level,
    shown_blocks,
    zoom_level,
)
from mgstudio.app.commands import MoveNodesCommand
from mgstudio.document import clipboard
from mgstudio.document.group_geometry import FRAME_HEADER, FRAME_MARGIN, anchor, block_size
from mgstudio.document.groups import Group, GroupIndex


def _paste_neuron(doc, origin=(0.0, 0.0), n_inputs=2) -> tuple[str, dict[str, str]]:
    """A pasted Insert Neuron (its group holds weights, bias, sums and act, not the x's):
    (group id, label -> node id)."""
    ids = doc.paste_fragment(clipboard.neuron_fragment(n_inputs, "tanh", origin=origin))
    by_label = {doc.nodes[nid].label: nid for nid in ids}
    gid = doc.groups.group_of(by_label["w1"])
    assert gid is not None
    return gid, by_label


def _at_zoom(canvas, zoom: float) -> None:
    canvas.resetTransform()
    canvas.scale(zoom, zoom)
    canvas.canvas_scene.update_detail(cache=True)


def _box(item) -> QRectF:
    return item.box_rect()


# --- the level decision (pure) -----------------------------------------------------------------
def test_levels_collapse_neurons_then_layers_and_keep_the_documents_flags():
    index = GroupIndex()
    index.restore(
        [
            Group("m", "mlp", "MLP", ()),
            Group("l1", "layer", "L1", (), parent="m"),
            Group("n1", "neuron", "N1", ("a",), parent="l1"),
            Group("n2", "neuron", "N2", ("b",), parent="l1", collapsed=True),
            Group("u", "group", "mine", ("c",)),
        ]
    )
    assert effective_collapsed(index, 0) == {"n2"}
    assert effective_collapsed(index, NEURONS) == {"n1", "n2"}
    assert effective_collapsed(index, LAYERS) == {"n1", "n2", "l1"}
    # a neuron inside a collapsed layer is one of the layer's rows, not a block
    assert shown_blocks(index, effective_collapsed(index, LAYERS)) == ["l1"]
    assert shown_blocks(index, effective_collapsed(index, NEURONS)) == ["n1", "n2"]


def test_zoom_levels_keep_what_is_drawn_readable():
    assert zoom_level(1.0) == 0 and zoom_level(NEURON_ZOOM) == 0
    assert zoom_level(NEURON_ZOOM - 0.01) == NEURONS
    assert zoom_level(LAYER_ZOOM) == NEURONS
    assert zoom_level(LAYER_ZOOM - 0.01) == LAYERS
    # at the lowest zoom of each level its text is still 9 px
    assert 12.0 * NEURON_ZOOM >= MIN_TEXT_PX  # node records (9 pt, ~12 px)
    assert BLOCK_TEXT_PX * LAYER_ZOOM >= MIN_TEXT_PX - 1e-9
    assert LAYER_TEXT_PX * READABLE_AT[LAYERS] >= MIN_TEXT_PX - 1e-9


def test_fit_level_picks_the_first_level_that_its_zoom_draws():
    # the document's drawing fits at 1.0: level 0
    assert fit_level(lambda level: 1.0) == (0, 1.0)
    # too big at level 0 (0.5 would draw level 2), level 1 fits at 0.6
    fits = {0: 0.5, 1: 0.6, 2: 2.0}
    assert fit_level(fits.__getitem__) == (1, 0.6)
    # level 1 would fit larger than its zoom range: held just under NEURON_ZOOM
    level, zoom = fit_level({0: 0.5, 1: 3.0, 2: 3.0}.__getitem__)
    assert level == 1 and LAYER_ZOOM <= zoom < NEURON_ZOOM


# --- frames ------------------------------------------------------------------------------------
def test_expanded_neuron_has_a_frame_around_its_members(canvas, doc):
    gid, ids = _paste_neuron(doc)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    frame = scene.frame_for(gid)
    assert isinstance(frame, FrameItem) and frame.group_id == gid
    assert scene.block_for(gid) is None
    rect = frame.frame_rect
    for nid in doc.groups.members(gid):
        body = _box(canvas.item_for(nid))
        assert rect.adjusted(
            FRAME_MARGIN, FRAME_MARGIN + FRAME_HEADER, -FRAME_MARGIN, -FRAME_MARGIN
        ).contains(body)
    # tight: the members touch the margin on the left and the title bar on top
    members = [_box(canvas.item_for(n)) for n in doc.groups.members(gid)]
    assert rect.left() == pytest.approx(min(b.left() for b in members) - FRAME_MARGIN)
    assert rect.top() == pytest.approx(min(b.top() for b in members) - FRAME_MARGIN - FRAME_HEADER)
    assert frame.zValue() < canvas.item_for(ids["w1"]).zValue()


def test_frame_body_is_painted_behind_the_nodes(canvas, doc):
    gid, _ids = _paste_neuron(doc)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    rect = scene.frame_for(gid).frame_rect
    canvas.centerOn(rect.bottomLeft())
    canvas.viewport().repaint()
    image = canvas.viewport().grab().toImage()

    def pixel(p: QPointF) -> QColor:
        v = canvas.mapFromScene(p)
        return image.pixelColor(v.x(), v.y())

    inside = pixel(QPointF(rect.left() + 5, rect.bottom() - 5))  # the margin, no node there
    outside = pixel(QPointF(rect.left() - 30, rect.bottom() + 30))
    body = kind_tint(scene.style.colors, "neuron", 0.10)
    assert abs(inside.red() - body.red()) + abs(inside.blue() - body.blue()) < 30
    assert inside != outside


def test_nested_frames_nest_and_follow_moves(canvas, doc, undo_stack):
    gid, ids = _paste_neuron(doc)
    gid2, ids2 = _paste_neuron(doc, origin=(0.0, 600.0))
    layer = doc.group_nodes(
        doc.groups.members(gid) + doc.groups.members(gid2), kind="layer", label="L1"
    )
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    outer, inner = scene.frame_for(layer).frame_rect, scene.frame_for(gid).frame_rect
    assert outer.contains(inner) and outer.contains(scene.frame_for(gid2).frame_rect)
    assert inner.top() - outer.top() >= FRAME_MARGIN + FRAME_HEADER - 1e-6
    # a member moves down: its frame and the layer's grow to hold it
    undo_stack.push(MoveNodesCommand(doc, {ids2["b"]: (0.0, 2000.0)}))
    body = _box(canvas.item_for(ids2["b"]))
    assert scene.frame_for(gid2).frame_rect.contains(body)
    assert scene.frame_for(layer).frame_rect.contains(scene.frame_for(gid2).frame_rect)
    undo_stack.undo()
    assert scene.frame_for(layer).frame_rect == outer


# --- collapsed: a block, members hidden, wires to its ports ------------------------------------
def test_collapse_hides_members_and_shows_the_block_at_the_anchor(canvas, doc):
    gid, ids = _paste_neuron(doc)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    doc.set_group_collapsed(gid, True)
    members = doc.groups.members(gid)
    assert all(canvas.item_for(n).group_hidden for n in members)
    assert not canvas.item_for(ids["x1"]).group_hidden
    block = scene.block_for(gid)
    assert isinstance(block, BlockItem) and scene.frame_for(gid) is None
    assert (block.x(), block.y()) == anchor(doc.nodes, members)
    assert block.block_rect().size().toTuple() == block_size("neuron")
    title, data, grad = block.texts()
    assert data == "data 0.7071"  # the lecture's neuron: tanh(0.8814)
    assert grad.startswith("grad ")
    assert block.content.subtitle == "tanh"
    # a click on the block finds the block, not a hidden node under it
    centre = block.block_rect().center()
    assert scene.node_at(centre) is None
    assert scene.group_item_at(centre) is block
    doc.set_group_collapsed(gid, False)
    assert scene.block_for(gid) is None and scene.frame_for(gid) is not None
    assert not any(canvas.item_for(n).group_hidden for n in members)


def test_crossing_wires_attach_to_the_blocks_ports_and_inside_wires_are_not_drawn(canvas, doc):
    gid, ids = _paste_neuron(doc)
    out = doc.add_node("neg", label="after", pos=(2400.0, 100.0))
    doc.connect(ids["o"] if "o" in ids else doc.groups.get(gid).nodes[-1], out, "a")
    doc.set_group_collapsed(gid, True)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    block = scene.block_for(gid)
    wires = scene.group_wires()
    into = [w for w in wires if w.wire.dst in doc.groups.members(gid)]
    assert len(into) == 2 == block.content.n_inputs
    for w in into:
        x0, y0, x1, y1 = w.ends
        slot = scene._in_slots[gid][(w.wire.dst, w.wire.port)]
        assert (x1, y1) == block.input_xy(slot)
        assert (x0, y0) == canvas.item_for(w.wire.src).output_xy()
    # TF Playground's links: w1 = -3 (negative, thick), w2 = 1 (positive, thinner)
    by_weight = {doc.nodes[w.weight].label: w for w in into}
    assert by_weight["w1"].visual_pen.color() != by_weight["w2"].visual_pen.color()
    assert by_weight["w1"].visual_pen.widthF() > by_weight["w2"].visual_pen.widthF()
    leaving = [w for w in wires if w.wire.dst == out]
    assert len(leaving) == 1
    assert leaving[0].ends[:2] == block.output_xy(0)
    assert leaving[0].ends[2:] == canvas.item_for(out).input_xy("a")
    # the layer's geometry: no wire with a hidden end is found or drawn
    drawn = scene.wires_in(scene.nodes_bounding_rect().adjusted(-500, -500, 500, 500))
    hidden = set(doc.groups.members(gid))
    plain = [w for w in drawn if not isinstance(w, GroupWire)]
    assert all(w.wire.src not in hidden and w.wire.dst not in hidden for w in plain)
    assert len([w for w in drawn if isinstance(w, GroupWire)]) == 3


def test_weight_tooltip_names_the_weight(canvas, doc):
    from mgstudio.app.canvas.group_tooltips import weight_tooltip

    gid, _ids = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    wire = next(w for w in canvas.canvas_scene.group_wires() if w.weight is not None)
    text = weight_tooltip(doc, wire)
    assert text is not None and text.startswith(f"weight {doc.nodes[wire.weight].label}")
    assert "data -3.0000" in text or "data 1.0000" in text


def test_a_wire_added_across_the_boundary_gets_a_port(canvas, doc):
    gid, ids = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    scene = canvas.canvas_scene
    before = len(scene.group_wires())
    c = doc.add_node("neg", label="c", pos=(2400.0, 0.0))
    doc.connect(doc.groups.get(gid).nodes[-1], c, "a")
    scene.flush_groups()  # (the next paint does it)
    assert len(scene.group_wires()) == before + 1


def test_block_to_block_wires_are_drawn_once(canvas, doc):
    _mlp(doc, sizes=(2, 2, 2), collapsed=False)
    layers = [g.id for g in doc.groups if g.kind == "layer"]
    for gid in layers:
        doc.set_group_collapsed(gid, True)
    scene = canvas.canvas_scene
    first, second = (scene.block_for(g) for g in layers)
    # x1, x2 feed both neurons of layer 1: one port each; layer 1's two outputs feed both
    # neurons of layer 2: two wires between the same two ports, drawn once
    assert first.content.n_inputs == 2 and second.content.n_inputs == 2
    between = [w for w in scene.group_wires() if w.wire.dst in doc.groups.members(layers[1])]
    assert len(between) == 2
    assert all(len(w.wires) == 2 and w.bundled for w in between)
    assert {w.ends[:2] for w in between} == {first.output_xy(0), first.output_xy(1)}


def test_semantic_zoom_collapses_in_the_drawing_only(canvas, doc):
    gid, _ids = _paste_neuron(doc)
    scene = canvas.canvas_scene
    _at_zoom(canvas, 1.0)
    assert scene.block_for(gid) is None
    _at_zoom(canvas, (NEURON_ZOOM + LAYER_ZOOM) / 2)
    assert scene.block_for(gid) is not None
    assert doc.groups.get(gid).collapsed is False  # the learner's flag stays
    _at_zoom(canvas, 1.0)
    assert scene.block_for(gid) is None and scene.frame_for(gid) is not None


def test_layers_collapse_further_out(canvas, doc):
    gid, _ = _paste_neuron(doc)
    gid2, _ = _paste_neuron(doc, origin=(0.0, 600.0))
    layer = doc.group_nodes(doc.groups.members(gid) + doc.groups.members(gid2), kind="layer")
    scene = canvas.canvas_scene
    _at_zoom(canvas, (NEURON_ZOOM + LAYER_ZOOM) / 2)
    assert {b.group_id for b in scene.blocks()} == {gid, gid2}
    assert scene.frame_for(layer) is not None
    _at_zoom(canvas, LAYER_ZOOM * 0.8)
    assert [b.group_id for b in scene.blocks()] == [layer]
    rows = scene.block_for(layer).texts()[1:]
    assert len(rows) == 2 and all("0.7071" in r for r in rows)


# --- Fit, bounds ------------------------------------------------------------------------------
def test_bounds_and_fit_count_blocks_not_hidden_members(canvas, doc):
    gid, ids = _paste_neuron(doc)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    expanded = scene.nodes_bounding_rect()
    doc.set_group_collapsed(gid, True)
    collapsed = scene.nodes_bounding_rect()
    assert collapsed.width() < expanded.width()
    block = scene.block_for(gid).block_rect()
    assert collapsed.contains(block)
    shown = [canvas.item_for(ids[k]).sceneBoundingRect() for k in ("x1", "x2")]
    want = block
    for r in shown:
        want = want.united(r)
    assert collapsed.right() == pytest.approx(want.right(), abs=8.0)
    assert scene.itemsBoundingRect().width() < expanded.width()
    canvas.fit_all()
    view_rect = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert view_rect.contains(block)


def _mlp(doc, sizes=(3, 4, 4, 1), collapsed=True) -> list[list[str]]:
    """A micrograd MLP(3, [4, 4, 1]) built from leaves, muls, adds and tanh; each neuron a
    group, each layer a group, one mlp group; laid out for its blocks (columns of layers,
    neurons top to bottom, the members of a neuron stacked at its block's place)."""
    col_w, row_h = 330.0, 120.0
    inputs = [
        doc.add_node("input", label=f"x{i + 1}", value=0.5 * (i + 1), pos=(0.0, 60.0 + i * row_h))
        for i in range(sizes[0])
    ]
    prev = inputs
    neurons: list[list[str]] = []
    layers = []
    for li, width in enumerate(sizes[1:], start=1):
        outs, layer_neurons = [], []
        for j in range(width):
            x0, y0 = li * col_w, j * row_h
            members = []
            terms = []
            for k, src in enumerate(prev):
                w = doc.add_node(
                    "input", label=f"w{k + 1}", value=0.3 * (k - 1), pos=(x0 + 10, y0 + 5)
                )
                m = doc.add_node("mul", pos=(x0 + 20, y0 + 10))
                doc.connect(src, m, "a")
                doc.connect(w, m, "b")
                members += [w, m]
                terms.append(m)
            b = doc.add_node("input", label="b", value=0.1, pos=(x0, y0))
            total = b
            members.append(b)
            for t in terms:
                s = doc.add_node("add", pos=(x0 + 30, y0 + 20))
                doc.connect(total, s, "a")
                doc.connect(t, s, "b")
                members.append(s)
                total = s
            act = doc.add_node("tanh", label="out", pos=(x0 + 40, y0 + 30))
            doc.connect(total, act, "a")
            members.append(act)
            gid = doc.group_nodes(
                members, kind="neuron", label=f"L{li}.N{j + 1}", collapsed=collapsed
            )
            layer_neurons.append(gid)
            outs.append(act)
        neurons.append(layer_neurons)
        layers.append(
            doc.group_nodes(
                [n for g in layer_neurons for n in doc.groups.members(g)],
                kind="layer",
                label=f"L{li}",
            )
        )
        prev = outs
    doc.group_nodes([n for g in layers for n in doc.groups.members(g)], kind="mlp", label="MLP")
    return neurons


def test_the_lectures_mlp_collapsed_fits_1000x600_readably(canvas, doc):
    neurons = _mlp(doc)
    canvas.resize(1000, 600)
    canvas.fit_all()
    scene = canvas.canvas_scene
    zoom = canvas.zoom()
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    if scene.group_level < LAYERS:
        assert BLOCK_TEXT_PX * zoom >= MIN_TEXT_PX  # each neuron's label and data
        for gid in (g for layer in neurons for g in layer):
            block = scene.block_for(gid)
            assert block is not None and shown.contains(block.block_rect())
    else:
        assert LAYER_TEXT_PX * zoom >= MIN_TEXT_PX
        assert all(shown.contains(b.block_rect()) for b in scene.blocks())
    assert len([g for g in doc.groups if g.kind == "neuron"]) == 9


# --- pictures, repaints ------------------------------------------------------------------------
@pytest.fixture
def block_paints(monkeypatch) -> list:
    """(block, exposed rect) for each block paint from now on (patched before any paints)."""
    calls = []
    original = BlockItem.paint

    def counted(self, painter, option, widget=None):
        calls.append((self, QRectF(option.exposedRect)))
        original(self, painter, option, widget)

    monkeypatch.setattr(BlockItem, "paint", counted)
    return calls


def test_set_group_pictures_repaints_only_that_blocks_square(block_paints, canvas, doc):
    from PySide6.QtGui import QImage

    gid, _ = _paste_neuron(doc)
    gid2, _ = _paste_neuron(doc, origin=(0.0, 600.0))
    doc.set_group_collapsed(gid, True)
    doc.set_group_collapsed(gid2, True)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    canvas.centerOn(scene.block_for(gid).block_rect().center())
    canvas.viewport().repaint()
    block_paints.clear()
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 30))
    scene.set_group_pictures({gid: image})
    canvas.viewport().repaint()
    painted = {b for b, _ in block_paints}
    assert painted == {scene.block_for(gid)}
    block = scene.block_for(gid)
    assert all(block.heat_rect.adjusted(-1, -1, 1, 1).contains(r) for _, r in block_paints)
    # the picture is painted at the block's right side
    p = canvas.mapFromScene(block.mapToScene(block.heat_rect.center()))
    assert canvas.viewport().grab().toImage().pixelColor(p.x(), p.y()) == QColor(200, 30, 30)
    block_paints.clear()
    scene.set_group_pictures({gid: image})  # the same picture: nothing to repaint
    canvas.viewport().repaint()
    assert block_paints == []


def test_a_leaf_edit_inside_a_collapsed_neuron_repaints_a_patch(
    block_paints, paints, canvas, doc, undo_stack
):
    from mgstudio.app.commands import SetValueCommand

    gid, ids = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    block = scene.block_for(gid)
    canvas.centerOn(block.block_rect().center())
    canvas.viewport().repaint()
    block_paints.clear()
    paints.clear()
    redraws = canvas.wire_layer.redraws
    undo_stack.push(SetValueCommand(doc, ids["b"], 1.0))
    canvas.viewport().repaint()
    assert canvas.wire_layer.redraws == redraws  # no full redraw of the layer
    assert block_paints, "the block shows the new numbers"
    zones = list(block.zones.values())
    for _b, exposed in block_paints:
        assert any(z.adjusted(-1, -1, 1, 1).contains(exposed) for z in zones)
    hidden = set(doc.groups.members(gid))
    assert not [it for it in paints if it.node_id in hidden and paints[it]]
    assert block.texts()[1] != "data 0.7071"


# --- interaction hooks ---------------------------------------------------------------------------
def test_selecting_a_block_selects_its_members_for_delete_and_copy(canvas, doc):
    gid, ids = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    scene = canvas.canvas_scene
    scene.block_for(gid).setSelected(True)
    assert scene.selected_group_ids() == [gid]
    assert set(scene.selected_ids()) == set(doc.groups.members(gid))
    canvas.item_for(ids["x1"]).setSelected(True)
    assert set(scene.selected_ids()) == set(doc.groups.members(gid)) | {ids["x1"]}


def test_double_click_and_chevron_ask_to_toggle(canvas, doc, qtbot):
    gid, _ = _paste_neuron(doc)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    asked = []
    scene.group_toggle_requested.connect(asked.append)
    frame = scene.frame_for(gid)
    canvas.centerOn(frame.frame_rect.center())
    title = canvas.mapFromScene(frame.sceneBoundingRect().center())
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=title)
    assert asked[-1:] == [gid]
    # the scene only asks; the window's editor answers with an undo command
    assert doc.groups.get(gid).collapsed
    block = scene.block_for(gid)
    canvas.centerOn(block.block_rect().center())
    chevron = canvas.mapFromScene(block.chevron_rect().center())
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=chevron)
    assert asked[-1] == gid and len(asked) >= 2
    assert not doc.groups.get(gid).collapsed


def test_dragging_a_block_moves_its_members_in_one_undo_step(canvas, doc, undo_stack):
    gid, ids = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    block = scene.block_for(gid)
    members = doc.groups.members(gid)
    before = {n: doc.nodes[n].pos for n in members}
    block.setSelected(True)
    canvas.item_for(members[0]).setSelected(True)  # a hidden member selected too
    block.setPos(block.pos() + QPointF(100.0, 50.0))
    canvas._drag_groups([block])
    wire = next(w for w in scene.group_wires() if w.wire.dst in members)
    assert wire.ends[2] == block.x()  # the wires follow during the drag
    assert canvas._finish_group_move()
    assert all(doc.nodes[n].pos == (x + 100.0, y + 50.0) for n, (x, y) in before.items())
    assert (block.x(), block.y()) == anchor(doc.nodes, members)
    assert doc.nodes[ids["x1"]].pos == doc.nodes[ids["x1"]].pos
    undo_stack.undo()
    assert all(doc.nodes[n].pos == p for n, p in before.items())
    assert (block.x(), block.y()) == anchor(doc.nodes, members)


def test_select_all_then_delete_takes_the_hidden_members(canvas, doc, undo_stack):
    gid, _ = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    canvas.select_all()
    assert set(canvas.selected_ids()) == set(doc.nodes)
    canvas.delete_selected()
    assert not doc.nodes and not doc.groups
    undo_stack.undo()
    assert doc.groups and canvas.canvas_scene.block_for(gid) is not None


def test_the_first_view_of_the_collapsed_mlp_is_readable_in_1000x600(canvas, doc):
    from mgstudio.app.canvas.readable import show_readably

    neurons = _mlp(doc)
    canvas.resize(1000, 600)
    assert show_readably(canvas)
    scene = canvas.canvas_scene
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    px = LAYER_TEXT_PX if scene.group_level == LAYERS else BLOCK_TEXT_PX
    assert px * canvas.zoom() >= MIN_TEXT_PX
    gids = [g for layer in neurons for g in layer] if scene.group_level < LAYERS else []
    for gid in gids:
        assert shown.contains(scene.block_for(gid).block_rect())


def test_dragging_a_frame_brings_its_members(canvas, doc, undo_stack, qtbot):
    gid, ids = _paste_neuron(doc)
    _at_zoom(canvas, 1.0)
    scene = canvas.canvas_scene
    frame = scene.frame_for(gid)
    members = doc.groups.members(gid)
    before = {n: doc.nodes[n].pos for n in members}
    canvas.centerOn(frame.sceneBoundingRect().center())
    start = canvas.mapFromScene(frame.sceneBoundingRect().center() + QPointF(40.0, 0.0))
    end = QPoint(start.x() + 60, start.y() + 30)
    qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for k in (1, 2, 3, 4):
        p = QPoint(start.x() + 15 * k, start.y() + round(7.5 * k))
        qtbot.mouseMove(canvas.viewport(), pos=p)
    qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=end)
    dx, dy = 60 / canvas.zoom(), 30 / canvas.zoom()
    for n, (x, y) in before.items():
        assert doc.nodes[n].pos == pytest.approx((x + dx, y + dy), abs=1.0)
    assert doc.nodes[ids["x1"]].pos == (0.0, 0.0) or ids["x1"] not in members
    assert scene.frame_for(gid).frame_rect.contains(_box(canvas.item_for(members[0])))
    undo_stack.undo()
    assert all(doc.nodes[n].pos == p for n, p in before.items())


def test_expanding_a_neuron_zoomed_far_out_comes_close_enough_to_show_it(canvas, doc):
    gid, _ = _paste_neuron(doc)
    doc.set_group_collapsed(gid, True)
    _at_zoom(canvas, 0.4)  # semantic zoom draws every neuron as its block here
    assert canvas.edits.toggle_group(gid)
    assert not doc.groups.get(gid).collapsed
    assert canvas.zoom() >= NEURON_ZOOM  # its inside is drawn, not a block again
    assert canvas.canvas_scene.block_for(gid) is None
    # collapsing it back (or expanding when close already) leaves the zoom alone
    assert canvas.edits.toggle_group(gid)
    zoom = canvas.zoom()
    assert canvas.edits.toggle_group(gid) and canvas.zoom() == zoom


def test_double_clicking_a_block_drawn_only_by_the_zoom_opens_it_in_the_view(canvas, doc):
    gid, _ = _paste_neuron(doc)  # expanded in the document
    _at_zoom(canvas, 0.4)  # drawn as a block
    scene = canvas.canvas_scene
    assert gid in scene.drawn_collapsed()
    scene.group_toggle_requested.emit(gid)  # the double-click
    assert not doc.groups.get(gid).collapsed  # the file is not changed...
    assert canvas.zoom() >= NEURON_ZOOM and scene.frame_for(gid) is not None  # ...the view is
    frame = scene.frame_for(gid).frame_rect
    title = canvas.mapFromScene(frame.topLeft() + QPointF(20.0, 10.0))
    assert canvas.viewport().rect().contains(title)  # its title on screen


def test_collapsing_keeps_the_block_on_screen(canvas, doc):
    gid, _ = _paste_neuron(doc, origin=(3000.0, 2000.0))
    _at_zoom(canvas, 1.0)
    canvas.centerOn(4900.0, 2100.0)  # looking at the neuron's right end
    assert canvas.edits.toggle_group(gid)  # collapse: the block stands at its left end
    block = canvas.canvas_scene.block_for(gid)
    shown = canvas.mapFromScene(block.sceneBoundingRect()).boundingRect()
    assert canvas.viewport().rect().intersects(shown)
