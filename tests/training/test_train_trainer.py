"""The Trainer: micrograd's demo numbers, the lecture's walkthrough, tape == scalar, the
zero_grad bug, divergence, and the worker-thread API."""

import math
import random
import threading

import numpy as np
import pytest

from mgstudio.engine import MLP
from mgstudio.training import (
    ConfigError,
    Dataset,
    TrainConfig,
    Trainer,
    TrainingDiverged,
    preset,
)

# micrograd demo.ipynb's printed output (seed 1337, moons(100, 0.1), MLP(2, [16, 16, 1]))
DEMO_STEP0_LOSS = 0.8958441028683222
DEMO_STEP99_LOSS = 0.010978370135492717


def _assert_same_run(a: Trainer, b: Trainer, tol: float) -> None:
    for ra, rb in zip(a.history, b.history, strict=True):
        assert ra["step"] == rb["step"] and ra["lr"] == rb["lr"]
        assert ra["accuracy"] == rb["accuracy"]
        assert ra["loss"] == pytest.approx(rb["loss"], rel=tol, abs=tol)
    np.testing.assert_allclose(a.snapshot().params, b.snapshot().params, rtol=tol, atol=tol)
    np.testing.assert_allclose(a.snapshot().grads, b.snapshot().grads, rtol=tol, atol=tol)


def test_micrograd_demo_preset_reproduces_the_notebook():
    t = Trainer(preset("micrograd-demo", engine="tape"))
    history = t.run()
    assert len(history) == 100 and t.done
    assert history[0]["loss"] == pytest.approx(DEMO_STEP0_LOSS, abs=1e-12)
    assert history[0]["accuracy"] == 0.5
    assert history[99]["loss"] == pytest.approx(DEMO_STEP99_LOSS, abs=1e-6)
    assert history[99]["accuracy"] == 1.0
    assert [r["lr"] for r in history] == [1.0 - 0.9 * k / 100 for k in range(100)]


def test_scalar_engine_matches_the_notebook_bit_for_bit_at_the_start():
    t = Trainer(preset("micrograd-demo", engine="scalar"))
    assert t.step()["loss"] == DEMO_STEP0_LOSS


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"zero_grad": False, "lr": 0.05},
        {"batch_size": 17, "loss": "mse", "l2": 0.0, "lr": 0.1},
        {"activation": "tanh", "loss": "mse-sum", "lr": 0.01, "hidden": (5, 3)},
        {"activation": "linear", "hidden": (4,), "lr": 0.01},
    ],
)
def test_tape_equals_scalar_for_a_few_steps(changes):
    cfg = preset("micrograd-demo", samples=30, steps=4, **changes)
    tape = Trainer(cfg.replace(engine="tape"))
    scalar = Trainer(cfg.replace(engine="scalar"))
    tape.run()
    scalar.run()
    _assert_same_run(tape, scalar, 1e-9)


def test_walkthrough_preset_learns_the_four_targets():
    t = Trainer(preset("walkthrough"))
    losses = [r["loss"] for r in t.run()]
    assert len(losses) == 20
    assert losses[-1] < losses[0] / 10
    assert all(b <= a for a, b in zip(losses[1:], losses[2:]))  # falls after the first step
    model = t.model
    for x, target in zip(t.dataset.X, t.dataset.y):
        assert model(list(x)).data == pytest.approx(target, abs=0.2)
    np.testing.assert_allclose(
        t.predict(t.dataset.X), [model(list(x)).data for x in t.dataset.X], atol=1e-12
    )


def test_walkthrough_model_is_the_lectures_tanh_mlp():
    t = Trainer(preset("walkthrough"))
    m = t.model
    assert [len(layer.neurons) for layer in m.layers] == [4, 4, 1]
    assert all(n.activation == "tanh" for layer in m.layers for n in layer.neurons)
    assert len(m.parameters()) == 41  # "the neural network in the current example has 41"


def test_without_zero_grad_the_trajectory_changes():
    # steps 0 and 1 agree (grads start at zero), then the accumulated grads take bigger steps
    on = Trainer(preset("walkthrough"))
    off = Trainer(preset("walkthrough", zero_grad=False))
    a, b = on.run(), off.run()
    assert a[0]["loss"] == b[0]["loss"] and a[1]["loss"] == pytest.approx(b[1]["loss"])
    assert any(abs(x["loss"] - y["loss"]) > 1e-3 for x, y in zip(a[2:], b[2:]))
    # after two steps the accumulated gradient is the sum of the two fresh ones
    on, off = Trainer(preset("walkthrough")), Trainer(preset("walkthrough", zero_grad=False))
    on.step()
    off.step()
    g0 = on.snapshot().grads
    np.testing.assert_array_equal(off.snapshot().grads, g0)
    on.step()
    off.step()
    np.testing.assert_allclose(off.snapshot().grads, g0 + on.snapshot().grads, atol=1e-12)


def test_zero_grad_off_matches_micrograd_semantics_on_both_engines():
    cfg = preset("walkthrough", zero_grad=False, steps=6)
    a, b = Trainer(cfg.replace(engine="tape")), Trainer(cfg.replace(engine="scalar"))
    a.run()
    b.run()
    _assert_same_run(a, b, 1e-9)


def test_divergence_stops_the_run_with_advice():
    t = Trainer(preset("micrograd-demo", lr=50.0, lr_final=None))
    seen = []
    with pytest.raises(TrainingDiverged, match="smaller learning rate") as info:
        t.run(callback=seen.append)
    assert info.value.step == len(t.history) == len(seen)
    assert all(math.isfinite(r["loss"]) for r in t.history)
    assert t.diverged and "step" in t.diverged
    with pytest.raises(TrainingDiverged):
        t.step()
    t.reset()
    assert t.diverged is None and t.history == [] and t.step_count == 0
    assert t.step()["loss"] == pytest.approx(DEMO_STEP0_LOSS)


@pytest.mark.parametrize("engine", ["tape", "scalar"])
def test_non_finite_loss_is_divergence(engine):
    X = np.array([[1e200, 1e200], [-1e200, 1e200]])
    ds = Dataset("huge", X, np.array([1.0, -1.0]))
    t = Trainer(TrainConfig(hidden=(3,), loss="mse", engine=engine, steps=5), dataset=ds)
    with pytest.raises(TrainingDiverged, match="learning rate"):
        t.run()
    assert t.history == []


def test_run_stops_on_request_and_records_plain_numbers():
    t = Trainer(preset("micrograd-demo"))
    got = t.run(should_stop=lambda: len(t.history) >= 3)
    assert len(got) == 3 and t.step_count == 3
    for r in t.history:
        assert set(r) == {"step", "loss", "accuracy", "lr"}
        assert all(type(v) is (int if k == "step" else float) for k, v in r.items())
    t.run(steps=2, callback=lambda r: t.cancel())
    assert t.step_count == 4
    assert len(t.run()) == 96 and t.done
    assert t.run() == []


def test_cancel_from_another_thread():
    t = Trainer(preset("micrograd-demo", steps=100_000, engine="tape"))
    started = threading.Event()
    worker = threading.Thread(target=t.run, kwargs={"callback": lambda r: started.set()})
    worker.start()
    assert started.wait(30)
    t.cancel()
    worker.join(30)
    assert not worker.is_alive()
    assert 0 < t.step_count < 100_000
    assert [r["step"] for r in t.history] == list(range(t.step_count))
    assert t.records_since(t.step_count - 2) == t.history[-2:]


def test_reset_replays_the_same_run():
    t = Trainer(preset("micrograd-demo", steps=5, batch_size=20))
    first = t.run()
    np.random.seed(0)  # other users of the global RNG must not change the run
    random.seed(0)
    t.reset()
    assert t.run() == first


def test_seed_order_is_micrograds():
    # np.random.seed, random.seed, then the data, then the model's random.uniform draws
    t = Trainer(preset("micrograd-demo"))
    np.random.seed(1337)
    random.seed(1337)
    _ = np.random.normal(size=(100, 2))  # the data draws from numpy, never from random
    model = MLP(2, [16, 16, 1])
    np.testing.assert_array_equal(t.snapshot().params, [p.data for p in model.parameters()])


def test_predict_grid_snapshot_restore_and_model_sync():
    t = Trainer(preset("micrograd-demo", steps=10))
    snap0 = t.snapshot()
    t.run()
    xx, yy = np.meshgrid(np.linspace(-2, 3, 7), np.linspace(-1, 2, 5))
    zz = t.predict_grid(xx, yy)
    assert zz.shape == (5, 7)
    np.testing.assert_allclose(zz.ravel(), t.predict(np.column_stack([xx.ravel(), yy.ravel()])))
    snap = t.snapshot()
    values = t.model.parameters()
    np.testing.assert_array_equal([p.data for p in values], snap.params)
    np.testing.assert_array_equal([p.grad for p in values], snap.grads)
    np.testing.assert_allclose(zz[2, 3], t.model([xx[2, 3], yy[2, 3]]).data, atol=1e-12)
    t.restore(snap0)
    assert t.step_count == 0
    np.testing.assert_array_equal([p.data for p in t.model.parameters()], snap0.params)
    assert len(t.parameter_names()) == len(values) and t.parameter_names()[:2] == [
        "L1.N1.w1",
        "L1.N1.w2",
    ]
    with pytest.raises(ValueError, match="2 inputs"):
        Trainer(preset("walkthrough")).predict_grid(xx, yy)


def test_evaluate_is_the_loss_after_the_last_update():
    t = Trainer(preset("micrograd-demo", steps=3))
    t.run()
    final = t.evaluate()
    assert t.step()["loss"] == pytest.approx(final["loss"], rel=1e-12)


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"hidden": (0,)}, "width"),
        ({"hidden": (4,) * 9}, "hidden layers"),
        ({"lr": -1.0}, "learning rate"),
        ({"lr": float("nan")}, "learning rate"),
        ({"steps": -1}, "steps"),
        ({"batch_size": 0}, "batch size"),
        ({"seed": -3}, "seed"),
        ({"activation": "gelu"}, "activation"),
        ({"loss": "l1"}, "loss"),
        ({"dataset": "blobs"}, "dataset"),
        ({"engine": "gpu"}, "engine"),
        ({"samples": 1}, "samples"),
    ],
)
def test_bad_settings(changes, match):
    with pytest.raises(ConfigError, match=match):
        TrainConfig(**changes)


def test_against_pypi_micrograd_with_minibatches():
    mg_engine = pytest.importorskip("micrograd.engine")
    mg_nn = pytest.importorskip("micrograd.nn")
    from mgstudio.training.datasets import moons

    seed, n, steps, batch = 42, 24, 4, 10
    # micrograd demo.ipynb's loop, with its inline mini-batch DataLoader
    np.random.seed(seed)
    random.seed(seed)
    ds = moons(n, 0.1)
    X, y = ds.X, ds.y.astype(int)
    model = mg_nn.MLP(2, [8, 1])
    expected = []
    for k in range(steps):
        ri = np.random.permutation(X.shape[0])[:batch]
        Xb, yb = X[ri], y[ri]
        inputs = [list(map(mg_engine.Value, row)) for row in Xb]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(yb, scores)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= lr * p.grad
        expected.append(total.data)
    final = [p.data for p in model.parameters()]

    cfg = preset("micrograd-demo", samples=n, hidden=(8,), steps=steps, batch_size=batch, seed=seed)
    for engine, tol in (("scalar", 1e-15), ("tape", 1e-9)):
        t = Trainer(cfg.replace(engine=engine))
        got = [r["loss"] for r in t.run()]
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
        np.testing.assert_allclose(t.snapshot().params, final, rtol=tol, atol=tol)


def test_auto_engine_is_the_tape_and_agrees_with_the_scalar_reference():
    fast = Trainer(preset("walkthrough"))
    assert fast.engine_name == "tape"
    reference = Trainer(preset("walkthrough", engine="scalar"))
    assert reference.engine_name == "scalar"
    assert reference.step()["loss"] == pytest.approx(fast.step()["loss"], rel=1e-12)
