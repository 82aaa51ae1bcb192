"""The loop closes: import(export(doc)) of a document of networks, through mgstudio's own
interpreter, is the same graph with the same numbers (every labelled node's data and grad,
and the output), its networks back as mlp/layer/neuron groups holding the same nodes; and a
document the interpreter made from the lecture's code exports as classes again."""

import math
import random

import pytest
from test_codeio_export_classes import HOSTILE, NETWORKS, network, neuron_calls

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.code_export_classes import export_classes
from mgstudio.document.code_import import import_program
from mgstudio.document.network_pattern import match_networks


def round_trip(doc: Document) -> Document:
    text = export_classes(doc)
    assert text is not None
    back = import_program(text).document
    back.backward()
    return back


def by_label(doc: Document) -> dict[str, list[tuple[float, float]]]:
    """Each label's nodes' (data, grad), sorted (the calls of one network on several samples
    label their hidden neurons alike)."""
    out: dict[str, list[tuple[float, float]]] = {}
    for nid, node in doc.nodes.items():
        if node.label:
            v = doc.value_of(nid)
            out.setdefault(node.label, []).append((v.data, v.grad))
    return {k: sorted(v) for k, v in out.items()}


def close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)


def assert_same_document(doc: Document, back: Document, exact_labels: bool = True) -> None:
    """The same graph and numbers; ``exact_labels=False``: ``back`` may name a node the
    document left unlabelled (the import names Values after their variables)."""
    assert (len(back.nodes), len(back.wires)) == (len(doc.nodes), len(doc.wires))
    old, new = by_label(doc), by_label(back)
    assert set(new) == set(old) if exact_labels else set(new) >= set(old)
    for label, numbers in old.items():
        assert len(new[label]) == len(numbers), label
        for (d1, g1), (d2, g2) in zip(numbers, new[label]):
            assert close(d1, d2) and close(g1, g2), (label, (d1, g1), (d2, g2))
    out, out_back = doc.default_output(), back.default_output()
    if exact_labels or doc.nodes[out].label:
        assert back.nodes[out_back].label == doc.nodes[out].label
    assert close(back.value_of(out_back).data, doc.value_of(out).data)
    assert back.value_of(out_back).grad == 1.0


def neuron_members(doc: Document) -> list[frozenset[str]]:
    """Each neuron group's labelled nodes (its weights, bias and output), sorted."""
    found = [
        frozenset(doc.nodes[n].label for n in doc.groups.members(g.id) if doc.nodes[n].label)
        for g in doc.groups
        if g.kind == "neuron"
    ]
    return sorted(found, key=sorted)


def kinds(doc: Document) -> list[str]:
    return sorted(g.kind for g in doc.groups if g.kind != "group")


@pytest.mark.parametrize("key", sorted(NETWORKS))
def test_import_of_the_export_is_the_same_document(key):
    doc = NETWORKS[key]()
    back = round_trip(doc)
    assert_same_document(doc, back)
    # the networks come back as networks: the same neurons in layers in an mlp
    assert kinds(back) == kinds(doc)
    assert neuron_members(back) == neuron_members(doc)
    for g in back.groups:
        if g.kind in ("neuron", "layer"):
            assert back.groups.get(g.parent).kind == {"neuron": "layer", "layer": "mlp"}[g.kind]
    # and export again: the same classes with the same weights
    assert match_networks(back) is not None
    assert neuron_calls(export_classes(back)) == neuron_calls(export_classes(doc))


def test_per_neuron_activations_survive_the_round_trip():
    def change(model):
        model.layers[0].neurons[0].activation = "relu"
        model.layers[0].neurons[2].activation = "linear"

    doc = network(3, [3, 1], "sigmoid", change=change)
    back = round_trip(doc)
    assert_same_document(doc, back)
    act = {node.label: node.kind for node in back.nodes.values() if node.label in ("L1.N1",)}
    assert act == {"L1.N1": "relu"}


@pytest.mark.parametrize("seed", range(3))
def test_hostile_labels_come_back_as_they_were(seed):
    rng = random.Random(seed)
    doc = network(2, [2, 1], "tanh", seed=seed)
    for i, (nid, node) in enumerate(list(doc.nodes.items())):
        if node.label and rng.random() < 0.7:
            doc.set_label(nid, f"{rng.choice(HOSTILE)}{i}")
    for g in list(doc.groups):
        if rng.random() < 0.7:
            doc.set_group_label(g.id, rng.choice(HOSTILE))
    assert_same_document(doc, round_trip(doc))


LECTURE_NN = """
import random
from micrograd.engine import Value
from micrograd.nn import MLP

random.seed(1337)
n = MLP(3, [4, 4, 1])
x = [2.0, 3.0, -1.0]
ypred = n(x)
loss = (ypred - 1.0)**2
"""

LECTURE_CLASSES = """
import random
from micrograd.engine import Value

class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0
    def parameters(self):
        return []

class Neuron(Module):
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1,1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1,1))
    def __call__(self, x):
        act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out
    def parameters(self):
        return self.w + [self.b]

class Layer(Module):
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]
    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs
    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i+1]) for i in range(len(nouts))]
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

random.seed(42)
n = MLP(3, [4, 4, 1])
x = [Value(2.0, label='x0'), Value(3.0, label='x1'), Value(-1.0, label='x2')]
ypred = n(x)
loss = (ypred - 1.0)**2
"""

TWO_OUTPUTS = """
import random
from micrograd.nn import MLP

random.seed(5)
n = MLP(2, [3, 2])
a, b = n([0.5, -1.5])
loss = (a - 1.0)**2 + (b + 1.0)**2
"""


# two MLPs, one feeding the other, inlined into one expression
TWO_MODELS = """
import random
from micrograd.engine import Value
from micrograd.nn import MLP

random.seed(3)
a = MLP(2, [2, 1])
b = MLP(1, [2, 1])
x = [Value(1.0), Value(-2.0)]
loss = b([a(x)]) * 3.0
"""

# the lecture's loss: one MLP called on four samples (four mlp groups, one set of weights)
FOUR_SAMPLES = """
import random
from micrograd.nn import MLP

random.seed(1337)
n = MLP(3, [4, 4, 1])
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
ypred = [n(x) for x in xs]
loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
"""


@pytest.mark.parametrize(
    "program",
    [LECTURE_NN, LECTURE_CLASSES, TWO_OUTPUTS, FOUR_SAMPLES, TWO_MODELS],
    ids=["nn", "classes", "two_out", "four_samples", "two_models"],
)
def test_the_lectures_networks_export_as_classes_and_come_back(program):
    doc = import_program(program).document
    doc.backward()
    assert match_networks(doc) is not None
    text = export_classes(doc)
    assert "the document's own labels" not in text  # L0.N1.w2: the class names them so
    back = round_trip(doc)
    assert_same_document(doc, back)
    assert neuron_members(back) == neuron_members(doc)


def test_the_command_line_loop(tmp_path, capsys):
    """``export FILE --to micrograd -o out.py`` then ``import out.py -o again.mgs``."""
    doc = network(3, [4, 4, 1], "tanh")
    doc.save(tmp_path / "net.mgs")
    out = str(tmp_path / "out.py")
    assert main(["export", str(tmp_path / "net.mgs"), "--to", "micrograd", "-o", out]) == 0
    assert main(["import", out, "-o", str(tmp_path / "again.mgs")]) == 0
    capsys.readouterr()
    again = Document.load(tmp_path / "again.mgs")
    again.backward()
    first = Document.load(tmp_path / "net.mgs")
    first.backward()
    assert_same_document(first, again)
    assert kinds(again) == kinds(first)


def test_one_network_called_on_four_samples_is_built_once_and_called_four_times():
    doc = import_program(FOUR_SAMPLES).document
    doc.backward()
    text = export_classes(doc)
    lines = text.splitlines()
    assert sum(line.startswith("n = MLP([") for line in lines) == 1
    assert [line for line in lines if " = n(x" in line] == [
        "ypred0 = n(x)",
        "ypred1 = n(x2)",
        "ypred2 = n(x3)",
        "ypred3 = n(x4)",
    ]
    assert "x4 = [1.0, 1.0, -1.0]" in lines
    back = round_trip(doc)
    assert sorted(g.kind for g in back.groups) == sorted(g.kind for g in doc.groups)
    shared = [g for g in back.groups if g.label == "parameters"]
    assert len(shared) == 1 and len(shared[0].nodes) == 41


def test_two_networks_sharing_one_neuron_get_the_flat_script():
    """b's first neuron is a's: the classes could only give each network its own."""
    program = """
import random
from micrograd.nn import MLP

random.seed(3)
a = MLP(2, [2, 1])
b = MLP(2, [2, 1])
b.layers[0].neurons[0] = a.layers[0].neurons[0]
x = [1.0, -2.0]
loss = a(x) + b(x)
"""
    doc = import_program(program).document
    assert [g.kind for g in doc.groups].count("mlp") == 2
    assert match_networks(doc) is None and export_classes(doc) is None
