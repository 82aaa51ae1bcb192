"""The MLP on the canvas: built from its Values for one sample, following the training."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.app.training.panel import parse_hidden
from mgstudio.document import Document
from mgstudio.training import ConfigError, TrainConfig, Trainer, preset
from mgstudio.training.network_doc import (
    HARD_LIMIT,
    SOFT_LIMIT,
    apply_params,
    build_network_document,
    node_count,
)

# an earlier test in this process may have left a stale quit behind (tests/helpers/app_fixtures.py)
pytestmark = pytest.mark.usefixtures("working_event_loop")


CONFIRM_ANSWER = False  # what the recorded "Large network?" questions are answered


@pytest.fixture
def training(recorded_training):
    return recorded_training


def sample_loss(loss: str, score: float, y: float) -> float:
    return max(0.0, 1.0 - y * score) if loss == "hinge" else (score - y) ** 2


def test_network_document_is_the_trainers_model_for_one_sample(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(5)
    training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    training.panel.sample.setValue(2)
    net = training.show_network()
    assert net is not None and training.window.document is net.document
    trainer = training.trainer
    doc = net.document
    x, y = trainer.dataset.X[2], trainer.dataset.y[2]
    assert [doc.nodes[i].value for i in net.input_ids] == list(x)
    score = doc.value_of(net.score_id).data
    assert score == pytest.approx(trainer.predict(x[None, :])[0], rel=1e-12, abs=1e-12)
    assert doc.value_of(net.loss_id).data == pytest.approx(sample_loss("mse-sum", score, y))
    assert [doc.nodes[i].label for i in net.param_ids] == trainer.parameter_names()
    assert doc.output_ids() == [net.loss_id]
    assert len(doc.nodes) == node_count(3, (4, 4), "tanh", None, "mse-sum")
    assert training.window.undo_stack.isClean()


def test_network_grads_match_finite_differences(training):
    trainer = Trainer(preset("walkthrough"))
    trainer.run(3)
    net = build_network_document(trainer, 1)
    doc = net.document
    h = 1e-6
    for nid in net.param_ids[::7]:
        analytic = doc.value_of(nid).grad
        x0 = doc.nodes[nid].value
        doc.set_value(nid, x0 + h)
        up = doc.value_of(net.loss_id).data
        doc.set_value(nid, x0 - h)
        down = doc.value_of(net.loss_id).data
        doc.set_value(nid, x0)
        assert analytic == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


def test_the_network_follows_the_training(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(40)
    net = training.show_network()  # before any training: the initial weights
    assert net is not None
    start = [net.document.nodes[i].value for i in net.param_ids]
    np.testing.assert_array_equal(start, training.trainer.snapshot().params)
    training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    params = training.trainer.snapshot().params
    doc = net.document
    np.testing.assert_array_equal([doc.nodes[i].value for i in net.param_ids], params)
    assert training.sync.updates >= 1
    sample = training.trainer.dataset.X[net.sample]
    assert doc.value_of(net.score_id).data == pytest.approx(
        training.trainer.predict(sample[None, :])[0], rel=1e-12, abs=1e-12
    )
    assert doc.grads_current


def test_a_network_shown_after_a_finished_run_follows_the_next_run(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(5)
    training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    training.panel.steps.setValue(25)  # new settings: a new trainer for the network
    net = training.show_network()
    assert training.state == "idle" and training.trainer.step_count == 0
    training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    assert training.trainer.step_count == 25
    np.testing.assert_array_equal(
        [net.document.nodes[i].value for i in net.param_ids], training.trainer.snapshot().params
    )


def test_another_document_ends_the_following(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(30)
    net = training.show_network()
    before = [net.document.nodes[i].value for i in net.param_ids]
    training.window.set_document(Document())
    training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    assert [net.document.nodes[i].value for i in net.param_ids] == before
    assert training.sync.updates == 0


def test_unsaved_changes_cancel_keeps_the_document(training, monkeypatch):
    doc = training.window.document
    monkeypatch.setattr(training.window, "maybe_save", lambda: False)
    training.panel.preset.setCurrentText("walkthrough")
    assert training.show_network() is None
    assert training.window.document is doc


def test_large_networks_ask_and_huge_ones_are_refused(training):
    training.panel.preset.setCurrentText("micrograd-demo")  # 2-16-16-1: ~980 nodes
    assert training.show_network() is None
    assert len(training.questions) == 1 and "nodes" in training.questions[0]
    training.panel.hidden.setText("64,64")
    assert training.show_network() is None
    assert len(training.questions) == 1  # not even asked
    assert str(HARD_LIMIT) in training.window.statusBar().currentMessage()
    training.confirm = lambda title, text: True
    training.panel.hidden.setText("16,16")
    net = training.show_network()
    assert net is not None and SOFT_LIMIT < len(net.document.nodes) <= HARD_LIMIT


def test_apply_params_refuses_non_finite():
    trainer = Trainer(preset("walkthrough"))
    net = build_network_document(trainer, 0)
    params = trainer.snapshot().params
    bad = params.copy()
    bad[3] = np.nan
    assert not apply_params(net, bad)
    assert [net.document.nodes[i].value for i in net.param_ids] == params.tolist()


CONFIGS = st.builds(
    lambda dataset, hidden, activation, loss, seed: TrainConfig(
        dataset=dataset,
        samples=8,
        hidden=hidden,
        activation=activation,
        loss=loss,
        lr=0.01,
        seed=seed,
    ),
    st.sampled_from(["walkthrough", "xor", "moons"]),
    st.lists(st.integers(2, 3), max_size=2).map(tuple),
    st.sampled_from(["relu", "tanh", "linear"]),
    st.sampled_from(["hinge", "mse", "mse-sum"]),
    st.integers(0, 2**16),
)


@settings(max_examples=examples(25))
@given(cfg=CONFIGS, sample=st.integers(0, 3), steps=st.integers(0, 3))
def test_network_document_matches_any_small_mlp(cfg, sample, steps):
    trainer = Trainer(cfg)
    trainer.run(steps)
    net = build_network_document(trainer, sample, use_dot=False)
    doc = net.document
    assert len(doc.nodes) == node_count(
        trainer.dataset.n_inputs, cfg.hidden, cfg.activation, cfg.final_activation, cfg.loss
    )
    x, y = trainer.dataset.X[sample], trainer.dataset.y[sample]
    score = doc.value_of(net.score_id).data
    assert score == pytest.approx(trainer.predict(x[None, :])[0], rel=1e-9, abs=1e-12)
    assert doc.value_of(net.loss_id).data == pytest.approx(
        sample_loss(cfg.loss, score, y), rel=1e-12, abs=1e-12
    )


@given(st.lists(st.integers(2, 256), max_size=8))
def test_parse_hidden_round_trips(widths):
    text = ", ".join(map(str, widths))
    assert parse_hidden(text) == tuple(widths)
    assert parse_hidden(text.replace(" ", "")) == tuple(widths)


@pytest.mark.parametrize(
    "text", ["16,,16", "a", "16;16", "0", "1", "4,1", "257", "-1", "2,2,2,2,2,2,2,2,2"]
)
def test_parse_hidden_refuses(text):
    with pytest.raises(ConfigError):
        parse_hidden(text)


def test_neurons_and_constants_carry_names():
    trainer = Trainer(preset("micrograd-demo", hidden=(3, 2)))
    net = build_network_document(trainer, 4)
    labels = {n.label for n in net.document.nodes.values()}
    assert {"L1.N1", "L1.N3", "L2.N2", "score", "loss of sample 4", "1", "-y", "x1", "x2"} <= labels
    walk = build_network_document(Trainer(preset("walkthrough")), 0)
    assert "y" in {n.label for n in walk.document.nodes.values()}
