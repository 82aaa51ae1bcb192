"""Code export: the generated scripts reproduce the document's numbers when run (in a
subprocess: it is our own generated code), and read back into the same graph."""

import json
import math
import os
import random
import subprocess
import sys
from collections import Counter

import pytest
from helpers.docgen import documents
from helpers.readme import README_CODE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_codeio_import import LECTURE_L, NEURON

from mgstudio.document import KINDS, Document
from mgstudio.document.code_export import (
    MICROGRAD_KINDS,
    export_micrograd,
    export_torch,
    variable_names,
)
from mgstudio.document.code_import import CodeImportError, import_code
from mgstudio.document.examples import list_examples

LABELS = [
    "",
    "",
    "",
    "a",
    "x1",
    "b",
    "for",
    "Value",
    "print",
    "it's",
    'q"uote',
    "{b|c}",
    "σ",
    "a b",
    "back\\slash",
    "v",
    "name",
    "1st",
    "L",
]
LEAF_VALUES = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -3.25, 6.8813735870195432, 1e-7, 123.456, 1e300]

# A runner for the generated scripts: it runs each with runpy and reports every Value-like
# global exactly (repr), plus what the script printed.
RUNNER = r"""
import contextlib, io, json, runpy, sys
out = {}
for path in sys.argv[1:]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        g = runpy.run_path(path, run_name="__main__")
    values = {}
    for k, v in g.items():
        if type(v).__name__ in ("Value", "Tensor") and hasattr(v, "grad"):
            if type(v).__name__ == "Tensor":
                values[k] = [repr(v.item()), repr(0.0 if v.grad is None else v.grad.item())]
            else:
                values[k] = [repr(float(v.data)), repr(float(v.grad))]
    out[path] = {"values": values, "printed": buf.getvalue()}
print(json.dumps(out))
"""


def build_random_doc(rng: random.Random) -> Document:
    """A random document: every kind, random wiring (some inputs left open), odd labels."""
    doc = Document()
    ids: list[str] = []
    for _ in range(rng.randint(1, 14)):
        kind = rng.choice(sorted(KINDS)) if ids else rng.choice(["input", "constant"])
        spec = KINDS[kind]
        value = rng.choice(LEAF_VALUES) * rng.choice([1, -1]) if spec.is_leaf else None
        params = {"exponent": rng.choice([2, 3, -1, 0.5, 1.5, 0, -2])} if kind == "pow" else None
        nid = doc.add_node(kind, rng.choice(LABELS), value, params)
        for port in spec.inputs:
            chance = 0.3 if port in spec.optional else 0.9
            if ids and rng.random() < chance:
                doc.connect(rng.choice(ids), nid, port)
        ids.append(nid)
    if rng.random() < 0.3:
        doc.set_selected_output(rng.choice(ids))
    return doc


def run_scripts(tmp_path, scripts: dict[str, str]) -> dict:
    """Run our generated scripts with the project's Python, all in one subprocess."""
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


def same(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y))


def close(x: float, y: float) -> bool:
    return same(x, y) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _fixed_documents() -> dict[str, Document]:
    docs = {
        "readme": import_code(README_CODE),
        "lecture_L": import_code(LECTURE_L),
        "neuron": import_code(NEURON),
    }
    for _title, path in list_examples():
        docs["example_" + path.stem] = Document.load(path)
    rng = random.Random(1234)
    for i in range(25):
        docs[f"random_{i}"] = build_random_doc(rng)
    return docs


def test_exported_micrograd_scripts_print_the_documents_numbers(tmp_path):
    docs = _fixed_documents()
    assert len([k for k in docs if k.startswith("example_")]) >= 5
    results = run_scripts(tmp_path, {k: export_micrograd(d) for k, d in docs.items()})
    checked = 0
    for key, doc in docs.items():
        doc.backward()
        got = results[key]["values"]
        printed = results[key]["printed"]
        for nid, var in variable_names(doc).items():
            value = doc.value_of(nid)
            data, grad = (float(x) for x in got[var])
            assert same(data, value.data), (key, var)
            assert same(grad, value.grad), (key, var)
            shown = doc.nodes[nid].label or var
            assert f"{shown:>12}  data {value.data:.4f}  grad {value.grad:.4f}" in printed
            checked += 1
    assert checked > 100


def test_readme_export_runs_with_pypi_micrograd_too(tmp_path):
    pytest.importorskip("micrograd")
    doc = import_code(README_CODE)
    assert {n.kind for n in doc.nodes.values()} <= MICROGRAD_KINDS
    text = export_micrograd(doc)
    assert "it has every operation this graph uses" in text
    text = text.replace("from mgstudio.engine import Value", "from micrograd.engine import Value")
    got = run_scripts(tmp_path, {"readme": text})["readme"]
    doc.backward()
    for nid, var in variable_names(doc).items():
        data, grad = (float(x) for x in got["values"][var])
        assert close(data, doc.value_of(nid).data)
        assert close(grad, doc.value_of(nid).grad)
    assert "           g  data 24.7041  grad 1.0000" in got["printed"]
    assert "           a  data -4.0000  grad 138.8338" in got["printed"]


def test_header_names_what_micrograd_lacks():
    text = export_micrograd(import_code(NEURON))
    assert "from mgstudio.engine import Value" in text
    assert "micrograd lacks tanh" in text
    pw = export_micrograd(import_code("x = Value(2.0)\ny = x ** x\n"))
    assert "Value ** Value" in pw


def test_readme_export_reads_like_the_lecture():
    text = export_micrograd(import_code(README_CODE))
    assert "d = a * b + b**3; d.label = 'd'" in text
    assert "c_3 = c_2 + (1.0 + c_2 + -a); c_3.label = 'c'" in text
    assert "g_2.backward()" in text


def test_incomplete_nodes_are_left_out_with_a_comment():
    doc = Document()
    a = doc.add_node("input", "a", 2.0)
    m = doc.add_node("mul", "m")
    doc.connect(a, m, "a")
    t = doc.add_node("tanh", "t")
    doc.connect(a, t, "a")
    text = export_micrograd(doc)
    assert "# left out, not computable (an input is not wired): m (mul)" in text
    assert "t = a.tanh()" in text
    assert "t.backward()" in text
    assert set(variable_names(doc)) == {a, t}


def test_empty_document_exports_a_script_that_says_so():
    text = export_micrograd(Document())
    assert "print('the graph is empty')" in text
    with pytest.raises(CodeImportError, match="builds no Value"):
        import_code(text)


def assert_same_output(doc: Document, back: Document) -> None:
    """The exported ``.backward()`` marks the same output in the re-imported document."""
    out = doc.default_output()
    if out is not None and doc.value_of(out) is not None:
        want = doc.value_of(out).data
        got = back.value_of(back.selected_output).data
        assert repr(got) == repr(want)
        assert back.nodes[back.selected_output].label == (
            doc.nodes[out].label or variable_names(doc)[out]
        )


def _leafy(kind: str) -> str:
    return "leaf" if kind in ("input", "constant") else kind


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_round_trip_keeps_the_graph_and_its_values(rng):
    doc = build_random_doc(rng)
    complete = [nid for nid in doc.nodes if doc.value_of(nid) is not None]
    text = export_micrograd(doc)
    if not complete:
        with pytest.raises(CodeImportError):
            import_code(text)
        return
    back = import_code(text)
    assert len(back.nodes) == len(complete)
    assert_same_output(doc, back)
    assert Counter(_leafy(doc.nodes[n].kind) for n in complete) == Counter(
        _leafy(n.kind) for n in back.nodes.values()
    )
    assert Counter(repr(doc.value_of(n).data) for n in complete) == Counter(
        repr(back.value_of(n).data) for n in back.nodes
    )
    wires = [w for w in doc.wires if w.dst in complete]
    assert len(back.wires) == len(wires)
    labels = Counter(doc.nodes[n].label for n in complete if doc.nodes[n].label)
    assert not labels - Counter(n.label for n in back.nodes.values())
    # exporting again gives the same script, up to the names unlabelled nodes received
    again = import_code(export_micrograd(back))
    assert sorted(repr(again.value_of(n).data) for n in again.nodes) == sorted(
        repr(back.value_of(n).data) for n in back.nodes
    )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_round_trip_of_any_document_keeps_its_values(doc):
    complete = [nid for nid in doc.nodes if doc.value_of(nid) is not None]
    text = export_micrograd(doc)
    compile(text, "exported.py", "exec")  # valid Python, whatever the labels and title
    compile(export_torch(doc), "exported_torch.py", "exec")
    if not complete:
        return
    back = import_code(text)
    assert Counter(repr(doc.value_of(n).data) for n in complete) == Counter(
        repr(back.value_of(n).data) for n in back.nodes
    )
    assert len(back.wires) == len([w for w in doc.wires if w.dst in complete])
    assert_same_output(doc, back)


def test_round_trip_of_the_readme_keeps_output_and_grads():
    doc = import_code(README_CODE)
    back = import_code(export_micrograd(doc))
    assert len(back.nodes) == len(doc.nodes)
    doc.backward()
    back.backward()
    out, out2 = doc.value_of(doc.selected_output), back.value_of(back.selected_output)
    assert (out.data, out.grad) == (out2.data, out2.grad)
    grads = sorted(doc.value_of(n).grad for n in doc.nodes if doc.nodes[n].label in "ab")
    grads2 = sorted(back.value_of(n).grad for n in back.nodes if back.nodes[n].label in "ab")
    assert grads == grads2


def test_torch_script_text():
    text = export_torch(import_code(NEURON))
    assert "import torch" in text
    assert "x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)" in text
    assert "o = n.tanh(); o.retain_grad()" in text
    assert "o.backward()" in text
    assert "mgstudio.engine" not in text


def test_a_function_torch_spells_otherwise_is_written_its_way():
    """softplus is no tensor method: the torch script calls torch.nn.functional.softplus."""
    doc = import_code("x = Value(2.0, label='x')\ns = (x * 3.0).softplus(); s.label = 's'\n")
    assert "s = torch.nn.functional.softplus(x * 3.0); s.retain_grad()" in export_torch(doc)
    assert "s = (x * 3.0).softplus()" in export_micrograd(doc)


def test_torch_export_matches_the_document(tmp_path):
    pytest.importorskip("torch")
    docs = {"readme": import_code(README_CODE), "neuron": import_code(NEURON)}
    results = run_scripts(tmp_path, {k: export_torch(d) for k, d in docs.items()})
    for key, doc in docs.items():
        doc.backward()
        for nid, var in variable_names(doc).items():
            data, grad = (float(x) for x in results[key]["values"][var])
            assert close(data, doc.value_of(nid).data)
            assert close(grad, doc.value_of(nid).grad)
