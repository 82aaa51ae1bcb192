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
    training.panel.preset.setCurrentText("micrograd-demo")  # 2-16-16-1: 984 nodes
    training.panel.hidden.setText("20,20")  # 1,468 nodes
    assert training.show_network() is None
    assert len(training.questions) == 1 and "nodes" in training.questions[0]
    training.panel.hidden.setText("64,64")
    assert training.show_network() is None
    assert len(training.questions) == 1  # not even asked
    assert str(HARD_LIMIT) in training.window.statusBar().currentMessage()
    training.confirm = lambda title, text: True
    training.panel.hidden.setText("20,20")
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


# --- following the training at a watchable rate ----------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def weights_of(net):
    return [net.document.nodes[i].value for i in net.param_ids]


def test_the_sync_offers_at_least_ten_updates_a_second():
    """The worker offers weights every 40-60 ms, the frame timer flushes every 20 ms: the
    canvas takes 10 or more a second, never two within SYNC_EVERY, and ends on the newest."""
    from mgstudio.app.training.network_view import SYNC_EVERY, NetworkSync

    trainer = Trainer(preset("walkthrough"))
    net = build_network_document(trainer, 0, use_dot=False)
    clock = FakeClock()
    sync = NetworkSync(net, trainer, lambda doc: True, clock=clock)
    applied = []
    rng = np.random.default_rng(0)
    params = trainer.snapshot().params
    for tick in range(100):  # 2 s of 20 ms frames
        clock.now = tick * 0.02
        if tick % 50 == 0:
            assert not sync.flush()  # nothing offered since the last update
        if tick % 5 in (0, 2):  # offers every 40 to 60 ms
            params = params + rng.normal(scale=1e-3, size=params.shape)
            if sync.offer(trainer, params):
                applied.append(clock.now)
        if sync.flush():
            applied.append(clock.now)
    assert sync.updates == len(applied) >= 20
    assert min(np.diff(applied)) >= SYNC_EVERY - 1e-12
    clock.now += SYNC_EVERY
    sync.flush()  # the last offer waits at most SYNC_EVERY
    np.testing.assert_array_equal(weights_of(net), params)  # the newest
    assert not sync.offer(Trainer(preset("walkthrough")), params)  # another trainer's
    sync.is_shown = lambda doc: False
    assert not sync.offer(trainer, params + 1.0, force=True)  # not on screen: left alone


def test_a_forced_offer_applies_at_once():
    from mgstudio.app.training.network_view import NetworkSync

    trainer = Trainer(preset("walkthrough"))
    net = build_network_document(trainer, 0, use_dot=False)
    sync = NetworkSync(net, trainer, lambda doc: True, clock=lambda: 0.0)  # time stands still
    params = trainer.snapshot().params
    assert sync.offer(trainer, params + 0.5)  # the first is due
    assert not sync.offer(trainer, params + 1.0) and not sync.flush()  # too soon
    assert sync.offer(trainer, params + 2.0, force=True)
    np.testing.assert_array_equal(weights_of(net), params + 2.0)


def frozen_sync(training):
    """The controller's sync with its clock stopped: only forced offers get through."""
    training.sync._clock = lambda: 0.0
    training.sync._last = 0.0


def test_step_while_paused_updates_the_canvas_at_once(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(50)
    net = training.show_network()
    assert training.step()
    qtbot.waitUntil(lambda: training.trainer.step_count == 1 and training.state == "paused")
    qtbot.waitUntil(lambda: weights_of(net) == training.trainer.snapshot().params.tolist())
    frozen_sync(training)  # a rate-limited update would wait for ever now
    for n in (2, 3):
        training.step()
        qtbot.waitUntil(lambda n=n: training.last_snapshot and training.last_snapshot["step"] == n)
        assert weights_of(net) == training.trainer.snapshot().params.tolist()
        assert net.document.grads_current
    assert training.window.document is net.document


def test_reset_puts_the_fresh_weights_into_the_same_document(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(20)
    net = training.show_network()
    start = weights_of(net)
    training.panel.sample.setValue(2)
    training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    assert weights_of(net) != start
    assert training.reset()
    assert training.window.document is net.document and training.sync.net is net
    assert weights_of(net) == start == training.trainer.snapshot().params.tolist()
    assert net.sample == 2 and training.window.undo_stack.count() == 0


def test_a_new_seed_re_syncs_the_weights_in_place(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(5)
    net = training.show_network()
    before = weights_of(net)
    training.panel.seed.setValue(training.panel.seed.value() + 1)  # same graph, new weights
    assert training.step()
    qtbot.waitUntil(lambda: training.state == "paused" and training.trainer.step_count == 1)
    qtbot.waitUntil(lambda: weights_of(net) == training.trainer.snapshot().params.tolist())
    assert training.window.document is net.document and weights_of(net) != before


def test_a_preset_or_shape_change_rebuilds_the_network(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(5)
    old = training.show_network()
    training.panel.hidden.setText("3,3")  # another shape: a new document of the new model
    assert training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    net = training.sync.net
    assert net is not old and training.window.document is net.document
    assert len(net.document.nodes) == node_count(3, (3, 3), "tanh", None, "mse-sum")
    assert weights_of(net) == training.trainer.snapshot().params.tolist()
    training.panel.preset.setCurrentText("micrograd-demo")  # another preset, another dataset
    training.panel.hidden.setText("2,2")
    training.panel.sample.setValue(3)
    assert training.train()
    qtbot.waitUntil(lambda: training.state == "finished")
    moons = training.sync.net
    assert moons is not net and training.window.document is moons.document
    assert weights_of(moons) == training.trainer.snapshot().params.tolist()
    x = training.trainer.dataset.X[moons.sample]
    assert [moons.document.nodes[i].value for i in moons.input_ids] == x.tolist()


def test_new_data_of_the_same_shape_is_traced_in_the_same_document(qtbot, training):
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.hidden.setText("2,2")
    training.panel.steps.setValue(3)
    net = training.show_network()
    training.panel.sample.setValue(4)
    training.panel.noise.setValue(0.3)  # other moons: the same graph, other numbers
    assert training.step()
    qtbot.waitUntil(lambda: training.state == "paused" and training.trainer.step_count == 1)
    assert training.window.document is net.document
    x = training.trainer.dataset.X[4]
    assert [net.document.nodes[i].value for i in net.input_ids] == x.tolist()


def test_pausing_shows_the_step_it_stopped_at(qtbot, training):
    """Flat out, most steps go by unreported; the one a pause stops at is reported, so the
    canvas, the plots and the progress show where training stands."""
    training.panel.preset.setCurrentText("walkthrough")
    training.panel.steps.setValue(100_000)
    net = training.show_network()
    training.train()
    qtbot.waitUntil(lambda: training.trainer.step_count > 50)
    training.pause()
    qtbot.waitUntil(
        lambda: (
            training.last_snapshot is not None
            and training.last_snapshot["step"] == training.trainer.step_count
        )
    )
    assert weights_of(net) == training.trainer.snapshot().params.tolist()
    assert training.progress_bar.value() == training.trainer.step_count
    assert training.last_snapshot["predictions"] is not None  # the table too
    assert f"canvas: sample {net.sample}" in training.window.statusBar().currentMessage()


def test_reset_after_a_preset_change_shows_the_new_network(qtbot, training):
    training.panel.preset.setCurrentText("walkthrough")
    old = training.show_network()
    training.panel.preset.setCurrentText("micrograd-demo")
    training.panel.hidden.setText("2,2")
    assert "network on the canvas follows" in training.window.statusBar().currentMessage()
    assert training.window.document is old.document  # nothing rebuilt on each keystroke
    assert training.reset()
    net = training.sync.net
    assert net is not old and training.window.document is net.document
    assert len(net.document.nodes) == node_count(2, (2, 2), "relu", None, "hinge")
    assert weights_of(net) == training.trainer.snapshot().params.tolist()
