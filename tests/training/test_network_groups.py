"""Networks as groups: the builders make neuron ⊂ layer ⊂ mlp groups, and the network layout
puts them in columns whose frames and blocks never overlap."""

from __future__ import annotations

import math
import random

import pytest
from helpers.budget import examples
from helpers.docgen import documents
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.app.learn.mlp_graph import SAMPLE, SEED, TARGET, mlp_document
from mgstudio.document import DocumentError
from mgstudio.document.group_geometry import FRAME_HEADER, FRAME_MARGIN, anchor, block_size
from mgstudio.document.network_layout import (
    NODE_H,
    NODE_W,
    arrange_network,
    fresh_network_positions,
    is_network,
    network_arrangement,
    network_groups,
)
from mgstudio.engine import MLP
from mgstudio.training import Trainer, preset
from mgstudio.training.network_doc import build_network_document, model_document, node_count


def kinds(doc):
    out: dict[str, list] = {}
    for g in doc.groups:
        out.setdefault(g.kind, []).append(g)
    return out


def test_the_training_panes_network_is_grouped():
    trainer = Trainer(preset("walkthrough"))
    net = build_network_document(trainer, 1)
    doc = net.document
    by = kinds(doc)
    assert {k: len(v) for k, v in by.items()} == {"mlp": 1, "layer": 3, "neuron": 9, "group": 1}
    (mlp,) = by["mlp"]
    assert mlp.label == "MLP(3, [4, 4, 1])" and not mlp.collapsed and mlp.parent is None
    assert [g.label for g in by["layer"]] == ["L1", "L2", "L3"]
    assert all(g.parent == mlp.id and not g.collapsed for g in by["layer"])
    assert all(g.collapsed for g in by["neuron"])
    index = doc.groups
    names = trainer.parameter_names()
    for nid, name in zip(net.param_ids, names):
        neuron = index.get(index.group_of(nid))
        assert neuron.kind == "neuron" and name.startswith(neuron.label + ".")
        layer = index.get(neuron.parent)
        assert layer.label == neuron.label.split(".")[0] and layer.parent == mlp.id
    for g in by["neuron"]:
        labels = [doc.nodes[n].label for n in g.nodes]
        out = [n for n in g.nodes if doc.nodes[n].kind == "tanh"]
        assert len(out) == 1  # the activation, labelled as the neuron (the last one: score)
        assert doc.nodes[out[0]].label in (g.label, "score")
        assert sum(1 for label in labels if label.startswith(g.label + ".w")) >= 3
    outside = [nid for nid in doc.nodes if index.group_of(nid) is None]
    assert set(outside) == set(net.input_ids)  # x1..x3
    (loss,) = by["group"]  # y, the difference, the square: one block after the network
    assert loss.collapsed and net.loss_id in loss.nodes and len(loss.nodes) == 3
    assert len(doc.nodes) == node_count(3, (4, 4), "tanh", None, "mse-sum")
    assert network_groups(doc) == [mlp.id]
    assert all(is_network(doc, g.id) for g in doc.groups if g.id != loss.id)


def test_the_lessons_network_is_grouped_with_the_lessons_numbers():
    doc = mlp_document()
    by = kinds(doc)
    assert {k: len(v) for k, v in by.items()} == {"mlp": 1, "layer": 3, "neuron": 9, "group": 1}
    loss = doc.selected_output
    assert doc.nodes[loss].label == "loss"
    doc.backward()
    # the lesson's parameters, computed by hand: each neuron's weights then its bias from
    # Random(SEED), rounded to 4 places; tanh everywhere; (ypred - target)**2
    rng = random.Random(SEED)
    x = list(SAMPLE)
    for nin, nout in ((3, 4), (4, 4), (4, 1)):
        outs = []
        for _ in range(nout):
            w = [round(rng.uniform(-1, 1), 4) for _ in range(nin)]
            b = round(rng.uniform(-1, 1), 4)
            outs.append(math.tanh(sum(wi * xi for wi, xi in zip(w, x)) + b))
        x = outs
    assert doc.value_of(loss).data == pytest.approx((x[0] - TARGET) ** 2, rel=1e-12)
    leaves = [n for n in doc.nodes if doc.nodes[n].kind in ("input", "constant")]
    assert len(leaves) == 41 + 3 + 1


# --- the layout ---------------------------------------------------------------------------
def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def box(pos, size=(NODE_W, NODE_H)):
    x, y = pos
    return (x, y, x + size[0], y + size[1])


def inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[2] <= outer[2]
        and outer[1] <= inner[1] <= inner[3] <= outer[3]
    )


def check_arrangement(doc, flags, sizes=None):
    """Every promise of the layout, for the groups collapsed as ``flags`` says (and nodes
    drawn as big as ``sizes`` says)."""
    index = doc.groups
    arr = network_arrangement(doc, flags.__getitem__, sizes=sizes)
    sizes = sizes or {}
    size = lambda nid: sizes.get(nid, (NODE_W, NODE_H))  # noqa: E731
    pos, rooms = arr.positions, arr.rooms
    assert set(pos) == set(doc.nodes)
    (mlp,) = network_groups(doc)
    assert mlp in rooms
    drawn = list(rooms)
    # no two rooms overlap unless one is inside the other
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            if a in index.ancestors(b) or b in index.ancestors(a):
                outer, inner = (a, b) if a in index.ancestors(b) else (b, a)
                assert inside(rooms[inner], rooms[outer]), (outer, inner)
            else:
                assert not overlaps(rooms[a], rooms[b]), (a, b)
    # an expanded group's own nodes lie inside its frame, under its title
    for gid in drawn:
        if flags[gid]:
            continue
        left, top, right, bottom = rooms[gid]
        content = (left + FRAME_MARGIN, top + FRAME_MARGIN + FRAME_HEADER, right, bottom)
        for nid in index.get(gid).nodes:
            assert inside(box(pos[nid], size(nid)), content)
    # a collapsed group takes its block, its members anchored at the block's top-left
    for gid in drawn:
        g = index.get(gid)
        if flags[gid]:
            left, top, right, bottom = rooms[gid]
            rows = len(index.children(gid)) if g.kind == "layer" else 0
            assert (right - left, bottom - top) == block_size(g.kind, rows)
            xs = [pos[n] for n in index.members(gid)]
            assert (min(x for x, _ in xs), min(y for _, y in xs)) == pytest.approx(
                (left, top), abs=0.5
            )
    # columns: the inputs, the layers in order, then the loss
    outside = [nid for nid in doc.nodes if index.group_of(nid) is None]
    if not flags[mlp]:
        layers = index.children(mlp)
        visible = [rooms[lid] for lid in layers]
        for a, b in zip(visible, visible[1:]):
            assert a[2] < b[0]
        for lid in layers:
            if flags[lid]:
                continue
            column = [rooms[n] for n in index.children(lid)]
            for a, b in zip(column, column[1:]):
                assert a[3] < b[1]
    feeding = {w.src for w in doc.wires if w.dst in set(index.members(mlp))}
    for nid in outside:
        b = box(pos[nid], size(nid))
        assert not overlaps(b, rooms[mlp])
        if nid in feeding:
            assert b[2] < rooms[mlp][0]
        else:
            assert b[0] > rooms[mlp][2]
    for i, a in enumerate(outside):
        for b in outside[i + 1 :]:
            assert not overlaps(box(pos[a], size(a)), box(pos[b], size(b)))
    return arr


architectures = st.tuples(
    st.integers(1, 3),
    st.lists(st.integers(1, 4), max_size=3),
    st.sampled_from(["tanh", "relu", "linear"]),
)


@settings(max_examples=examples(60), deadline=None)
@given(architectures, st.data())
def test_the_layout_keeps_groups_apart_in_ordered_columns(arch, data):
    nin, hidden, activation = arch
    random.seed(0)
    model = MLP(nin, [*hidden, 1], activation=activation)
    doc = model_document(model, [1.0] * nin, 0.0, "mse").document
    assert len(doc.nodes) == node_count(nin, hidden, activation, None, "mse")
    by = kinds(doc)
    assert len(by["neuron"]) == sum(hidden) + 1 and len(by["layer"]) == len(hidden) + 1
    ids = doc.groups.ids()
    flags = dict(zip(ids, data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))))
    sizes = None
    if data.draw(st.booleans(), label="sized nodes"):
        rng = random.Random(data.draw(st.integers(0, 2**16), label="size seed"))
        sizes = {nid: (rng.uniform(100, 460), rng.uniform(30, 90)) for nid in doc.nodes}
    arr = check_arrangement(doc, flags, sizes)
    # as the document's own flags say, it is the same layout
    for gid, flag in flags.items():
        doc.set_group_collapsed(gid, flag)
    assert arrange_network(doc, sizes=sizes) == arr.positions
    # and it stays put once the nodes are there
    doc.move_nodes(arr.positions)
    assert arrange_network(doc, sizes=sizes) == arr.positions


def test_a_built_network_opens_as_its_flags_say():
    random.seed(1)
    net = model_document(MLP(2, [3, 3, 1]), [0.5, -1.0], 1.0, "mse")
    doc = net.document
    flags = {g.id: g.collapsed for g in doc.groups}
    arr = check_arrangement(doc, flags)
    assert {nid: doc.nodes[nid].pos for nid in doc.nodes} == arr.positions
    # collapsed neurons hold their members laid out as they are expanded (ready to open)
    expanded = network_arrangement(doc, lambda gid: False).positions
    for g in doc.groups:
        if g.kind != "neuron":
            continue
        ax, ay = anchor(doc.nodes, g.nodes)
        ex, ey = _anchor_of(expanded, g.nodes)
        for nid in g.nodes:
            x, y = doc.nodes[nid].pos
            assert (x - ax, y - ay) == (expanded[nid][0] - ex, expanded[nid][1] - ey)
    assert fresh_network_positions(doc) == arr.positions


def _anchor_of(positions, members):
    xs = [positions[n] for n in members]
    return (min(x for x, _ in xs), min(y for _, y in xs))


def test_expanding_one_neuron_makes_room_in_its_column():
    random.seed(2)
    doc = model_document(MLP(3, [4, 1], activation="tanh"), [1.0, 2.0, 3.0], 0.0, "mse").document
    first = next(g.id for g in doc.groups if g.kind == "neuron")
    flags = {g.id: g.collapsed for g in doc.groups}
    before = network_arrangement(doc, flags.__getitem__).rooms
    flags[first] = False
    after = check_arrangement(doc, flags).rooms
    assert after[first][3] - after[first][1] > before[first][3] - before[first][1]
    second = [g.id for g in doc.groups if g.kind == "neuron"][1]
    assert after[second][1] > before[second][1]  # pushed down


def test_a_document_without_networks_has_no_network_layout():
    from mgstudio.document import Document

    doc = Document()
    a = doc.add_node("input", label="a", value=1.0)
    gid = doc.group_nodes([a], label="mine")
    assert arrange_network(doc) == {} and not is_network(doc, gid)
    assert not is_network(doc, "nothing-like-it")


@settings(max_examples=examples(60), deadline=None)
@given(documents(max_nodes=10), st.data())
def test_any_grouping_with_an_mlp_lays_out(doc, data):
    """Whatever a learner groups (an mlp around anything, groups inside, some collapsed), the
    layout places every node, keeps groups apart, and the document takes the positions."""
    ids = list(doc.nodes)
    for _ in range(data.draw(st.integers(1, 4), label="groups")):
        chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        kind = data.draw(st.sampled_from(["mlp", "layer", "neuron", "group"]))
        try:
            doc.group_nodes(chosen, kind=kind, collapsed=data.draw(st.booleans()))
        except DocumentError:
            pass  # a selection taking part of a group
    if not network_groups(doc):
        assert arrange_network(doc) == {}
        return
    flags = {g.id: g.collapsed for g in doc.groups}
    arr = network_arrangement(doc)
    assert set(arr.positions) == set(doc.nodes)
    index = doc.groups
    drawn = list(arr.rooms)
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            if not (a in index.ancestors(b) or b in index.ancestors(a)):
                assert not overlaps(arr.rooms[a], arr.rooms[b]), (a, b)
    for gid in drawn:
        if flags[gid]:
            assert _anchor_of(arr.positions, index.members(gid)) == pytest.approx(
                arr.rooms[gid][:2], abs=0.5
            )
    doc.move_nodes(arr.positions)


def test_building_settles_the_output_a_few_times_not_once_per_node(monkeypatch):
    from mgstudio.document import Document

    calls = []
    original = Document._auto_output

    def counted(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Document, "_auto_output", counted)
    random.seed(4)
    net = model_document(MLP(2, [8, 8, 1]), [1.0, -1.0], 1.0, "hinge")
    assert len(net.document.nodes) > 200
    assert len(calls) <= 5  # each settle looks at every output: once per node is quadratic
    assert net.document.default_output() == net.loss_id
