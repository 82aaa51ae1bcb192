"""Code export of grouped documents: a comment names each group as its nodes begin, and the
script still runs to the document's numbers and reads back into the same graph."""

import random
import re

from test_codeio_export import run_scripts

from mgstudio.document import Document
from mgstudio.document.code_export import export_micrograd, export_torch
from mgstudio.document.code_import import import_code
from mgstudio.engine import MLP
from mgstudio.training.network_doc import model_document


def network() -> Document:
    random.seed(3)
    return model_document(MLP(2, [3, 1], activation="tanh"), [0.5, -2.0], 1.0, "mse").document


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("# ")]


def test_each_group_is_named_once_before_its_nodes():
    doc = network()
    text = export_micrograd(doc)
    assert comments(text) == [
        "# mlp 'MLP(2, [3, 1])'",
        "# layer 'L1'",
        "# neuron 'L1.N1'",
        "# neuron 'L1.N2'",
        "# neuron 'L1.N3'",
        "# layer 'L2'",
        "# neuron 'L2.N1'",
        "# group 'loss'",
    ]
    lines = text.splitlines()
    # a neuron's comment comes right before its bias and weights, and its output follows
    at = lines.index("# neuron 'L1.N2'")
    assert lines[at + 1].startswith("L1_N2_b = Value(")
    block = lines[at + 1 : lines.index("# neuron 'L1.N3'")]
    assert any(line.startswith("L1_N2 = (") for line in block)
    # the loss after the network, set apart from it
    y_at = next(i for i, line in enumerate(lines) if line.startswith("y = Value("))
    assert lines[y_at - 1] == "# group 'loss'" and lines[y_at - 2] == ""
    assert comments(export_torch(doc)) == comments(text)


def test_a_script_comes_back_to_a_group_it_left():
    doc = Document()
    a = doc.add_node("input", label="a", value=1.0)
    b = doc.add_node("input", label="b", value=2.0)
    s = doc.add_node("add", label="s")
    doc.connect(a, s, "a")
    doc.connect(b, s, "b")
    doc.group_nodes([a, s], label="mine")
    text = export_micrograd(doc)
    assert comments(text) == ["# group 'mine'", "# group 'mine' (continued)"]


def test_the_grouped_script_runs_to_the_documents_numbers_and_reads_back(tmp_path):
    doc = network()
    doc.backward()
    text = export_micrograd(doc)
    result = run_scripts(tmp_path, {"net": text})["net"]["values"]
    loss = next(n for n in doc.nodes if doc.nodes[n].label == "loss")
    (name,) = [k for k in result if k.startswith("loss")]
    assert float(result[name][0]) == doc.value_of(loss).data
    back = import_code(text)
    assert len(back.nodes) == len(doc.nodes)
    back.backward()
    out = back.default_output()
    assert back.value_of(out).data == doc.value_of(loss).data


def test_no_group_no_comment():
    doc = Document()
    a = doc.add_node("input", label="a", value=1.0)
    t = doc.add_node("tanh", label="t")
    doc.connect(a, t, "a")
    text = export_micrograd(doc)
    assert comments(text) == [] and not re.search(r"\n\n\n", text)
