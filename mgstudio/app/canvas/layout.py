"""Auto-arrange: the document's layout (Graphviz ``dot`` when installed and the graph is not
too big for it), scaled to our node sizes and turned from centres into the top-left positions
the document stores.

``arrange_job`` reads what the layout needs on the GUI thread (ids, wires, node sizes: all
cheap) and returns a Qt-free callable that a worker thread runs (``dot`` or the layered
layout: the slow part)."""

from __future__ import annotations

from mgstudio.document import DocumentError
from mgstudio.document.graphviz_io import graph_of, layout_graph
from mgstudio.document.layered import LAYER_GAP, ROW_GAP

H_GAP = 80.0
V_GAP = 26.0
DEFAULT_SIZE = (300.0, 40.0)


class ArrangeJob:
    """What arranging one document needs, copied; calling it computes the new positions."""

    def __init__(self, doc, scene):
        self.ids, self.edges = graph_of(doc)
        self.wires = tuple(doc.wires)
        self.sizes = {}
        for nid in self.ids:
            item = scene.item_for(nid)
            rect = item.boundingRect() if item is not None else None
            self.sizes[nid] = (rect.width(), rect.height()) if rect is not None else DEFAULT_SIZE
        self.origin = (
            min(node.pos[0] for node in doc.nodes.values()),
            min(node.pos[1] for node in doc.nodes.values()),
        )

    def still_fits(self, doc) -> bool:
        """True while ``doc`` has the nodes and wires this job was made for."""
        return tuple(doc.wires) == self.wires and list(doc.nodes) == self.ids

    def __call__(self, progress=None) -> dict[str, tuple[float, float]]:
        try:
            centres = layout_graph(self.ids, self.edges, progress=progress)
        except DocumentError:  # dot failed in some other way: the pure-Python layering
            centres = layout_graph(self.ids, self.edges, use_dot=False)
        return place(centres, self.sizes, self.origin)


def place(centres, sizes, origin) -> dict[str, tuple[float, float]]:
    """Top-left corners for layout centres, spaced for the real node sizes, keeping the
    graph's top-left corner at ``origin``."""
    max_w = max(w for w, _ in sizes.values())
    max_h = max(h for _, h in sizes.values())
    sx, sy = (max_w + H_GAP) / LAYER_GAP, (max_h + V_GAP) / ROW_GAP
    raw = {
        nid: (cx * sx - sizes[nid][0] / 2, cy * sy - sizes[nid][1] / 2)
        for nid, (cx, cy) in centres.items()
    }
    ox, oy = origin
    mx = min(x for x, _ in raw.values())
    my = min(y for _, y in raw.values())
    return {
        nid: (float(round(ox + x - mx)), float(round(oy + y - my))) for nid, (x, y) in raw.items()
    }


def arrange_job(doc, scene) -> ArrangeJob:
    return ArrangeJob(doc, scene)


def arranged_positions(doc, scene) -> dict[str, tuple[float, float]]:
    """New top-left positions for every node, computed here and now (scripts)."""
    return ArrangeJob(doc, scene)()
