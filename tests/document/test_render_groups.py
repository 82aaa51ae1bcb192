"""``render`` draws groups: nested Graphviz clusters, and a collapsed group as one record with
its output's ``label | data | grad``, the wires crossing its boundary attached to it. Checked
with the real ``dot``."""

import random
import re
import shutil

import pytest

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.graphviz_io import PictureSnapshot, render, to_dot
from mgstudio.engine import MLP
from mgstudio.training.network_doc import model_document

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def lecture_network():
    random.seed(5)
    net = model_document(MLP(3, [4, 4, 1], activation="tanh"), [2.0, 3.0, -1.0], 1.0, "mse")
    return net.document


def clusters(svg: str) -> list[str]:
    return re.findall(r'<g id="group&#45;([^"]*)" class="cluster"', svg)


def blocks(svg: str) -> list[str]:
    return re.findall(r'<g id="group&#45;([^"]*)" class="node"', svg)


def drawn_nodes(svg: str) -> set[str]:
    return set(re.findall(r'<g id="node&#45;([^"]*)" class="node"', svg))


def ungrouped(doc):
    return {nid for nid in doc.nodes if doc.groups.group_of(nid) is None}


@needs_dot
def test_collapsed_neurons_are_records_inside_layer_clusters(tmp_path):
    doc = lecture_network()
    doc.backward()
    svg = render(doc, tmp_path / "n.svg").read_text(encoding="utf-8")
    ids = lambda kind: sorted(g.id.replace("-", "&#45;") for g in doc.groups if g.kind == kind)
    assert sorted(clusters(svg)) == sorted(ids("mlp") + ids("layer"))
    assert sorted(blocks(svg)) == ids("neuron") + ids("group")  # the loss is one block too
    # only the nodes outside every group are drawn as their own records
    assert drawn_nodes(svg) == ungrouped(doc)
    source = to_dot(doc)
    # nesting: the layers' clusters inside the mlp's, the neuron records inside the layers'
    mlp_at = source.index("subgraph cluster_mlp {")
    for layer in ("L1", "L2", "L3"):
        assert source.index(f"subgraph cluster_{layer} {{") > mlp_at
    score = doc.value_of(next(n for n in doc.nodes if doc.nodes[n].label == "score"))
    assert f"score | data {score.data:.4f} | grad {score.grad:.4f}" in source
    assert "MLP(3, [4, 4, 1]) (mlp)" in source
    # wires: x1..x3 into each first-layer neuron once; 4 x 4 between the hidden layers, 4
    # into the output neuron, and the loss's own; none inside a neuron
    edges = re.findall(r"^\s*(\S+) -> (\S+)", source, flags=re.M)
    into_blocks = [e for e in edges if e[1].startswith("c_")]
    assert len(into_blocks) == 4 * 3 + 4 * 4 + 4 + 1  # and the score into the loss's block


@needs_dot
def test_expanded_everything_is_nested_clusters(tmp_path):
    doc = lecture_network()
    for g in doc.groups:
        doc.set_group_collapsed(g.id, False)
    doc.backward()
    svg = render(doc, tmp_path / "e.svg").read_text(encoding="utf-8")
    assert len(clusters(svg)) == len(doc.groups) == 14 and blocks(svg) == []
    assert drawn_nodes(svg) == set(doc.nodes)


@needs_dot
def test_a_collapsed_layer_is_one_record_with_a_row_per_neuron(tmp_path):
    doc = lecture_network()
    layer = next(g for g in doc.groups if g.label == "L2")
    doc.set_group_collapsed(layer.id, True)
    doc.backward()
    source = to_dot(doc)
    (record,) = [line for line in source.splitlines() if f'id="group-{layer.id}"' in line]
    assert record.count("| data ") == 4 and "<o3> L2.N4" in record
    # the neurons inside it are not drawn, collapsed or not
    svg = render(doc, tmp_path / "l.svg").read_text(encoding="utf-8")
    assert not any(b.startswith("L2&#45;") for b in blocks(svg))
    assert "L2" in blocks(svg)


@needs_dot
def test_the_render_command_and_hostile_group_labels(tmp_path, capsys):
    doc = Document()
    a = doc.add_node("input", label="a", value=2.0)
    b = doc.add_node("input", label="b", value=-3.0)
    m = doc.add_node("mul", label="m")
    t = doc.add_node("tanh", label="t")
    doc.connect(a, m, "a")
    doc.connect(b, m, "b")
    doc.connect(m, t, "a")
    inner = doc.group_nodes([m], label='q"uo\\te {x|y} <z>')
    doc.group_nodes([m, t], label="<outer>")
    path = tmp_path / "g.mgs"
    doc.save(path)
    assert main(["render", str(path), "-o", str(tmp_path / "g.svg")]) == 0
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    assert len(clusters(svg)) == 2
    doc.set_group_collapsed(inner, True)
    doc.save(path)
    assert main(["render", str(path), "-o", str(tmp_path / "c.svg")]) == 0
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert len(clusters(svg)) == 1 and len(blocks(svg)) == 1
    assert drawn_nodes(svg) == {a, b, t}
    assert capsys.readouterr().err == ""


def test_a_snapshot_draws_the_same_groups():
    doc = lecture_network()
    doc.set_group_collapsed(next(g.id for g in doc.groups if g.kind == "layer"), True)
    doc.backward()
    assert to_dot(PictureSnapshot.of(doc)) == to_dot(doc)
    assert "cluster" not in to_dot(PictureSnapshot.of(Document()))
