"""Training a document (#16): the loss per step equals a hand-written loop of the PyPI
micrograd package over the same graph (1e-9 relative), for the walkthrough's neuron, the
lecture's MLP and a graph that is not an MLP; with and without zero_grad; the roles' errors;
the run the document keeps (checkpoints, history, test loss)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from helpers.oracle import OracleValue as V
from helpers.oracle import oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.document import Document
from mgstudio.document.code_import.program_doc import import_program
from mgstudio.document.training_format import MAX_RUNS
from mgstudio.document.training_state import (
    GeneratedData,
    TableData,
    TrainingState,
    TrainSettings,
)
from mgstudio.training import TrainingError
from mgstudio.training.checkpoints import CheckpointLog, max_kept
from mgstudio.training.document_model import ModelError, compile_document
from mgstudio.training.document_training import (
    DocumentRun,
    dataset_from_state,
    split_dataset,
    train_document,
)

REL = 1e-9
LECTURE = Path(__file__).parents[2] / "resources" / "examples" / "programs" / "lecture_mlp.txt"
ROWS = [[2.0, 0.0, 1.0], [1.0, -1.0, -1.0], [0.5, 2.0, 1.0], [-1.0, 1.0, -1.0], [0.0, 0.5, 1.0]]


def _close(ours, theirs, rel=REL, floor=0.0):
    """Each step to ``rel`` relative; ``floor``: an absolute tolerance for losses that reach
    the rounding noise of the start (a loop converging to 1e-19 and then exactly 0)."""
    assert len(ours) == len(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert abs(a - b) <= max(rel * abs(b), floor), (k, a, b)


def _wire(doc, *wires):
    for src, dst, port in wires:
        doc.connect(src, dst, port)


def neuron_doc():
    """The walkthrough's neuron: o = tanh(x1*w1 + x2*w2 + b), x1 and x2 the features."""
    d = Document()
    x1 = d.add_node("input", label="x1", value=2.0)
    x2 = d.add_node("input", label="x2", value=0.0)
    w1 = d.add_node("input", label="w1", value=-3.0)
    w2 = d.add_node("input", label="w2", value=1.0)
    b = d.add_node("input", label="b", value=6.8813735870195432)
    m1, m2 = d.add_node("mul", label="x1*w1"), d.add_node("mul", label="x2*w2")
    s1, n = d.add_node("add", label="x1w1+x2w2"), d.add_node("add", label="n")
    o = d.add_node("tanh", label="o")
    _wire(d, (x1, m1, "a"), (w1, m1, "b"), (x2, m2, "a"), (w2, m2, "b"))
    _wire(d, (m1, s1, "a"), (m2, s1, "b"), (s1, n, "a"), (b, n, "b"), (n, o, "a"))
    d.set_feature(x1, 0)
    d.set_feature(x2, 1)
    return d


def not_mlp_doc():
    """tanh(w1*x1 + w2*x1*x2 + b): a product of two features, no neuron."""
    d = Document()
    x1 = d.add_node("input", label="x1", value=0.0)
    x2 = d.add_node("input", label="x2", value=0.0)
    w1 = d.add_node("input", label="w1", value=0.3)
    w2 = d.add_node("input", label="w2", value=-0.5)
    b = d.add_node("input", label="b", value=0.1)
    a = d.add_node("mul")
    p = d.add_node("mul")
    q = d.add_node("mul")
    s = d.add_node("add")
    t = d.add_node("add")
    o = d.add_node("tanh", label="o")
    _wire(d, (w1, a, "a"), (x1, a, "b"), (w2, p, "a"), (x1, p, "b"), (p, q, "a"), (x2, q, "b"))
    _wire(d, (a, s, "a"), (q, s, "b"), (s, t, "a"), (b, t, "b"), (t, o, "a"))
    d.set_feature(x1, 0)
    d.set_feature(x2, 1)
    return d


def _table_state(**settings):
    return TrainingState(TableData(("x1", "x2", "y"), ROWS), settings=TrainSettings(**settings))


def _micrograd_loop(params, predict, rows, steps, lr, loss="mse", zero_grad=True, **kw):
    """micrograd's training loop, written out: forward on every sample, the loss, zero_grad,
    backward, ``p.data -= lr * p.grad``; returns the loss per step (before its update)."""
    lr_final, l2 = kw.get("lr_final"), kw.get("l2", 0.0)
    out = []
    for k in range(steps):
        preds = [predict(r) for r in rows]
        if loss == "hinge":
            terms = [(1 + -r[-1] * p).relu() for r, p in zip(rows, preds)]
            total = sum(terms) * (1.0 / len(terms))
        else:
            total = sum((p - r[-1]) ** 2 for r, p in zip(rows, preds))
            if loss == "mse":
                total = total * (1.0 / len(rows))
        if l2:
            total = total + l2 * sum(p * p for p in params)
        if zero_grad:
            for p in params:
                p.grad = 0.0
        total.backward()
        rate = lr if lr_final is None else lr - (lr - lr_final) * k / steps
        for p in params:
            p.data -= rate * p.grad
        out.append(total.data)
    return out


@pytest.mark.parametrize("zero_grad", [True, False])
def test_the_neuron_trains_as_micrograd_does(zero_grad):
    doc = neuron_doc()
    values, state = train_document(doc, _table_state(lr=0.05, steps=40, zero_grad=zero_grad))
    w1, w2, b = V(-3.0), V(1.0), V(6.8813735870195432)
    ref = _micrograd_loop(
        [w1, w2, b],
        lambda r: (V(r[0]) * w1 + V(r[1]) * w2 + b).tanh(),
        ROWS,
        40,
        0.05,
        zero_grad=zero_grad,
    )
    run = state.runs[-1]
    _close(run.loss, ref)
    ids = {doc.node(n).label: n for n in doc.nodes}
    _close([values[ids[k]] for k in ("w1", "w2", "b")], [w1.data, w2.data, b.data])
    assert run.features == (ids["x1"], ids["x2"]) and run.prediction == ids["o"]
    assert run.settings.zero_grad is zero_grad


@pytest.mark.parametrize("zero_grad", [True, False])
def test_a_graph_that_is_not_an_mlp_trains_as_micrograd_does(zero_grad):
    doc = not_mlp_doc()
    kw = {"loss": "hinge", "lr": 0.5, "lr_final": 0.05, "l2": 1e-3, "steps": 30}
    _, state = train_document(doc, _table_state(zero_grad=zero_grad, **kw))
    w1, w2, b = V(0.3), V(-0.5), V(0.1)
    ref = _micrograd_loop(
        [w1, w2, b],
        lambda r: (w1 * V(r[0]) + w2 * V(r[0]) * V(r[1]) + b).tanh(),
        ROWS,
        zero_grad=zero_grad,
        **kw,
    )
    _close(state.runs[-1].loss, ref)


def _lecture_doc():
    """The lecture's program up to ``out = n(x)``, imported (its Neuron/Layer/MLP classes,
    random.seed(1337)), with the sample's inputs made Values: x0, x1, x2 become features."""
    text = LECTURE.read_text().split("xs = [")[0]
    text = text.replace("x = [2.0, 3.0, -1.0]", "x = [Value(2.0), Value(3.0), Value(-1.0)]")
    doc = import_program(text, output="out").document
    ids = _ids(doc)
    for k in range(3):
        doc.set_feature(ids[f"x{k}"], k)
    return doc


@pytest.mark.parametrize("zero_grad", [True, False])
def test_the_lecture_mlp_trains_as_the_lecture_prints(zero_grad):
    text = LECTURE.read_text()
    if not zero_grad:  # the lecture's first loop, before the zero_grad fix
        text = text.replace("        p.grad = 0.0\n", "        pass\n")
    _, log = oracle(text)
    ref = [float(line.split()[1]) for line in log]
    assert len(ref) == 20
    settings = TrainSettings(loss="mse-sum", lr=0.1, steps=20, zero_grad=zero_grad)
    state = TrainingState(GeneratedData("walkthrough"), settings=settings)
    _, state = train_document(_lecture_doc(), state)
    # without zero_grad the lecture's loss falls to 1e-19 and then 0: below a few ulps of the
    # first loss, relative error is rounding noise (micrograd's _prev sets even reorder sums)
    _close(state.runs[-1].loss, ref, floor=1e-15 * ref[0])


def test_the_run_keeps_every_step_and_its_parameters():
    doc = neuron_doc()
    job = DocumentRun(doc, _table_state(lr=0.05, steps=12))
    job.run()
    rec = job.record()
    assert rec.steps == 12 and list(rec.checkpoint_steps) == list(range(1, 13))
    assert np.array_equal(rec.initial, [-3.0, 1.0, 6.8813735870195432])
    # the parameters after the last step are the values handed back
    assert list(rec.checkpoints[-1]) == list(job.values().values())
    # each step's loss is that of the checkpoint before it: retrain from a checkpoint
    ids = dict(zip(rec.params, rec.checkpoints[4]))
    doc.set_values(ids)
    again = DocumentRun(doc, _table_state(lr=0.05, steps=1))
    again.run()
    assert again.trainer.history[0]["loss"] == pytest.approx(rec.loss[5], rel=1e-12)
    state = job.state()
    assert state.position == (0, 12) and len(state.runs) == 1
    job.reset()  # the same initialisation: the same run again
    job.run()
    assert job.record() == rec


def test_a_second_run_from_where_the_first_ended_names_its_parent():
    doc = neuron_doc()
    values, state = train_document(doc, _table_state(lr=0.05, steps=5))
    doc.set_values(values)
    doc.set_training(state)
    _, state2 = train_document(doc)
    assert state2.runs[1].parent == (0, 5) and state2.position == (1, 5)
    assert state2.runs[1].loss[0] == pytest.approx(
        DocumentRun(doc).trainer.evaluate()["loss"], rel=1e-12
    )
    doc.set_value(next(iter(values)), 0.5)  # edited since: no longer that step
    _, state3 = train_document(doc, state2)
    assert state3.runs[2].parent is None


def test_the_test_split_and_its_loss():
    data = dataset_from_state(TrainingState(GeneratedData("moons", 50, 0.1, 3)))
    train, test = split_dataset(data, 0.2, seed=7)
    assert test is not None and (train.n_samples, test.n_samples) == (40, 10)
    held = np.random.RandomState(7).permutation(50)[40:]
    assert np.array_equal(test.X, data.X[np.sort(held)])
    assert split_dataset(data, 0.0, seed=7) == (data, None)
    doc = not_mlp_doc()
    state = TrainingState(
        GeneratedData("moons", 50, 0.1, 3), 0.2, TrainSettings("hinge", lr=0.3, steps=6, seed=7)
    )
    _, out = train_document(doc, state)
    run = out.runs[-1]
    assert len(run.test_loss) == 6
    # step 0's test loss: the initial parameters on the held-out samples, by micrograd
    w1, w2, b = V(0.3), V(-0.5), V(0.1)
    rows = [[*x, y] for x, y in zip(test.X.tolist(), test.y.tolist())]
    terms = [(1 + -r[2] * (w1 * V(r[0]) + w2 * V(r[0]) * V(r[1]) + b).tanh()).relu() for r in rows]
    assert run.test_loss[0] == pytest.approx((sum(terms) * (1.0 / len(terms))).data, rel=REL)


def test_regression_keeps_nan_accuracy():
    rows = [[0.0, 0.0, 0.5], [1.0, 0.0, 2.0], [0.0, 1.0, -1.5], [1.0, 1.0, 3.0]]
    state = TrainingState(TableData(("a", "b", "t"), rows), settings=TrainSettings(steps=3))
    _, out = train_document(neuron_doc(), state)
    assert np.all(np.isnan(out.runs[-1].accuracy))


# --- the roles ------------------------------------------------------------------------------
def _ids(doc):
    return {doc.node(n).label: n for n in doc.nodes}


def test_features_given_override_the_saved_roles():
    doc = neuron_doc()
    ids = _ids(doc)
    model = compile_document(doc, [ids["x2"], ids["x1"]])
    assert model.features == (ids["x2"], ids["x1"])
    assert model.params == (ids["w1"], ids["w2"], ids["b"])
    assert model.prediction == ids["o"]
    # the document's own Values are not the compiled ones
    assert doc.value_of(ids["w1"]) not in model._params


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, i: [d.set_feature(i["x1"], None), d.set_feature(i["x2"], None)], "no input"),
        (lambda d, i: d.set_feature(i["x2"], 2), "no input takes dataset column 1"),
        (lambda d, i: d.set_feature(i["x2"], 0), "column 0 is taken by several inputs"),
        (lambda d, i: [d.set_feature(i[k], 3) for k in ("w1", "w2", "b")], "column 2"),
        (lambda d, i: d.set_prediction(d.add_node("tanh")), "has no value yet"),
    ],
)
def test_roles_that_make_no_model_are_explained(change, message):
    doc = neuron_doc()
    change(doc, _ids(doc))
    with pytest.raises(ModelError, match=message):
        compile_document(doc)


def test_nothing_to_train_and_a_constant_feature_are_refused():
    doc = neuron_doc()
    ids = _ids(doc)
    with pytest.raises(ModelError, match="nothing to train"):
        compile_document(doc, [ids[k] for k in ("x1", "x2", "w1", "w2", "b")])
    c = doc.add_node("constant", value=1.0)
    with pytest.raises(ModelError, match="only input nodes take a column"):
        compile_document(doc, [c])


def test_more_features_than_columns_is_refused_and_fewer_is_noted():
    doc = neuron_doc()
    ids = _ids(doc)
    doc.set_feature(ids["w1"], 2)
    with pytest.raises(ModelError, match="3 features but its dataset only 2"):
        DocumentRun(doc, _table_state())
    doc.set_feature(ids["w1"], None)
    doc.set_feature(ids["x2"], None)
    job = DocumentRun(doc, _table_state())
    assert any("take the first 1" in n for n in job.notes)


def test_a_document_trainer_has_no_mlp():
    job = DocumentRun(neuron_doc(), _table_state(steps=1))
    with pytest.raises(TrainingError, match="trains a document"):
        job.trainer.model  # noqa: B018


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (TrainingState(), "has no dataset"),
        (TrainingState(GeneratedData("galaxy")), "'galaxy', which this mgstudio does not have"),
        (TrainingState(TableData(("x", "y"), [[1.0, 1.0]])), "fewer than 2 samples"),
        (TrainingState(GeneratedData("moons"), settings=TrainSettings(loss="l1")), "unknown loss"),
    ],
)
def test_bad_saved_training_fields_are_explained_when_training(state, message):
    with pytest.raises(TrainingError, match=message):
        DocumentRun(neuron_doc(), state)


# --- checkpoints ----------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3000), st.integers(4, 40))
def test_checkpoints_thin_evenly_and_keep_the_last_step(steps, limit):
    log = CheckpointLog(2, limit)
    for k in range(1, steps + 1):
        log.add(k, np.array([k, -k], dtype=float))
    kept, rows = log.arrays()
    assert len(kept) <= limit + 1
    assert list(kept) == sorted(set(kept.tolist()))
    assert np.array_equal(rows[:, 0], kept) and np.array_equal(rows[:, 1], -kept)
    if steps:
        assert kept[-1] == steps
        body = kept[:-1] if kept[-1] % log.stride else kept
        assert all(k % log.stride == 0 for k in body)
        if steps >= limit:  # thinned no further than needed
            assert len(kept) > limit // 2 - 1
    else:
        assert rows.shape == (0, 2)


def test_how_many_checkpoints_a_run_keeps():
    assert max_kept(3) == 2000 and max_kept(337) == 741 and max_kept(5000) == 64
    # never more numbers than a file may hold (MAX_CHECKPOINT_VALUES, the last step besides)
    assert max_kept(100_000) == 39 and max_kept(10**7) == 1
    assert math.isfinite(max_kept(0))


def test_past_the_run_limit_the_oldest_runs_go():
    doc = neuron_doc()
    values, state = train_document(doc, _table_state(lr=0.05, steps=2))
    doc.set_values(values)
    first = state.runs[0]
    many = tuple(
        first.replace(name=f"r{i}", parent=(i - 1, 2) if i else None) for i in range(MAX_RUNS)
    )
    state = state.replace(runs=many, position=(MAX_RUNS - 1, 2))
    _, out = train_document(doc, state)
    assert len(out.runs) == MAX_RUNS and out.position == (MAX_RUNS - 1, 2)
    assert out.runs[0].name == "r1" and out.runs[0].parent is None
    assert out.runs[1].parent == (0, 2) and out.runs[-1].parent == (MAX_RUNS - 2, 2)
    doc.set_training(out)
    assert Document.from_json(doc.to_json()).training == out
