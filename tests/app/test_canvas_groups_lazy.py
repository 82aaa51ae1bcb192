"""Groups on the lazy canvas (documents of LAZY_MIN nodes or more open with no items): the
members of collapsed groups get no items and no far-zoom boxes, their blocks are drawn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from mgstudio.app.canvas.group_items import GroupWire
from mgstudio.app.canvas.scene_lazy import LAZY_MIN
from mgstudio.document import Document, clipboard
from mgstudio.document.groups import replace_group

NEURONS = 600  # ten nodes each (two x inputs outside the group): 6,000 nodes


@pytest.fixture(scope="module")
def grouped_file(tmp_path_factory) -> str:
    doc = Document()
    piece = clipboard.neuron_fragment(2, "tanh")
    for i in range(NEURONS):
        doc.paste_fragment(piece, ((i % 30) * 1600.0, (i // 30) * 400.0))
    doc.restore_groups([replace_group(g, collapsed=True) for g in doc.groups])
    assert len(doc.nodes) >= LAZY_MIN
    return doc.to_json()


@pytest.fixture
def lazy_view(qtbot, undo_stack, grouped_file):
    from mgstudio.app.canvas.view import CanvasView

    doc = Document.from_json(grouped_file)
    view = CanvasView(doc, undo_stack)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    yield view, doc
    view.detach()


def test_hidden_members_get_no_items_and_no_boxes(lazy_view):
    view, doc = lazy_view
    scene = view.canvas_scene
    assert scene._pending is not None  # the lazy path
    hidden = set(scene._hidden)
    assert len(hidden) == 8 * NEURONS
    assert len(scene.blocks()) == NEURONS
    # far zoom: boxes come from the columns, none for a hidden member
    view.fit_all()
    view.viewport().repaint()
    everything = QRectF(-1e5, -1e5, 2e5, 2e5)
    boxes = list(scene.pending_boxes(everything, 0.0))
    assert len(boxes) + len(scene.made_items()) <= len(doc.nodes) - len(hidden)
    assert not set(scene._pending.nodes_in(-1e5, -1e5, 1e5, 1e5)) & hidden
    # reading zoom over some blocks: items for the x inputs shown, none for members
    block = scene.blocks()[0]
    view.resetTransform()
    view.centerOn(block.block_rect().center())
    scene.update_detail(cache=True)
    view.viewport().repaint()
    made = {it.node_id for it in scene.made_items()}
    assert made, "the shown x inputs got items"
    assert not made & hidden
    # the wires into the blocks are drawn to their ports (no hidden end's item made)
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    wires = scene.wires_in(shown)
    assert any(isinstance(w, GroupWire) for w in wires)
    assert not {it.node_id for it in scene.made_items()} & hidden


def test_fit_counts_blocks_not_hidden_members(lazy_view):
    view, doc = lazy_view
    scene = view.canvas_scene
    bounds = scene.nodes_bounding_rect()
    blocks = scene.groups_bounds()
    assert blocks is not None and bounds.contains(blocks)
    pending = scene.pending_bounds()
    assert pending is not None
    # the last neuron's output (the members' right-most node) is hidden: not counted
    right_most = max(doc.nodes[n].pos[0] for n in scene._hidden)
    assert bounds.right() < right_most + 200.0
