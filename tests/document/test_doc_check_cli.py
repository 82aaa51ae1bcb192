"""``mgstudio check``: the table, the exact --json shape, and one-line errors for bad files."""

import json
import subprocess
import sys

import pytest

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.examples import EXAMPLES_DIR
from mgstudio.engine import OPS

NEURON = EXAMPLES_DIR / "neuron.mgs"


def run(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_lists_every_node(capsys):
    code, out, err = run(capsys, NEURON)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "backward from tanh 'o'" in lines[0]
    assert lines[1].split() == ["id", "label", "op", "data", "grad"]
    rows = {line.split()[1]: line.split() for line in lines[2:]}
    assert set(rows) == {"x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o"}
    assert rows["x1"][2:5] == ["input", "2.0000", "-1.5000"]
    assert rows["o"][2:5] == ["tanh", "0.7071", "1.0000"]


def test_json_shape_is_exact(capsys):
    code, out, _ = run(capsys, NEURON, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"nodes", "outputs", "groups"}
    assert data["groups"] == []  # the key is there for a document without groups too
    doc = Document.load(NEURON)
    assert [n["id"] for n in data["nodes"]] == list(doc.nodes)
    for n in data["nodes"]:
        assert set(n) == {"id", "label", "op", "data", "grad"}
        assert n["op"] == doc.nodes[n["id"]].kind
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["w1"]["grad"] == pytest.approx(1.0)
    assert by_label["o"]["data"] == pytest.approx(0.7071067811865476)
    assert data["outputs"] == ["n10"]


def test_json_incomplete_and_non_finite(tmp_path, capsys):
    doc = Document()
    big = doc.add_node("input", label="big", value=1000.0)
    e = doc.add_node("exp", label="e")
    doc.connect(big, e, "a")
    neg = doc.add_node("input", label="neg", value=-1.0)
    lg = doc.add_node("log", label="lg")
    doc.connect(neg, lg, "a")
    m = doc.add_node("neg", label="m")
    doc.connect(e, m, "a")
    half = doc.add_node("mul", label="half")  # one input missing
    doc.connect(e, half, "a")
    doc.set_selected_output(m)
    path = tmp_path / "odd.mgs"
    doc.save(path)
    code, out, _ = run(capsys, path, "--json")
    assert code == 0
    nodes = {n["label"]: n for n in json.loads(out)["nodes"]}
    assert nodes["e"]["data"] == "inf" and nodes["m"]["data"] == "-inf"
    assert nodes["lg"]["data"] == "nan"
    assert nodes["half"]["data"] is None and nodes["half"]["grad"] is None
    assert json.loads(out)["outputs"] == [lg, m, half]
    code, out, _ = run(capsys, path)
    assert "incomplete: mul 'half' needs a wire into input 'b'" in out


def test_output_option(capsys):
    code, out, _ = run(capsys, NEURON, "--json", "--output", "n")
    by_label = {n["label"]: n for n in json.loads(out)["nodes"]}
    assert by_label["o"]["grad"] == 0.0 and by_label["n"]["grad"] == 1.0
    code, out, err = run(capsys, NEURON, "--output", "nothing")
    assert code == 1 and err.startswith("error: there is no node")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "mgstudio",\n"version": 1,\n', "line 3: this is not valid JSON"),
        (b'{"format": "mgstudio", "version": 9}', "made by a newer mgstudio (version 9)"),
        (b"\x00\xff\xfe", "not a text file"),
        (
            b'{"format": "mgstudio", "version": 1, "nodes": [{"id": "a", "kind": "matmul"}]}',
            "node 1 ('a'): there is no node kind 'matmul'",
        ),
    ],
)
def test_bad_files_give_one_error_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.mgs"
    path.write_bytes(content)
    code, out, err = run(capsys, path)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: bad.mgs: ")
    assert message in err


def test_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "nope.mgs")
    assert code == 1 and err.startswith("error: can't open") and "no such file" in err


def test_gradcheck_passes_on_examples_and_catches_a_wrong_rule(capsys, monkeypatch):
    code, out, _ = run(capsys, NEURON, "--json", "--gradcheck")
    report = json.loads(out)["gradcheck"]
    assert code == 0 and report["ok"]
    assert {r["label"] for r in report["rows"]} == {"x1", "x2", "w1", "w2", "b"}

    def wrong_tanh(node):
        node._prev[0].grad += 2 * (1 - node.data**2) * node.grad

    monkeypatch.setattr(OPS["tanh"], "backward", wrong_tanh)
    code, out, err = run(capsys, NEURON, "--gradcheck")
    assert code == 1 and "MISMATCH" in out
    assert err.startswith("error: the gradient check failed for:") and "x1" in err


def test_as_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "mgstudio", "check", str(NEURON), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) == {"nodes", "outputs", "groups"}
    proc = subprocess.run(
        [sys.executable, "-m", "mgstudio", "check", "/no/such/file.mgs"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
