"""The gradient check's cost: a full re-evaluation per nudge (leaves x nodes) against
re-evaluating only each leaf's downstream cone, on the same graphs, from one run.

Graphs: a "ladder" (a new leaf joins a tanh chain at every step: a leaf's cone is everything
after it, a third of the graph on average), a "net" (layers of neurons: x_i*w_i summed, tanh;
the lecture's MLP: early weights reach nearly everything) and "wide" (a balanced sum of small
independent terms, like a loss over samples: small cones). All report identical rows (checked).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_gradcheck.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import random
import time

from mgstudio.engine import Value, gradcheck


def ladder(n_nodes: int) -> Value:
    steps = max(1, n_nodes // 3)
    v = Value(0.1, label="a0")
    for i in range(1, steps):
        v = (v + Value(0.01 * i, label=f"a{i}")).tanh()
    return v


def net(n_nodes: int, width: int = 8) -> Value:
    """Layers of `width` neurons, each over the previous layer; a sum at the end."""
    rng = random.Random(0)
    layer = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(width)]
    count = width
    while count < n_nodes:
        nxt = []
        for _ in range(width):
            s = Value(rng.uniform(-1, 1), label="b")
            for x in layer:
                s = s + x * Value(rng.uniform(-0.5, 0.5), label="w")
            nxt.append(s.tanh())
        count += width * (3 * len(layer) + 2)
        layer = nxt
    out = layer[0]
    for v in layer[1:]:
        out = out + v
    return out


def wide(n_nodes: int) -> Value:
    """A sum of many small independent terms (tanh(x*w + b) per term): the shape of a loss
    summed over samples, where a leaf's cone is its term and the sums after it."""
    rng = random.Random(1)
    terms = []
    for _ in range(max(1, n_nodes // 7)):
        x, w, b = (Value(rng.uniform(-1, 1), label=k) for k in "xwb")
        terms.append((x * w + b).tanh())
    # a balanced sum: each term reaches the output through log2(terms) adds
    while len(terms) > 1:
        terms = [
            terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i]
            for i in range(0, len(terms), 2)
        ]
    return terms[0]


def timed(out: Value, cone: bool):
    start = time.perf_counter()
    report = gradcheck(out, cone=cone)
    return time.perf_counter() - start, report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = ap.parse_args()
    print(f"{'graph':<7} {'nodes':>7} {'leaves':>7} {'full s':>8} {'cone s':>8} {'ratio':>7}")
    for name, make in (("ladder", ladder), ("net", net), ("wide", wide)):
        for n in args.sizes:
            out = make(n)
            nodes = len(out.topological_order())
            full, a = timed(out, cone=False)
            cone, b = timed(out, cone=True)
            same = [(r.analytic, r.numeric) for r in a.rows] == [
                (r.analytic, r.numeric) for r in b.rows
            ]
            assert same, "the cone check differs from the full re-evaluation"
            print(
                f"{name:<7} {nodes:>7} {len(a.rows):>7} {full:>8.2f} {cone:>8.2f} "
                f"{full / cone:>6.1f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
