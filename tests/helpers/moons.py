"""The two moons of micrograd's demo.ipynb (sklearn's ``make_moons(n_samples=100,
noise=0.1)``), computed with plain maths so the test fixture holds its data as literal lists:
a half circle and a shifted, flipped half circle, gaussian noise, shuffled, labels -1/1.

``demo_program()`` is the text of tests/fixtures/programs/demo_step.py; a test checks the
committed file still equals it (``python -m tests.helpers.moons`` rewrites it)."""

from __future__ import annotations

import math
import random
from pathlib import Path

FIXTURE = Path(__file__).parent.parent / "fixtures" / "programs" / "demo_step.py"


def moons(n: int = 100, noise: float = 0.1, seed: int = 7) -> tuple[list[list[float]], list[int]]:
    rng = random.Random(seed)
    outer, inner = n // 2, n - n // 2
    points: list[tuple[float, float, int]] = []
    for i in range(outer):
        t = math.pi * i / (outer - 1)
        points.append((math.cos(t), math.sin(t), -1))
    for i in range(inner):
        t = math.pi * i / (inner - 1)
        points.append((1 - math.cos(t), 1 - math.sin(t) - 0.5, 1))
    rng.shuffle(points)
    # six decimals: short literals, and the program's numbers are exactly these floats
    xs = [
        [round(px + rng.gauss(0, noise), 6), round(py + rng.gauss(0, noise), 6)]
        for px, py, _ in points
    ]
    return xs, [label for _, _, label in points]


_HEAD = """\
# one optimisation step of micrograd's demo.ipynb: an MLP(2, [16, 16, 1]) on the two moons,
# the SVM max-margin loss with L2 regularisation, zero_grad, backward and an SGD update
import random

from micrograd.engine import Value
from micrograd.nn import MLP

random.seed(1337)

# make_moons(n_samples=100, noise=0.1), labels as -1/1 (tests/helpers/moons.py made them)
"""

_TAIL = """
model = MLP(2, [16, 16, 1])  # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))


def loss(batch_size=None):
    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        Xb, yb = X[:batch_size], y[:batch_size]
    inputs = [[Value(x) for x in xrow] for xrow in Xb]

    # forward the model to get scores
    scores = [model(x) for x in inputs]

    # svm "max-margin" loss
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


for k in range(1):
    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad

    if k % 1 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
"""


def demo_program() -> str:
    xs, labels = moons()
    rows = "".join(f"    [{a!r}, {b!r}],\n" for a, b in xs)
    ys = ", ".join(str(v) for v in labels)
    return f"{_HEAD}X = [\n{rows}]\ny = [{ys}]\n{_TAIL}"


if __name__ == "__main__":
    FIXTURE.write_text(demo_program())
