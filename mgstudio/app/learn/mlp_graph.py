"""The lecture's network drawn as a graph: MLP(3, [4, 4, 1]) of tanh neurons on the first of
the four samples, ending in that sample's squared error. Built through the code importer from
generated micrograd-style source, so the canvas holds exactly the graph that code builds."""

from __future__ import annotations

import random

SAMPLE = (2.0, 3.0, -1.0)
TARGET = 1.0
SIZES = (3, 4, 4, 1)
SEED = 1337


def mlp_source(sample=SAMPLE, target=TARGET, sizes=SIZES, seed=SEED) -> str:
    """micrograd code for one forward pass and its loss (weights from a fixed seed)."""
    rng = random.Random(seed)
    lines = [f"x{i + 1} = Value({x!r}, label='x{i + 1}')" for i, x in enumerate(sample)]
    prev = [f"x{i + 1}" for i in range(len(sample))]
    for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:]), start=1):
        outs = []
        for j in range(1, nout + 1):
            terms = []
            for i in range(1, nin + 1):
                w = f"w{layer}_{j}_{i}"
                lines.append(f"{w} = Value({round(rng.uniform(-1, 1), 4)!r}, label='{w}')")
                terms.append(f"{w}*{prev[i - 1]}")
            b = f"b{layer}_{j}"
            lines.append(f"{b} = Value({round(rng.uniform(-1, 1), 4)!r}, label='{b}')")
            h = f"h{layer}_{j}" if layer < len(sizes) - 1 else "ypred"
            lines.append(f"{h} = ({' + '.join(terms)} + {b}).tanh()")
            outs.append(h)
        prev = outs
    lines.append(f"loss = (ypred - {target!r})**2")
    return "\n".join(lines) + "\n"


def mlp_document():
    """A new Document holding the network and its loss; the loss is the selected output."""
    from mgstudio.document.code_import import import_code

    # layered, not dot: this runs on the GUI thread; the lesson arranges it in the background
    return import_code(mlp_source(), layout="layered")
