"""The full-batch loss graph of micrograd's demo as a grouped document: the engine's graph
node for node (65,818 Values), the same loss and grads, grouped per sample and per neuron."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from mgstudio.document import Document
from mgstudio.engine import MLP, Value
from mgstudio.training.datasets import Dataset
from mgstudio.training.loss_graph import (
    build_loss_graph,
    demo_dataset,
    demo_parameters,
    node_count,
)


def engine_loss(model, X, y, alpha=1e-4):
    """micrograd's demo.ipynb ``loss()``, on the engine's Values."""
    inputs = [list(map(Value, row)) for row in X.tolist()]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


@pytest.fixture(scope="module")
def demo():
    return build_loss_graph()


@pytest.fixture(scope="module")
def engine():
    state = random.getstate()
    random.seed(1337)
    try:
        model = MLP(2, [16, 16, 1])
    finally:
        random.setstate(state)
    data = demo_dataset()
    loss = engine_loss(model, data.X, data.y)
    loss.backward()
    return model, loss


def test_it_is_the_engines_graph_of_65818_values(demo, engine):
    model, loss = engine
    assert node_count() == 65_818 == len(loss.topological_order())
    doc = demo.document
    assert len(doc.nodes) == 65_818
    kinds = Counter(n.kind for n in doc.nodes.values())
    ops = Counter(v.op.name if v.op else "leaf" for v in loss.topological_order())
    assert kinds["mul"] == ops["mul"] and kinds["add"] == ops["add"]
    assert kinds["relu"] == ops["relu"]
    assert kinds["input"] + kinds["constant"] == ops["leaf"]
    # each wire is one operand: as many as the engine's Values have
    assert len(doc.wires) == sum(len(v._prev) for v in loss.topological_order())


def test_the_same_loss_and_grads_as_the_engine(demo, engine):
    model, loss = engine
    doc = demo.document
    assert [doc.nodes[p].value for p in demo.param_ids] == [p.data for p in model.parameters()]
    assert demo.param_ids and len(demo.param_ids) == 337
    assert doc.default_output() == demo.loss_id
    assert doc.value_of(demo.loss_id).data == loss.data
    doc.backward(demo.loss_id)
    got = [doc.value_of(p).grad for p in demo.param_ids]
    assert got == pytest.approx([p.grad for p in model.parameters()], rel=1e-12, abs=1e-15)


def test_demo_parameters_are_micrograds_seeded_initial_weights():
    state = random.getstate()
    random.seed(1337)
    try:
        model = MLP(2, [16, 16, 1])
        after = random.random()
    finally:
        random.setstate(state)
    assert demo_parameters() == [p.data for p in model.parameters()]
    random.seed(5)
    demo_parameters()
    assert random.random() == random.Random(5).random()  # the global stream is left alone
    assert after != 0.0


def test_grouped_per_sample_and_per_neuron(demo):
    doc = demo.document
    idx = doc.groups
    assert len(demo.sample_groups) == 100
    for s, gid in enumerate(demo.sample_groups):
        g = idx.get(gid)
        assert (g.kind, g.label, g.parent, g.collapsed) == ("group", f"sample {s}", None, True)
        neurons = [idx.get(c) for c in idx.children(gid)]
        assert [n.kind for n in neurons] == ["neuron"] * 33
        assert [n.label for n in neurons[:2]] == ["L1.N1", "L1.N2"]
        assert neurons[16].label == "L2.N1" and neurons[-1].label == "L3.N1"
        assert all(not n.collapsed and not idx.children(n.id) for n in neurons)
        # its own nodes: the inputs and the loss term
        assert [doc.nodes[n].label for n in g.nodes] == [
            "x1",
            "x2",
            "-y",
            "",
            "1",
            "",
            f"loss of sample {s}",
        ]
    params = idx.get(demo.parameters_group)
    assert (params.kind, params.label, params.nodes, params.collapsed) == (
        "group",
        "parameters",
        (),
        True,
    )
    subs = [idx.get(c) for c in idx.children(params.id)]
    assert len(subs) == 33 and subs[0].label == "L1.N1 parameters"
    assert [doc.nodes[n].label for n in subs[0].nodes] == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b"]
    assert sorted(idx.members(params.id)) == sorted(demo.param_ids)
    # every node is in a group but the total
    grouped = {n for g in idx for n in g.nodes}
    assert set(doc.nodes) - grouped == {demo.loss_id}
    assert all(idx.get(g).collapsed for g in idx.top_level())  # the neurons inside are not
    assert {idx.get(g).label for g in idx.top_level()} >= {
        "parameters",
        "L2 regularisation",
        "data loss",
    }


def test_a_neuron_holds_its_products_sums_and_activation(demo):
    doc, idx = demo.document, demo.document.groups
    sample = demo.sample_groups[3]
    l2n5 = next(idx.get(c) for c in idx.children(sample) if idx.get(c).label == "L2.N5")
    kinds = Counter(doc.nodes[n].kind for n in l2n5.nodes)
    assert kinds == {"mul": 16, "add": 16, "relu": 1}
    ports = doc.group_ports(l2n5.id)
    # in: its 16 weights and its bias, and the 16 outputs of layer 1 of the same sample
    srcs = {w.src for w in ports.inputs}
    assert len(ports.inputs) == 33
    assert {doc.nodes[s].label for s in srcs if doc.nodes[s].label.startswith("L2.N5.")} == {
        *(f"L2.N5.w{i}" for i in range(1, 17)),
        "L2.N5.b",
    }
    assert all(idx.chain(s)[-1] in (sample, demo.parameters_group) for s in srcs)
    assert [doc.nodes[n].label for n in ports.outputs] == ["L2.N5"]
    # the sample's own ports: the parameters come in, its loss term goes out
    sp = doc.group_ports(sample)
    assert {idx.chain(w.src)[-1] for w in sp.inputs} == {demo.parameters_group}
    assert len(sp.inputs) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1  # every weight and bias once
    assert [doc.nodes[n].label for n in sp.outputs] == ["loss of sample 3"]


def test_no_two_nodes_share_a_place(demo):
    places = [n.pos for n in demo.document.nodes.values()]
    assert len(set(places)) == len(places)


SMALL = Dataset(
    "small",
    np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 0.0]]),
    np.array([1.0, -1.0, 1.0]),
)


@pytest.mark.parametrize("hidden", [(), (1,), (3,), (2, 3), (4, 1, 2)])
def test_other_sizes_count_and_compute_like_the_engine(hidden):
    lg = build_loss_graph(SMALL, hidden, collapsed=False)
    doc = lg.document
    assert len(doc.nodes) == node_count(3, 2, hidden)
    rnd = random.getstate()
    random.seed(1337)
    try:
        model = MLP(2, [*hidden, 1])
    finally:
        random.setstate(rnd)
    loss = engine_loss(model, SMALL.X, SMALL.y)
    assert len(loss.topological_order()) == len(doc.nodes)
    assert doc.value_of(lg.loss_id).data == loss.data
    assert not any(g.collapsed for g in doc.groups)
    assert len(lg.sample_groups) == 3


def test_it_saves_and_loads_back_byte_for_byte(tmp_path):
    doc = build_loss_graph(SMALL, (3, 2)).document
    path = tmp_path / "loss.mgs"
    doc.save(path)
    back = Document.load(path)
    assert back.to_json() == doc.to_json()
    assert back.groups.state() == doc.groups.state()


def test_parameters_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="this MLP has 337 parameters, not 3"):
        build_loss_graph(params=[0.0, 1.0, 2.0])
