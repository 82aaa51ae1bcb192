"""Opening big documents whose nodes have no positions (``pos`` left out: before they were laid
out on load, all of them stacked at 0,0) against the same documents spread out on a grid.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_open.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_open.py --sizes 5000 --no-gui

Prints, per size and kind of file, the time of ``Document.load`` and of
``MainWindow.open_file`` up to and including the first paint of the window (goal: under 3 s
for any file within the limits, 100,000 nodes at most), and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's mgstudio, not another installed copy

GOAL_S = 3.0


def document_json(n: int, positions: str, seed: int = 0) -> str:
    """An ``.mgs`` text of ``n`` nodes: a fifth leaves, the rest a chain of ops each reading the
    previous one and a random earlier node. ``positions``: "none" (every ``pos`` left out),
    "half" (every other node keeps its place), "stacked" (all at [0, 0]) or "grid"."""
    rnd = random.Random(seed)
    nodes, wires = [], []
    n_leaves = max(1, n // 5)
    for i in range(n):
        nid = f"n{i + 1}"
        if i < n_leaves:
            node = {"id": nid, "kind": "input", "label": f"x{i}", "value": rnd.uniform(-1, 1)}
        else:
            kind = rnd.choice(("add", "mul", "sub", "tanh", "sigmoid"))
            node = {"id": nid, "kind": kind, "label": ""}
            wires.append({"src": f"n{i}" if i > n_leaves else "n1", "dst": nid, "port": "a"})
            if kind in ("add", "mul", "sub"):
                wires.append({"src": f"n{rnd.randrange(1, i + 1)}", "dst": nid, "port": "b"})
        if positions == "grid":
            node["pos"] = [float(380 * (i // 100)), float(90 * (i % 100))]
        elif positions == "stacked":
            node["pos"] = [0.0, 0.0]
        elif positions == "half" and i % 2 == 0:
            node["pos"] = [float(380 * (i // 100)), float(90 * (i % 100))]
        nodes.append(node)
    return json.dumps(
        {
            "format": "mgstudio",
            "version": 1,
            "nodes": nodes,
            "wires": wires,
            "selected_output": None,
        }
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_load(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``Document.load`` (CPU: this process only, which is what counts
    on a machine shared with other jobs)."""
    from mgstudio.document import Document

    t0, c0 = time.perf_counter(), time.process_time()
    Document.load(path)
    return time.perf_counter() - t0, time.process_time() - c0


def time_open(win, path: Path) -> tuple[float, float]:
    """``open_file`` and the first paint of the whole window (``grab`` paints every widget):
    wall and CPU seconds."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    t0, c0 = time.perf_counter(), time.process_time()
    if not win.open_file(path, ask=False):
        raise RuntimeError(f"could not open {path}")
    app.processEvents()
    win.grab()
    return time.perf_counter() - t0, time.process_time() - c0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,20000,100000", help="comma-separated node counts")
    ap.add_argument("--kinds", default="none,half,stacked,grid", help="kinds of positions")
    ap.add_argument("--no-gui", action="store_true", help="time Document.load only")
    args = ap.parse_args(argv)
    win = None
    if not args.no_gui:
        from PySide6.QtWidgets import QApplication

        from mgstudio.app.main_window import MainWindow
        from mgstudio.app.settings import StudioSettings

        app = QApplication.instance() or QApplication([])
        win = MainWindow(settings=StudioSettings())
        win.resize(1400, 900)
        win.show()
        app.processEvents()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            for kind in args.kinds.split(","):
                path = Path(tmp) / f"{kind}{n}.mgs"
                path.write_text(document_json(n, kind))
                load, load_cpu = time_load(path)
                line = f"{n:7,d} nodes, pos {kind:7s}: "
                line += f"Document.load {load:6.2f} s (cpu {load_cpu:.2f})"
                worst = max(worst, load)
                if win is not None:
                    opened, open_cpu = time_open(win, path)
                    worst = max(worst, opened)
                    line += f"   open_file + first paint {opened:6.2f} s (cpu {open_cpu:.2f})"
                print(line + f"   (peak {peak_mb():,.0f} MB)", flush=True)
    print(
        f"slowest: {worst:.2f} s (goal under {GOAL_S:g} s: "
        f"{'met' if worst < GOAL_S else 'NOT met'})"
    )
    if win is not None:
        win.undo_stack.setClean()
        win.close()
    sys.stdout.flush()
    os._exit(0)  # skip tearing down thousands of Qt items at exit


if __name__ == "__main__":
    main()
