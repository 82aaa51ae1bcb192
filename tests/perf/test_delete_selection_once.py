"""Deleting a selection reads the selection once, not once per deleted node (Qt announces
the selection for every selected item removed: 65,818 selected nodes never finished)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from mgstudio.app.canvas.scene import CanvasScene


def test_deleting_a_selection_of_many_nodes_reads_the_selection_once(canvas, doc, monkeypatch):
    ids = [doc.add_node("input", label=f"x{i}", pos=(i * 10.0, 0.0)) for i in range(60)]
    canvas.select_ids(ids)
    QApplication.processEvents()
    reads = []
    original = CanvasScene.selected_ids

    def counted(self):
        reads.append(1)
        return original(self)

    monkeypatch.setattr(CanvasScene, "selected_ids", counted)
    canvas.edits.delete_selected()
    QApplication.processEvents()
    assert not doc.nodes
    assert len(reads) <= 3  # the delete's own read and one announcement (was 60 and more)
    assert canvas.selected_ids() == []
