"""The scene's groups (a mixin of ``CanvasScene``): frames around expanded groups, one block
for each collapsed group (its members' items hidden), and the wires that cross a collapsed
boundary re-routed to the block's ports.

What is drawn collapsed is the document's flags plus the semantic zoom level of the views
(``group_view``). Everything here is derived from the document and rebuilt on
``groups_changed``, a level change or a wire crossing a group's boundary; moves and new
numbers are followed piece by piece (a frame's rectangle, a block's text patch, a weight's
wire), so a leaf edit inside a collapsed neuron repaints a patch, not the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QImage

from mgstudio.document.group_geometry import FRAME_HEADER, FRAME_MARGIN, anchor, block_size

from .group_content import block_content
from .group_items import (
    BlockItem,
    FrameItem,
    GroupWire,
    paint_frame_body,
)
from .group_view import (
    effective_collapsed,
    hidden_nodes,
    shown_blocks,
    shown_frames,
    zoom_level,
)
from .scene_group_wires import SceneGroupWires

_Box = tuple[float, float, float, float]


class SceneGroups(SceneGroupWires):
    """Frames, blocks and re-routed wires; the state it reads and writes is the scene's."""

    def _init_groups(self) -> None:
        #: the views' semantic zoom level (group_view.zoom_level)
        self.group_level = 0
        self._collapsed: set[str] = set()
        self._blocks: dict[str, BlockItem] = {}
        self._frames: dict[str, FrameItem] = {}
        #: node id -> the block hiding it
        self._hidden: dict[str, str] = {}
        self._group_wires: list[GroupWire] = []
        self._gw_of_node: dict[str, list[GroupWire]] = {}
        self._gw_of_block: dict[str, list[GroupWire]] = {}
        self._in_slots: dict[str, dict[tuple[str, str], int]] = {}
        self._watch: dict[str, list[str]] = {}  # node id -> blocks showing its numbers
        self._weight_wires: dict[str, list[GroupWire]] = {}
        self._pictures: dict[str, QImage] = {}
        #: how many times everything about groups was worked out again (tests read it)
        self.group_rebuilds = 0
        #: a wire crossing a boundary changed the ports: work them out again (flush_groups)
        self._groups_dirty = False

    # --- reading ------------------------------------------------------------------------------
    def block_for(self, gid: str) -> BlockItem | None:
        return self._blocks.get(gid)

    def frame_for(self, gid: str) -> FrameItem | None:
        return self._frames.get(gid)

    def blocks(self) -> list[BlockItem]:
        return list(self._blocks.values())

    def frames(self) -> list[FrameItem]:
        return list(self._frames.values())

    def group_wires(self) -> list[GroupWire]:
        return list(self._group_wires)

    def drawn_collapsed(self) -> set[str]:
        """The groups drawn collapsed now (the document's and the semantic zoom's)."""
        return set(self._collapsed)

    def is_hidden(self, nid: str) -> bool:
        return nid in self._hidden

    def select_blocks_of(self, ids) -> None:
        """Select the blocks whose every member is in ``ids`` (hidden items cannot be
        selected: Select All, then Delete, takes the groups' nodes through their blocks)."""
        doc = self.document
        if doc is None or not self._blocks:
            return
        chosen = set(ids)
        self.blockSignals(True)
        try:
            for gid, block in self._blocks.items():
                if gid in doc.groups and chosen.issuperset(doc.groups.members(gid)):
                    block.setSelected(True)
        finally:
            self.blockSignals(False)

    def drawn_rect_of(self, item) -> QRectF:
        """Where a node item is seen: its own rectangle, or its block's when hidden."""
        gid = self._hidden.get(item.node_id)
        block = self._blocks.get(gid) if gid is not None else None
        return block.block_rect() if block is not None else item.sceneBoundingRect()

    def group_item_at(self, pos) -> BlockItem | FrameItem | None:
        for item in self.items(pos):
            if isinstance(item, (BlockItem, FrameItem)):
                return item
        return None

    def selected_group_ids(self) -> list[str]:
        return [
            it.group_id for it in self.selectedItems() if isinstance(it, (BlockItem, FrameItem))
        ]

    # --- the views' level, pictures -------------------------------------------------------
    def update_group_level(self) -> None:
        """Follow the views' zoom: neurons, then layers, drawn collapsed when zoomed out."""
        views = self.views()
        doc = self.document
        if not views or doc is None or not doc.groups:
            return
        level = zoom_level(max(v.transform().m11() for v in views))
        if level != self.group_level:
            self.group_level = level
            if effective_collapsed(doc.groups, level) != self._collapsed:
                self.refresh_groups()

    def set_group_pictures(self, pictures: dict[str, QImage]) -> None:
        """Heatmaps of neurons (group id -> image): a collapsed neuron's block paints its
        own at its right side; only the blocks whose picture changed repaint."""
        old = self._pictures
        self._pictures = dict(pictures)
        for gid in set(old) | set(pictures):
            block = self._blocks.get(gid)
            if block is not None:
                block.set_picture(self._pictures.get(gid))

    # --- rebuilding ---------------------------------------------------------------------------
    def refresh_groups(self) -> None:
        """Work out frames, blocks, hidden nodes and re-routed wires again."""
        doc = self.document
        if doc is None:
            return
        if not doc.groups and not (self._blocks or self._frames or self._hidden):
            return
        self.group_rebuilds += 1
        index = doc.groups
        collapsed = effective_collapsed(index, self.group_level)
        blocks = shown_blocks(index, collapsed)
        hidden = hidden_nodes(index, blocks)
        self._collapsed = collapsed
        old_hidden, self._hidden = self._hidden, hidden
        for nid in old_hidden.keys() - hidden.keys():
            item = self._nodes.get(nid)
            if item is not None:
                item.set_group_hidden(False)
        for nid in hidden.keys() - old_hidden.keys():
            item = self._nodes.get(nid)
            if item is not None:
                item.set_group_hidden(True)
        for nid in old_hidden.keys() ^ hidden.keys():
            item = self._nodes.get(nid)
            if item is not None:
                for w in item.wires:
                    w._grouped = w.wire.src in hidden or w.wire.dst in hidden
        pending = self._pending
        if pending is not None:
            pending.set_hidden(hidden)
            # wires shown again whose other end has an item (which may have moved since
            # the columns were made): items now, so they run from where that end is
            for nid in old_hidden.keys() - hidden.keys():
                for j in pending.wires_of(nid, shown=True):
                    w = pending.wires[j]
                    if (w.src if w.dst == nid else w.dst) in self._nodes:
                        self._make_wire(j)
        # blocks
        for gid in list(self._blocks):
            if gid not in blocks:
                self.removeItem(self._blocks.pop(gid))
        self._watch = {}
        self._in_slots = {}
        for gid in blocks:
            content, in_slots = block_content(doc, gid, hidden)
            self._in_slots[gid] = in_slots
            block = self._blocks.get(gid)
            if block is None:
                block = self._blocks[gid] = BlockItem(gid, content, self.style)
                self.addItem(block)
            else:
                block.set_content(content)
            block.place(*anchor(doc.nodes, index.members(gid)))
            block.set_picture(self._pictures.get(gid))
            block.show_values(doc.value_of, self._max_abs_grad, self.style.colors)
            for shown in [content.output, *(n for _, n in content.rows)]:
                if shown is not None:
                    self._watch.setdefault(shown, []).append(gid)
        # frames (after the blocks: a frame wraps the blocks inside it)
        frames = shown_frames(index, collapsed)
        for gid in list(self._frames):
            if gid not in frames:
                self.removeItem(self._frames.pop(gid))
        for gid in frames:
            g = index.get(gid)
            frame = self._frames.get(gid)
            if frame is None or frame.kind != g.kind:
                if frame is not None:
                    self.removeItem(frame)
                frame = self._frames[gid] = FrameItem(
                    gid, g.kind, g.label, index.depth(gid), self.style
                )
                self.addItem(frame)
            frame.set_title(g.label)
        rects = self._frame_rects(frames, self._node_box, self._block_box)
        for gid, rect in rects.items():
            self._frames[gid].set_rect(rect)
        self._rebuild_group_wires()
        self._bounds = None
        self.wires_changed(None)
        # items hidden now are painted no more: those on screen pull their numbers here
        self.refresh_visible()

    def _block_box(self, gid: str) -> _Box | None:
        block = self._blocks.get(gid)
        if block is None:
            return None
        r = block.block_rect()
        return (r.left(), r.top(), r.right(), r.bottom())

    def _frame_rects(self, frames: list[str], node_box, block_box) -> dict[str, QRectF]:
        """Each frame's rectangle: its nodes' boxes and the frames and blocks inside it,
        with the margin around and the title bar above (innermost first)."""
        assert self.document is not None
        index = self.document.groups
        boxes: dict[str, _Box] = {}
        for gid in sorted(frames, key=index.depth, reverse=True):
            parts = [node_box(nid) for nid in index.get(gid).nodes]
            for child in index.children(gid):
                parts.append(boxes.get(child) or block_box(child))
            parts = [p for p in parts if p is not None]
            if not parts:
                continue
            m = FRAME_MARGIN
            boxes[gid] = (
                min(p[0] for p in parts) - m,
                min(p[1] for p in parts) - m - FRAME_HEADER,
                max(p[2] for p in parts) + m,
                max(p[3] for p in parts) + m,
            )
        return {gid: QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1]) for gid, b in boxes.items()}

    def _node_box(self, nid: str) -> _Box | None:
        """A shown node's body in scene coordinates (from its item, or its pending row)."""
        item = self._nodes.get(nid)
        if item is not None:
            r = item.box_rect()
            return (r.left(), r.top(), r.right(), r.bottom())
        pending = self._pending
        if pending is not None and pending.has_node(nid):
            x, y, w, h = pending.body_rect(nid)
            return (x, y, x + w, y + h)
        return None

    def _node_extent(self, nid: str) -> _Box | None:
        """A shown node's bounds with its ports (what ``nodes_bounding_rect`` counts)."""
        item = self._nodes.get(nid)
        if item is not None:
            x, y = item.x(), item.y()
            e = item.extent
            return (x + e[0], y + e[1], x + e[2], y + e[3])
        pending = self._pending
        if pending is not None and pending.has_node(nid):
            i = pending.index[nid]
            return (
                float(pending.left[i]),
                float(pending.top[i]),
                float(pending.right[i]),
                float(pending.bottom[i]),
            )
        return None

    # --- the document's group events ---------------------------------------------------------
    def _on_groups_changed(self, _gids: tuple) -> None:
        self._groups_dirty = False
        self.refresh_groups()

    def _groups_later(self) -> None:
        """A wire crossed a group's boundary: ports change. Worked out once the edit is
        over (a removal sends its wires first, then its nodes and groups), before the next
        paint (``flush_groups``) or from the event loop."""
        if not self._groups_dirty:
            self._groups_dirty = True
            QTimer.singleShot(0, self.flush_groups)

    def flush_groups(self) -> None:
        if self._groups_dirty:
            self._groups_dirty = False
            self.refresh_groups()

    # --- following the document -------------------------------------------------------------
    def groups_follow_node(self, nid: str) -> None:
        """A node moved (an item dragged, or the document moved it): the frames around it,
        its block and the re-routed wires at it follow."""
        doc = self.document
        if doc is None or not (self._frames or self._blocks):
            return
        gid = self._hidden.get(nid)
        if gid is not None:
            self.place_block(gid)
            return
        for gw in self._gw_of_node.get(nid, ()):
            gw.update_path()
        self._relayout_frames(doc.groups.chain(nid))

    def place_block(self, gid: str) -> None:
        """Put a block at the anchor of its members (after they moved)."""
        doc = self.document
        block = self._blocks.get(gid)
        if doc is None or block is None or gid not in doc.groups:
            return
        x, y = anchor(doc.nodes, doc.groups.members(gid))
        if (block.home.x(), block.home.y()) != (x, y) or block.pos() != block.home:
            block.place(x, y)
            self.block_moved(block)

    def block_moved(self, block: BlockItem) -> None:
        """A block moved (dragged, or placed): its wires and the frames around it follow."""
        for gw in self._gw_of_block.get(block.group_id, ()):
            gw.update_path()
        self._bounds = None
        doc = self.document
        if doc is not None and block.group_id in doc.groups:
            self._relayout_frames(doc.groups.ancestors(block.group_id)[1:])

    def _relayout_frames(self, gids) -> None:
        frames = [g for g in gids if g in self._frames]
        if not frames:
            return
        assert self.document is not None
        index = self.document.groups

        def box_of(gid: str):
            frame = self._frames.get(gid)
            if frame is not None:
                r = frame.frame_rect
                return (r.left(), r.top(), r.right(), r.bottom())
            return self._block_box(gid)

        for gid in sorted(frames, key=index.depth, reverse=True):  # inner ones first
            rect = self._frame_rects_one(gid, box_of)
            frame = self._frames[gid]
            if rect is not None and rect != frame.frame_rect:
                old = QRectF(frame.frame_rect)
                frame.set_rect(rect)
                self.wires_changed(old.united(rect))
                self._bounds = None

    def _frame_rects_one(self, gid: str, box_of) -> QRectF | None:
        assert self.document is not None
        index = self.document.groups
        found = [self._node_box(nid) for nid in index.get(gid).nodes]
        found += [box_of(child) for child in index.children(gid)]
        parts = [p for p in found if p is not None]
        if not parts:
            return None
        m = FRAME_MARGIN
        left = min(p[0] for p in parts) - m
        top = min(p[1] for p in parts) - m - FRAME_HEADER
        return QRectF(
            left, top, max(p[2] for p in parts) + m - left, max(p[3] for p in parts) + m - top
        )

    def groups_values_changed(self, ids) -> None:
        """New numbers: the blocks showing them repaint their patches, weights' wires their
        pens."""
        doc = self.document
        if doc is None:
            return
        watch, weights = self._watch, self._weight_wires
        blocks: set[str] = set()
        for nid in ids:
            gids = watch.get(nid)
            if gids:
                blocks.update(gids)
            for gw in weights.get(nid, ()):
                value = doc.value_of(nid)
                gw.set_weight(None if value is None else value.data)
        if self._retint:
            blocks = set(self._blocks)
        colors = self.style.colors
        for gid in blocks:
            block = self._blocks.get(gid)
            if block is not None:
                block.show_values(doc.value_of, self._max_abs_grad, colors)

    def pull_hidden(self, rect: QRectF) -> None:
        """Hidden items in a view's rectangle take their numbers (a view paints: shown items
        pull as they paint, hidden ones are never painted)."""
        if not self._hidden or self.document is None:
            return
        value_of, top = self.document.value_of, self._max_abs_grad
        for it in [it for it in self._stale if it.group_hidden and it.needs_refresh(top)]:
            if it.sceneBoundingRect().intersects(rect):
                it.show_value(value_of(it.node_id), top)
                self._stale.discard(it)

    def wire_grouped(self, wire) -> bool:
        """Whether a document wire is drawn re-routed (one end hidden in a block)."""
        return wire.src in self._hidden or wire.dst in self._hidden

    def crosses_groups(self, wire) -> bool:
        """Whether a wire added or removed changes what a block or frame shows."""
        doc = self.document
        if doc is None or not doc.groups:
            return False
        of = doc.groups.group_of
        return of(wire.src) is not None or of(wire.dst) is not None

    # --- what the views and Fit draw ----------------------------------------------------------
    def paint_frames(self, painter, rect: QRectF) -> None:
        """The frames' bodies in a scene rectangle, outer ones first (the layer draws them
        under the wires)."""
        if not self._frames:
            return
        colors = self.style.colors
        for frame in sorted(self._frames.values(), key=lambda f: f.zValue()):
            r = frame.frame_rect.translated(frame.pos() - frame.home)
            if r.intersects(rect):
                paint_frame_body(painter, colors, frame.kind, r)

    def groups_bounds(self) -> QRectF | None:
        """Around the blocks and frames (None: there are none)."""
        out: QRectF | None = None
        for block in self._blocks.values():
            r = block.block_rect()
            out = r if out is None else out.united(r)
        for frame in self._frames.values():
            r = frame.frame_rect
            out = r if out is None else out.united(r)
        return out

    def drawn_bounds(self, level: int) -> QRectF:
        """What would be drawn at a semantic level (Fit tries levels): the shown nodes'
        boxes, the blocks at their anchors and the frames around."""
        doc = self.document
        if doc is None or not doc.groups:
            return self.nodes_bounding_rect()
        index = doc.groups
        collapsed = effective_collapsed(index, level)
        blocks = shown_blocks(index, collapsed)
        hidden = hidden_nodes(index, blocks)
        block_boxes: dict[str, _Box] = {}
        for gid in blocks:
            x, y = anchor(doc.nodes, index.members(gid))
            rows = sum(1 for c in index.children(gid) if index.get(c).kind == "neuron")
            w, h = block_size(index.get(gid).kind, rows)
            block_boxes[gid] = (x, y, x + w, y + h)
        boxes = list(block_boxes.values())
        boxes += [
            b
            for b in (self._node_extent(nid) for nid in doc.nodes if nid not in hidden)
            if b is not None
        ]
        frames = self._frame_rects(shown_frames(index, collapsed), self._node_box, block_boxes.get)
        boxes += [(r.left(), r.top(), r.right(), r.bottom()) for r in frames.values()]
        if not boxes:
            return QRectF()
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        return QRectF(left, top, right - left, bottom - top)

    def _init_groups_items(self) -> None:
        """New colours and fonts: make the blocks and frames again."""
        for item in [*self._blocks.values(), *self._frames.values()]:
            self.removeItem(item)
        self._blocks.clear()
        self._frames.clear()
        self.refresh_groups()
