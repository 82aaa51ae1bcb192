"""One frame of neuron heatmaps for micrograd's demo MLP(2, [16, 16, 1]) on moons: the 33
neuron groups' outputs over a 64x64 grid of the input plane (the tape: the document's graph
compiled once, one batched forward) and their conversion to QImages, against the goal
"under 50 ms per frame"; and the same maps by plain per-point scalar Value evaluation
(each grid point set into x1, x2 and the graph re-evaluated in place), as the baseline.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_heatmaps.py [--runs 21] [--train-steps 100]
        [--save /work/shots/s5/heat]   # a few neurons' pictures and all 33 side by side
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # helpers.neuron_groups: the groups, until A's land
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers.neuron_groups import grouped_network, network_of  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402

from mgstudio.app.training.heatmaps import GRID_SIZE, render  # noqa: E402
from mgstudio.engine import recompute, topological_order  # noqa: E402
from mgstudio.training.neuron_maps import NeuronMaps, grid_over  # noqa: E402

GOAL_MS = 50.0


def frame_ms(maps: NeuronMaps, net, grid, runs: int) -> tuple[float, float, float, dict]:
    """Median ms of prepare (GUI thread), the forward over the grid, and the images."""
    prep, fwd, img = [], [], []
    pictures: dict = {}
    for _ in range(runs):
        t0 = time.perf_counter()
        frame = maps.prepare(net.document, net.input_ids)
        t1 = time.perf_counter()
        values = maps.run(frame, grid)
        t2 = time.perf_counter()
        pictures = render(values, frame)
        t3 = time.perf_counter()
        prep.append(t1 - t0)
        fwd.append(t2 - t1)
        img.append(t3 - t2)
    med = [statistics.median(x) * 1e3 for x in (prep, fwd, img)]
    return med[0], med[1], med[2], {"values": values, "pictures": pictures, "frame": frame}


def scalar_maps(net, frame, grid) -> tuple[float, np.ndarray]:
    """The baseline: every grid point through the document's own Values, one at a time."""
    x1, x2 = frame.inputs
    outs = list(frame.outputs)
    order = [v for v in topological_order(outs) if v._a is not None]
    saved = x1.data, x2.data
    Y = np.empty((grid.points.shape[0], len(outs)))
    t0 = time.perf_counter()
    try:
        for i, (a, b) in enumerate(grid.points.tolist()):
            x1.data, x2.data = a, b
            recompute(order)
            Y[i] = [v.data for v in outs]
    finally:
        x1.data, x2.data = saved
        recompute(order)
    return (time.perf_counter() - t0) * 1e3, Y


def save(pictures: dict, net, prefix: str) -> list[str]:
    """A few neurons' pictures (scaled up 4x) and all of them in one row per layer."""
    doc = net.document
    labels = {gid: doc.groups.get(gid).label for gid in pictures}
    written = []
    for gid in list(pictures)[:2] + list(pictures)[16:17] + list(pictures)[-1:]:
        path = f"{prefix}-{labels[gid].replace('.', '_')}.png"
        pictures[gid].scaled(256, 256).save(path)
        written.append(path)
    cell, gap = 2 * GRID_SIZE, 8
    rows = [[g for g in pictures if labels[g].startswith(f"L{i}.")] for i in (1, 2, 3)]
    sheet = QImage(16 * (cell + gap) + gap, 3 * (cell + gap) + gap, QImage.Format.Format_RGB32)
    sheet.fill(0x404040)
    painter = QPainter(sheet)
    for r, gids in enumerate(rows):
        for c, gid in enumerate(gids):
            painter.drawImage(
                gap + c * (cell + gap), gap + r * (cell + gap), pictures[gid].scaled(cell, cell)
            )
    painter.end()
    path = f"{prefix}-all.png"
    sheet.save(path)
    written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21, help="frames timed (the median is shown)")
    ap.add_argument("--train-steps", type=int, default=100, help="SGD steps before the maps")
    ap.add_argument("--activation", default="relu", help="the hidden layers' (relu, tanh, ...)")
    ap.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--save", metavar="PREFIX", help="write PREFIX-<neuron>.png and PREFIX-all.png")
    args = ap.parse_args()
    _app = QGuiApplication.instance() or QGuiApplication([])

    trainer, net, _ = grouped_network(activation=args.activation)
    if args.train_steps:
        trainer.run(args.train_steps)
        net, _ = network_of(trainer)  # the trained weights
    grid = grid_over(trainer.dataset.X, size=GRID_SIZE)
    maps = NeuronMaps()
    t0 = time.perf_counter()
    maps.run(maps.prepare(net.document, net.input_ids), grid)
    first = (time.perf_counter() - t0) * 1e3
    prep, fwd, img, last = frame_ms(maps, net, grid, args.runs)
    total = prep + fwd + img
    n = len(last["frame"].groups)
    print(
        f"MLP(2, [16, 16, 1]) {args.activation} on moons, {len(net.document.nodes)} nodes, "
        f"{n} neurons, {grid.rows}x{grid.cols} grid, {args.train_steps} steps trained"
    )
    print(f"first frame (compile + forward): {first:.1f} ms")
    print(f"compiles in {args.runs + 1} frames: {maps.compiles}")
    print(
        f"heatmap frame, median of {args.runs}: {total:.2f} ms "
        f"(prepare {prep:.2f} + forward {fwd:.2f} + images {img:.2f}); "
        f"goal < {GOAL_MS:.0f} ms: {'met' if total < GOAL_MS else 'MISSED'}"
    )
    if args.baseline:
        scalar, Y = scalar_maps(net, last["frame"], grid)
        tape = np.column_stack([last["values"][g].ravel() for g in last["frame"].groups])
        same = np.allclose(Y, tape, rtol=1e-9, atol=1e-12)
        print(
            f"scalar Values, point by point: {scalar:.0f} ms for the same maps "
            f"({'equal' if same else 'DIFFERENT'}); tape frame {scalar / total:.0f}x faster"
        )
    if args.save:
        for path in save(last["pictures"], net, args.save):
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
