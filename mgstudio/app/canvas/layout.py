"""Auto-arrange: the document's layout (Graphviz ``dot`` when installed, else the layered
layout of ``mgstudio.document.layered``), scaled to our node sizes and turned from centres
into the top-left positions the document stores."""

from __future__ import annotations

from mgstudio.document import DocumentError
from mgstudio.document.graphviz_io import layout_positions
from mgstudio.document.layered import LAYER_GAP, ROW_GAP

H_GAP = 80.0
V_GAP = 26.0


def arranged_positions(doc, scene) -> dict[str, tuple[float, float]]:
    """New top-left positions for every node, keeping the graph's top-left corner in place."""
    try:
        centres = layout_positions(doc)
    except DocumentError:  # dot failed in some other way: the layered layout of document/
        centres = layout_positions(doc, use_dot=False)
    # the layouts place boxes of NODE_WIDTH; ours may be wider, so positions are scaled
    gap_x, gap_y = LAYER_GAP, ROW_GAP
    sizes = {}
    for nid in centres:
        item = scene.item_for(nid)
        rect = item.boundingRect() if item is not None else None
        sizes[nid] = (rect.width(), rect.height()) if rect is not None else (300.0, 40.0)
    max_w = max(w for w, _ in sizes.values())
    max_h = max(h for _, h in sizes.values())
    sx, sy = (max_w + H_GAP) / gap_x, (max_h + V_GAP) / gap_y
    raw = {nid: (cx * sx - sizes[nid][0] / 2, cy * sy - sizes[nid][1] / 2)
           for nid, (cx, cy) in centres.items()}
    ox = min(node.pos[0] for node in doc.nodes.values())
    oy = min(node.pos[1] for node in doc.nodes.values())
    mx = min(x for x, _ in raw.values())
    my = min(y for _, y in raw.values())
    return {nid: (float(round(ox + x - mx)), float(round(oy + y - my)))
            for nid, (x, y) in raw.items()}
