"""Fixtures shared by the app tests (window and canvas). Append new fixtures at the end."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtGui import QUndoStack  # noqa: E402

from mgstudio.document import Document  # noqa: E402


@pytest.fixture
def doc():
    """An empty document."""
    return Document()


@pytest.fixture
def undo_stack(qtbot):
    stack = QUndoStack()
    yield stack
    stack.clear()


@pytest.fixture
def canvas(qtbot, doc, undo_stack):
    """A shown CanvasView over ``doc`` (offscreen), 1200x800."""
    from mgstudio.app.canvas.view import CanvasView

    view = CanvasView(doc, undo_stack)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.detach()


@pytest.fixture
def neuron(doc) -> dict[str, str]:
    """The walkthrough's neuron built straight through the Document API: label -> id."""
    ids = {}
    for label, value in (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0),
                         ("b", 6.8813735870195432)):
        ids[label] = doc.add_node("input", label=label, value=value)
    for label, kind, a, b in (("x1w1", "mul", "x1", "w1"), ("x2w2", "mul", "x2", "w2"),
                              ("x1w1x2w2", "add", "x1w1", "x2w2"), ("n", "add", "x1w1x2w2", "b")):
        ids[label] = doc.add_node(kind, label=label)
        doc.connect(ids[a], ids[label], "a")
        doc.connect(ids[b], ids[label], "b")
    ids["o"] = doc.add_node("tanh", label="o")
    doc.connect(ids["n"], ids["o"], "a")
    return ids
