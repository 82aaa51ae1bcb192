"""``python -m mgstudio train --document`` and ``train --preset … --save`` (#16): the labels,
the summary, ``--save`` -> ``check --json`` round trips, and hostile options and CSVs (one
``error:`` line, nothing written)."""

from __future__ import annotations

import json

import pytest
from helpers.oracle import OracleValue as V

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.document.examples import EXAMPLES_DIR
from mgstudio.document.training_state import GeneratedData, TableData

NEURON = EXAMPLES_DIR / "neuron.mgs"  # x1, x2, w1, w2, b -> o = tanh(x1*w1 + x2*w2 + b)
CSV = "x1,x2,y\n2,0,1\n1,-1,-1\n0.5,2,1\n-1,1,-1\n"


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _error(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(CSV)
    return path


def test_a_document_trains_on_a_csv_as_micrograd_does(capsys, data, tmp_path):
    out_path = tmp_path / "trained.mgs"
    code, out, err = _run(
        capsys,
        "train",
        "--document",
        str(NEURON),
        "--features",
        "x1,x2",
        "--csv",
        str(data),
        "--loss",
        "mse",
        "--lr",
        "0.05",
        "--steps",
        "10",
        "--json",
        "--save",
        str(out_path),
    )
    assert code == 0 and err == ""
    summary = json.loads(out)
    assert set(summary) == {
        "steps", "final", "seconds", "task", "loss_function", "notes", "model",
    }  # fmt: skip
    assert summary["model"] == {"features": ["x1", "x2"], "prediction": "o", "parameters": 3}
    doc = Document.load(NEURON)
    start = {doc.node(n).label: doc.node(n).value for n in doc.nodes}
    w1, w2, b = V(start["w1"]), V(start["w2"]), V(start["b"])
    rows = [[float(c) for c in line.split(",")] for line in CSV.splitlines()[1:]]
    for k in range(10):
        preds = [(V(r[0]) * w1 + V(r[1]) * w2 + b).tanh() for r in rows]
        loss = sum((p - r[2]) ** 2 for p, r in zip(preds, rows)) * (1.0 / len(rows))
        for p in (w1, w2, b):
            p.grad = 0.0
        loss.backward()
        for p in (w1, w2, b):
            p.data -= 0.05 * p.grad
        assert summary["steps"][k]["loss"] == pytest.approx(loss.data, rel=1e-9)

    # --save -> check --json: the trained parameters, the roles and the run
    code, out, err = _run(capsys, "check", str(out_path), "--json")
    assert code == 0
    checked = json.loads(out)
    values = {n["label"]: n["data"] for n in checked["nodes"]}
    assert values["w1"] == pytest.approx(w1.data, rel=1e-9)
    assert values["b"] == pytest.approx(b.data, rel=1e-9)
    training = checked["training"]
    assert [f["label"] for f in training["features"]] == ["x1", "x2"]
    assert training["dataset"] == {
        "kind": "table", "columns": ["x1", "x2", "y"], "samples": 4,
    }  # fmt: skip
    assert training["steps"] == 10 and training["position"] == [0, 10]
    assert training["final_loss"] == summary["steps"][-1]["loss"]
    saved = Document.load(out_path)
    assert isinstance(saved.training.dataset, TableData)
    assert saved.training.settings.lr == 0.05 and saved.training.runs[0].steps == 10


def test_the_saved_roles_and_settings_train_again(capsys, data, tmp_path):
    first = tmp_path / "a.mgs"
    _run(capsys, "train", "--document", str(NEURON), "--features", "x1,x2", "--csv", str(data),
         "--steps", "4", "--lr", "0.05", "--json", "--save", str(first))  # fmt: skip
    code, out, _ = _run(capsys, "train", "--document", str(first), "--steps", "2", "--json")
    assert code == 0
    again = json.loads(out)
    assert again["model"]["features"] == ["x1", "x2"] and len(again["steps"]) == 2
    # the second run starts where the first ended: the loss of the saved parameters
    code, out, _ = _run(capsys, "train", "--document", str(first), "--steps", "0", "--json")
    assert code == 0 and json.loads(out)["steps"] == []
    assert again["steps"][0]["loss"] == json.loads(out)["final"]["loss"]


def test_a_generator_dataset_and_the_text_output(capsys, tmp_path):
    path = tmp_path / "m.mgs"
    code, out, err = _run(
        capsys, "train", "--document", str(NEURON), "--features", "x1,x2", "--dataset",
        "moons", "--samples", "30", "--loss", "hinge", "--steps", "3", "--test-ratio", "0.2",
        "--save", str(path),
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("step 0 loss ") and lines[-1].startswith("final loss ")
    state = Document.load(path).training
    assert state.dataset == GeneratedData("moons", 30, 0.1, 1337)
    assert state.test_ratio == 0.2 and len(state.runs[0].test_loss) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--features", "x9"], "no input is labelled 'x9'; the inputs' labels are: 'b', 'w1'"),
        (["--features", "x1,,x2"], "--features needs input labels"),
        (["--features", "x1,x1"], "names the same input twice"),
        (["--features", "x1,x2", "--prediction", "zz"], "no node is labelled 'zz'"),
        (["--features", "x1,x2", "--hidden", "4"], "--hidden: these shape the settings' MLP"),
        (["--features", "x1,x2", "--lr", "fast"], "--lr needs a number"),
        (["--features", "x1,x2", "--test-ratio", "0.99"], "--test-ratio must be between"),
        (["--features", "x1,x2,w1,w2,b"], "nothing to train"),
        (["--features", "x1,x2", "--steps", "2"], "the document has no dataset"),
        (["--features", "x1,x2", "--dataset", "moons", "--samples", "1"], "--samples must"),
    ],
)
def test_bad_options_are_one_line(capsys, argv, message):
    err = _error(capsys, "train", "--document", str(NEURON), *argv)
    assert message in err


def test_an_ambiguous_label_lists_the_nodes(capsys, tmp_path):
    doc = Document.load(NEURON)
    twin = next(n for n in doc.nodes if doc.node(n).label == "w2")
    doc.set_label(twin, "w1")
    path = tmp_path / "twins.mgs"
    doc.save(path)
    err = _error(capsys, "train", "--document", str(path), "--features", "w1")
    assert "2 inputs are labelled 'w1'" in err


def test_options_of_a_document_need_one(capsys):
    assert "--features need --document" in _error(capsys, "train", "--features", "x1")


def test_a_missing_or_broken_document_is_one_line(capsys, tmp_path):
    assert "error:" in _error(capsys, "train", "--document", str(tmp_path / "none.mgs"))
    bad = tmp_path / "bad.mgs"
    bad.write_text('{"format": "mgstudio", "version": 3, "training": 5, "nodes": []}')
    assert '"training" must be a JSON object' in _error(capsys, "train", "--document", str(bad))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x1,x2,y\n1,2,1\n1,abc,1\n", "line 3, column 2: 'abc' is not a number"),
        ("1,2,1\n1,2\n", "expected 3 columns"),
        ("", "no data"),
        ("x1,x2,y\n", "only a header"),
        ("1,nan,1\n2,2,1\n", "only finite numbers"),
        ("1,2,1\n2,2,-1\n", "3 features but its dataset only 2"),
    ],
)
def test_hostile_csvs_are_one_line_and_save_nothing(capsys, tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    out = tmp_path / "out.mgs"
    features = "x1,x2,w1" if "features but" in message else "x1,x2"
    err = _error(capsys, "train", "--document", str(NEURON), "--features", features, "--csv",
                 str(path), "--save", str(out))  # fmt: skip
    assert message in err
    assert not out.exists()


def test_a_csv_with_a_bom_and_a_huge_csv(capsys, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV.encode())
    code, out, _ = _run(capsys, "train", "--document", str(NEURON), "--features", "x1,x2",
                        "--csv", str(path), "--steps", "1", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["model"]["features"] == ["x1", "x2"]
    huge = tmp_path / "huge.csv"
    huge.write_text("1,2,1\n" * 10_001)
    err = _error(capsys, "train", "--document", str(NEURON), "--features", "x1,x2",
                 "--csv", str(huge))  # fmt: skip
    assert "more than 10000 data rows" in err


def test_a_preset_saves_its_network_with_the_run(capsys, tmp_path):
    path = tmp_path / "demo.mgs"
    code, out, _ = _run(capsys, "train", "--preset", "micrograd-demo", "--steps", "4", "--json",
                        "--save", str(path))  # fmt: skip
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"steps", "final", "seconds", "task", "loss_function", "notes"}
    checked = json.loads(_run(capsys, "check", str(path), "--json")[1])
    training = checked["training"]
    assert [f["label"] for f in training["features"]] == ["x1", "x2"]
    assert training["dataset"]["name"] == "moons" and training["steps"] == 4
    assert training["final_loss"] == summary["steps"][-1]["loss"]
    # trained again as a document: the same network, from where the preset ended
    code, out, _ = _run(capsys, "train", "--document", str(path), "--steps", "1", "--json")
    assert json.loads(out)["steps"][0]["loss"] == pytest.approx(summary["final"]["loss"], 1e-12)
    assert json.loads(out)["model"]["parameters"] == 337


def test_a_save_mgstudio_could_not_open_again_is_refused(capsys, data, tmp_path, monkeypatch):
    from mgstudio.commands import train_document

    monkeypatch.setattr(train_document, "MAX_FILE_BYTES", 2_000)
    out = tmp_path / "big.mgs"
    err = _error(capsys, "train", "--document", str(NEURON), "--features", "x1,x2", "--csv",
                 str(data), "--steps", "50", "--save", str(out))  # fmt: skip
    assert "more than the 0.002 MB mgstudio opens" in err and not out.exists()
