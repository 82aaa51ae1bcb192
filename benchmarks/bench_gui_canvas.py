"""Canvas speed: leaf edit -> every affected item repainted, and building a big scene.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_canvas.py

Prints the median time from a leaf edit (an undo command) until every node item that shows a
changed Value has painted again, in a 1,000-node graph where every op depends on the edited
leaf (goal < 16 ms, one frame), at "fit all" zoom (boxes only) and at 1:1 (full records, only
the items on screen paint). Then the time to build the scene for a 5,000-node document
(goal < 1 s). Paints counted by wrapping the items' paint tell when the repaint happened.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout (and its tests/)

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mgstudio.app.canvas.scene import CanvasScene  # noqa: E402
from mgstudio.app.canvas.view import CanvasView  # noqa: E402
from mgstudio.app.commands import SetValueCommand  # noqa: E402
from mgstudio.document import Document  # noqa: E402

ROWS = 111  # 1 leaf + 9 columns of 111 = 1,000 nodes


def grid_document(n_nodes: int) -> tuple[Document, str]:
    """One leaf ``x`` scaled by constants, then columns of adds mixing neighbours: every op
    depends on ``x``. Returns the document and x's id."""
    doc = Document()
    x = doc.add_node("input", label="x", value=0.5, pos=(-400.0, 0.0))
    column = []
    with doc.batch():
        for i in range(ROWS):
            c = doc.add_node("constant", label=f"c{i}", value=(i % 7 + 1) / 10, pos=(0.0, i * 50.0))
            m = doc.add_node("mul", label=f"m{i}", pos=(350.0, i * 50.0))
            doc.connect(x, m, "a")
            doc.connect(c, m, "b")
            column.append(m)
        col = 2
        while len(doc.nodes) + ROWS <= n_nodes:
            nxt = []
            for i in range(ROWS):
                s = doc.add_node("add", label=f"s{col}_{i}", pos=(col * 350.0, i * 50.0))
                doc.connect(column[i], s, "a")
                doc.connect(column[(i + 1) % ROWS], s, "b")
                nxt.append(s)
            column, col = nxt, col + 1
    return doc, x


def edit_to_repaint(
    view: CanvasView, doc: Document, x: str, stack: QUndoStack, rounds: int
) -> list[float]:
    from tests.helpers.paint_counter import count_paints  # items keep no counter of their own

    app = QApplication.instance()
    scene = view.canvas_scene
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    times = []
    paints, stop = count_paints()
    for k in range(rounds):
        affected = [
            scene.item_for(nid) for nid in doc.nodes if doc.nodes[nid].kind not in ("constant",)
        ]
        watch = [it for it in affected if it.sceneBoundingRect().intersects(visible)]
        if not scene.style.show_details:
            watch = []  # zoomed out to boxes: a new number changes no pixel, nothing repaints
        before = {it: paints[it] for it in watch}
        t0 = time.perf_counter()
        stack.push(SetValueCommand(doc, x, 0.5 + 0.01 * (k + 1), merge=False))
        while True:
            app.processEvents()  # the repaint happens here, as in the event loop
            if all(paints[it] > before[it] for it in watch):
                break
            if time.perf_counter() - t0 > 5:
                raise RuntimeError("items did not repaint")
        times.append(time.perf_counter() - t0)
    stop()
    return times


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    doc, x = grid_document(1000)
    stack = QUndoStack()
    view = CanvasView(doc, stack)
    view.resize(1600, 1000)
    view.show()
    app.processEvents()
    n_ops = sum(1 for n in doc.nodes.values() if n.kind not in ("input", "constant"))
    print(f"graph: {len(doc.nodes)} nodes, {len(doc.wires)} wires, {n_ops} ops depend on x")

    view.fit_all()
    app.processEvents()
    edit_to_repaint(view, doc, x, stack, 3)  # warm-up
    fit = edit_to_repaint(view, doc, x, stack, 21)
    print(
        f"leaf edit -> screen up to date, fit all (zoom {view.zoom():.2f}, boxes only, no "
        f"number drawn so nothing repaints): median {statistics.median(fit) * 1e3:.1f} ms"
    )
    for zoom in (0.5, 1.0):
        view.resetTransform()
        view.scale(zoom, zoom)
        view.centerOn(
            view.canvas_scene.item_for(x).sceneBoundingRect().center() + QPointF(700 / zoom, 0)
        )
        app.processEvents()
        edit_to_repaint(view, doc, x, stack, 3)
        times = edit_to_repaint(view, doc, x, stack, 21)
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        n = sum(
            1 for it in view.canvas_scene.node_items() if it.sceneBoundingRect().intersects(shown)
        )
        print(
            f"leaf edit -> every changed item on screen repainted, zoom {zoom:.2f} "
            f"({n} records on screen): median {statistics.median(times) * 1e3:.1f} ms "
            "(goal < 16 ms)"
        )
    view.detach()

    big, _ = grid_document(5000)
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        scene = CanvasScene(big)
        builds.append(time.perf_counter() - t0)
        scene.detach()
        scene.deleteLater()
        app.processEvents()
    print(
        f"scene build, {len(big.nodes)} nodes + {len(big.wires)} wires: "
        f"median {statistics.median(builds) * 1e3:.0f} ms (goal < 1000 ms)"
    )
    t0 = time.perf_counter()
    view2 = CanvasView(big, QUndoStack())
    view2.resize(1600, 1000)
    built = time.perf_counter() - t0
    view2.grab()  # paints every item once (boxes at this zoom), synchronously
    print(
        f"CanvasView over the 5,000-node document: built and fitted {built * 1e3:.0f} ms, "
        f"first full paint {(time.perf_counter() - t0 - built) * 1e3:.0f} ms"
    )
    view2.detach()
    return 0


if __name__ == "__main__":
    sys.exit(main())
