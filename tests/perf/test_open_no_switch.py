"""Opening a big file makes its node items once, for the zoom it is shown at: no item is
switched between record and far-zoom box on the way (fitted first, every item of a 100,000-node
graph became a box, and show_readably turned each back into a record: a second of the open).
Counted, not timed; what is shown must be what show_readably shows."""

from __future__ import annotations

import json

import pytest

from mgstudio.app.canvas.node_item import NodeItem
from mgstudio.app.canvas.readable import READABLE_ZOOM
from mgstudio.app.canvas.scene import MAX_RECORDS_SHOWN


def _file(path, n: int, stacked: bool):
    nodes = [
        {
            "id": f"n{i}",
            "kind": "input",
            "value": 0.5,
            "pos": [0.0, 0.0] if stacked else [380.0 * (i // 100), 90.0 * (i % 100)],
        }
        for i in range(n)
    ]
    path.write_text(json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": []}))
    return path


@pytest.mark.parametrize("stacked", [False, True])
def test_opening_switches_no_item_between_record_and_box(
    window, tmp_path, monkeypatch, errors, stacked
):
    n = MAX_RECORDS_SHOWN + 500
    path = _file(tmp_path / "big.mgs", n, stacked)
    switches = []
    set_boxed = NodeItem.set_boxed

    def counting(self, boxed):
        switches.append(boxed)
        return set_boxed(self, boxed)

    monkeypatch.setattr(NodeItem, "set_boxed", counting)
    assert window.open_file(path, ask=False)
    window.grab()
    assert not errors
    assert switches == []
    canvas, scene = window.canvas, window.canvas.canvas_scene
    if stacked:  # all on one spot: more records than can be read, so boxes
        assert scene.boxes_in_layer
    else:  # spread out: too big to fit readably, so records at the readable zoom
        assert canvas.zoom() == pytest.approx(READABLE_ZOOM)
        assert not scene.boxes_in_layer
    # the same as switching now would give: the items agree with what the view shows
    scene.update_detail(cache=True)
    assert switches == []
    assert all(it.boxed == scene.boxes_in_layer for it in scene.node_items())
