"""``export --to micrograd`` of a document of networks: the lecture's Neuron/Layer/MLP classes
with the document's weights; run as a script (our own generated code, in a subprocess) it
computes every labelled node's data and grad exactly as the document does. Documents whose
groups are not micrograd's networks get the flat script."""

import ast
import json
import os
import random
import subprocess
import sys
from dataclasses import replace

import pytest

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.code_export import export_micrograd
from mgstudio.document.code_export_classes import export_classes, export_program
from mgstudio.engine import MLP
from mgstudio.training.network_doc import model_document

# Runs each script with runpy and reports every labelled Value it can reach (the globals and
# everything behind them through _prev: the hidden neurons' outputs too) and what it printed.
RUNNER = r"""
import contextlib, io, json, runpy, sys
out = {}
for path in sys.argv[1:]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        g = runpy.run_path(path, run_name="__main__")
    todo = [v for v in g.values() if type(v).__name__ == "Value"]
    todo += [p for v in g.values() if type(v).__name__ == "MLP" for p in v.parameters()]
    seen, values = set(), {}
    while todo:
        v = todo.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if v.label:
            values.setdefault(v.label, []).append([repr(v.data), repr(v.grad)])
        todo.extend(v._prev)
    out[path] = {"values": values, "printed": buf.getvalue()}
print(json.dumps(out))
"""


def run_scripts(tmp_path, scripts: dict[str, str]) -> dict:
    paths = []
    for name, text in scripts.items():
        p = tmp_path / f"{name}.py"
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *paths],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    return {name: result[path] for name, path in zip(scripts, paths)}


def network(nin, nouts, activation, seed=1337, sample=None, target=1.0, change=None) -> Document:
    """What ``python -m mgstudio network`` builds (its builder), on a sample of odd numbers."""
    random.seed(seed)
    model = MLP(nin, nouts, activation=activation)
    if change:
        change(model)
    xs = sample or [0.5 - 0.7 * i for i in range(nin)]
    return model_document(model, xs, target, "mse").document


def labelled(doc: Document) -> dict[str, tuple[float, float]]:
    out = {}
    for nid, node in doc.nodes.items():
        if node.label:
            v = doc.value_of(nid)
            assert node.label not in out, "the tests use documents whose labels differ"
            out[node.label] = (v.data, v.grad)
    return out


def assert_same_numbers(doc: Document, result: dict) -> None:
    """Every labelled node of the document is a Value of the script with the same label,
    data and grad (exactly: the same operations in the same order)."""
    values = result["values"]
    for label, (data, grad) in labelled(doc).items():
        assert label in values, label
        assert len(values[label]) == 1, label
        got_data, got_grad = (float(t) for t in values[label][0])
        assert (got_data, got_grad) == (data, grad), label
    assert set(values) == set(labelled(doc))


def printed(result: dict) -> dict[str, tuple[str, str]]:
    out = {}
    for line in result["printed"].splitlines():
        label, rest = line.rsplit("  data ", 1)
        data, grad = rest.split("  grad ")
        out[label.strip()] = (data, grad)
    return out


NETWORKS = {
    "mlp_3_4_4_1_tanh": lambda: network(3, [4, 4, 1], "tanh"),
    "mlp_3_4_4_1_relu": lambda: network(3, [4, 4, 1], "relu"),
    "mlp_2_1": lambda: network(2, [1], "tanh", seed=7),
    "mlp_2_1_relu": lambda: network(2, [1], "relu", seed=7),
    "hidden_width_one": lambda: network(3, [1, 1, 1], "sigmoid", seed=2),
    "wide": lambda: network(12, [9, 1], "relu", seed=11),
}


def test_network_documents_export_as_classes_that_compute_the_same_numbers(tmp_path):
    docs = {k: make() for k, make in NETWORKS.items()}
    texts = {k: export_program(d) for k, d in docs.items()}
    results = run_scripts(tmp_path, texts)
    for key, doc in docs.items():
        text = texts[key]
        assert text != export_micrograd(doc)
        for cls in ("class Module:", "class Neuron(Module):", "class Layer(Module):"):
            assert cls in text.splitlines(), key
        assert "n = MLP([" in text.splitlines()
        assert_same_numbers(doc, results[key])
        # the prints show every weight and the loss, as the document has them
        shown = printed(results[key])
        for label, (data, grad) in labelled(doc).items():
            if not label.startswith("L") or "." in label[3:]:  # all but hidden outputs
                assert shown[label] == (f"{data:.4f}", f"{grad:.4f}"), (key, label)


def neuron_calls(text: str) -> list[list[object]]:
    """The arguments of each ``Neuron(...)`` in ``n = MLP([...])``, as values."""
    (build,) = [
        s
        for s in ast.parse(text).body
        if isinstance(s, ast.Assign) and getattr(s.targets[0], "id", None) == "n"
    ]
    calls = [c for c in ast.walk(build) if isinstance(c, ast.Call) and c.func.id == "Neuron"]
    return [[ast.literal_eval(a) for a in c.args] for c in calls]


def test_each_neuron_takes_the_documents_weights_in_order():
    doc = network(3, [4, 4, 1], "tanh")
    text = export_classes(doc)
    calls = neuron_calls(text)
    by_label = {node.label: node.value for node in doc.nodes.values() if node.label}
    names = [f"L{li}.N{ni}" for li, width in ((1, 4), (2, 4), (3, 1)) for ni in range(1, width + 1)]
    assert [name for _, _, name in calls] == names
    for weights, bias, name in calls:
        assert weights == [by_label[f"{name}.w{k}"] for k in range(1, len(weights) + 1)]
        assert bias == by_label[f"{name}.b"]
    assert [len(w) for w, _, _ in calls] == [3] * 4 + [4] * 5
    # one activation: the class applies it, no activation argument anywhere
    assert "        out = act.tanh()" in text.splitlines() and "activation" not in text


def test_per_neuron_activations_are_the_documents():
    def change(model):
        model.layers[0].neurons[1].activation = "sigmoid"
        model.layers[1].neurons[0].activation = "relu"

    doc = network(2, [3, 1], "tanh", change=change)
    text = export_classes(doc)
    assert "    def __init__(self, w, b, name='', activation='tanh'):" in text
    assert "activation='sigmoid')," in text and "activation='relu')," in text
    assert "elif self.activation == 'relu':" in text or "if self.activation == 'relu':" in text


def test_the_command_writes_the_classes_and_torch_stays_flat(tmp_path, capsys):
    doc = network(2, [2, 1], "tanh")
    path = tmp_path / "net.mgs"
    doc.save(path)
    assert main(["export", str(path), "--to", "micrograd", "-o", str(tmp_path / "o.py")]) == 0
    assert (tmp_path / "o.py").read_text(encoding="utf-8") == export_classes(Document.load(path))
    assert main(["export", str(path), "--to", "torch"]) == 0
    assert "class Neuron" not in capsys.readouterr().out


def test_weights_read_outside_the_network_are_named_by_their_path(tmp_path):
    """An L2 term on one weight: the loss reads n.layers[0].neurons[0].w[1]."""
    doc = network(2, [2, 1], "tanh")
    w = next(n for n, node in doc.nodes.items() if node.label == "L1.N1.w2")
    loss = next(n for n, node in doc.nodes.items() if node.label == "loss")
    sq = doc.add_node("pow", label="reg", params={"exponent": 2.0})
    total = doc.add_node("add", label="total")
    doc.connect(w, sq, "a")
    doc.connect(loss, total, "a")
    doc.connect(sq, total, "b")
    doc.backward(total)
    text = export_classes(doc, total)
    assert "reg = n.layers[0].neurons[0].w[1]**2; reg.label = 'reg'" in text
    assert "total.backward()" in text
    assert_same_numbers(doc, run_scripts(tmp_path, {"reg": text})["reg"])


HOSTILE = ["it's", 'q"uote', "back\\slash", "{name}", "'''", '"""', "# not a comment", "σ→∑ 🙂"]
HOSTILE += ["\\n", "x); import os; (", "n", "x", "Neuron", "sum", "show", "self", "{", "}"]


@pytest.mark.parametrize("seed", range(4))
def test_hostile_labels_stay_strings(tmp_path, seed):
    """Labels and group names with quotes, braces, backslashes, code and unicode: every one
    is written with repr, no statement breaks, and the names the script uses itself (n, x,
    Neuron, sum ...) are never taken by a node."""
    rng = random.Random(seed)
    doc = network(2, [2, 1], "tanh", seed=seed)
    used = set()
    for nid, node in list(doc.nodes.items()):
        # the labelled ones: a label on a product would take the flat script
        if node.label and rng.random() < 0.7:
            label = rng.choice(HOSTILE) + str(len(used))  # distinct, for the comparison
            used.add(label)
            doc.set_label(nid, label)
    for g in list(doc.groups):
        if rng.random() < 0.7:
            doc.set_group_label(g.id, rng.choice(HOSTILE))
    text = export_classes(doc)
    assert text is not None
    ast.parse(text)
    assert_same_numbers(doc, run_scripts(tmp_path, {"hostile": text})["hostile"])


def _with_label(doc: Document, label: str, new: str) -> Document:
    nid = next(n for n, node in doc.nodes.items() if node.label == label)
    doc.set_label(nid, new)
    return doc


def _labelled_product(doc: Document) -> Document:
    w = next(n for n, node in doc.nodes.items() if node.label == "L1.N1.w1")
    (use,) = doc.consumers_of(w)
    doc.set_label(use.dst, "w1x1")
    return doc


def _shared_weight(doc: Document) -> Document:
    """L1.N2 multiplies by L1.N1's first weight: the classes give each neuron its own."""
    w = next(n for n, node in doc.nodes.items() if node.label == "L1.N1.w1")
    w2 = next(n for n, node in doc.nodes.items() if node.label == "L1.N2.w1")
    (use,) = doc.consumers_of(w2)
    doc.disconnect(use)
    doc.connect(w, use.dst, use.port)
    return doc


def _hidden_read_outside(doc: Document) -> Document:
    h = next(n for n, node in doc.nodes.items() if node.label == "L1.N1")
    loss = next(n for n, node in doc.nodes.items() if node.label == "loss")
    total = doc.add_node("add", label="total")
    doc.connect(loss, total, "a")
    doc.connect(h, total, "b")
    return doc


def _exp_activation(model) -> None:
    """exp is a function, not an activation: no Neuron of the classes applies it."""
    model.layers[0].neurons[0].activation = "exp"


def _lone_neuron_group(doc: Document) -> Document:
    groups = [g for g in doc.groups if g.kind != "neuron" or g.label != "L1.N1"]
    neuron = next(g for g in doc.groups if g.label == "L1.N1")
    doc.restore_groups([*groups, replace(neuron, parent=None)])
    return doc


def _weights_outside_their_neuron(doc: Document) -> Document:
    """One call whose neuron's weights sit in a group of their own: only the calls of one
    network on several samples share weights outside their neurons."""
    neuron = next(g for g in doc.groups if g.label == "L1.N1")
    leaves = tuple(n for n in neuron.nodes if doc.nodes[n].kind == "input")
    rest = tuple(n for n in neuron.nodes if n not in leaves)
    groups = [replace(g, nodes=rest) if g.id == neuron.id else g for g in doc.groups]
    doc.restore_groups([*groups, replace(neuron, id="params", kind="group", nodes=leaves)])
    return doc


FLAT = {
    "no_groups": lambda: _ungrouped(network(2, [2, 1], "tanh")),
    "labelled_product": lambda: _labelled_product(network(2, [2, 1], "tanh")),
    "shared_weight": lambda: _shared_weight(network(2, [2, 1], "tanh")),
    "hidden_read_outside": lambda: _hidden_read_outside(network(2, [2, 1], "tanh")),
    "neuron_outside_a_layer": lambda: _lone_neuron_group(network(2, [2, 1], "tanh")),
    "exp_activation": lambda: network(2, [2, 1], "tanh", change=_exp_activation),
    "weights_outside_their_neuron": lambda: _weights_outside_their_neuron(
        network(2, [2, 1], "tanh")
    ),
}


def _ungrouped(doc: Document) -> Document:
    doc.restore_groups([])
    return doc


@pytest.mark.parametrize("case", sorted(FLAT))
def test_groups_that_are_not_networks_get_the_flat_script(case):
    doc = FLAT[case]()
    assert export_classes(doc) is None
    assert export_program(doc) == export_micrograd(doc)
