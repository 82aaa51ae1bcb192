"""Auto-arrange: the document's layout (Graphviz ``dot`` when installed), scaled to our node
sizes and turned from centres into the top-left positions the document stores."""

from __future__ import annotations

from mgstudio.document import DocumentError

# graphviz_io lays nodes out for boxes of this size; ours are wider, so positions are scaled
try:
    from mgstudio.document.graphviz_io import LAYER_GAP, ROW_GAP, layout_positions
except ImportError:  # an older document package: fall back to our own layering
    layout_positions = None
    LAYER_GAP, ROW_GAP = 1.0, 1.0

H_GAP = 80.0
V_GAP = 26.0


def _simple_layers(doc) -> dict[str, tuple[float, float]]:
    """Longest-path layers left to right, nodes in document order within a layer."""
    layer: dict[str, int] = {}
    for nid in doc.topological_ids():
        ins = doc.inputs_of(nid).values()
        layer[nid] = 1 + max((layer[w.src] for w in ins), default=-1)
    rows: dict[int, int] = {}
    out = {}
    for nid, li in layer.items():
        out[nid] = (float(li), float(rows.get(li, 0)))
        rows[li] = rows.get(li, 0) + 1
    return out


def arranged_positions(doc, scene) -> dict[str, tuple[float, float]]:
    """New top-left positions for every node, keeping the graph's top-left corner in place."""
    if layout_positions is not None:
        try:
            centres = layout_positions(doc)
        except DocumentError:  # dot failed in some other way: the pure-Python layering
            centres = layout_positions(doc, use_dot=False)
        gap_x, gap_y = LAYER_GAP, ROW_GAP
    else:
        centres, gap_x, gap_y = _simple_layers(doc), 1.0, 1.0
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
