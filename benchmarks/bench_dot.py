"""How long Graphviz's ``dot`` takes on big documents: the numbers behind ``DOT_NODE_LIMIT``.

Prints, for chains and binary trees of N document nodes, the seconds ``dot`` needs for the
``render`` picture (records plus op nodes, SVG) and for the auto-arrange layout (boxes, JSON).
Runs over ``--timeout`` seconds are killed and shown as ``>T``.

    .venv/bin/python benchmarks/bench_dot.py --sizes 1000 2000 5000 10000 20000 --timeout 60
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time

from mgstudio.document import Document
from mgstudio.document.graphviz_io import graph_of, to_dot
from mgstudio.document.nodes import Node, Wire


def chain(n: int) -> Document:
    nodes = [Node("n0", "input", "x", 0.5, {}, (0.0, 0.0))]
    wires = []
    for i in range(1, n):
        nodes.append(Node(f"n{i}", "tanh", "", None, {}, (0.0, 0.0)))
        wires.append(Wire(f"n{i - 1}", f"n{i}", "a"))
    doc = Document()
    doc.add_subgraph(nodes, wires)
    return doc


def tree(n: int) -> Document:
    """A balanced binary tree of adds over leaves: about n nodes."""
    leaves = (n + 1) // 2
    nodes = [Node(f"n{i}", "input", f"x{i}", 0.1, {}, (0.0, 0.0)) for i in range(leaves)]
    wires = []
    level = [f"n{i}" for i in range(leaves)]
    k = leaves
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            nid = f"n{k}"
            k += 1
            nodes.append(Node(nid, "add", "", None, {}, (0.0, 0.0)))
            wires += [Wire(level[j], nid, "a"), Wire(level[j + 1], nid, "b")]
            nxt.append(nid)
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    doc = Document()
    doc.add_subgraph(nodes, wires)
    return doc


def layout_source(doc) -> str:
    from mgstudio.document.graphviz_io import _layout_graph

    ids, edges = graph_of(doc)
    return _layout_graph(ids, edges)[0].source


def time_dot(source: str, fmt: str, timeout: float) -> str:
    start = time.perf_counter()
    try:
        subprocess.run(
            [shutil.which("dot"), f"-T{fmt}"],
            input=source.encode(),
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return f">{timeout:g}"
    return f"{time.perf_counter() - start:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000, 20000])
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    print(f"{'graph':<6} {'nodes':>6} {'render svg s':>13} {'layout json s':>14}")
    for name, make in (("chain", chain), ("tree", tree)):
        for n in args.sizes:
            doc = make(n)
            render = time_dot(to_dot(doc), "svg", args.timeout)
            layout = time_dot(layout_source(doc), "json", args.timeout)
            print(f"{name:<6} {len(doc.nodes):>6} {render:>13} {layout:>14}", flush=True)


if __name__ == "__main__":
    main()
