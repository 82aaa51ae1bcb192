"""Groups at the sizes of issue #14: what a learner waits for with networks and big graphs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_groups.py

1. micrograd's demo network MLP(2, [16, 16, 1]) (``training.network_doc``, one sample, ~984
   nodes) opened in the window with its groups collapsed, until the first paint (goal < 1 s).
2. The demo's full-batch loss graph (``training.loss_graph``: 65,818 nodes, a group per sample
   and per neuron, samples collapsed): building the document, a save + load round trip, and
   opening it in the window until the first paint (goal < 3 s); then panning: the median
   frame (scroll, then a synchronous repaint of the canvas) against the same pan over
   today's 5,000-node file (bench_gui's grid), as a ratio (goal: about 1).
3. A leaf edit (a weight) inside a collapsed neuron of the demo network: from the push until
   the canvas has repainted, against the same edit with the neuron expanded (goal: the same
   16 ms budget).

What the canvas does with a collapsed group is the canvas's: before it draws groups every
node is drawn as before, and these numbers measure that; after, the same script measures
the blocks. It prints which of the two it saw ("groups drawn: yes/no").
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_gui import PaintCounter, _window, grid_document  # noqa: E402

PAN_FRAMES = 60
LOSS_PAN_FRAMES = 20  # (a frame took seconds before the canvas drew groups)
PAN_STEP = 24  # viewport pixels per frame: a brisk drag
EDITS = 21


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


def groups_drawn() -> bool:
    """Whether this checkout's canvas draws groups (the group items module exists)."""
    import importlib.util

    return importlib.util.find_spec("mgstudio.app.canvas.group_items") is not None


def _first_paint(app, window) -> None:
    window.repaint()
    app.processEvents()


def _close(app, window) -> None:
    window.undo_stack.setClean()
    window.close()
    window.deleteLater()
    app.processEvents()


def demo_network():
    """The demo network document on sample 0 (with whatever groups ``network_doc`` makes)."""
    from mgstudio.training.network_doc import build_network_document
    from mgstudio.training.presets import preset
    from mgstudio.training.trainer import Trainer

    return build_network_document(Trainer(preset("micrograd-demo")), 0)


def collapse(doc, kinds=("neuron",), flag: bool = True) -> int:
    """Collapse (or expand) every group of these kinds; how many there are."""
    gids = [g.id for g in doc.groups if g.kind in kinds]
    with doc.batch():
        for gid in gids:
            doc.set_group_collapsed(gid, flag)
    return len(gids)


# --- 1. the demo network, opened collapsed --------------------------------------------------
def bench_network_open(app, tmp: str) -> None:
    t0 = time.perf_counter()
    net = demo_network()
    build = time.perf_counter() - t0
    doc = net.document
    n_collapsed = collapse(doc)
    path = Path(tmp) / "network.mgs"
    doc.save(path)
    times, sets = [], []
    for _ in range(3):
        window = _window(app, tmp)
        t0 = time.perf_counter()
        assert window.open_file(path, ask=False)
        sets.append(time.perf_counter() - t0)
        _first_paint(app, window)
        times.append(time.perf_counter() - t0)
        _close(app, window)
    print(
        f"demo network MLP(2, [16, 16, 1]) ({len(doc.nodes)} nodes, {len(doc.groups)} groups, "
        f"{n_collapsed} neurons collapsed): open in the window until painted "
        f"{_ms(statistics.median(times))} median of 3 (goal < 1000 ms); open_file alone "
        f"{_ms(statistics.median(sets))}; building the document (network_doc) {_ms(build)}"
    )


# --- 2. the 65,818-node loss graph --------------------------------------------------------
def bench_loss_graph(app, tmp: str) -> None:
    from mgstudio.document import Document
    from mgstudio.training.loss_graph import build_loss_graph

    builds = []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        lg = build_loss_graph()
        builds.append((time.perf_counter() - t0, time.process_time() - c0))
    doc = lg.document
    path = Path(tmp) / "loss.mgs"
    t0, c0 = time.perf_counter(), time.process_time()
    doc.save(path)
    saved, saved_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    back = Document.load(path)
    loaded, loaded_cpu = time.perf_counter() - t0, time.process_time() - c0
    same = back.to_json() == doc.to_json()
    del back
    print(
        f"loss graph: {len(doc.nodes):,} nodes, {len(doc.wires):,} wires, {len(doc.groups):,} "
        f"groups ({sum(g.collapsed for g in doc.groups)} collapsed); build "
        f"{_ms(statistics.median(b[0] for b in builds))} median of 3 "
        f"(CPU {_ms(statistics.median(b[1] for b in builds))}); save {_ms(saved)} "
        f"(CPU {_ms(saved_cpu)}, {path.stat().st_size / 1e6:.1f} MB), load {_ms(loaded)} "
        f"(CPU {_ms(loaded_cpu)}), round trip "
        f"{'identical' if same else 'DIFFERS'}"
    )
    times, cpus, sets = [], [], []
    for _ in range(2):
        window = _window(app, tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        assert window.open_file(path, ask=False)
        sets.append(time.perf_counter() - t0)
        _first_paint(app, window)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        if len(times) < 2:
            _close(app, window)
    print(
        f"  open the loss graph in the window until painted: {_ms(min(times))} best of 2 "
        f"(CPU {_ms(min(cpus))}; goal < 3000 ms); open_file alone {_ms(min(sets))}"
    )
    # a sample in the middle of the grid: wires of the parameters cross it to farther ones
    middle = len(lg.sample_groups) // 2 + 2
    big_pan = pan(app, window, lg.input_ids[middle][0], frames=LOSS_PAN_FRAMES)
    _close(app, window)

    grid, x = grid_document(5000)
    gpath = Path(tmp) / "grid.mgs"
    grid.save(gpath)
    window = _window(app, tmp)
    assert window.open_file(gpath, ask=False)
    _first_paint(app, window)
    grid_pan = pan(app, window, x, offset=(600.0, 250.0))
    _close(app, window)
    for zoom in big_pan:
        b, g = big_pan[zoom], grid_pan[zoom]
        print(
            f"  pan at {zoom:.0%} zoom, frames of {PAN_STEP} px: loss graph "
            f"median {_ms(b[0])} (90th percentile {_ms(b[1])}), 5,000-node file "
            f"median {_ms(g[0])} ({_ms(g[1])}): ratio {b[0] / g[0]:.2f} (goal ~1)"
        )


def pan(
    app, window, nid: str, offset=(600.0, 300.0), frames: int = PAN_FRAMES
) -> dict[float, tuple[float, float]]:
    """Median and 90th-percentile frame of a pan at 100 % and at 35 %: scroll by PAN_STEP
    pixels (down and to the right), then repaint the canvas synchronously."""
    view = window.canvas
    out: dict[float, tuple[float, float]] = {}
    for zoom in (1.0, 0.35):
        view.zoom_by(zoom / view.zoom())
        item = view.item_for(nid)
        centre = item.sceneBoundingRect().center() if item is not None else None
        if centre is not None:
            view.centerOn(centre.x() + offset[0] * zoom, centre.y() + offset[1] * zoom)
        app.processEvents()
        h, v = view.horizontalScrollBar(), view.verticalScrollBar()
        times = []
        for k in range(frames + 3):
            t0 = time.perf_counter()
            h.setValue(h.value() + PAN_STEP)
            v.setValue(v.value() + (PAN_STEP // 2 if k % 2 else 0))
            view.viewport().repaint()
            times.append(time.perf_counter() - t0)
            app.processEvents()
        times = sorted(times[3:])  # the first few warm caches up
        out[zoom] = (statistics.median(times), times[int(0.9 * len(times))])
    return out


# --- 3. a leaf edit inside a collapsed neuron --------------------------------------------------
def edit_repaint(app, window, nid: str, rounds: int, start: float) -> list[float]:
    """Seconds from pushing a new value of ``nid`` until the canvas has painted again."""
    from mgstudio.app.commands import SetValueCommand

    paints = PaintCounter(window.canvas.viewport())
    doc = window.document
    times = []
    try:
        for k in range(rounds):
            before = paints.count
            t0 = time.perf_counter()
            window.undo_stack.push(SetValueCommand(doc, nid, start + 0.01 * (k + 1), merge=False))
            while paints.count == before:
                app.processEvents()
                if time.perf_counter() - t0 > 2:
                    print("  (the canvas did not repaint within 2 s: nothing on screen changed)")
                    return times
            times.append(time.perf_counter() - t0)
    finally:
        paints.stop()
    return times


def live_weight(doc, param_ids) -> str:
    """A weight of the second hidden layer whose edit changes its neuron's output (its
    neuron and its input are active: a collapsed block shows the output's data), else the
    output neuron's bias."""
    by_label = {n.label: nid for nid, n in doc.nodes.items() if n.label}
    params = {doc.nodes[p].label: p for p in param_ids}

    def data(label: str) -> float:
        value = doc.value_of(by_label[label]) if label in by_label else None
        return value.data if value is not None else 0.0

    for n in range(1, 17):
        if data(f"L2.N{n}") > 0:
            for i in range(1, 17):
                if data(f"L1.N{i}") > 0 and f"L2.N{n}.w{i}" in params:
                    return params[f"L2.N{n}.w{i}"]
    return params["L3.N1.b"]


def bench_collapsed_edit(app, tmp: str) -> None:
    from mgstudio.document.group_geometry import anchor

    net = demo_network()
    doc = net.document
    weight = live_weight(doc, net.param_ids)
    neuron = next((g for g in doc.groups.chain(weight) if doc.groups.get(g).kind == "neuron"), None)
    results = {}
    for state in ("collapsed", "expanded"):
        window = _window(app, tmp)
        window.set_document(doc)
        collapse(doc, flag=state == "collapsed")
        view = window.canvas
        view.reset_zoom()
        if neuron is not None:  # the neuron's block (or frame) stands at its members' anchor
            x, y = anchor(doc.nodes, doc.groups.members(neuron))
            view.centerOn(x + 300.0, y + 150.0)
        elif (item := view.item_for(weight)) is not None:
            view.centerOn(item.sceneBoundingRect().center())
        _first_paint(app, window)
        edit_repaint(app, window, weight, 5, 0.1)  # warm-up
        times = edit_repaint(app, window, weight, EDITS, 0.2)
        results[state] = statistics.median(times) if times else float("nan")
        window.set_document(type(doc)())  # let go of the shared document before closing
        _close(app, window)
    where = "inside its neuron group" if neuron is not None else "(no neuron groups: none yet)"
    print(
        f"leaf edit (weight {doc.nodes[weight].label} {where}) -> canvas repainted, "
        f"demo network at 100 %: "
        f"collapsed median {_ms(results['collapsed'])}, expanded {_ms(results['expanded'])} "
        f"of {EDITS} (goal < 16 ms); ratio {results['collapsed'] / results['expanded']:.2f}"
    )


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"groups drawn by the canvas: {'yes' if groups_drawn() else 'no (document only)'}")
    with tempfile.TemporaryDirectory() as tmp:
        bench_network_open(app, tmp)
        bench_loss_graph(app, tmp)
        bench_collapsed_edit(app, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
