"""Opening files whose nodes have no positions, or are all stacked on one spot, through
``MainWindow.open_file``: laid out, and never thousands of full records painted at once.

Counted, not timed: node items count their paints, the wire index its bucket entries."""

from __future__ import annotations

import json

from mgstudio.app.canvas.node_item import DETAIL_LOD
from mgstudio.app.canvas.scene import MAX_RECORDS_SHOWN
from mgstudio.app.canvas.wire_index import MAX_CELLS


def chain_file(path, n: int, pos=None, long_wires: bool = False):
    """n nodes: a fifth leaves, then a chain of adds reading the previous node and a leaf (or,
    with ``long_wires``, the very first node: wires across the whole graph)."""
    leaves = max(1, n // 5)
    nodes, wires = [], []
    for i in range(n):
        node = {"id": f"n{i}", "kind": "input" if i < leaves else "add", "label": f"v{i}"}
        if pos is not None:
            node["pos"] = pos(i)
        nodes.append(node)
        if i >= leaves:
            wires.append({"src": f"n{i - 1}", "dst": f"n{i}", "port": "a"})
            src = "n0" if long_wires else f"n{(i * 37) % leaves}"
            wires.append({"src": src, "dst": f"n{i}", "port": "b"})
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    return path


def painted(paints) -> int:
    return sum(paints.values())


def test_a_positionless_file_opens_laid_out(window, tmp_path, errors):
    assert window.open_file(chain_file(tmp_path / "bare.mgs", 3000), ask=False)
    window.grab()
    assert not errors
    spots = {n.pos for n in window.document.nodes.values()}
    assert len(spots) == 3000  # no two nodes on one spot
    scene = window.canvas.canvas_scene
    rect = scene.nodes_bounding_rect()
    assert rect.width() > 10_000 and rect.height() > 1_000  # spread both ways
    assert not window.is_modified()  # placing them is part of opening, not an edit


def test_a_few_stacked_nodes_still_show_their_records(window, tmp_path, paints):
    assert window.open_file(
        chain_file(tmp_path / "few.mgs", 40, pos=lambda i: [0.0, 0.0]), ask=False
    )
    window.grab()
    scene = window.canvas.canvas_scene
    assert window.canvas.zoom() >= DETAIL_LOD and not scene.boxes_in_layer
    assert painted(paints) > 0


def test_thousands_of_stacked_nodes_are_drawn_as_boxes(window, tmp_path, paints):
    n = MAX_RECORDS_SHOWN + 500
    assert window.open_file(
        chain_file(tmp_path / "pile.mgs", n, pos=lambda i: [0.0, 0.0]), ask=False
    )
    window.grab()
    scene = window.canvas.canvas_scene
    assert window.canvas.zoom() >= DETAIL_LOD  # the pile fits at reading zoom...
    assert scene.boxes_in_layer  # ...but is drawn by the layer as boxes
    assert painted(paints) == 0  # not one record painted in full
    # zooming far in on the pile still shows it as boxes: it is as crowded as before
    window.canvas.zoom_by(1.5)
    window.grab()
    assert painted(paints) == 0
    # panned away from the pile, nothing is crowded: records again (of what comes on screen)
    window.canvas.centerOn(-5000.0, -5000.0)
    window.grab()
    assert not scene.boxes_in_layer


def test_opening_another_file_after_a_pile_replaces_every_item(window, tmp_path):
    n = MAX_RECORDS_SHOWN + 100
    assert window.open_file(
        chain_file(tmp_path / "pile.mgs", n, pos=lambda i: [0.0, 0.0]), ask=False
    )
    window.grab()
    assert window.open_file(chain_file(tmp_path / "small.mgs", 10), ask=False)
    window.grab()
    scene = window.canvas.canvas_scene
    assert len(scene.items()) == 10 == len(scene.node_items())


def test_long_wires_take_a_few_buckets_each(window, tmp_path):
    """Wires from the first node to every other node of a wide grid: each lands in the
    grid level where its box covers at most MAX_CELLS buckets."""
    path = chain_file(
        tmp_path / "wide.mgs",
        4000,
        long_wires=True,
        pos=lambda i: [380.0 * (i // 40), 90.0 * (i % 40)],
    )
    assert window.open_file(path, ask=False)
    scene = window.canvas.canvas_scene
    wires = len(window.document.wires)
    assert scene._wire_index.bucket_entries() <= MAX_CELLS * wires
    # and what is under a point is still found
    last = window.document.nodes["n3999"]
    item = scene.item_for("n3999")
    port = item.input_xy("b") if hasattr(item, "input_xy") else None
    if port is not None:
        hit = scene.wires_in(item.sceneBoundingRect())
        assert any(w.wire.dst == "n3999" for w in hit), last
