"""A big load's objects skip the young-generation scan (``bulk_gc.promote_young``); its wire
checks and new-document insertion take one pass each. Counted, not timed: the collector's
own callbacks say whether it ran."""

from __future__ import annotations

import gc
import json

import pytest

from mgstudio.document import Document, FileFormatError


def _chain_file(path, n: int) -> None:
    nodes = [{"id": "n1", "kind": "input", "label": "x", "value": 0.5}]
    wires = []
    for i in range(2, n + 1):
        nodes.append({"id": f"n{i}", "kind": "tanh", "label": "", "pos": [0.0, 90.0 * i]})
        wires.append({"src": f"n{i - 1}", "dst": f"n{i}", "port": "a"})
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )


@pytest.fixture
def collections():
    """The generations of the collections that start while the test runs."""
    started: list[int] = []

    def note(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.collect()
    gc.callbacks.append(note)
    yield started
    gc.callbacks.remove(note)


def test_after_a_big_load_no_collection_scans_its_objects(tmp_path, collections):
    path = tmp_path / "big.mgs"
    _chain_file(path, 3000)
    gc.collect()
    collections.clear()  # (those of writing the file)
    assert gc.isenabled()
    doc = Document.load(path)
    # the load made thousands of containers with the collector paused; without the
    # promotion, the first allocations after it start a collection of all of them
    junk = [[] for _ in range(gc.get_threshold()[0] // 2)]
    assert collections == []
    assert gc.get_count()[0] <= len(junk) + 50
    assert len(doc.nodes) == 3000
    assert doc.new_id() == "n3001"  # the auto ids were all scanned
    assert gc.isenabled()


def test_objects_frozen_on_purpose_stay_frozen(tmp_path):
    path = tmp_path / "big.mgs"
    _chain_file(path, 50)
    keep = [[] for _ in range(10)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        Document.load(path)
        assert gc.get_freeze_count() == frozen  # not let go by the promotion
    finally:
        gc.unfreeze()
    del keep


def test_a_failed_load_leaves_the_collector_running(tmp_path):
    path = tmp_path / "bad.mgs"
    path.write_text(
        json.dumps(
            {
                "format": "mgstudio",
                "version": 1,
                "nodes": [{"id": "n1", "kind": "tanh"}],
                "wires": [{"src": "n1", "dst": "n1", "port": "a"}],
            }
        )
    )
    with pytest.raises(FileFormatError, match="feeds"):
        Document.load(path)
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({"src": 1, "dst": "n2", "port": "a"}, 'wire 1: "src" must be text'),
        ({"src": "n1", "dst": ["n2"], "port": "a"}, 'wire 1: "dst" must be text'),
        ({"src": "n9", "dst": "n2", "port": "a"}, "wire 1 comes from 'n9', which is not a node"),
        ({"src": "n1", "dst": "n9", "port": "a"}, "wire 1 goes into 'n9', which is not a node"),
        ({"src": "n1", "dst": "n2", "port": "z"}, "wire 1 goes into input 'z' of"),
        ({"src": "n2", "dst": "n2", "port": "a"}, "wire 1 feeds"),
    ],
)
def test_each_failing_wire_test_gives_its_own_message(wire, message):
    text = json.dumps(
        {
            "format": "mgstudio",
            "version": 1,
            "nodes": [{"id": "n1", "kind": "input"}, {"id": "n2", "kind": "tanh"}],
            "wires": [wire],
        }
    )
    with pytest.raises(FileFormatError) as info:
        Document.from_json(text)
    assert message in str(info.value)


def test_a_second_wire_into_one_input_is_refused():
    text = json.dumps(
        {
            "format": "mgstudio",
            "version": 1,
            "nodes": [{"id": "n1", "kind": "input"}, {"id": "n2", "kind": "tanh"}],
            "wires": [{"src": "n1", "dst": "n2", "port": "a"}] * 2,
        }
    )
    with pytest.raises(FileFormatError, match="wire 2: input 'a' of .* is wired twice"):
        Document.from_json(text)


def test_a_positionless_file_builds_each_node_once(tmp_path, monkeypatch):
    from mgstudio.document.nodes import Node

    made = []
    init = Node.__init__

    def counting(self, *args, **kwargs):
        made.append(args[0] if args else kwargs.get("id"))
        init(self, *args, **kwargs)

    monkeypatch.setattr(Node, "__init__", counting)
    from mgstudio.document import fileformat

    fast = fileformat.checked_node

    def counting_fast(*args):  # the loader's way of making a Node (same object)
        made.append(args[0])
        return fast(*args)

    monkeypatch.setattr(fileformat, "checked_node", counting_fast)
    nodes = [{"id": "n1", "kind": "input", "value": 1.0}]
    wires = []
    for i in range(2, 201):
        nodes.append({"id": f"n{i}", "kind": "tanh"})
        wires.append({"src": f"n{i - 1}", "dst": f"n{i}", "port": "a"})
    path = tmp_path / "chain.mgs"
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    doc = Document.load(path)
    assert len(made) == 200  # placed in themselves, not built again with their places
    spots = {doc.node(f"n{i}").pos for i in range(1, 201)}
    assert len(spots) == 200  # laid out, each in its own place (not stacked at 0,0)
