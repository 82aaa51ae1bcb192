"""Opening a big file through ``MainWindow.open_file`` sorts its nodes once (the cycle check's
order is reused for binding and the node table) and wires the new items without a repaint
per port: counted, not timed. The items must still look as if wired one by one."""

from __future__ import annotations

import json

import pytest

import mgstudio.app.canvas.scene as scene_module
from mgstudio.app.canvas.node_item import NodeItem
from mgstudio.document.graph import Graph


def _file(path, n: int):
    """n nodes: a fifth leaves, then a chain of muls, every tenth one a pow whose exponent
    is wired on every other one (its badge shows the exponent only while unwired)."""
    leaves = max(1, n // 5)
    nodes, wires = [], []
    for i in range(n):
        nid = f"n{i}"
        if i < leaves:
            nodes.append({"id": nid, "kind": "input", "value": 0.5, "pos": [0.0, 90.0 * i]})
            continue
        kind = "pow" if i % 10 == 0 else "mul"
        nodes.append({"id": nid, "kind": kind, "pos": [380.0 * (i // 100), 90.0 * (i % 100)]})
        wires.append({"src": f"n{i - 1}", "dst": nid, "port": "a"})
        if kind == "mul":
            wires.append({"src": f"n{i % leaves}", "dst": nid, "port": "b"})
        elif i % 20 == 0:
            wires.append({"src": f"n{i % leaves}", "dst": nid, "port": "exponent"})
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    return path


@pytest.mark.parametrize("lazy", [False, True], ids=["items-at-once", "items-when-needed"])
def test_opening_sorts_once_and_wires_items_without_a_repaint_per_port(
    window, tmp_path, monkeypatch, errors, lazy
):
    path = _file(tmp_path / "big.mgs", 2000)
    monkeypatch.setattr(scene_module, "LAZY_MIN", 1000 if lazy else 10**9)
    calls = {"topo": 0, "wired": 0}
    topo, wired = Graph.order, NodeItem.set_port_wired

    def counting_topo(self, ids, whole=False):
        calls["topo"] += 1
        return topo(self, ids, whole)

    def counting_wired(self, port, on):
        calls["wired"] += 1
        return wired(self, port, on)

    monkeypatch.setattr(Graph, "order", counting_topo)
    monkeypatch.setattr(NodeItem, "set_port_wired", counting_wired)
    assert window.open_file(path, ask=False)
    window.grab()
    assert not errors
    doc = window.document
    assert calls["topo"] == 1  # the file check's whole-graph order, reused by all
    # only the wires into pows go through set_port_wired (their badge may change): 160 pows,
    # each wired at "a", every other one at "exponent" too; the other 2,600 wires do not
    into_pows = sum(1 for w in doc.wires if doc.nodes[w.dst].kind == "pow")
    assert into_pows == 240 and len(doc.wires) > 2800
    if lazy:  # only the pows made so far (those on screen)
        made = [it for it in window.canvas.canvas_scene.made_items() if it.kind.name == "pow"]
        assert 0 < calls["wired"] <= into_pows and len(made) < 160
    else:
        assert calls["wired"] == into_pows
    monkeypatch.undo()
    assert doc.topological_ids() == doc._graph.order(list(doc.nodes))
    scene = window.canvas.canvas_scene
    for nid, node in doc.nodes.items():
        item = scene.item_for(nid)
        ins = {w.port for w in doc.wires if w.dst == nid}
        assert item._wired == ins, nid
        assert item._out_wired == any(w.src == nid for w in doc.wires), nid
        if node.kind == "pow":
            assert (item.symbol == "**2") == ("exponent" not in ins)


@pytest.mark.parametrize("lazy", [False, True], ids=["items-at-once", "items-when-needed"])
def test_bulk_wires_have_the_curves_and_index_buckets_of_wires_made_one_by_one(
    window, tmp_path, errors, monkeypatch, lazy
):
    from mgstudio.app.canvas.wire_index import WireIndex

    monkeypatch.setattr(scene_module, "LAZY_MIN", 1000 if lazy else 10**9)
    assert window.open_file(_file(tmp_path / "big.mgs", 2000), ask=False)
    assert not errors
    scene = window.canvas.canvas_scene
    wires = list(scene.wire_items())
    assert len(wires) == len(window.document.wires) > 2800
    one_by_one = WireIndex()
    for item in wires:
        ends, box = item.ends, item.box
        item._reshape()  # where the ports are now (pows relaid out as their ports were wired)
        assert (item.ends, item.box) == (ends, box)
        assert item.visual_pen == scene.style.colors.wire_pen(False)
        one_by_one.add(item, item.box)
    assert scene._wire_index._levels == one_by_one._levels
    assert scene._wire_index._huge == one_by_one._huge
