"""``export --to torch-module`` (#16.6): the exported module, run as ``python model.py``,
prints mgstudio's loss per step (1e-9 relative) for the walkthrough's neuron, the lecture's
MLP (the preset's network document), micrograd's demo MLP and a graph that is no MLP, over
every loss, the rate schedule, L2, mini-batches, a test split and no zero_grad; imported,
``Net().forward(X)`` gives mgstudio's predictions; hostile labels and documents are
written as valid Python or refused with a sentence."""

from __future__ import annotations

import ast
import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers.docgen import labels
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.cli import main
from mgstudio.document import KINDS, Document
from mgstudio.document.code_export_torch import (
    ModuleCode,
    TorchExportError,
    number_list,
    torch_module,
    torch_number,
)
from mgstudio.document.code_import import import_code
from mgstudio.document.training_state import (
    GeneratedData,
    TableData,
    TrainingState,
    TrainSettings,
)
from mgstudio.engine.ops import OPS, Op, register, unregister
from mgstudio.training import torch_export
from mgstudio.training.document_model import compile_document
from mgstudio.training.document_training import train_document
from mgstudio.training.losses import LOSSES, TORCH_LOSSES, array_loss
from mgstudio.training.torch_export import export_torch_module

REL = 1e-9
ROWS = [[2.0, 0.0, 1.0], [1.0, -1.0, -1.0], [0.5, 2.0, 1.0], [-1.0, 1.0, -1.0], [0.0, 0.5, 1.0]]
NEURON = """
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
n = x1*w1 + x2*w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
"""
NOT_MLP = """
x1 = Value(0.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(0.3, label='w1')
w2 = Value(-0.5, label='w2')
b = Value(0.1, label='b')
o = (w1*x1 + w2*x1*x2 + b).tanh(); o.label = 'o'
"""


def _doc(program: str, features=("x1", "x2")) -> Document:
    doc = import_code(program)
    by_label = {doc.node(n).label: n for n in doc.nodes}
    for k, label in enumerate(features):
        doc.set_feature(by_label[label], k)
    return doc


def _train(doc: Document, state: TrainingState) -> Document:
    """Train as the app and the CLI do: the new values and state through the Document API."""
    doc.set_training(state)
    values, new = train_document(doc)
    doc.set_values(values)
    doc.set_training(new)
    return doc


def _run_module(tmp_path: Path, text: str) -> list[float]:
    path = tmp_path / "model.py"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    losses = []
    for k, line in enumerate(done.stdout.splitlines()):
        m = re.fullmatch(r"step (\d+) loss (\S+)", line)
        assert m and int(m[1]) == k, line
        losses.append(float(m[2]))
    return losses


def _close(ours, theirs):
    assert len(ours) == len(theirs) > 0
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert abs(a - b) <= REL * abs(b), (k, a, b)


def _import(tmp_path: Path, text: str, name: str = "exported_model"):
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the file we wrote: its __main__ block does not run
    return module


def _predictions_match(tmp_path: Path, doc: Document, X: np.ndarray) -> None:
    torch = pytest.importorskip("torch")
    net = _import(tmp_path, export_torch_module(doc)).Net()
    ours = net(torch.tensor(X, dtype=torch.float64)).detach().numpy()
    theirs = compile_document(doc).engine("mse").predict(X)
    assert ours.shape == (X.shape[0],)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def _table(**settings) -> TrainingState:
    return TrainingState(TableData(("x1", "x2", "y"), ROWS), settings=TrainSettings(**settings))


SETTINGS = {
    "mse": {"lr": 0.05, "steps": 30},
    "hinge-decay-l2": {"loss": "hinge", "lr": 0.5, "lr_final": 0.05, "steps": 25, "l2": 1e-3},
    "mse-sum-no-zero-grad": {"loss": "mse-sum", "lr": 0.01, "steps": 20, "zero_grad": False},
    "batches": {"lr": 0.1, "steps": 20, "batch_size": 3, "seed": 7},
}


@pytest.mark.parametrize("name", SETTINGS)
def test_the_neuron_module_replays_its_run(tmp_path, name):
    pytest.importorskip("torch")
    doc = _train(_doc(NEURON), _table(**SETTINGS[name]))
    text = export_torch_module(doc)
    assert "torch.tanh(n)" in text and "self.w1 = nn.Parameter" in text
    _close(_run_module(tmp_path, text), doc.training.runs[-1].loss)
    _predictions_match(tmp_path, doc, np.array(ROWS)[:, :2])


def test_a_graph_that_is_no_mlp_replays_its_run_with_a_test_split(tmp_path):
    pytest.importorskip("torch")
    data = GeneratedData("moons", n=40, noise=0.1, seed=3)
    settings = TrainSettings(loss="mse", lr=0.2, lr_final=0.02, steps=30, batch_size=16)
    doc = _train(_doc(NOT_MLP), TrainingState(data, test_ratio=0.25, settings=settings))
    text = export_torch_module(doc)
    # one readable expression, the products as the document builds them
    assert "return torch.tanh(self.w1 * x1 + self.w2 * x1 * x2 + self.b)  # o" in text
    assert "10 held out for the test loss" in text
    _close(_run_module(tmp_path, text), doc.training.runs[-1].loss)
    _predictions_match(tmp_path, doc, np.random.RandomState(0).normal(size=(7, 2)))


def test_the_preset_network_document_becomes_linear_layers(tmp_path, capsys):
    pytest.importorskip("torch")
    saved, script = tmp_path / "walk.mgs", tmp_path / "walk.py"
    assert main(["train", "--preset", "walkthrough", "--save", str(saved), "--json"]) == 0
    assert main(["export", str(saved), "--to", "torch-module", "-o", str(script)]) == 0
    capsys.readouterr()
    text = script.read_text(encoding="utf-8")
    for line in (
        "self.layer1 = nn.Linear(3, 4, dtype=torch.float64)",
        "h = torch.tanh(self.layer1(x))  # layer 'L1'",
        "return torch.tanh(self.layer3(h))[:, 0]",
    ):
        assert line in text
    assert max(map(len, text.splitlines())) <= 100  # no giant one-liners
    doc = Document.load(saved)
    _close(_run_module(tmp_path, text), doc.training.runs[-1].loss)
    _predictions_match(tmp_path, doc, np.random.RandomState(1).normal(size=(6, 3)))


def test_the_micrograd_demo_mlp_replays_hinge_l2_and_the_decay(tmp_path, capsys):
    pytest.importorskip("torch")
    saved = tmp_path / "demo.mgs"
    argv = ["train", "--preset", "micrograd-demo", "--steps", "15", "--save", str(saved)]
    assert main([*argv, "--json"]) == 0
    capsys.readouterr()
    doc = Document.load(saved)
    text = export_torch_module(doc)
    assert "h = torch.relu(self.layer2(h))" in text and "return self.layer3(h)[:, 0]" in text
    _close(_run_module(tmp_path, text), doc.training.runs[-1].loss)


HOSTILE = ["class", "1x", "x y", "forward", "training", "self", "w'); print('hi", '"""', "é", "w"]


def test_hostile_labels_become_identifiers(tmp_path):
    torch = pytest.importorskip("torch")
    program = "".join(f"p{i} = Value({0.1 * (i + 1)!r})\n" for i in range(len(HOSTILE)))
    program += "a = Value(1.0)\nc = Value(-2.0)\n"
    program += "s = (" + " + ".join(f"p{i} * a" for i in range(len(HOSTILE))) + ") * c\n"
    program += "o = s.tanh() + p0 * p1\n"
    doc = import_code(program)
    ids = {doc.node(n).label: n for n in doc.nodes}
    for i, label in enumerate(HOSTILE):
        doc.set_label(ids[f"p{i}"], label)
    doc.set_label(ids["a"], "import")
    doc.set_label(ids["c"], "w")  # a constant sharing a parameter's label
    doc.set_label(ids["o"], '"""\\')  # the prediction, named in the docstring
    doc.set_feature(ids["a"], 0)
    text = export_torch_module(doc)
    tree = ast.parse(text)  # valid Python, whatever the labels
    attrs = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    params = [a for a in attrs if a in set(attrs) - {"float64", "Parameter", "zeros", "tensor"}]
    for name in ("class_", "v1x", "x_y", "forward_", "training_", "self_", "w_print_hi", "w_2"):
        assert name in params, name
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called(n) == "print"]
    assert "import_ = x[:, 0]" in text  # the feature, a keyword as label
    module = _import(tmp_path, text)
    X = np.array([[0.5], [-1.0], [2.0]])
    ours = module.Net()(torch.tensor(X, dtype=torch.float64)).detach().numpy()
    np.testing.assert_allclose(ours, compile_document(doc).engine("mse").predict(X), rtol=1e-12)
    assert "# No training loop: the document has no dataset" in text


def _called(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else ""


def test_non_finite_numbers_are_written_as_floats():
    assert [torch_number(x) for x in (math.nan, math.inf, -math.inf, -0.0, 1e300)] == [
        "float('nan')",
        "float('inf')",
        "-float('inf')",
        "-0.0",
        "1e+300",
    ]
    code = ModuleCode([], {"a": ("w", ()), "b": ("v", (0,))}, {"w": (), "v": (2,)}, {}, "")
    written: dict = {}
    exec("\n".join(code.state_lines("INITIAL", {"a": math.nan, "b": -math.inf})), written)
    assert math.isnan(written["INITIAL"]["w"]) and written["INITIAL"]["v"] == [-math.inf, 0.0]
    assert number_list([1.0] * 50, "    ")[0] == "["  # a long list wraps


def test_a_document_without_features_is_refused_with_a_sentence(tmp_path, capsys):
    doc = import_code(NEURON)
    with pytest.raises(TorchExportError, match="no input is a feature"):
        export_torch_module(doc)
    path = tmp_path / "plain.mgs"
    doc.save(path)
    assert main(["export", str(path), "--to", "torch-module", "-o", str(tmp_path / "m.py")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot export") and "Traceback" not in err
    assert "no input is a feature" in err and not (tmp_path / "m.py").exists()


def test_a_document_without_training_state_gets_the_module_alone(tmp_path):
    torch = pytest.importorskip("torch")
    text = export_torch_module(_doc(NEURON))
    assert "__main__" not in text and "# No training loop: the document has no dataset" in text
    net = _import(tmp_path, text).Net()
    assert net(torch.tensor([[2.0, 0.0]], dtype=torch.float64)).item() == pytest.approx(
        math.sqrt(0.5)
    )


def test_a_dataset_without_a_run_trains_from_the_current_parameters(tmp_path):
    pytest.importorskip("torch")
    doc = _doc(NEURON)
    doc.set_training(_table(lr=0.05, steps=12))
    text = export_torch_module(doc)
    assert "no run saved" in text
    _, state = train_document(doc)  # the run mgstudio would make next
    _close(_run_module(tmp_path, text), state.runs[-1].loss)


def test_huge_documents_are_refused(monkeypatch):
    doc = _train(_doc(NOT_MLP), _table(steps=2))
    monkeypatch.setattr("mgstudio.document.code_export_torch.MAX_NODES", 5)
    with pytest.raises(TorchExportError, match="at most 5 nodes|at most 5$|at most 5"):
        export_torch_module(doc)
    monkeypatch.undo()
    monkeypatch.setattr(torch_export, "MAX_NUMBERS", 10)
    with pytest.raises(TorchExportError, match="numbers; a readable script holds at most 10"):
        export_torch_module(doc)


def test_an_op_without_a_torch_form_is_refused_by_name():
    row = OPS["tanh"]
    register(
        Op(
            "wobble",
            "wobble",
            1,
            math.sin,
            local=lambda n: (math.cos(n._a.data),),
            np_forward=lambda A, B, K, out: np.sin(A, out=out),
            np_local=lambda A, B, D, K: (np.cos(A),),
            derivative=("cos(a)",),
            hint=row.hint,
            method="wobble",
            title="wobble",
        )
    )
    try:
        doc = _doc(NEURON.replace("n.tanh()", "n.wobble()"))
        with pytest.raises(TorchExportError, match="'wobble' has no PyTorch form"):
            export_torch_module(doc)
    finally:
        unregister("wobble")


def test_a_torch_form_must_be_an_expression_of_its_operands():
    row = OPS["tanh"]
    for bad in ("torch.tanh({a}", "{a} + {b}", "{x}"):
        with pytest.raises(ValueError, match="torch form"):
            register(
                Op(
                    "bad",
                    "bad",
                    1,
                    math.tanh,
                    row.local,
                    row.np_forward,
                    row.np_local,
                    row.derivative,
                    row.hint,
                    torch=bad,
                )
            )
    assert "bad" not in OPS


def test_every_op_torch_form_computes_the_op():
    torch = pytest.importorskip("torch")
    a, b = [0.3, -1.7, 2.5, 0.0, 4.0], [1.5, 0.5, -2.0, 3.0, 0.25]
    for op in list(OPS.values()):
        assert op.torch, op.name  # every built-in op says how PyTorch writes it
        ta, tb = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
        env = {"torch": torch, "A": ta.abs() if op.name in ("log", "powv") else ta, "B": tb}
        text = op.torch.format(a="A", b="B", k="3.0")
        got = eval(text, env).tolist()  # our own registry's text, not user data
        xs = env["A"].tolist()
        want = [
            op.fn(x, 3.0) if op.uses_param else op.fn(x, y) if op.arity == 2 else op.fn(x)
            for x, y in zip(xs, b)
        ]
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=op.name)


def test_every_loss_has_a_torch_form_equal_to_the_array_loss():
    torch = pytest.importorskip("torch")
    assert set(TORCH_LOSSES) == set(LOSSES)
    scores, y = np.array([0.3, -1.2, 2.0, 0.9]), np.array([1.0, -1.0, -1.0, 1.0])
    env = {"torch": torch, "scores": torch.tensor(scores), "y": torch.tensor(y), "len": len}
    for name, text in TORCH_LOSSES.items():
        assert eval(text, env).item() == pytest.approx(array_loss(name, scores, y)[0], rel=1e-15)


def test_no_parameter_name_shadows_a_module_attribute():
    torch = pytest.importorskip("torch")
    from mgstudio.document.code_export_torch import RESERVED

    public = {n for n in dir(torch.nn.Module) if not n.startswith("_")} | {"training"}
    assert public <= RESERVED


def test_the_registry_row_is_the_one_place_an_op_is_spelt(monkeypatch, tmp_path, capsys):
    """Change tanh's torch form and both exports (layers, expression) write the new one."""
    monkeypatch.setattr(OPS["tanh"], "torch", "torch.special.expit({a}) * 0 + torch.tanh({a})")
    text = export_torch_module(_doc(NEURON))
    assert "return torch.special.expit(n) * 0 + torch.tanh(n)  # o" in text
    saved = tmp_path / "walk.mgs"
    assert main(["train", "--preset", "walkthrough", "--steps", "1", "--save", str(saved)]) == 0
    capsys.readouterr()
    text = export_torch_module(Document.load(saved))
    assert "h = torch.special.expit(self.layer1(x)) * 0 + torch.tanh(self.layer1(x))" in text
    assert "return (torch.special.expit(self.layer3(h)) * 0 + torch.tanh(" in text


def test_torch_module_refuses_too_many_parameters(monkeypatch):
    doc = _doc(NEURON)
    monkeypatch.setattr("mgstudio.document.code_export_torch.MAX_PARAMETERS", 2)
    ids = {doc.node(n).label: n for n in doc.nodes}
    with pytest.raises(TorchExportError, match="3 parameters"):
        torch_module(doc, [ids["x1"], ids["x2"]], ids["o"], [ids["w1"], ids["w2"], ids["b"]])


EVERY_OP = (
    NOT_MLP.split("o = ")[0]
    + """
t1 = (w1 - x1) - (w2 - x2) - 1.0 / x2
t2 = (w1 + x2) * (b / (x1 - w2)) / x2
t3 = -(w1 * x1 + w2) ** 2 + (b ** (x1 * w1)).log() + x2 ** -1.5
t4 = (x2 * w2).exp().sigmoid() + (x1 - w1).relu() + (x2 * b).softplus() + (1 - x1).tanh()
o = t1 + t2 * t3 - t4 / (x1 * x1 + 1.0); o.label = 'o'
"""
)


def test_every_op_and_its_parentheses_compute_what_mgstudio_computes(tmp_path):
    pytest.importorskip("torch")
    doc = _doc(EVERY_OP)
    kinds = {doc.node(n).kind for n in doc.nodes}
    assert {"sub", "div", "neg", "pow", "exp", "log", "sigmoid", "relu", "softplus"} <= kinds
    text = export_torch_module(doc)
    # parentheses only where Python needs them: a - b - (c - d); -(u ** 2) needs none
    for part in (
        "t1 = self.w1 - x1 - (self.w2 - x2) - 1.0 / x2",
        "-(self.w1 * x1 + self.w2) ** 2.0 + torch.log(self.b ** (x1 * self.w1))",
        "x2 ** -1.5",
        "return t1 + t2 * t3 - t4 / (x1 * x1 + 1.0)  # o",
    ):
        assert part in text, part
    X = np.random.RandomState(2).uniform(0.1, 2.0, size=(9, 2))
    _predictions_match(tmp_path, doc, X)


@st.composite
def models(draw):
    """A random graph over a feature, parameters and constants (random labels, every kind
    but softplus, whose torch form cuts off at 20), its last node plus w0 * x the prediction,
    so it depends on the feature and a parameter."""
    doc = Document()
    x = doc.add_node("input", label=draw(labels), value=0.0)
    w = doc.add_node("input", label=draw(labels), value=draw(st.floats(-2.0, 2.0)))
    nodes = [x, w]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["input", "constant"]))
        nodes.append(doc.add_node(kind, label=draw(labels), value=draw(st.floats(-2.0, 2.0))))
    ops = [k for k, spec in KINDS.items() if not spec.is_leaf and k != "softplus"]
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(ops))
        params = {"exponent": draw(st.sampled_from([2.0, 3.0, 0.5, -1.0, 0.0]))}
        node = doc.add_node(kind, label=draw(labels), params=params if kind == "pow" else None)
        for port in KINDS[kind].required:
            doc.connect(draw(st.sampled_from(nodes)), node, port)
        nodes.append(node)
    term, out = doc.add_node("mul"), doc.add_node("add", label=draw(labels))
    doc.connect(w, term, "a")
    doc.connect(x, term, "b")
    doc.connect(nodes[-1], out, "a")
    doc.connect(term, out, "b")
    doc.set_feature(x, 0)
    doc.set_prediction(out)
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_any_graph_exports_as_valid_python_computing_mgstudios_predictions(doc):
    """Random graphs with random labels: the module is valid Python and, imported, predicts
    what mgstudio predicts (to 1e-7: torch's tanh, exp and pow may round otherwise)."""
    torch = pytest.importorskip("torch")
    text = export_torch_module(doc)
    namespace: dict = {"__name__": "exported"}
    exec(compile(text, "model.py", "exec"), namespace)  # our own output, not user data
    X = np.array([[0.7], [-1.3], [2.0]])
    ours = namespace["Net"]()(torch.tensor(X, dtype=torch.float64)).detach().numpy()
    theirs = compile_document(doc).engine("mse").predict(X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)
