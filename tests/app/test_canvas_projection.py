"""Property: whatever edits, undos and redos happen, the scene mirrors the document exactly."""

from __future__ import annotations

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from mgstudio.app.canvas.numbers import MISSING, format_number
from mgstudio.app.canvas.view import CanvasView
from mgstudio.app.commands import (
    AddNodeCommand,
    ConnectCommand,
    DisconnectCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
    SetLabelCommand,
    SetValueCommand,
)
from mgstudio.document import Document

_KINDS = ["input", "constant", "add", "mul", "tanh", "exp", "neg", "div"]
_OPS = [
    "add",
    "add",
    "connect",
    "connect",
    "remove",
    "disconnect",
    "value",
    "label",
    "move",
    "paste",
    "undo",
    "undo",
    "redo",
    "backward",
]


def _assert_mirrors(view: CanvasView, doc: Document) -> None:
    scene = view.canvas_scene
    assert sorted(it.node_id for it in scene.node_items()) == sorted(doc.nodes)
    assert sorted((it.wire.dst, it.wire.port, it.wire.src) for it in scene.wire_items()) == sorted(
        (w.dst, w.port, w.src) for w in doc.wires
    )
    for nid, node in doc.nodes.items():
        item = view.item_for(nid)
        # Qt may flush sub-normal coordinates (1e-225) to 0: compare to a pixel's billionth
        assert (item.x(), item.y()) == pytest.approx(node.pos, abs=1e-9)
        v = doc.value_of(nid)
        shown = [
            node.label,
            f"data {MISSING if v is None else format_number(v.data)}",
            f"grad {MISSING if v is None else format_number(v.grad)}",
        ]
        assert item.texts() == shown
        assert item.is_dimmed == (v is None)
    for it in scene.wire_items():
        # a wire's ends sit on its ports, wherever the nodes went
        assert it.path().pointAtPercent(0.0) == it.src_item.output_pos()
        assert it.path().pointAtPercent(1.0) == it.dst_item.input_pos(it.port)


def _step(doc, stack, op, i, j, x):
    ids = list(doc.nodes)
    if op == "undo":
        stack.undo()
        return
    if op == "redo":
        stack.redo()
        return
    if op == "backward":
        doc.backward()
        return
    if op == "add" or not ids:
        stack.push(
            AddNodeCommand(
                doc,
                _KINDS[i % len(_KINDS)],
                ((i % 7) * 300.0, j % 400),
                value=x if _KINDS[i % len(_KINDS)] in ("input",) else None,
            )
        )
        return
    a, b = ids[i % len(ids)], ids[j % len(ids)]
    if op == "connect":
        ports = doc.nodes[b].spec.inputs
        if ports:
            stack.push(ConnectCommand(doc, a, b, ports[j % len(ports)]))
    elif op == "remove":
        stack.push(RemoveNodesCommand(doc, [a]))
    elif op == "disconnect" and doc.wires:
        stack.push(DisconnectCommand(doc, doc.wires[i % len(doc.wires)]))
    elif op == "value" and doc.nodes[a].spec.is_leaf:
        stack.push(SetValueCommand(doc, a, x))
    elif op == "label":
        stack.push(SetLabelCommand(doc, a, f"L{j % 50}"))
    elif op == "move":
        stack.push(MoveNodesCommand(doc, {a: (x * 50, float(j % 300))}))
    elif op == "paste":
        stack.push(PasteCommand(doc, doc.fragment([a, b]), (20.0, 20.0)))


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    script=st.lists(
        st.tuples(
            st.sampled_from(_OPS),
            st.integers(0, 999),
            st.integers(0, 999),
            st.floats(-3, 3, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_scene_always_mirrors_the_document(qtbot, script):
    doc = Document()
    stack = QUndoStack()
    view = CanvasView(doc, stack)
    qtbot.addWidget(view)
    view.resize(600, 400)
    try:
        for op, i, j, x in script:
            _step(doc, stack, op, i, j, x)
        _assert_mirrors(view, doc)
        while stack.canUndo():
            stack.undo()
        _assert_mirrors(view, doc)
        while stack.canRedo():
            stack.redo()
        _assert_mirrors(view, doc)
    finally:
        view.detach()
