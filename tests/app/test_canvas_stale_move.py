"""A node whose numbers changed while it was off screen shows them once it is moved back into
view (found by test_state_machine: its cached picture came back without a paint)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from mgstudio.app.commands import MoveNodesCommand
from mgstudio.document import Document
from mgstudio.document.examples import example_path


def test_a_node_moved_back_into_view_shows_the_grads_it_missed(window):
    window.set_document(Document.load(example_path("derivative.mgs")))
    doc, canvas = window.document, window.canvas
    nid = next(n for n, node in doc.nodes.items() if node.kind == "input")
    canvas.select_ids([])
    window.backward_panel.zero_grad()  # auto backward fills them in at the next edit
    QCoreApplication.processEvents()
    canvas.viewport().grab()
    home = doc.nodes[nid].pos
    # moved far away: the edit's backward gives it its grad while it is off screen
    canvas.push(MoveNodesCommand(doc, {nid: (9000.0, 9000.0)}))
    QCoreApplication.processEvents()
    canvas.viewport().grab()
    window.undo_stack.undo()  # back home, on screen
    QCoreApplication.processEvents()
    canvas.viewport().grab()
    assert doc.nodes[nid].pos == home and doc.value_of(nid).grad != 0.0
    item = canvas.canvas_scene.item_for(nid)
    assert item.held_texts()[2] == f"grad {doc.value_of(nid).grad:.4f}"
