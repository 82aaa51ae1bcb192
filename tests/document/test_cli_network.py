"""``python -m mgstudio network``: the grouped network document, its numbers against an engine
MLP seeded the same way, ``check --json``'s groups, and bad arguments refused cleanly."""

import json
import random
import subprocess
import sys

import pytest

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.engine import MLP, Value
from mgstudio.training.trainer import parameter_names


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, path):
    code, out, err = run(capsys, "check", path, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def lecture(tmp_path, capsys):
    """MLP(3, [4, 4, 1]) of tanh on the lecture's first sample, seed 7."""
    path = tmp_path / "mlp.mgs"
    argv = ["network", "--inputs", "3", "--hidden", "4,4", "--activation", "tanh"]
    argv += ["--sample", "2,3,-1", "--target", "1", "--seed", "7", "-o", path]
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    assert out.startswith(f"wrote {path}: MLP(3, [4, 4, 1]), 120 nodes, 14 groups; score ")
    return path


def test_groups_of_the_lectures_mlp(capsys, lecture):
    data = check_json(capsys, lecture)
    groups = data["groups"]
    for g in groups:
        assert set(g) == {"id", "kind", "label", "nodes", "parent", "collapsed"}
    by_kind: dict[str, list[dict]] = {}
    for g in groups:
        by_kind.setdefault(g["kind"], []).append(g)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "mlp": 1,
        "layer": 3,
        "neuron": 9,
        "group": 1,
    }
    (loss,) = by_kind["group"]  # the loss after the network, one block
    assert loss["label"] == "loss" and loss["parent"] is None and loss["collapsed"] is True
    (mlp,) = by_kind["mlp"]
    assert mlp["label"] == "MLP(3, [4, 4, 1])" and mlp["parent"] is None
    assert [g["label"] for g in by_kind["layer"]] == ["L1", "L2", "L3"]
    assert all(g["parent"] == mlp["id"] for g in by_kind["layer"])
    layer_of = {g["label"]: g["id"] for g in by_kind["layer"]}
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    ops = {n["id"]: n["op"] for n in data["nodes"]}
    widths = {"L1": 3, "L2": 4, "L3": 4}  # each neuron's inputs
    for g in by_kind["neuron"]:
        layer = g["label"].split(".")[0]
        assert g["parent"] == layer_of[layer] and g["collapsed"] is True
        nin = widths[layer]
        params = sorted(labels[n] for n in g["nodes"] if ops[n] == "input")
        assert params == sorted(
            [f"{g['label']}.b"] + [f"{g['label']}.w{i}" for i in range(1, nin + 1)]
        )
        kinds = sorted(ops[n] for n in g["nodes"] if ops[n] != "input")
        assert kinds == sorted(["mul"] * nin + ["add"] * nin + ["tanh"])
    # every parameter is in its neuron; the layer and the mlp hold their groups' nodes
    in_neuron = {n for g in by_kind["neuron"] for n in g["nodes"]}
    params = {n for n, label in labels.items() if label.startswith("L") and ".w" in label}
    params |= {n for n, label in labels.items() if label.endswith(".b")}
    assert len(params) == 41 and params <= in_neuron
    for layer in by_kind["layer"]:
        inside = [g for g in by_kind["neuron"] if g["parent"] == layer["id"]]
        assert sorted(layer["nodes"]) == sorted(n for g in inside for n in g["nodes"])
        assert layer["collapsed"] is False
    assert sorted(mlp["nodes"]) == sorted(in_neuron)
    # the inputs and the loss are outside the mlp
    outside = {labels[n] for n in labels if n not in in_neuron}
    assert {"x1", "x2", "x3", "y", "loss"} <= outside
    assert {labels[n] for n in loss["nodes"]} >= {"y", "loss"}


@pytest.mark.parametrize(
    ("argv", "sizes", "activation"),
    [
        (["--inputs", "3", "--hidden", "4,4", "--seed", "3"], [4, 4, 1], "relu"),
        (["--inputs", "2", "--hidden", "3", "--activation", "tanh"], [3, 1], "tanh"),
        (["--inputs", "1", "--hidden", "", "--seed", "11"], [1], "relu"),
    ],
)
def test_numbers_are_an_engine_mlps_seeded_the_same_way(capsys, tmp_path, argv, sizes, activation):
    path = tmp_path / "n.mgs"
    sample = [0.5 * (i + 1) * (-1) ** i for i in range(int(argv[1]))]
    full = [*argv, "--sample", ",".join(map(str, sample)), "--target", "-0.5", "-o", path]
    assert run(capsys, "network", *full)[0] == 0
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1337
    random.seed(seed)
    model = MLP(len(sample), sizes, activation=activation)
    out = model([Value(x) for x in sample])
    loss = (out - Value(-0.5)) ** 2
    loss.backward()
    data = check_json(capsys, path)
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["score"]["data"] == out.data
    assert data["outputs"] == [by_label["loss"]["id"]]
    assert by_label["loss"]["data"] == pytest.approx(loss.data, rel=1e-12, abs=1e-15)
    for p, name in zip(model.parameters(), parameter_names(model)):
        node = by_label[name]
        assert node["data"] == p.data
        assert node["grad"] == pytest.approx(p.grad, rel=1e-12, abs=1e-15)


def test_defaults_follow_the_training_pane(capsys, tmp_path):
    path = tmp_path / "d.mgs"
    assert run(capsys, "network", "--inputs", "2", "--hidden", "2", "-o", path)[0] == 0
    doc = Document.load(path)
    labels = {node.label: nid for nid, node in doc.nodes.items()}
    assert [doc.nodes[labels[x]].value for x in ("x1", "x2")] == [1.0, 1.0]
    assert doc.nodes[labels["y"]].value == 1.0
    kinds = sorted(node.kind for node in doc.nodes.values())
    assert kinds.count("relu") == 2  # hidden relu, the output neuron linear (micrograd)
    random.seed(1337)
    model = MLP(2, [2, 1])
    assert [doc.nodes[labels[n]].value for n in parameter_names(model)] == [
        p.data for p in model.parameters()
    ]


def test_a_sample_starting_with_a_minus(capsys, tmp_path):
    path = tmp_path / "m.mgs"
    argv = ["network", "--inputs", "2", "--hidden", "2", "--sample=-1.5,2", "--target", "-1"]
    assert run(capsys, *argv, "-o", path)[0] == 0
    labels = {n.label: n for n in Document.load(path).nodes.values()}
    assert (labels["x1"].value, labels["x2"].value, labels["y"].value) == (-1.5, 2.0, -1.0)


def test_json_summary(capsys, tmp_path):
    path = tmp_path / "j.mgs"
    code, out, _ = run(capsys, "network", "--inputs", "3", "--hidden", "4,4", "-o", path, "--json")
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"file", "nodes", "groups", "parameters", "score", "loss"}
    assert summary["nodes"] == len(Document.load(path).nodes)
    assert summary["groups"] == 14 and summary["parameters"] == 41


def test_plain_check_mentions_the_groups(capsys, lecture):
    code, out, _ = run(capsys, "check", lecture)
    assert code == 0
    assert "120 nodes, 14 groups (1 mlp, 3 layer, 9 neuron, 1 group)" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--inputs", "0", "--hidden", "4"], "argument --inputs: must be between 1 and"),
        (["--inputs", "three", "--hidden", "4"], "argument --inputs: needs a whole number"),
        (["--inputs", "3", "--hidden", "4,a"], "argument --hidden: needs a whole number, not 'a'"),
        (["--inputs", "3", "--hidden", "4,,4"], "argument --hidden: needs a whole number"),
        (["--inputs", "3", "--hidden", "0"], "argument --hidden: must be between 1 and"),
        (
            ["--inputs", "3", "--hidden", ",".join(["2"] * 9)],
            "argument --hidden: takes at most 8 layers",
        ),
        (
            ["--inputs", "3", "--hidden", "4", "--sample", "1,2"],
            "argument --sample: needs 3 numbers",
        ),
        (["--inputs", "2", "--hidden", "4", "--sample", "1,nan"], "finite number"),
        (["--inputs", "2", "--hidden", "4", "--target", "inf"], "finite number"),
        (["--inputs", "2", "--hidden", "4", "--target", "x"], "argument --target: needs a number"),
        (["--inputs", "2", "--hidden", "4", "--seed", "-1"], "argument --seed: must be between"),
        (["--inputs", "2", "--hidden", "4", "--activation", "swish"], "invalid choice"),
        (["--inputs", "256", "--hidden", "256,256,256"], "a document holds at most"),
        (["--hidden", "4"], "required: --inputs"),
    ],
)
def test_bad_arguments_are_refused_with_one_line(capsys, tmp_path, argv, message):
    out_file = tmp_path / "never.mgs"
    with pytest.raises(SystemExit) as stop:
        main(["network", *argv, "-o", str(out_file)])
    assert stop.value.code == 2
    _out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and message in errors[0], err
    assert "Traceback" not in err and not out_file.exists()


def test_an_unwritable_output_is_one_error_line(capsys, tmp_path):
    code, _out, err = run(
        capsys, "network", "--inputs", "2", "--hidden", "2", "-o", tmp_path / "no" / "x.mgs"
    )
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")


def test_as_a_subprocess(tmp_path):
    path = tmp_path / "s.mgs"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgstudio",
            "network",
            "--inputs",
            "2",
            "--hidden",
            "3,3",
            "-o",
            path,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert Document.load(path).groups
    bad = subprocess.run(
        [sys.executable, "-m", "mgstudio", "network", "--inputs", "2", "--hidden", "x", "-o", path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines()[-1].startswith("mgstudio network: error: argument --hidden")
