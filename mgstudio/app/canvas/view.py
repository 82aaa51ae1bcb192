"""``CanvasView``: where a learner edits the graph. Gestures become undo commands; the scene
shows the document's answer. The public methods are the seam with the main window (see
docs/CONTRACTS.md, "App")."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QKeySequence, QPainter
from PySide6.QtWidgets import QGraphicsView, QMenu

from mgstudio.app.commands import (
    AddNodeCommand,
    ConnectCommand,
    InsertNeuronCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
    SetLabelCommand,
    SetParamCommand,
    SetValueCommand,
    SpliceCommand,
    macro,
)
from mgstudio.document import KINDS

from . import clipboard
from .inline_edit import InlineEditor
from .interactions import CutGesture, Interaction, PanGesture, WireDrag
from .layout import arrange_job
from .neuron import COLUMN
from .node_item import BADGE, DATA, DETAIL_LOD, GRAD, LABEL, NodeItem
from .numbers import format_number, nudged, parse_number
from .quick_add import QuickAddPopup
from .readable import expected_view, show_readably
from .scene import WORLD, CanvasScene
from .wire_layer import WireLayer

MIME_KIND = "application/x-mgstudio-kind"
MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
FIT_MAX_ZOOM = 1.25
PASTE_STEP = 40.0
NUDGE = 0.1
STRAIGHT_WIRES_ZOOM = 0.15  # below this a wire's bend is a few pixels: draw lines
GRID_STEP = 100.0  # scene units between grid lines


class CanvasView(QGraphicsView):
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
        self._space = False
        self._paste_count = 0
        self._paste_text: tuple | None = None  # (text, place) of the last paste
        self._drop_wire = None
        self._moving = False  # a left-drag of node items is under way
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
        self._paste_count = 0
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
        self.canvas_scene.detach()

    def push(self, command) -> bool:
        """Push an undo command; a refusal by the document becomes a status message."""
        self.undo_stack.push(command)
        error = getattr(command, "error", None)
        if error is not None:
            self.status_message.emit(str(error))
            return False
        return True

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
        scene = self.canvas_scene
        scene.blockSignals(True)  # one selection_changed for the whole change, not one per item
        try:
            scene.clearSelection()
            for nid in ids:
                item = self.item_for(nid)
                if item is not None:
                    item.setSelected(True)
        finally:
            scene.blockSignals(False)
        scene.selection_redrawn()
        self._emit_selection()

    def select_all(self) -> None:
        self.select_ids(list(self.document.nodes))

    def _emit_selection(self) -> None:
        self.selection_changed.emit(self.selected_ids())

    # --- zoom and pan ----------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, viewport_pos: QPointF | None = None) -> None:
        """Scale around a viewport point (default: the centre), keeping it under the cursor."""
        current = self.zoom()
        factor = min(MAX_ZOOM / current, max(MIN_ZOOM / current, factor))
        if abs(factor - 1.0) < 1e-9:
            return
        if viewport_pos is None:
            viewport_pos = QPointF(self.viewport().rect().center())
        anchor = self.mapToScene(viewport_pos.toPoint())
        self.scale(factor, factor)
        self.canvas_scene.update_detail(cache=True)
        moved = self.mapFromScene(anchor) - viewport_pos.toPoint()
        self._scroll_by(moved.x(), moved.y())

    def _scroll_by(self, dx: float, dy: float) -> None:
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(dx))
        v.setValue(v.value() + round(dy))

    def reset_zoom(self) -> None:
        """Actual size (100 %), keeping the middle of the view where it is."""
        self.zoom_by(1.0 / self.zoom())

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    def _fit_zoom_guess(self, document) -> float:
        """About the zoom ``fit_all`` will pick for a document, from its node positions
        (before there are items to measure)."""
        if not document.nodes:
            return 1.0
        xs = [n.pos[0] for n in document.nodes.values()]
        ys = [n.pos[1] for n in document.nodes.values()]
        w = max(xs) - min(xs) + 400.0  # a typical record's size, and fit_all's margin
        h = max(ys) - min(ys) + 120.0
        view = self.viewport().rect()
        return min(FIT_MAX_ZOOM, view.width() / w, view.height() / h)

    def fit_all(self) -> None:
        """Show every node, no larger than a comfortable reading size."""
        rect = self.canvas_scene.nodes_bounding_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.canvas_scene.update_detail(cache=True)
            self.centerOn(0.0, 0.0)
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > FIT_MAX_ZOOM:
            self.resetTransform()
            self.scale(FIT_MAX_ZOOM, FIT_MAX_ZOOM)
        elif self.zoom() < MIN_ZOOM:
            self.resetTransform()
            self.scale(MIN_ZOOM, MIN_ZOOM)
        self.canvas_scene.update_detail(cache=True)  # before the repaint the zoom brings
        self.centerOn(rect.center())

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
        value = self.document.nodes[nid].value
        self.push(SetValueCommand(self.document, nid, nudged(value, step), merge=True))

    # --- mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
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
        if button == Qt.MouseButton.LeftButton:
            scene = self.canvas_scene
            port = scene.port_at(pos)
            if port is not None:
                self.interaction = WireDrag(self, port)
                event.accept()
                return
            add = bool(
                mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
            )
            node = scene.node_at(pos)
            wire = scene.wire_at(pos) if node is None else None
            if wire is not None:  # wires keep their own selection (see wire_item)
                if not add:
                    self.select_ids([])
                scene.select_wire(wire, add=add)
                event.accept()
                return
            if not add:
                scene.clear_wire_selection()
            self._moving = node is not None
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
            for item in self.canvas_scene.selectedItems():
                if isinstance(item, NodeItem):
                    item.moved()

    def mouseReleaseEvent(self, event) -> None:
        if self.interaction is not None:
            interaction, self.interaction = self.interaction, None
            interaction.release(self.mapToScene(event.position().toPoint()), event)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._moving = False
            self._finish_move()

    def _finish_move(self) -> None:
        """Items moved on screen during a drag; now tell the document, as one undo step."""
        doc = self.document
        moved = {}
        for item in self.canvas_scene.selectedItems():
            if isinstance(item, NodeItem) and item.node_id in doc.nodes:
                pos = (item.x(), item.y())
                if pos != tuple(doc.nodes[item.node_id].pos):
                    moved[item.node_id] = pos
        if not moved:
            return
        splice = self._splice_target(moved)
        if splice is not None:
            nid, wire, port = splice
            with macro(
                self.undo_stack, f"Insert {doc.nodes[nid].label or doc.nodes[nid].kind} into wire"
            ):
                self.push(MoveNodesCommand(doc, moved))
                self.push(SpliceCommand(doc, nid, wire, port))
        else:
            self.push(MoveNodesCommand(doc, moved))
        for nid in moved:  # a refused move snaps back to where the document has the node
            item = self.item_for(nid)
            if item is not None and nid in doc.nodes:
                item.setPos(*doc.nodes[nid].pos)
                item.moved()

    def _splice_target(self, moved):
        """A single unwired node dropped onto a wire goes into it (if it has an input)."""
        if len(moved) != 1:
            return None
        nid = next(iter(moved))
        item = self.item_for(nid)
        kind = KINDS[self.document.nodes[nid].kind]
        if not kind.inputs or item.wires:
            return None
        wire_item = self.canvas_scene.wire_at(item.sceneBoundingRect().center())
        if wire_item is None:
            return None
        return nid, wire_item.wire, kind.inputs[0]

    def mouseDoubleClickEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        item = self.canvas_scene.node_at(pos)
        if item is None:
            if self.canvas_scene.wire_at(pos) is None:
                self.open_quick_add(at=pos)
            event.accept()
            return
        cell = item.cell_at(pos)
        if cell == LABEL:
            self.rename(item.node_id)
        elif item.kind.is_leaf and cell in (DATA, GRAD, BADGE):
            self.edit_value(item.node_id)
        elif cell == BADGE and item.kind.params:
            self.edit_param(item.node_id, item.kind.params[0].name)
        else:
            self.rename(item.node_id)
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
        menu = QMenu(self)
        item = self.canvas_scene.node_at(pos)
        wire = self.canvas_scene.wire_at(pos) if item is None else None
        if item is not None:
            if not item.isSelected():
                self.select_ids([item.node_id])
            nid = item.node_id
            if item.kind.is_leaf:
                menu.addAction("Edit value", lambda: self.edit_value(nid))
            menu.addAction("Rename", lambda: self.rename(nid))
            menu.addSeparator()
            menu.addAction("Cut", self.cut)
            menu.addAction("Copy", self.copy)
            menu.addAction("Duplicate", self.duplicate)
            menu.addAction("Delete", self.delete_selected)
        elif wire is not None:
            w = wire.wire
            menu.addAction(
                "Disconnect", lambda: self.push(RemoveNodesCommand(self.document, [], [w]))
            )
        else:
            menu.addAction("Add node…", lambda: self.open_quick_add(at=pos))
            menu.addAction("Insert neuron", lambda: self.insert_neuron(origin=pos))
            menu.addAction("Paste", lambda: self.paste(at=pos))
            menu.addSeparator()
            menu.addAction("Select all", self.select_all)
            menu.addAction("Arrange", self.auto_arrange)
            menu.addAction("Fit all", self.fit_all)
        return menu

    # --- keyboard --------------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:
        return False  # Tab opens the quick-add popup instead of moving focus

    def keyPressEvent(self, event) -> None:
        key, mods = event.key(), event.modifiers()
        plain = not mods & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if key == Qt.Key.Key_Space and plain:
            if not event.isAutoRepeat():
                self._space = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            if self.interaction is not None:
                self._cancel_gestures()
            else:
                self.select_ids([])
            event.accept()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
            event.accept()
            return
        if key == Qt.Key.Key_Tab and plain:
            self.open_quick_add()
            event.accept()
            return
        for seq, action in (
            (QKeySequence.StandardKey.Copy, self.copy),
            (QKeySequence.StandardKey.Cut, self.cut),
            (QKeySequence.StandardKey.Paste, self.paste),
            (QKeySequence.StandardKey.SelectAll, self.select_all),
            (QKeySequence.StandardKey.Undo, self.undo_stack.undo),
            (QKeySequence.StandardKey.Redo, self.undo_stack.redo),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
        ):
            if event.matches(seq):
                action()
                event.accept()
                return
        if key == Qt.Key.Key_D and mods == Qt.KeyboardModifier.ControlModifier:
            self.duplicate()
            event.accept()
            return
        if key == Qt.Key.Key_Home:
            self.fit_all()
            event.accept()
            return
        text = event.text()
        if plain and len(text) == 1 and (text.isalpha() or text in "+-*/"):
            self.open_quick_add(text=text)
            event.accept()
            return
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

    # --- edits -----------------------------------------------------------------------------
    def add_node_at(self, kind: str, pos: QPointF, select: bool = True) -> str | None:
        """Add a node centred on a scene point; returns its id."""
        height = max(32.0, len(KINDS[kind].inputs) * 20.0 + 12.0)
        cmd = AddNodeCommand(
            self.document, kind, (round(pos.x() - 40.0), round(pos.y() - height / 2))
        )
        if not self.push(cmd):
            return None
        if select:
            self.select_ids([cmd.node_id])
        return cmd.node_id

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        wires = self.canvas_scene.selected_wires()
        if ids or wires:
            self.push(RemoveNodesCommand(self.document, ids, wires))

    def copy(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            self.status_message.emit("nothing selected to copy")
            return False
        clipboard.put_fragment(self.document.fragment(ids))
        self._paste_text, self._paste_count = None, 0
        return True

    def cut(self) -> None:
        if self.copy():
            ids = self.selected_ids()
            self.push(
                RemoveNodesCommand(
                    self.document, ids, text=f"Cut {len(ids)} node{'s' * (len(ids) != 1)}"
                )
            )

    def paste(self, at: QPointF | None = None) -> list[str]:
        """Paste the clipboard's nodes with their top-left at ``at`` (a scene point), else at
        the mouse when it is over the canvas, else just below where they were copied from,
        so a paste never lands on top of its original."""
        text = clipboard.get_fragment_text()
        if text is None:
            self.status_message.emit("the clipboard holds no mgstudio nodes")
            return []
        if at is None:
            at = self.cursor_scene_pos()
        place = clipboard.paste_offset(text, (at.x(), at.y()) if at is not None else None)
        key = (text, place.anchored)
        if key != self._paste_text:
            self._paste_text, self._paste_count = key, 0
        self._paste_count += 1
        # pasting again at the same place: each copy a little further, never a pile
        dx, dy = place.offset(self._paste_count, PASTE_STEP)
        return self._paste(text, (dx, dy))

    def cursor_scene_pos(self) -> QPointF | None:
        """Where the mouse is on the canvas, or None when it is elsewhere."""
        port = self.viewport()
        p = port.mapFromGlobal(QCursor.pos())
        if not port.rect().contains(p) or not self.isVisible():
            return None
        return self.mapToScene(p)

    def duplicate(self) -> list[str]:
        ids = self.selected_ids()
        if not ids:
            return []
        return self._paste(
            self.document.fragment(ids),
            (PASTE_STEP, PASTE_STEP),
            text=f"Duplicate {len(ids)} node{'s' * (len(ids) != 1)}",
        )

    def _paste(self, fragment, offset, text=None) -> list[str]:
        cmd = PasteCommand(self.document, fragment, offset, text=text)
        if not self.push(cmd):
            return []
        self.select_ids(cmd.ids)
        return list(cmd.ids)

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
        try:
            cmd = InsertNeuronCommand(
                self.document, n_inputs, activation, (round(origin.x()), round(origin.y()))
            )
        except ValueError as exc:
            self.status_message.emit(str(exc))
            return []
        if not self.push(cmd):
            return []
        self.select_ids(cmd.ids)
        self.fit_all()
        return list(cmd.ids)

    def auto_arrange(self, then=None):
        """Lay the graph out left to right (Graphviz when installed) as one undo step. The
        layout runs in a background task (returned; None for an empty graph); ``then()`` runs
        after the nodes moved."""
        from mgstudio.app.background import tasks_for

        doc = self.document
        if not doc.nodes:
            return None
        job = arrange_job(doc, self.canvas_scene)

        def arrived(positions):
            if self.document is not doc or not job.still_fits(doc):
                self.status_message.emit(
                    "the graph changed while it was being arranged: arrange it again"
                )
                return
            moved = {nid: p for nid, p in positions.items() if tuple(doc.nodes[nid].pos) != p}
            if moved:
                self.push(MoveNodesCommand(doc, moved, text="Arrange nodes"))
            self.fit_all()
            if then is not None:
                then()

        return tasks_for(self).run(
            "Arranging the graph", job, on_done=arrived, on_failed=self.status_message.emit
        )

    # --- inline editors --------------------------------------------------------------------
    def _open_editor(self, nid: str, cell: str, text: str, on_commit) -> InlineEditor | None:
        item = self.item_for(nid)
        if item is None:
            return None
        self._cancel_gestures()
        rect = self.mapFromScene(item.cell_rect(cell)).boundingRect()
        rect.setWidth(max(rect.width(), 90))
        rect.setHeight(max(rect.height(), 24))
        editor = InlineEditor(self.viewport(), rect, text)
        editor.committed.connect(on_commit)
        editor.finished.connect(lambda: self._editor_closed(editor))
        self.editor = editor
        editor.show()
        editor.setFocus()
        return editor

    def _editor_closed(self, editor: InlineEditor) -> None:
        if self.editor is editor:
            self.editor = None
            self.setFocus()
        editor.deleteLater()

    def edit_value(self, nid: str) -> InlineEditor | None:
        """Type a new number for a leaf, in place."""
        node = self.document.nodes[nid]

        def commit(text: str) -> None:
            try:
                value = parse_number(text)
            except ValueError as exc:
                self.status_message.emit(str(exc))
                return
            if nid in self.document.nodes and value != self.document.nodes[nid].value:
                self.push(SetValueCommand(self.document, nid, value, merge=False))

        return self._open_editor(nid, DATA, f"{node.value:.10g}", commit)

    def rename(self, nid: str) -> InlineEditor | None:
        """Type a new label, in place."""

        def commit(text: str) -> None:
            text = text.strip()
            if nid in self.document.nodes and text != self.document.nodes[nid].label:
                self.push(SetLabelCommand(self.document, nid, text))

        return self._open_editor(nid, LABEL, self.document.nodes[nid].label, commit)

    def edit_param(self, nid: str, name: str) -> InlineEditor | None:
        def commit(text: str) -> None:
            try:
                value = parse_number(text)
            except ValueError as exc:
                self.status_message.emit(str(exc))
                return
            if nid in self.document.nodes:
                self.push(SetParamCommand(self.document, nid, name, value, merge=False))

        current = self.document.nodes[nid].params.get(name, 0.0)
        return self._open_editor(nid, BADGE, format_number(current).rstrip("0").rstrip("."), commit)

    # --- quick add -------------------------------------------------------------------------
    def open_quick_add(self, text: str = "", at: QPointF | None = None, link=None) -> QuickAddPopup:
        """The searchable kind list at the cursor; the chosen kind is added where it opened.
        With ``link`` (a PortRef: a wire dropped on empty canvas) the new node is wired to
        that port, in the same undo step."""
        if at is None:
            cursor = self.viewport().mapFromGlobal(QCursor.pos())
            if not self.viewport().rect().contains(cursor):
                cursor = self.viewport().rect().center()
            at = self.mapToScene(cursor)
        if self.quick_add is not None:
            self.quick_add.close()
            self.quick_add.deleteLater()
        popup = QuickAddPopup(self, text)
        target = QPointF(at)
        popup.kind_chosen.connect(lambda kind: self._quick_added(kind, target, link))
        popup.popup_at(self.viewport().mapToGlobal(self.mapFromScene(at)))
        self.quick_add = popup
        return popup

    def _quick_added(self, kind: str, pos: QPointF, link) -> None:
        doc, inputs = self.document, KINDS[kind].inputs
        if link is None or link.node_id not in doc.nodes or (link.is_output and not inputs):
            self.add_node_at(kind, pos)
            return
        with macro(self.undo_stack, f"Add {kind}"):
            if link.is_output:  # the new node takes the wire into its first input
                nid = self.add_node_at(kind, pos, select=False)
                if nid is not None:
                    self.push(ConnectCommand(doc, link.node_id, nid, inputs[0]))
            else:  # the new node feeds the input the wire came from
                nid = self.add_node_at(kind, QPointF(pos.x() - 240.0, pos.y()), select=False)
                if nid is not None:
                    self.push(ConnectCommand(doc, nid, link.node_id, link.name))
        if nid is not None:
            self.select_ids([nid])

    # --- drag and drop from the palette ----------------------------------------------------
    def _dropped_kind(self, event) -> str | None:
        mime = event.mimeData()
        if not mime.hasFormat(MIME_KIND):
            return None
        kind = bytes(mime.data(MIME_KIND)).decode("utf-8", errors="replace").strip()
        return kind if kind in KINDS else None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_kind(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        kind = self._dropped_kind(event)
        if kind is None:
            event.ignore()
            return
        wire = None
        if KINDS[kind].inputs:
            wire = self.canvas_scene.wire_at(self.mapToScene(event.position().toPoint()))
        self._hover_drop_wire(wire)
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._hover_drop_wire(None)
        event.accept()

    def _hover_drop_wire(self, wire) -> None:
        if wire is self._drop_wire:
            return
        if self._drop_wire is not None and self._drop_wire.scene() is not None:
            self._drop_wire.set_highlight(False)
        self._drop_wire = wire
        if wire is not None:
            wire.set_highlight(True)

    def dropEvent(self, event) -> None:
        kind = self._dropped_kind(event)
        self._hover_drop_wire(None)
        if kind is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.drop_kind(kind, self.mapToScene(event.position().toPoint()))

    def drop_kind(self, kind: str, pos: QPointF) -> str | None:
        """A palette drop: a new node at ``pos``, spliced into the wire under it if any."""
        wire_item = self.canvas_scene.wire_at(pos) if KINDS[kind].inputs else None
        if wire_item is None:
            return self.add_node_at(kind, pos)
        wire = wire_item.wire
        with macro(self.undo_stack, f"Insert {kind} into wire"):
            nid = self.add_node_at(kind, pos, select=False)
            if nid is not None:
                self.push(SpliceCommand(self.document, nid, wire, KINDS[kind].inputs[0]))
        if nid is not None:
            self.select_ids([nid])
        return nid

    # --- background ------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        # zoom() and fit_all() switch how nodes are drawn before the repaint they cause; a
        # transform set from outside is caught here, before the items are drawn
        self.canvas_scene.update_detail(cache=True)
        self.wire_layer.draw(painter, rect)

    def paint_layer(self, painter: QPainter, rect: QRectF) -> None:
        """Canvas colour, grid and wires in a scene rectangle (the wire layer caches this)."""
        colors = self.canvas_scene.style.colors
        painter.fillRect(rect, colors.background)
        zoom = self.zoom()
        if zoom >= 0.5:
            self._paint_grid(painter, rect)
        scene = self.canvas_scene
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
