"""An MLP as a canvas document: same number, same gradients, trained values synced in."""

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.engine import MLP, Value
from mgstudio.training import Trainer, preset
from mgstudio.training.network_doc import network_document, sync_document

coords = st.floats(-3, 3, allow_nan=False)


@given(x=st.tuples(coords, coords, coords), seed=st.integers(0, 2**16),
       activation=st.sampled_from(["tanh", "relu", "linear"]))
def test_document_computes_the_model_and_its_gradients(x, seed, activation):
    random.seed(seed)
    model = MLP(3, [4, 3, 1], activation=activation)
    doc, ids = network_document(model, x)
    [out] = doc.output_ids()
    inputs = [Value(v) for v in x]
    y = model(inputs)
    assert doc.value_of(out).data == y.data  # same operations in the same order
    model.zero_grad()
    y.backward()
    doc.backward(out)
    got = [doc.value_of(nid).grad for nid in ids.values()]
    np.testing.assert_allclose(got, [p.grad for p in model.parameters()], rtol=1e-12,
                               atol=1e-15)
    assert doc.node(out).label == "L3.N1.out"


def test_names_follow_the_trainer_and_sync_puts_trained_values_in():
    t = Trainer(preset("walkthrough"))
    x = t.dataset.X[2].tolist()
    doc, ids = network_document(t.model, x)
    assert list(ids) == t.parameter_names()
    [out] = doc.output_ids()
    before = doc.value_of(out).data
    t.run()
    changed = []
    doc.events.values_changed.connect(changed.append)
    sync_document(doc, ids, t.snapshot().params)
    assert len(changed) == 1  # one batch for the canvas
    assert doc.value_of(out).data == pytest.approx(t.predict(np.array([x]))[0], abs=1e-12)
    assert doc.value_of(out).data != before
    assert doc.value_of(out).data == pytest.approx(t.dataset.y[2], abs=0.2)


def test_limits():
    random.seed(0)
    with pytest.raises(ValueError, match="at most"):
        network_document(MLP(2, [16, 16, 16, 1]), [0.0, 0.0])
    with pytest.raises(ValueError, match="takes 2"):
        network_document(MLP(2, [2, 1]), [1.0])
    doc, ids = network_document(MLP(2, [2, 1]), [1.0, 2.0])
    with pytest.raises(ValueError, match="parameter nodes"):
        sync_document(doc, ids, [0.0])
