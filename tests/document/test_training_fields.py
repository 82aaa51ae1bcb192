"""The training fields of a document (#16): the feature role, the prediction and the training
state; their edits (invertible, announced, nothing when nothing changed); the version-3 file
(byte-stable, older versions untouched) and its hostile input (a FileFormatError naming the
field, never anything else)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.document import Document, DocumentError, FileFormatError
from mgstudio.document.examples import EXAMPLES_DIR
from mgstudio.document.training_state import (
    GeneratedData,
    RunRecord,
    TableData,
    TrainingState,
    TrainSettings,
)

NEURON = (EXAMPLES_DIR / "neuron.mgs").read_text(encoding="utf-8")


def _doc():
    doc = Document.from_json(NEURON)
    inputs = [n.id for n in doc.nodes.values() if n.kind == "input"]
    return doc, inputs


def _run(params, steps=3):
    p = len(params)
    return RunRecord(
        "run 1",
        params,
        np.arange(p, dtype=float),
        checkpoint_steps=list(range(1, steps + 1)),
        checkpoints=np.ones((steps, p)) * 0.5,
        loss=np.linspace(1.0, 0.5, steps),
        accuracy=np.full(steps, 0.75, dtype=np.float32),
    )


def _state(params):
    return TrainingState(
        TableData(("x1", "x2", "y"), [[1.0, 2.0, 1.0], [0.5, -1.0, -1.0]]),
        0.25,
        TrainSettings(loss="hinge", lr=0.5, lr_final=0.05, steps=3, batch_size=2),
        (_run(params),),
        (0, 3),
    )


def _trained():
    doc, inputs = _doc()
    doc.set_feature(inputs[0], 0)
    doc.set_feature(inputs[1], 1)
    doc.set_prediction(doc.default_output())
    doc.set_training(_state(tuple(inputs[2:])))
    return doc, inputs


# --- edits ----------------------------------------------------------------------------------
def test_set_feature_is_invertible_and_announced():
    doc, inputs = _doc()
    seen = []
    doc.events.node_changed.connect(seen.append)
    assert doc.set_feature(inputs[0], 1) is None
    assert doc.node(inputs[0]).feature == 1 and seen == [inputs[0]]
    assert doc.set_feature(inputs[0], 1) == 1 and seen == [inputs[0]]  # no change, no event
    assert doc.feature_ids() == {1: [inputs[0]]}
    assert doc.set_feature(inputs[0], None) == 1
    assert doc.node(inputs[0]).feature is None and doc.to_json() == NEURON


@pytest.mark.parametrize("bad", [-1, 1.5, True, "0", 10**6])
def test_a_bad_feature_is_refused(bad):
    doc, inputs = _doc()
    with pytest.raises(DocumentError):
        doc.set_feature(inputs[0], bad)
    assert doc.node(inputs[0]).feature is None


def test_only_inputs_take_a_feature():
    doc, _ = _doc()
    op = next(n.id for n in doc.nodes.values() if n.kind != "input")
    with pytest.raises(DocumentError, match="only input nodes"):
        doc.set_feature(op, 0)


def test_set_prediction_and_removing_its_node():
    doc, _ = _doc()
    out = doc.default_output()
    seen = []
    doc.events.prediction_changed.connect(seen.append)
    assert doc.prediction is None and doc.prediction_node() == out
    assert doc.set_prediction(out) is None and seen == [out]
    with pytest.raises(DocumentError):
        doc.set_prediction("nope")
    record = doc.remove_node(out)
    assert doc.prediction is None and seen == [out, None]
    doc.restore_node(record)
    assert doc.prediction == out and seen == [out, None, out]
    assert doc.set_prediction(None) == out


def test_set_training_is_invertible_and_announced():
    doc, inputs = _doc()
    fired = []
    doc.events.training_changed.connect(lambda: fired.append(1))
    state = _state(tuple(inputs))
    old = doc.set_training(state)
    assert old == TrainingState() and doc.training is state and fired == [1]
    assert doc.set_training(_state(tuple(inputs))) is state and fired == [1]  # equal: nothing
    assert doc.set_training(old) is state and doc.training == TrainingState()
    with pytest.raises(TypeError):
        doc.set_training({"runs": []})  # type: ignore[arg-type]


def test_the_state_is_immutable():
    state = _state(("a", "b"))
    with pytest.raises(ValueError):
        state.runs[0].loss[0] = 2.0
    with pytest.raises(ValueError):
        state.dataset.rows[0, 0] = 2.0  # type: ignore[union-attr]
    assert state.runs[0].params_at(0) is state.runs[0].initial
    assert state.runs[0].params_at(4) is None and state.runs[0].nearest_step(9) == 3


def test_a_copied_input_keeps_its_feature():
    doc, inputs = _doc()
    doc.set_feature(inputs[0], 0)
    frag = doc.fragment([inputs[0]])
    assert frag["version"] == 3 and frag["nodes"][0]["feature"] == 0
    (new,) = doc.paste_fragment(frag)
    assert doc.node(new).feature == 0


# --- the file -------------------------------------------------------------------------------
def test_a_trained_document_is_version_3_and_round_trips_byte_for_byte():
    doc, inputs = _trained()
    text = doc.to_json()
    data = json.loads(text)
    assert data["version"] == 3 and data["prediction"] == doc.prediction
    assert data["nodes"][0]["feature"] == 0
    again = Document.from_json(text)
    assert again.training == doc.training and again.prediction == doc.prediction
    assert again.feature_ids() == doc.feature_ids()
    assert again.to_json() == text


def test_documents_without_training_fields_keep_their_versions():
    doc, _ = _doc()
    assert json.loads(doc.to_json())["version"] == 1 and doc.to_json() == NEURON
    doc.group_nodes(list(doc.nodes)[:2])
    assert json.loads(doc.to_json())["version"] == 2


def test_a_version_1_file_still_opens_with_no_training():
    doc = Document.from_json(NEURON)
    assert doc.training == TrainingState() and doc.prediction is None
    assert not doc.feature_ids()


def test_training_fields_in_an_old_version_are_kept_as_unknown():
    data = json.loads(NEURON)
    data["training"] = {"whatever": 1}
    data["prediction"] = 5
    doc = Document.from_json(json.dumps(data))
    assert doc.training == TrainingState() and doc.extra["prediction"] == 5


def test_an_empty_table_round_trips():
    doc, _ = _doc()
    doc.set_training(TrainingState(TableData(("x", "y"), [])))
    again = Document.from_json(doc.to_json())
    assert again.training == doc.training and again.training.dataset.rows.shape == (0, 2)


def test_a_generator_dataset_round_trips():
    doc, _ = _doc()
    doc.set_training(TrainingState(GeneratedData("moons", 50, 0.2, 7)))
    assert Document.from_json(doc.to_json()).training.dataset == GeneratedData("moons", 50, 0.2, 7)


def _mutated(path, value):
    """The trained document's JSON with one field (a path of keys) replaced (or removed)."""
    doc, _ = _trained()
    data = json.loads(doc.to_json())
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _GONE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(data)


_GONE = object()
_T = "training"
_RUN = (_T, "runs", 0)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("nodes", 0, "feature"), -1, "node 1 .*feature is a dataset column"),
        (("nodes", 0, "feature"), "0", "node 1 .*feature is the number of a dataset column"),
        (("nodes", 0, "feature"), 2, "feature 2 is not a column of the dataset"),
        (("nodes", 5, "feature"), 0, "only input nodes take a dataset column"),
        (("prediction",), "ghost", "\"prediction\" names 'ghost'"),
        ((_T,), [], '"training" must be a JSON object'),
        ((_T, "extra"), 1, "fields this mgstudio does not know: 'extra'"),
        ((_T, "test_ratio"), 0.95, "test_ratio must be between 0 and 0.9"),
        ((_T, "test_ratio"), True, "test_ratio must be a number"),
        ((_T, "dataset", "kind"), "csv", 'kind must be "generator" or "table"'),
        ((_T, "dataset", "rows", 1), [1.0, 2.0], "row 2 must be a list of 3 numbers"),
        ((_T, "dataset", "rows", 0, 1), "x", "row 1, column 2 must be a finite number"),
        ((_T, "dataset", "rows", 0, 1), 1e400, "must be finite"),
        ((_T, "dataset", "rows"), [[0.0, 0.0, 0.0]] * 10_001, "at most 10000 rows"),
        ((_T, "dataset", "columns"), ["y"], "columns must be a list of 2 to 65"),
        ((_T, "dataset", "columns", 0), "a\nb", "column 1 must be one line"),
        ((_T, "settings", "lr"), 0, "lr must be a number > 0"),
        ((_T, "settings", "lr"), None, "lr must be a number"),
        ((_T, "settings", "steps"), 2.5, "steps must be a whole number"),
        ((_T, "settings", "steps"), 10**7, "steps must be between 0 and 1000000"),
        ((_T, "settings", "zero_grad"), "yes", "zero_grad must be true or false"),
        ((_T, "settings", "loss"), 3, "loss must name a loss"),
        ((_T, "settings", "momentum"), 0.9, "does not know: 'momentum'"),
        ((_T, "runs"), {}, "runs must be a list"),
        ((_T, "runs"), [{}] * 101, "at most 100 runs"),
        ((*_RUN, "loss"), "AAAA", "loss must hold 3 numbers"),
        ((*_RUN, "loss"), "!" * 32, "loss is not valid base64"),
        ((*_RUN, "loss"), 5, "loss must be base64 text"),
        (
            (*_RUN, "loss"),
            base64.b64encode(np.array([1, np.nan, 2.0]).tobytes()).decode(),
            "loss holds a number that is not finite",
        ),
        (
            (*_RUN, "accuracy"),
            base64.b64encode(np.full(3, 2, np.float32).tobytes()).decode(),
            "accuracy must lie between 0 and 1",
        ),
        ((*_RUN, "initial"), "A" * 10**6, "initial must hold 3 numbers"),
        ((*_RUN, "steps"), 4, "loss must hold 4 numbers"),
        ((*_RUN, "checkpoint_steps"), [1, 1, 2], "must rise step by step"),
        ((*_RUN, "checkpoint_steps"), [1, 2, 9], "must be between 1 and 3"),
        ((*_RUN, "checkpoint_steps"), list(range(1, 5000)), "at most 4096 steps"),
        ((*_RUN, "params"), ["n1", "n1"], "names a node twice"),
        ((*_RUN, "params"), ["bad id"], "params: a node id"),
        ((*_RUN, "parent"), [0, 1], "no earlier run"),
        ((*_RUN, "name"), "", "name must be text of 1 to 200"),
        ((*_RUN, "prediction"), 7, "prediction: a node id"),
        ((*_RUN, "history"), [], "does not know: 'history'"),
        ((_T, "position"), [1, 0], "run number must be between 0 and 0"),
        ((_T, "position"), [0, 9], "step must be between 0 and 3"),
        ((_T, "position"), "end", "must be \\[run number, step\\] or null"),
    ],
)
def test_hostile_training_fields_name_the_field(path, value, message):
    with pytest.raises(FileFormatError, match=message):
        Document.from_json(_mutated(path, value))


def test_a_thinned_position_must_be_a_kept_step():
    doc, inputs = _doc()
    run = _run(tuple(inputs), steps=4).replace(
        checkpoint_steps=[2, 4], checkpoints=np.zeros((2, len(inputs)))
    )
    doc.set_training(TrainingState(runs=(run,), position=(0, 3)))
    with pytest.raises(FileFormatError, match="kept no parameters at step 3"):
        Document.from_json(doc.to_json())


def _containers(children):
    return st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4
    )


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    _containers,
    max_leaves=12,
)
_KEYS = ("dataset", "test_ratio", "settings", "runs", "position")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_KEYS), _json, st.sampled_from([None, "kind", "name", "rows", "loss"]))
def test_any_json_in_the_training_field_loads_or_is_a_file_error(key, value, inner):
    doc, _ = _trained()
    data = json.loads(doc.to_json())
    target = data["training"]
    if inner is not None and isinstance(target.get(key), dict):
        target = target[key]
        key = inner
    elif inner is not None and key == "runs":
        target, key = target["runs"][0], inner
    target[key] = value
    try:
        loaded = Document.from_json(json.dumps(data))
    except FileFormatError:
        return
    assert Document.from_json(loaded.to_json()).to_json() == loaded.to_json()
