"""The .mgs file: byte-stable round trips, strict validation, tolerant of unknown fields,
atomic saves. Broken input of any kind raises DocumentError and nothing else."""

import json
import math
import os

import pytest
from helpers.docgen import documents, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.document import (
    CycleError,
    Document,
    DocumentError,
    FileFormatError,
    NewerVersionError,
)
from mgstudio.document import fileformat as ff
from mgstudio.document.examples import EXAMPLES_DIR

NEURON = (EXAMPLES_DIR / "neuron.mgs").read_text(encoding="utf-8")


def mutate(text, **changes):
    data = json.loads(text)
    data.update(changes)
    return json.dumps(data)


def node_mutation(index, **changes):
    data = json.loads(NEURON)
    data["nodes"][index].update(changes)
    return json.dumps(data)


# --- round trips --------------------------------------------------------------------------
@given(documents())
def test_random_documents_round_trip_byte_for_byte(doc):
    text = doc.to_json()
    again = Document.from_json(text)
    assert again.to_json() == text
    assert snapshot(again) == snapshot(doc)
    assert Document.from_json(text.encode("utf-8")).to_json() == text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents(max_nodes=6))
def test_save_load_save_is_byte_identical(tmp_path, doc):
    path = tmp_path / "doc.mgs"
    doc.save(path)
    first = path.read_bytes()
    Document.load(path).save(path)
    assert path.read_bytes() == first
    assert not [p for p in os.listdir(tmp_path) if p != "doc.mgs"]  # no temp files left


def test_unknown_fields_are_kept():
    data = json.loads(NEURON)
    data["made_with"] = {"tool": "future", "n": [1, 2.5]}
    data["nodes"][0]["color"] = "#ff0000"
    doc = Document.from_json(json.dumps(data))
    assert doc.extra == {"made_with": {"tool": "future", "n": [1, 2.5]}}
    assert doc.nodes["n1"].extra == {"color": "#ff0000"}
    again = json.loads(doc.to_json())
    assert again["made_with"] == data["made_with"]
    assert again["nodes"][0]["color"] == "#ff0000"
    assert Document.from_json(doc.to_json()).to_json() == doc.to_json()


def test_copied_nodes_keep_their_unknown_fields():
    doc = Document.from_json(node_mutation(0, color="red"))
    new = doc.paste_fragment(doc.fragment(["n1"]))
    assert doc.nodes[new[0]].extra == {"color": "red"}


def test_integers_and_missing_optional_fields_are_accepted():
    text = json.dumps(
        {
            "format": "mgstudio",
            "version": 1,
            "nodes": [{"id": "x", "kind": "input", "value": 3}, {"id": "p", "kind": "pow"}],
            "wires": [{"src": "x", "dst": "p", "port": "a"}],
        }
    )
    doc = Document.from_json(text)
    assert doc.value_of("p").data == 9.0
    assert doc.nodes["x"].pos == (0.0, 0.0) and doc.nodes["p"].params == {"exponent": 2.0}
    assert doc.selected_output is None
    assert doc.add_node("input") == "n1"  # non-"n" ids do not block automatic ids


def test_ids_continue_after_the_highest_loaded_one():
    doc = Document.load(EXAMPLES_DIR / "neuron.mgs")
    assert doc.add_node("input") == "n11"


# --- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "mgstudio",\n "version": 1,\n "nodes": [}', "line 3: this is not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"format": "other", "version": 1}', "not an mgstudio document"),
        ('{"format": "mgstudio"}', 'no valid "version"'),
        ('{"format": "mgstudio", "version": true}', 'no valid "version"'),
        ('{"format": "mgstudio", "version": 0}', "not a valid mgstudio file version"),
        ('{"format": "mgstudio", "version": 1, "nodes": {}}', '"nodes" must be a list'),
        ('{"format": "mgstudio", "version": 1, "version": 1}', "appears twice"),
        ('{"format": "mgstudio", "version": 1, "x": NaN}', "must be finite"),
        ('{"format": "mgstudio", "version": 1, "x": 1e999}', "too large"),
        ('{"format": "mgstudio", "version": 1, "x": ' + "1" * 5000 + "}", "cannot read"),
        ("[" * 100000, "nested too deeply"),
    ],
)
def test_bad_json_is_reported_in_plain_words(text, message):
    with pytest.raises(FileFormatError, match=message):
        Document.from_json(text)


def test_newer_version_is_refused_politely():
    with pytest.raises(NewerVersionError) as err:
        Document.from_json(mutate(NEURON, version=4))
    assert "made by a newer mgstudio (version 4); this one reads version 3" in str(err.value)


@pytest.mark.parametrize(
    ("index", "changes", "message"),
    [
        (0, {"kind": "eval"}, "node 1 \\('n1'\\): there is no node kind 'eval'"),
        (1, {"id": "n1"}, "node 2 \\('n1'\\): this id is used by an earlier node too"),
        (0, {"id": 7}, "node 1: a node id"),
        (0, {"value": "2"}, "must be a number"),
        (0, {"kind": 5}, "there is no node kind 5"),
        (5, {"value": 1.0}, "computes its value from its inputs"),
        (0, {"label": "x" * 500}, "at most 200 characters"),
        (0, {"pos": [1, 2, 3]}, "pair of numbers"),
        (0, {"pos": [1e308, 0]}, "within"),
        (9, {"params": {"exponent": 2}}, "no setting 'exponent'"),
    ],
)
def test_bad_nodes_are_located(index, changes, message):
    with pytest.raises(FileFormatError, match=message):
        Document.from_json(node_mutation(index, **changes))


def _with_wires(extra_wires):
    data = json.loads(NEURON)
    data["wires"] += extra_wires
    return json.dumps(data)


@pytest.mark.parametrize(
    ("wire", "message", "error"),
    [
        (
            {"src": "n99", "dst": "n6", "port": "a"},
            "comes from 'n99', which is not a node",
            FileFormatError,
        ),
        ({"src": "n1", "dst": "n99", "port": "a"}, "goes into 'n99'", FileFormatError),
        ({"src": "n1", "dst": "n6", "port": "c"}, "no such input", FileFormatError),
        ({"src": "n1", "dst": "n2", "port": "a"}, "leaf", FileFormatError),
        (
            {"src": "n1", "dst": "n6", "port": "a"},
            "input 'a' of mul 'x1w1' is wired twice",
            FileFormatError,
        ),
        ({"src": "n10", "dst": "n10", "port": "a"}, "into itself", FileFormatError),
        (
            {"src": "n1", "dst": "n7", "port": "b", "w": json.loads("[" * 33 + "]" * 33)},
            "wire 10: the field 'w' nests more than 32 levels deep",
            FileFormatError,
        ),
        ({"src": 1, "dst": "n6", "port": "a"}, "must be text", FileFormatError),
    ],
)
def test_bad_wires_are_located(wire, message, error):
    with pytest.raises(error, match=message):
        Document.from_json(_with_wires([wire]))


def test_cycles_in_files_are_named():
    data = json.loads(NEURON)
    data["wires"] = [w for w in data["wires"] if w["dst"] != "n6" or w["port"] != "a"]
    data["wires"].append({"src": "n10", "dst": "n6", "port": "a"})
    with pytest.raises(CycleError, match="cycle: 'x1w1' → 'x1w1x2w2' → 'n' → 'o' → 'x1w1'"):
        Document.from_json(json.dumps(data))


def test_selected_output_must_exist():
    with pytest.raises(FileFormatError, match="selected_output"):
        Document.from_json(mutate(NEURON, selected_output="zz"))


def test_limits(monkeypatch):
    monkeypatch.setattr(ff, "MAX_NODES", 3)
    with pytest.raises(FileFormatError, match="up to 3 nodes"):
        Document.from_json(NEURON)
    monkeypatch.setattr(ff, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileFormatError, match="too large"):
        Document.from_json(NEURON)


def test_load_refuses_huge_files_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.mgs"
    path.write_text(NEURON)
    monkeypatch.setattr(ff, "MAX_FILE_BYTES", 10)
    with pytest.raises(DocumentError, match="big.mgs: the file is too large"):
        Document.load(path)


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        Document.load(tmp_path / "missing.mgs")
    with pytest.raises(DocumentError, match="folder"):
        Document.load(tmp_path)
    bad = tmp_path / "bad.mgs"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DocumentError, match="bad.mgs: this is not a text file"):
        Document.load(bad)


# --- fuzzing: only DocumentError ----------------------------------------------------------
def _loads_or_document_error(data):
    try:
        doc = Document.from_json(data)
    except DocumentError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert Document.from_json(doc.to_json()).to_json() == doc.to_json()


@given(st.integers(0, len(NEURON)))
def test_truncated_files(n):
    _loads_or_document_error(NEURON[:n])


@given(st.integers(0, len(NEURON) - 1), st.characters())
def test_one_character_changed(i, ch):
    _loads_or_document_error(NEURON[:i] + ch + NEURON[i + 1 :])


@given(st.binary(max_size=200))
def test_random_bytes(data):
    _loads_or_document_error(data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.sampled_from(["node", "wire", "top"]), st.data())
def test_random_field_values(where, data):
    doc = json.loads(NEURON)
    if where == "top":
        target = doc
    else:
        items = doc["nodes" if where == "node" else "wires"]
        target = items[data.draw(st.integers(0, len(items) - 1))]
    keys = [*target, "params", "value", "extra"]
    key = data.draw(st.sampled_from(keys))
    target[key] = data.draw(json_values)
    _loads_or_document_error(json.dumps(doc))


# --- atomic save --------------------------------------------------------------------------
def test_failed_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "keep.mgs"
    path.write_text(NEURON, encoding="utf-8")
    doc = Document.from_json(NEURON)
    doc.set_label("n1", "changed")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(DocumentError, match="can't save .*No space left"):
        doc.save(path)
    assert path.read_text(encoding="utf-8") == NEURON
    assert os.listdir(tmp_path) == ["keep.mgs"]


def test_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "keep.mgs"
    path.write_text(NEURON, encoding="utf-8")

    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(DocumentError):
        Document().save(path)
    assert path.read_text(encoding="utf-8") == NEURON
    assert os.listdir(tmp_path) == ["keep.mgs"]


def test_save_keeps_file_permissions_and_reports_missing_folders(tmp_path):
    path = tmp_path / "p.mgs"
    path.write_text("old")
    os.chmod(path, 0o640)
    Document().save(path)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert Document.load(path).to_json() == Document().to_json()
    with pytest.raises(DocumentError, match="can't save"):
        Document().save(tmp_path / "no" / "such" / "folder.mgs")


def test_lone_surrogates_survive_a_round_trip(tmp_path):
    data = json.loads(NEURON)
    data["description"] = "broken \ud800 text"
    data["nodes"][0]["note"] = ["\udfff"]
    text = json.dumps(data)  # escapes them as \ud800, as a hand-edited file would
    doc = Document.from_json(text)
    assert doc.description == "broken \ud800 text"
    doc.save(tmp_path / "s.mgs")
    again = Document.load(tmp_path / "s.mgs")
    assert again.description == doc.description and again.nodes["n1"].extra == {"note": ["\udfff"]}
    assert again.to_json() == doc.to_json()
    data["nodes"][0]["label"] = "\ud800"
    with pytest.raises(FileFormatError, match="label"):
        Document.from_json(json.dumps(data))


def test_a_deep_chain_loads_evaluates_and_backpropagates():
    n = 5_000  # far beyond the recursion limit (micrograd dies near 1,000)
    nodes = [{"id": "x", "kind": "input", "value": 0.5}]
    nodes += [{"id": f"t{i}", "kind": "tanh"} for i in range(n)]
    wires = [{"src": "x" if i == 0 else f"t{i - 1}", "dst": f"t{i}", "port": "a"} for i in range(n)]
    doc = Document.from_json(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    assert doc.backward() == f"t{n - 1}"
    x = 0.5
    for _ in range(n):
        x = math.tanh(x)
    assert doc.value_of(f"t{n - 1}").data == pytest.approx(x)
    assert doc.value_of("x").grad > 0
    doc.set_value("x", -0.5)
    assert doc.value_of(f"t{n - 1}").data == pytest.approx(-x)
    data = json.loads(doc.to_json())
    data["wires"].append({"src": f"t{n - 1}", "dst": "t0", "port": "a"})
    data["wires"] = data["wires"][1:]  # free t0's input, then close the loop
    with pytest.raises(CycleError):
        Document.from_json(json.dumps(data))
