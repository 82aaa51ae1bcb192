"""How the canvas view reads a double click, the right-click menu, its keys and palette
drops, and opens a cell's inline editor: each turns into a call of the view's public methods
(whose edits the ``CanvasEditor`` makes). Kept out of ``view.py``, which is zoom, pan, paint
and selection."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QKeySequence
from PySide6.QtWidgets import QMenu

from mgstudio.document import KINDS

from .inline_edit import InlineEditor
from .interactions import WireDrag
from .layout import arrange_job
from .node_item import BADGE, DATA, GRAD, LABEL
from .quick_add import QuickAddPopup
from .roles import role_menu_entries

MIME_KIND = "application/x-mgstudio-kind"


def left_press(view, pos: QPointF, mods) -> bool:
    """A left press: on a port a wire drag starts, on a wire that wire is selected (True:
    handled); on a node or empty canvas QGraphicsView moves or rubber-bands (False)."""
    scene = view.canvas_scene
    port = scene.port_at(pos)
    if port is not None:
        view.interaction = WireDrag(view, port)
        return True
    add = bool(mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    node, group = _node_or_group(scene, pos)
    if group is not None and group.chevron_rect().contains(pos):
        scene.group_toggle_requested.emit(group.group_id)
        return True
    wire = scene.wire_at(pos) if node is None and group is None else None
    if wire is not None:  # wires keep their own selection (see wire_item)
        if not add:
            view.select_ids([])
        scene.select_wire(wire, add=add)
        return True
    if not add:
        scene.clear_wire_selection()
    view._moving = node is not None or group is not None
    return False


def _node_or_group(scene, pos: QPointF):
    """``(node item, None)`` or ``(None, frame or block)`` under a scene point: a block is
    drawn over nodes, a frame's title bar under them."""
    node = scene.node_at(pos)
    group = scene.group_item_at(pos)
    if group is not None and (node is None or group.zValue() > node.zValue()):
        return None, group
    return node, None


def double_click(view, pos: QPointF) -> None:
    """A double click opens the editor of the cell under it, or quick add on empty canvas."""
    item, group = _node_or_group(view.canvas_scene, pos)
    if group is not None:  # a frame's title or a block: collapse or expand it
        view.canvas_scene.group_toggle_requested.emit(group.group_id)
        return
    if item is None:
        if view.canvas_scene.wire_at(pos) is None:
            view.open_quick_add(at=pos)
        return
    cell = item.cell_at(pos)
    if cell == LABEL:
        view.rename(item.node_id)
    elif item.kind.is_leaf and cell in (DATA, GRAD, BADGE):
        view.edit_value(item.node_id)
    elif cell == BADGE and item.kind.params:
        view.edit_param(item.node_id, item.kind.params[0].name)
    else:
        view.rename(item.node_id)


def context_menu(view, pos: QPointF) -> QMenu:
    """The right-click menu for whatever is under a scene position."""
    menu = QMenu(view)
    item = view.canvas_scene.node_at(pos)
    wire = view.canvas_scene.wire_at(pos) if item is None else None
    if item is not None:
        if not item.isSelected():
            view.select_ids([item.node_id])
        nid = item.node_id
        if item.kind.is_leaf:
            menu.addAction("Edit value", lambda: view.edit_value(nid))
        menu.addAction("Rename", lambda: view.rename(nid))
        menu.addSeparator()
        menu.addAction("Cut", view.cut)
        menu.addAction("Copy", view.copy)
        menu.addAction("Duplicate", view.duplicate)
        menu.addAction("Delete", view.delete_selected)
        group_menu_entries(view, menu)
        role_menu_entries(view, menu, nid)
    elif wire is not None:
        w = wire.wire
        menu.addAction("Disconnect", lambda: view.edits.disconnect(w))
    else:
        menu.addAction("Add node…", lambda: view.open_quick_add(at=pos))
        menu.addAction("Insert neuron", lambda: view.insert_neuron(origin=pos))
        menu.addAction("Paste", lambda: view.paste(at=pos))
        menu.addSeparator()
        menu.addAction("Select all", view.select_all)
        menu.addAction("Arrange", view.auto_arrange)
        menu.addAction("Fit all", view.fit_all)
    return menu


def group_menu_entries(view, menu: QMenu) -> None:
    """Group the selection; collapse, expand or dissolve the group it is in."""
    edits = view.edits
    menu.addSeparator()
    menu.addAction("Group selection", edits.group_selection)
    gid = edits.selected_group()
    if gid is not None:
        collapsed = view.document.groups.get(gid).collapsed
        menu.addAction(
            "Expand group" if collapsed else "Collapse group", lambda: edits.toggle_group(gid)
        )
        menu.addAction("Ungroup", lambda: edits.ungroup(gid))


def key_press(view, event) -> bool:
    """The canvas's own keys; False for a key it leaves to QGraphicsView."""
    key, mods = event.key(), event.modifiers()
    plain = not mods & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    if key == Qt.Key.Key_Space and plain:
        if not event.isAutoRepeat():
            view._space = True
            view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        event.accept()
        return True
    if key == Qt.Key.Key_Escape:
        if view.interaction is not None:
            view._cancel_gestures()
        else:
            view.select_ids([])
        event.accept()
        return True
    if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
        view.delete_selected()
        event.accept()
        return True
    if key == Qt.Key.Key_Tab and plain:
        view.open_quick_add()
        event.accept()
        return True
    for seq, action in (
        (QKeySequence.StandardKey.Copy, view.copy),
        (QKeySequence.StandardKey.Cut, view.cut),
        (QKeySequence.StandardKey.Paste, view.paste),
        (QKeySequence.StandardKey.SelectAll, view.select_all),
        (QKeySequence.StandardKey.Undo, view.undo_stack.undo),
        (QKeySequence.StandardKey.Redo, view.undo_stack.redo),
        (QKeySequence.StandardKey.ZoomIn, view.zoom_in),
        (QKeySequence.StandardKey.ZoomOut, view.zoom_out),
    ):
        if event.matches(seq):
            action()
            event.accept()
            return True
    if key == Qt.Key.Key_D and mods == Qt.KeyboardModifier.ControlModifier:
        view.duplicate()
        event.accept()
        return True
    if key == Qt.Key.Key_Home:
        view.fit_all()
        event.accept()
        return True
    text = event.text()
    if plain and len(text) == 1 and (text.isalpha() or text in "+-*/"):
        view.open_quick_add(text=text)
        event.accept()
        return True
    return False


def open_cell_editor(view, nid: str, cell: str, text: str, on_commit) -> InlineEditor | None:
    """An editor over one cell of a node; ``on_commit(text)`` when the learner presses Enter."""
    item = view.item_for(nid)
    if item is None:
        return None
    view._cancel_gestures()
    rect = view.mapFromScene(item.cell_rect(cell)).boundingRect()
    rect.setWidth(max(rect.width(), 90))
    rect.setHeight(max(rect.height(), 24))
    editor = InlineEditor(view.viewport(), rect, text)
    editor.committed.connect(on_commit)
    editor.finished.connect(lambda: _editor_closed(view, editor))
    view.editor = editor
    editor.show()
    editor.setFocus()
    return editor


def _editor_closed(view, editor: InlineEditor) -> None:
    if view.editor is editor:
        view.editor = None
        view.setFocus()
    editor.deleteLater()


def open_quick_add(view, text: str, at: QPointF | None, link) -> QuickAddPopup:
    """The searchable kind list at the cursor; the chosen kind is added where it opened.
    With ``link`` (a PortRef: a wire dropped on empty canvas) the new node is wired to
    that port, in the same undo step."""
    if at is None:
        cursor = view.viewport().mapFromGlobal(QCursor.pos())
        if not view.viewport().rect().contains(cursor):
            cursor = view.viewport().rect().center()
        at = view.mapToScene(cursor)
    if view.quick_add is not None:
        view.quick_add.close()
        view.quick_add.deleteLater()
    popup = QuickAddPopup(view, text)
    target = QPointF(at)
    popup.kind_chosen.connect(lambda kind: view.edits.quick_added(kind, target, link))
    popup.popup_at(view.viewport().mapToGlobal(view.mapFromScene(at)))
    view.quick_add = popup
    return popup


def auto_arrange(view, then=None):
    """Lay the graph out left to right (Graphviz when installed) as one undo step. The
    layout runs in a background task (returned; None for an empty graph, and for a network,
    which the network layout places at once); ``then()`` runs after the nodes moved."""
    from mgstudio.app.background import tasks_for  # the window's, found from the view

    doc = view.document
    if not doc.nodes:
        return None
    if view.edits.arrange_network():  # a network: its columns, placed at once (no task)
        view.fit_all()
        if then is not None:
            then()
        return None
    job = arrange_job(doc, view.canvas_scene)

    def arrived(positions):
        if view.document is not doc or not job.still_fits(doc):
            view.status_message.emit(
                "the graph changed while it was being arranged: arrange it again"
            )
            return
        view.edits.move_to(positions, "Arrange nodes")
        view.fit_all()
        if then is not None:
            then()

    return tasks_for(view).run(
        "Arranging the graph", job, on_done=arrived, on_failed=view.status_message.emit
    )


class PaletteDrops:
    """A kind dragged from the palette: accepted over the canvas, the wire it would go into
    highlighted, and dropped through ``view.drop_kind``."""

    def __init__(self, view):
        self.view = view
        self._drop_wire = None

    def _dropped_kind(self, event) -> str | None:
        mime = event.mimeData()
        if not mime.hasFormat(MIME_KIND):
            return None
        kind = bytes(mime.data(MIME_KIND)).decode("utf-8", errors="replace").strip()
        return kind if kind in KINDS else None

    def enter(self, event) -> None:
        if self._dropped_kind(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def move(self, event) -> None:
        kind = self._dropped_kind(event)
        if kind is None:
            event.ignore()
            return
        wire = None
        if KINDS[kind].inputs:
            wire = self.view.canvas_scene.wire_at(self.view.mapToScene(event.position().toPoint()))
        self._hover_drop_wire(wire)
        event.acceptProposedAction()

    def leave(self, event) -> None:
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

    def drop(self, event) -> None:
        kind = self._dropped_kind(event)
        self._hover_drop_wire(None)
        if kind is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.view.drop_kind(kind, self.view.mapToScene(event.position().toPoint()))
