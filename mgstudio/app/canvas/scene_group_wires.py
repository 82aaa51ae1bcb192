"""The wires a collapsed group re-routes: each document wire crossing a collapsed boundary is
drawn to the block's port (the same two ports: drawn once), a neuron's inputs coloured and
thickened by the weight that multiplies them. A base of ``SceneGroups`` (the state is the
scene's, made in ``SceneGroups._init_groups``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgstudio.document.kinds import KINDS

from .group_items import BlockItem, GroupWire
from .node_shape import geometry_for

if TYPE_CHECKING:
    from .scene_host import SceneHost
else:
    SceneHost = object  # the declarations are for the type checker (see scene_host)


class SceneGroupWires(SceneHost):
    """Re-routed wires (``SceneGroups`` holds the blocks and the hidden nodes)."""

    if TYPE_CHECKING:
        _blocks: dict[str, BlockItem]
        _hidden: dict[str, str]
        _group_wires: list[GroupWire]
        _gw_of_node: dict[str, list[GroupWire]]
        _gw_of_block: dict[str, list[GroupWire]]
        _in_slots: dict[str, dict[tuple[str, str], int]]
        _weight_wires: dict[str, list[GroupWire]]

    # --- re-routed wires --------------------------------------------------------------------
    def _rebuild_group_wires(self) -> None:
        index = self._wire_index
        for gw in self._group_wires:
            index.remove(gw, gw.box)
            if self._hover_wire is gw:
                self._hover_wire = None
            self._selected_wires.discard(gw)
        self._group_wires = []
        self._gw_of_node, self._gw_of_block, self._weight_wires = {}, {}, {}
        hidden, doc = self._hidden, self.document
        if not hidden or doc is None:
            return
        made: dict[tuple, GroupWire] = {}
        colors = self.style.colors
        for w in doc.wires:
            sb, db = hidden.get(w.src), hidden.get(w.dst)
            if sb is None and db is None or sb == db:
                continue  # not crossing a collapsed boundary, or inside one block
            if sb is not None:
                src_key: tuple = ("bo", sb, self._blocks[sb].content.outputs.get(w.src, 0))
            else:
                src_key = ("no", w.src)
            if db is not None:
                dst_key: tuple = ("bi", db, self._in_slots[db].get((w.dst, w.port), 0))
            else:
                dst_key = ("ni", w.dst, w.port)
            key = (src_key, dst_key)
            same = made.get(key)
            if same is not None:  # the same two ports: drawn once
                same.wires.append(w)
                continue
            gw = made[key] = GroupWire(w, self._ends_fn(src_key, dst_key), colors)
            if db is not None and dst_key[1] in self._blocks:
                weights = self._blocks[db].content.weights
                slot = dst_key[2]
                if slot < len(weights) and weights[slot] is not None:
                    gw.weight = weights[slot]
                    value = doc.value_of(gw.weight)
                    gw.set_weight(None if value is None else value.data)
                    self._weight_wires.setdefault(gw.weight, []).append(gw)
            gw.visual_pen = gw._pen()
            gw._scene = self
            self._group_wires.append(gw)
            for end in (src_key, dst_key):
                table = self._gw_of_block if end[0] in ("bo", "bi") else self._gw_of_node
                table.setdefault(end[1], []).append(gw)
        for gw in self._group_wires:
            index.add(gw, gw.box)

    def _ends_fn(self, src_key: tuple, dst_key: tuple):
        def ends() -> tuple[float, float, float, float]:
            return (*self._end_xy(src_key), *self._end_xy(dst_key))

        return ends

    def _end_xy(self, key: tuple) -> tuple[float, float]:
        tag = key[0]
        if tag == "bo":
            return self._blocks[key[1]].output_xy(key[2])
        if tag == "bi":
            return self._blocks[key[1]].input_xy(key[2])
        nid = key[1]
        item = self._nodes.get(nid)
        if item is not None:
            return item.output_xy() if tag == "no" else item.input_xy(key[2])
        doc = self.document
        assert doc is not None
        node = doc.nodes[nid]
        pending = self._pending
        if pending is not None and pending.has_node(nid):
            g = pending.shape(nid)
        else:
            g = geometry_for(self.style, KINDS[node.kind], node.label, node.params, set())
        x, y = node.pos
        if tag == "no":
            return x + g.out_x, y + g.out_y
        return x, y + g.rows[KINDS[node.kind].inputs.index(key[2])]
