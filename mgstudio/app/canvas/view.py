"""``CanvasView``: where a learner edits the graph. Gestures become undo commands; the scene
shows the document's answer. The public methods are the seam with the main window (see
docs/CONTRACTS.md, "App")."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QEvent, QLineF, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QMenu

from . import group_drag, view_input
from .editor import CanvasEditor, select_in_scene
from .group_items import BlockItem, FrameItem
from .inline_edit import InlineEditor
from .interactions import CutGesture, Interaction, PanGesture
from .neuron import COLUMN
from .node_item import BADGE, DATA, DETAIL_LOD, LABEL, NodeItem
from .numbers import format_number
from .quick_add import QuickAddPopup
from .readable import expected_view, show_readably
from .scene import WORLD, CanvasScene
from .view_input import MIME_KIND, PaletteDrops
from .view_zoom import FIT_MAX_ZOOM, MAX_ZOOM, MIN_ZOOM, ViewZoom
from .wire_layer import WireLayer

__all__ = ["FIT_MAX_ZOOM", "MAX_ZOOM", "MIME_KIND", "MIN_ZOOM", "CanvasView"]

NUDGE = 0.1
STRAIGHT_WIRES_ZOOM = 0.15  # below this a wire's bend is a few pixels: draw lines
GRID_STEP = 100.0  # scene units between grid lines


class CanvasView(ViewZoom):
    """The node canvas over ``document``; edits go through ``undo_stack``."""

    status_message = Signal(str)
    selection_changed = Signal(list)

    def __init__(self, document, undo_stack, parent=None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.document = None
        self.canvas_scene = CanvasScene(parent=self)
        self.setScene(self.canvas_scene)
        self.interaction: Interaction | None = None
        self.editor: InlineEditor | None = None
        self.quick_add: QuickAddPopup | None = None
        #: every edit a gesture makes goes through here (testable without a view)
        self.edits = CanvasEditor(
            self.canvas_scene, undo_stack, self.status_message.emit, self.select_ids
        )
        self.drops = PaletteDrops(self)
        self._space = False
        self._moving = False  # a left-drag of node items is under way
        #: frames and blocks being dragged: where each stood when the drag began (their
        #: frames follow the members on the way, so their own place is no reference)
        self._group_origins: dict[int, tuple[QGraphicsItem, QPointF]] = {}
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # measured on a 1,000-node graph: "smart" beat minimal and full updates for edits
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # the view pans over a wide world; the scene's own rectangle stays near the nodes,
        # because Qt's item index divides that rectangle (see CanvasScene.fit_index)
        self.setSceneRect(QRectF(-WORLD, -WORLD, 2 * WORLD, 2 * WORLD))
        self.wire_layer = WireLayer(self)
        self.canvas_scene.wire_layers.append(self.wire_layer)
        self.canvas_scene.selectionChanged.connect(self._emit_selection)
        self.canvas_scene.group_reveal_requested.connect(self.reveal_group)
        # a double-click on a group's title or its chevron: the editor makes the undo step.
        # Connected here, view to its own scene (Qt's bookkeeping), not from the plain-Python
        # editor: a scene holding the editor's bound method kept it, its undo stack and the
        # stack's commands alive until the cycle collector freed them after their Qt objects
        # (a segfault in QUndoStack::clear during garbage collection)
        self.canvas_scene.group_toggle_requested.connect(self._toggle_requested)
        self.set_document(document)

    # --- the document ----------------------------------------------------------------------
    def set_document(self, document, readable: bool = False) -> None:
        """Show another document (after New/Open): re-subscribe and rebuild the items.
        ``readable``: show it with ``show_readably`` (else fitted), its items made for that
        zoom, so none switches between record and box at open."""
        self._cancel_gestures()
        self.document = document
        scene = self.canvas_scene
        if document is not None:
            if readable:
                scene.expect_zoom(*expected_view(self, document))
            else:
                scene.expect_zoom(self._fit_zoom_guess(document), len(document.nodes))
        scene.set_document(document)
        self.edits.set_document(document)
        if readable and show_readably(self):
            QCoreApplication.sendPostedEvents(self.canvas_scene, QEvent.Type.MetaCall)
            return
        # every item is new and takes its numbers when first painted: fitting need not
        # look for stale ones on screen (thousands, in a big graph)
        scene.building = True
        try:
            self.fit_all()
        finally:
            scene.building = False
        # let the scene take in its new items now (Qt queues that): the first paint then
        # draws them once, instead of painting and repainting them all a moment later
        QCoreApplication.sendPostedEvents(self.canvas_scene, QEvent.Type.MetaCall)

    def detach(self) -> None:
        """Stop following the document (the window calls this when it closes)."""
        self._cancel_gestures()
        self.canvas_scene.release()

    def push(self, command) -> bool:
        """Push an undo command; a refusal by the document becomes a status message."""
        return self.edits.push(command)

    # --- lookups ---------------------------------------------------------------------------
    def item_for(self, nid: str) -> NodeItem | None:
        return self.canvas_scene.item_for(nid)

    def selected_ids(self) -> list[str]:
        return self.canvas_scene.selected_ids()

    def select_node(self, nid: str) -> None:
        self.select_ids([nid])
        item = self.item_for(nid)
        if item is not None:
            self.ensureVisible(item)

    def select_ids(self, ids) -> None:
        ids = list(ids)
        select_in_scene(self.canvas_scene, ids)  # one selection_changed for the whole change
        self.canvas_scene.select_blocks_of(ids)  # hidden nodes are selected as their block
        self._emit_selection()

    def select_all(self) -> None:
        self.select_ids(list(self.document.nodes))

    def _emit_selection(self) -> None:
        self.selection_changed.emit(self.selected_ids())

    def _toggle_requested(self, gid: str) -> None:
        doc = self.document
        if (
            doc is not None
            and gid in doc.groups
            and not doc.groups.get(gid).collapsed
            and gid in self.canvas_scene.drawn_collapsed()
        ):
            # expanded in the file, drawn as a block only because the view is zoomed out:
            # opening it means coming close enough, not collapsing it in the file
            self.reveal_group(gid)
            return
        self.edits.toggle_group(gid)

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            return
        pos = event.position()
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            item = self.canvas_scene.node_at(self.mapToScene(pos.toPoint()))
            if item is not None and item.kind.is_leaf:
                fine = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                self.nudge(item.node_id, (1 if delta > 0 else -1) * (NUDGE / 10 if fine else NUDGE))
                event.accept()
                return
        # plain wheel and Ctrl+wheel both zoom around the cursor
        self.zoom_by(math.pow(1.0015, delta), pos)
        event.accept()

    def nudge(self, nid: str, step: float) -> None:
        """Move a leaf's value by ``step``; a run of nudges is one undo step."""
        self.edits.nudge(nid, step)

    # --- mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        self._group_origins.clear()
        if self.editor is not None:
            self.editor.commit()
        pos = self.mapToScene(event.position().toPoint())
        button, mods = event.button(), event.modifiers()
        if self.interaction is not None:
            self._cancel_gestures()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self.interaction = PanGesture(self, event.position())
            event.accept()
            return
        if button == Qt.MouseButton.RightButton and mods & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            self.interaction = CutGesture(self, pos)
            event.accept()
            return
        if button == Qt.MouseButton.LeftButton and view_input.left_press(self, pos, mods):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        if self.interaction is not None:
            self.interaction.move(pos, event)
            event.accept()
            return
        if event.buttons() == Qt.MouseButton.NoButton:
            scene = self.canvas_scene
            port = scene.port_at(pos)
            if port is not None:
                self.viewport().setCursor(Qt.CursorShape.CrossCursor)
            else:
                self.viewport().unsetCursor()
            # the wire under the mouse is drawn strong (a node or port over it wins)
            over_node = port is not None or scene.node_at(pos) is not None
            scene.hover_wire(None if over_node else scene.wire_at(pos))
        super().mouseMoveEvent(event)
        if self._moving:  # Qt moved the selected items; their wires follow
            groups = []
            for item in self.canvas_scene.selectedItems():
                if isinstance(item, NodeItem):
                    item.moved()
                elif isinstance(item, (BlockItem, FrameItem)):
                    groups.append(item)
            if groups:
                self._drag_groups(groups)

    def mouseReleaseEvent(self, event) -> None:
        if self.interaction is not None:
            interaction, self.interaction = self.interaction, None
            interaction.release(self.mapToScene(event.position().toPoint()), event)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._moving = False
            if not self._finish_group_move():
                self.edits.finish_move()

    # --- dragging frames and blocks (group_drag) ----------------------------------------------
    def _drag_groups(self, items) -> None:
        group_drag.follow(self, items)

    def _finish_group_move(self) -> bool:
        return group_drag.finish(self)

    def mouseDoubleClickEvent(self, event) -> None:
        view_input.double_click(self, self.mapToScene(event.position().toPoint()))
        event.accept()

    def contextMenuEvent(self, event) -> None:
        if self.interaction is not None or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            event.accept()  # Ctrl/Alt + right button cuts wires; no menu in the middle of it
            return
        menu = self.context_menu(self.mapToScene(event.pos()))
        menu.exec(event.globalPos())

    def context_menu(self, pos: QPointF) -> QMenu:
        """The right-click menu for whatever is under a scene position."""
        return view_input.context_menu(self, pos)

    # --- keyboard --------------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:
        return False  # Tab opens the quick-add popup instead of moving focus

    def keyPressEvent(self, event) -> None:
        if not view_input.key_press(self, event):
            super().keyPressEvent(event)

    def leaveEvent(self, event) -> None:
        self.canvas_scene.hover_wire(None)
        super().leaveEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            if not isinstance(self.interaction, PanGesture):
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self._space = False
        super().focusOutEvent(event)

    def _cancel_gestures(self) -> None:
        if self.interaction is not None:
            interaction, self.interaction = self.interaction, None
            interaction.cancel()
        if self.editor is not None:
            self.editor.cancel()

    # --- edits (the editor makes them) ---------------------------------------------------
    def add_node_at(self, kind: str, pos: QPointF, select: bool = True) -> str | None:
        """Add a node centred on a scene point; returns its id."""
        return self.edits.add_node_at(kind, pos, select)

    def delete_selected(self) -> None:
        self.edits.delete_selected()

    def copy(self) -> bool:
        return self.edits.copy()

    def cut(self) -> None:
        self.edits.cut()

    def paste(self, at: QPointF | None = None) -> list[str]:
        """Paste the clipboard's nodes with their top-left at ``at`` (a scene point), else at
        the mouse when it is over the canvas, else just below where they were copied from,
        so a paste never lands on top of its original."""
        return self.edits.paste(at if at is not None else self.cursor_scene_pos())

    def cursor_scene_pos(self) -> QPointF | None:
        """Where the mouse is on the canvas, or None when it is elsewhere."""
        port = self.viewport()
        p = port.mapFromGlobal(QCursor.pos())
        if not port.rect().contains(p) or not self.isVisible():
            return None
        return self.mapToScene(p)

    def duplicate(self) -> list[str]:
        return self.edits.duplicate()

    def insert_neuron(
        self, n_inputs: int = 2, activation: str = "tanh", origin: QPointF | None = None
    ) -> list[str]:
        """The lecture's neuron, left to right, as one undo step; returns the new ids."""
        if origin is None:
            # to the right of what is there, or in the middle of the view on an empty canvas
            rect = self.canvas_scene.itemsBoundingRect()
            if rect.isEmpty():
                centre = self.mapToScene(self.viewport().rect().center())
                origin = QPointF(centre.x() - 2 * COLUMN, centre.y() - n_inputs * 46.0)
            else:
                origin = QPointF(rect.left(), rect.bottom() + 80.0)
        ids = self.edits.insert_neuron(n_inputs, activation, origin)
        if ids:
            self.fit_all()
        return ids

    def auto_arrange(self, then=None):
        """Lay the graph out left to right (Graphviz when installed) as one undo step. The
        layout runs in a background task (returned; None for an empty graph); ``then()`` runs
        after the nodes moved."""
        return view_input.auto_arrange(self, then)

    # --- inline editors --------------------------------------------------------------------
    def _open_editor(self, nid: str, cell: str, text: str, on_commit) -> InlineEditor | None:
        return view_input.open_cell_editor(self, nid, cell, text, on_commit)

    def edit_value(self, nid: str) -> InlineEditor | None:
        """Type a new number for a leaf, in place."""
        text = f"{self.document.nodes[nid].value:.10g}"
        return self._open_editor(nid, DATA, text, lambda t: self.edits.commit_value(nid, t))

    def rename(self, nid: str) -> InlineEditor | None:
        """Type a new label, in place."""
        text = self.document.nodes[nid].label
        return self._open_editor(nid, LABEL, text, lambda t: self.edits.commit_label(nid, t))

    def edit_param(self, nid: str, name: str) -> InlineEditor | None:
        current = self.document.nodes[nid].params.get(name, 0.0)
        return self._open_editor(
            nid,
            BADGE,
            format_number(current).rstrip("0").rstrip("."),
            lambda t: self.edits.commit_param(nid, name, t),
        )

    # --- quick add -------------------------------------------------------------------------
    def open_quick_add(self, text: str = "", at: QPointF | None = None, link=None) -> QuickAddPopup:
        """The searchable kind list at the cursor; the chosen kind is added where it opened.
        With ``link`` (a PortRef: a wire dropped on empty canvas) the new node is wired to
        that port, in the same undo step."""
        return view_input.open_quick_add(self, text, at, link)

    # --- drag and drop from the palette ----------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        self.drops.enter(event)

    def dragMoveEvent(self, event) -> None:
        self.drops.move(event)

    def dragLeaveEvent(self, event) -> None:
        self.drops.leave(event)

    def dropEvent(self, event) -> None:
        self.drops.drop(event)

    def drop_kind(self, kind: str, pos: QPointF) -> str | None:
        """A palette drop: a new node at ``pos``, spliced into the wire under it if any."""
        return self.edits.drop_kind(kind, pos)

    # --- background ------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        # zoom() and fit_all() switch how nodes are drawn before the repaint they cause; a
        # transform set from outside is caught here, before the items are drawn
        self.canvas_scene.update_detail(cache=True)
        self.wire_layer.draw(painter, QRectF(rect))

    def paintEvent(self, event) -> None:
        scene = self.canvas_scene
        scene.flush_groups()  # ports changed by a wire edit: before painting
        scene.pull_hidden(self.mapToScene(self.viewport().rect()).boundingRect())
        super().paintEvent(event)

    def paint_layer(self, painter: QPainter, rect: QRectF) -> None:
        """Canvas colour, grid and wires in a scene rectangle (the wire layer caches this)."""
        colors = self.canvas_scene.style.colors
        painter.fillRect(rect, colors.background)
        zoom = self.zoom()
        if zoom >= 0.5:
            self._paint_grid(painter, rect)
        scene = self.canvas_scene
        scene.paint_frames(painter, rect)  # under the wires
        # boxes although zoomed in: too many nodes on screen to read (stacked on each
        # other); their wires are drawn as from far too, plain lines
        crowded = scene.boxes_in_layer and zoom >= DETAIL_LOD
        scene.paint_wires(
            painter,
            rect,
            antialias=zoom >= DETAIL_LOD and not crowded,
            straight=crowded or zoom < STRAIGHT_WIRES_ZOOM,
        )
        if scene.boxes_in_layer:
            scene.paint_boxes(painter, rect)

    def _paint_grid(self, painter: QPainter, rect: QRectF) -> None:
        # lines sit on multiples of GRID_STEP in scene coordinates, whatever part of the layer
        # is drawn: a strip uncovered by a pan must line up with the pixels scrolled along
        step = GRID_STEP
        # axis-aligned lines look the same without antialiasing, at a fraction of the cost
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self.canvas_scene.style.colors.grid)
        first_x = math.floor(rect.left() / step)
        first_y = math.floor(rect.top() / step)
        lines = []
        i = first_x
        while i * step <= rect.right():
            x = i * step
            lines.append(QLineF(x, rect.top(), x, rect.bottom()))
            i += 1
        i = first_y
        while i * step <= rect.bottom():
            y = i * step
            lines.append(QLineF(rect.left(), y, rect.right(), y))
            i += 1
        painter.drawLines(lines)

    def changeEvent(self, event) -> None:
        # the view (a widget) hears about light/dark switches; the scene repaints in the new
        # colours (a Python QGraphicsScene.event override would run while Qt deletes it)
        if event.type() == QEvent.Type.PaletteChange:
            self.canvas_scene.restyle()
        super().changeEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.canvas_scene.update_detail()  # a zoom scrolls too: numbers shown or not
        self.canvas_scene.refresh_visible(self)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.canvas_scene.update_detail()
        self.canvas_scene.refresh_visible(self)
