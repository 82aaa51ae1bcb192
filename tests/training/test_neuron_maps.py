"""Neuron maps: every neuron group's output over a grid of the input plane, computed with the
tape on the document's own graph, equals a plain numpy forward of the network and the
document's own Values at the grid's points; a weight change replays, only a structural change
compiles again."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.budget import examples
from helpers.neuron_groups import grouped_network, network_of
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import Document, clipboard
from mgstudio.training import Trainer, preset
from mgstudio.training import neuron_maps as nm
from mgstudio.training.neuron_maps import (
    NeuronMapError,
    NeuronMaps,
    grid_over,
    neuron_maps,
    output_of,
    square_grid,
)

ACT = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
}


def numpy_neurons(trainer: Trainer, points: np.ndarray) -> np.ndarray:
    """``(n_points, n_neurons)``: every neuron's output, layer by layer, from the trainer's
    parameters in micrograd's order (per neuron its weights, then its bias)."""
    cfg = trainer.config
    params = trainer.snapshot().params
    sizes = [2, *cfg.hidden, 1]
    final = cfg.final_activation or ("linear" if cfg.activation == "relu" else cfg.activation)
    x, off, outs = points, 0, []
    for li, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        block = params[off : off + nout * (nin + 1)].reshape(nout, nin + 1)
        off += block.size
        act = final if li == len(sizes) - 2 else cfg.activation
        x = ACT[act](x @ block[:, :nin].T + block[:, nin])
        outs.append(x)
    assert off == params.size
    return np.hstack(outs)


def stacked(maps: dict[str, np.ndarray], gids: list[str]) -> np.ndarray:
    return np.column_stack([maps[g].ravel() for g in gids])


@pytest.fixture(scope="module")
def demo():
    """micrograd's demo MLP(2, [16, 16, 1]) on moons, a few steps in, as a grouped document."""
    trainer, _, _ = grouped_network()
    trainer.run(5)
    net, gids = network_of(trainer)
    return trainer, net, gids


def test_grid_is_in_image_order_around_the_data():
    X = np.array([[0.0, 0.0], [4.0, 2.0]])
    grid = grid_over(X, size=5, margin=0.25)
    assert grid.extent == (-1.0, 5.0, -0.5, 2.5)
    assert grid.shape == (5, 5) and grid.points.shape == (25, 2)
    # row 0 is the top (the largest x2); x1 grows along a row
    assert grid.points[0].tolist() == [-1.0, 2.5]
    assert grid.points[4].tolist() == [5.0, 2.5]
    assert grid.points[-1].tolist() == [5.0, -0.5]


@pytest.mark.parametrize(
    "extent, size",
    [((0, 0, 0, 1), 8), ((0, 1, 1, 0), 8), ((0, float("nan"), 0, 1), 8), ((0, 1, 0, 1), 1)],
)
def test_bad_grids_are_refused_in_words(extent, size):
    with pytest.raises(NeuronMapError, match="grid needs"):
        square_grid(extent, size)


def test_grid_needs_two_columns():
    with pytest.raises(NeuronMapError, match="2 columns"):
        grid_over(np.zeros((4, 3)))


def test_demo_maps_equal_a_numpy_forward_of_the_network(demo):
    trainer, net, gids = demo
    assert len(gids) == 33
    grid = grid_over(trainer.dataset.X, size=48)
    maps = neuron_maps(net.document, net.input_ids, grid)
    assert list(maps) == gids  # the neuron groups only (not the layers nor the mlp)
    assert all(m.shape == (48, 48) for m in maps.values())
    want = numpy_neurons(trainer, grid.points)
    np.testing.assert_allclose(stacked(maps, gids), want, rtol=1e-9, atol=1e-12)
    # and the last neuron is the trainer's score
    np.testing.assert_allclose(maps[gids[-1]].ravel(), trainer.predict(grid.points), rtol=1e-12)


def test_maps_equal_the_documents_values_at_grid_points(demo):
    trainer, net, gids = demo
    doc = net.document
    grid = grid_over(trainer.dataset.X, size=16)
    maps = neuron_maps(doc, net.input_ids, grid)
    x1, x2 = net.input_ids
    outs = [output_of(doc, g) for g in gids]
    saved = doc.nodes[x1].value, doc.nodes[x2].value
    for r, c in [(0, 0), (0, 15), (7, 3), (15, 15), (11, 8)]:
        a, b = grid.points[r * 16 + c]
        doc.set_value(x1, float(a))
        doc.set_value(x2, float(b))
        for gid, nid in zip(gids, outs):
            assert maps[gid][r, c] == pytest.approx(doc.value_of(nid).data, rel=1e-9, abs=1e-12)
    doc.set_value(x1, saved[0])
    doc.set_value(x2, saved[1])


def test_the_neurons_output_is_the_node_labelled_like_the_group(demo):
    _, net, gids = demo
    doc = net.document
    labels = [doc.nodes[output_of(doc, g)].label for g in gids]
    assert labels[:2] == ["L1.N1", "L1.N2"] and labels[16] == "L2.N1"
    assert labels[-1] == "score"  # the last neuron's output is the network's score


@settings(max_examples=examples(25), deadline=None)
@given(
    hidden=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    activation=st.sampled_from(["relu", "tanh", "sigmoid"]),
    seed=st.integers(0, 2**16),
    steps=st.integers(0, 3),
)
def test_any_small_mlp_maps_like_numpy(hidden, activation, seed, steps):
    trainer = Trainer(
        preset("micrograd-demo", hidden=tuple(hidden), activation=activation, seed=seed, samples=20)
    )
    trainer.run(steps)
    net, gids = network_of(trainer)
    grid = grid_over(trainer.dataset.X, size=9)
    maps = neuron_maps(net.document, net.input_ids, grid)
    assert list(maps) == gids and len(gids) == sum(hidden) + 1
    want = numpy_neurons(trainer, grid.points)
    np.testing.assert_allclose(stacked(maps, gids), want, rtol=1e-9, atol=1e-12)


@pytest.fixture
def compiles(monkeypatch):
    """How many times the tape compiled a graph (counted at the compiler's door; the
    trainer's engine compiles its model too: tests clear the count once they have one)."""
    calls: list[int] = []
    real = nm.Tape.compile

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(nm.Tape, "compile", counting)
    return calls


def test_a_weight_change_replays_without_compiling(compiles):
    trainer, net, gids = grouped_network(hidden=(3, 2))
    doc = net.document
    grid = grid_over(trainer.dataset.X, size=12)
    maps = NeuronMaps()
    compiles.clear()
    first = maps.run(maps.prepare(doc, net.input_ids), grid)
    assert len(compiles) == maps.compiles == 1
    again = maps.run(maps.prepare(doc, net.input_ids), grid)
    assert len(compiles) == 1
    np.testing.assert_array_equal(stacked(again, gids), stacked(first, gids))
    # training moves every weight: written into the document, then mapped again
    trainer.run(3)
    with doc.batch():
        for nid, p in zip(net.param_ids, trainer.snapshot().params.tolist()):
            doc.set_value(nid, p)
    moved = maps.run(maps.prepare(doc, net.input_ids), grid)
    assert len(compiles) == maps.compiles == 1
    np.testing.assert_allclose(
        stacked(moved, gids), numpy_neurons(trainer, grid.points), rtol=1e-9, atol=1e-12
    )
    assert not np.allclose(stacked(moved, gids), stacked(first, gids))


def test_a_structural_change_compiles_again(compiles):
    trainer, net, gids = grouped_network(hidden=(3,))
    doc = net.document
    grid = square_grid(size=6)
    maps = NeuronMaps()
    compiles.clear()
    maps.run(maps.prepare(doc, net.input_ids), grid)
    assert len(compiles) == 1
    # rewire the first neuron's activation to its own weight: new Values downstream
    first_out = output_of(doc, gids[0])
    weight = next(n for n in doc.upstream_ids(first_out) if doc.nodes[n].label.endswith(".w1"))
    doc.disconnect(doc.inputs_of(first_out)["a"])
    doc.connect(weight, first_out, "a")
    after = maps.run(maps.prepare(doc, net.input_ids), grid)
    assert len(compiles) == maps.compiles == 2
    w = doc.nodes[weight].value
    np.testing.assert_allclose(after[gids[0]], np.full((6, 6), max(w, 0.0)))
    # fewer groups mapped: another graph, compiled once more, then replayed
    maps.run(maps.prepare(doc, net.input_ids, groups=gids[1:]), grid)
    maps.run(maps.prepare(doc, net.input_ids, groups=gids[1:]), grid)
    assert len(compiles) == 3


def test_incomplete_neurons_are_skipped_and_named():
    trainer, net, gids = grouped_network(hidden=(2,))
    doc = net.document
    out = output_of(doc, gids[1])
    wire = doc.inputs_of(out)["a"]
    doc.disconnect(wire)
    frame = NeuronMaps().prepare(doc, net.input_ids)
    # the output neuron takes the incomplete one's output: incomplete too
    assert frame.skipped == (gids[1], gids[2])
    assert frame.groups == (gids[0],)


def test_a_hand_built_neuron_is_mapped_too():
    """Insert Neuron's fragment: a neuron group fed by leaves x1 and x2 outside it."""
    doc = Document()
    ids = doc.paste_fragment(clipboard.neuron_fragment(2, "tanh"))
    label = {doc.nodes[i].label: i for i in ids}
    (gid,) = [g.id for g in doc.groups]
    grid = square_grid((-1.0, 1.0, -1.0, 1.0), size=5)
    maps = neuron_maps(doc, (label["x1"], label["x2"]), grid)
    w1, w2, b = (doc.nodes[label[k]].value for k in ("w1", "w2", "b"))
    want = np.tanh(grid.points @ np.array([w1, w2]) + b).reshape(5, 5)
    np.testing.assert_allclose(maps[gid], want, rtol=1e-12)


def test_bad_inputs_are_refused_in_words(demo):
    _, net, gids = demo
    doc = net.document
    x1, x2 = net.input_ids
    maps = NeuronMaps()
    with pytest.raises(NeuronMapError, match="two different"):
        maps.prepare(doc, (x1, x1))
    with pytest.raises(NeuronMapError, match="two different"):
        maps.prepare(doc, (x1,))
    with pytest.raises(NeuronMapError, match="no node"):
        maps.prepare(doc, (x1, "nope"))
    with pytest.raises(NeuronMapError, match="must be a leaf"):
        maps.prepare(doc, (x1, net.score_id))
    with pytest.raises(NeuronMapError, match="no group"):
        maps.prepare(doc, net.input_ids, groups=["nope"])


def test_no_groups_no_maps():
    doc = Document()
    a = doc.add_node("input", label="x1", value=1.0)
    b = doc.add_node("input", label="x2", value=2.0)
    assert neuron_maps(doc, (a, b), square_grid(size=4)) == {}
