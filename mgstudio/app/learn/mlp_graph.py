"""The lecture's network drawn as a graph: MLP(3, [4, 4, 1]) of tanh neurons on the first of
the four samples, ending in that sample's squared error, grouped (neurons in layers in the
mlp) and laid out in columns like the training pane's network: the same Qt-free builder
(``training.network_doc.model_document``) makes both."""

from __future__ import annotations

import random

from mgstudio.document import Document
from mgstudio.engine import MLP

SAMPLE = (2.0, 3.0, -1.0)
TARGET = 1.0
SIZES = (3, 4, 4, 1)
SEED = 1337


def lecture_mlp(sizes: tuple[int, ...] = SIZES, seed: int = SEED) -> MLP:
    """The tanh MLP with the lesson's parameters: for each neuron in order, its weights then
    its bias drawn from ``random.Random(seed).uniform(-1, 1)`` and rounded to 4 places (short
    numbers a learner can read; biases are not 0, unlike micrograd's start)."""
    rng = random.Random(seed)
    model = MLP(sizes[0], list(sizes[1:]), activation="tanh")
    for layer in model.layers:
        for neuron in layer.neurons:
            for p in [*neuron.w, neuron.b]:
                p.data = round(rng.uniform(-1, 1), 4)
    return model


def mlp_document() -> Document:
    """A new Document holding the network and its loss; the loss is the selected output."""
    from mgstudio.training.network_doc import model_document

    net = model_document(lecture_mlp(), SAMPLE, TARGET, "mse-sum", loss_label="loss")
    net.document.set_selected_output(net.loss_id)
    return net.document
