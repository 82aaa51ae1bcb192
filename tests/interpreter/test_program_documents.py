"""A program becomes a document: the lecture's MLP cell through the real command line, its
neuron groups, its names, and picking another Value."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mgstudio.document import Document
from mgstudio.document.code_import import CodeImportError, import_program, program_document
from mgstudio.interpreter import run_program

LECTURE_MLP = (Path(__file__).parent / "lecture_mlp_program.txt").read_text()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mgstudio", *args], capture_output=True, text=True, timeout=120
    )


def test_the_lecture_mlp_cell_imports_with_its_loss_and_neuron_groups(tmp_path):
    src = tmp_path / "lecture_mlp.py"
    src.write_text(LECTURE_MLP)
    out = tmp_path / "mlp.mgs"
    done = cli("import", str(src), "-o", str(out))
    assert done.returncode == 0, done.stderr
    loss = run_program(LECTURE_MLP).globals["loss"].data  # what the program computed
    doc = Document.load(out)
    assert doc.value_of(doc.selected_output).data == pytest.approx(loss, rel=1e-12)
    assert done.stdout.splitlines()[0] == f"Value(data={loss!r}, grad=0.0)"  # its print
    checked = json.loads(cli("check", str(out), "--json").stdout)
    kinds = [g["kind"] for g in checked["groups"]]
    # 4 samples x (1 mlp + 3 layers + 9 neurons), and the 41 shared parameters together
    assert kinds.count("neuron") == 36 and kinds.count("layer") == 12 and kinds.count("mlp") == 4
    params = [g for g in checked["groups"] if g["label"] == "parameters"]
    assert len(params) == 1 and len(params[0]["nodes"]) == 41
    labels = {n["label"] for n in checked["nodes"]}
    assert {"L0.N1.w2", "L0.N1.b", "L2.N0.w3", "loss"} <= labels


def test_one_sample_puts_each_neurons_weights_inside_its_group():
    result = import_program(LECTURE_MLP + "\nout = n(xs[0])\n")
    assert result.output == "out" and "loss" in result.candidates
    doc = result.document
    neurons = [g for g in doc.groups if g.kind == "neuron"]
    assert len(neurons) == 9 and all(g.collapsed for g in neurons)
    first = next(g for g in neurons if g.label == "Neuron L0.N0")
    inside = {doc.nodes[nid].label for nid in first.nodes}
    assert {"L0.N0.w0", "L0.N0.w1", "L0.N0.w2", "L0.N0.b"} <= inside


def test_another_value_of_the_same_run_without_running_again():
    result = import_program(LECTURE_MLP)
    other, _notes = program_document(
        result.run, "ypred" if "ypred" in result.candidates else "loss"
    )
    assert other.nodes
    with pytest.raises(CodeImportError, match="no Value named 'nope'"):
        program_document(result.run, "nope")


def test_a_training_loop_says_its_leaves_moved_on():
    text = LECTURE_MLP + (
        "\nfor k in range(3):\n"
        "    ypred = [n(x) for x in xs]\n"
        "    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))\n"
        "    loss.backward()\n"
        "    for p in n.parameters():\n"
        "        p.data += -0.05 * p.grad\n"
    )
    result = import_program(text)
    assert any("changed after it was computed" in note for note in result.notes)


def test_a_program_with_no_value_says_what_to_do():
    with pytest.raises(CodeImportError, match="made no Value"):
        import_program("x = 1 + 2\nprint(x)\n")
