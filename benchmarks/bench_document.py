"""Document timings: load + bind + evaluate + backward of a 5,000-node document, and the
in-place re-evaluation after one leaf change in a 1,000-node document (budget: one frame,
16 ms).

    .venv/bin/python benchmarks/bench_document.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from mgstudio.document import Document

FRAME_MS = 16.0


def chain_document(n: int, seed: int = 0) -> Document:
    """n nodes, each op reading the previous node and a random earlier one: everything lies
    downstream of the first leaf, the worst case for a leaf change."""
    rnd = random.Random(seed)
    doc = Document()
    ids = [doc.add_node("input", label="x0", value=0.5)]
    n_leaves = n // 5
    for i in range(1, n_leaves):
        ids.append(
            doc.add_node("input", label=f"x{i}", value=rnd.uniform(-1, 1), pos=(0.0, 60.0 * i))
        )
    prev = ids[0]
    with doc.batch():
        for i in range(n - n_leaves):
            kind = rnd.choice(("add", "mul", "sub", "tanh", "tanh", "sigmoid"))
            nid = doc.add_node(kind, pos=(200.0 + 10.0 * i, 0.0))
            doc.connect(prev, nid, "a")
            if kind in ("add", "mul", "sub"):
                doc.connect(rnd.choice(ids), nid, "b")
            ids.append(nid)
            prev = nid
    return doc


def best_of(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3, statistics.median(times) * 1e3


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.mgs"
        chain_document(5000).save(path)
        size = path.stat().st_size
        state = {}

        def load():
            state["doc"] = Document.load(path)

        def backward():
            state["doc"].backward()

        def both():
            Document.load(path).backward()

        load_ms, load_med = best_of(load, 5)
        back_ms, back_med = best_of(backward, 5)
        total_ms, total_med = best_of(both, 5)
        print(
            f"5,000-node document ({size / 1e3:.0f} kB): load+bind+evaluate "
            f"{load_ms:.1f} ms (median {load_med:.1f}), backward {back_ms:.1f} ms "
            f"(median {back_med:.1f}), together {total_ms:.1f} ms (median {total_med:.1f})"
        )

        t0 = time.perf_counter()
        state["doc"].save(path)
        print(f"5,000-node document: save {1e3 * (time.perf_counter() - t0):.1f} ms")

    doc = chain_document(1000)
    leaf = next(iter(doc.nodes))
    doc.events.values_changed.connect(lambda ids: None)  # as the canvas would
    doc.set_value(leaf, 0.25)  # warm the cached topological order
    values = iter([0.1 * (i % 7) for i in range(10_000)])
    ms, med = best_of(lambda: doc.set_value(leaf, next(values)), 200)
    downstream = len(doc.downstream_ids(leaf))
    print(
        f"1,000-node document: one leaf change re-evaluates {downstream} nodes in place in "
        f"{ms:.3f} ms (median {med:.3f}; budget {FRAME_MS:.0f} ms, "
        f"{'within' if med < FRAME_MS else 'OVER'} budget)"
    )

    w = doc.inputs_of(list(doc.nodes)[-500])["a"]

    def rewire():
        doc.disconnect(w)
        doc.connect(w.src, w.dst, w.port)

    ms, med = best_of(rewire, 50)
    print(
        f"1,000-node document: disconnect + reconnect mid-chain (rebinds ~500 nodes twice) "
        f"{ms:.2f} ms (median {med:.2f})"
    )


if __name__ == "__main__":
    main()
