"""Graphviz in the window: Export and Auto-arrange run ``dot`` in background tasks, refuse
(export) or fall back to the layered layout (arrange) beyond the caps, and Cancel kills it."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtWidgets import QPushButton

from mgstudio.app import background
from mgstudio.document import graphviz_io

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def test_export_of_a_graph_too_big_for_dot_is_refused_with_what_to_do(
    window, open_example, tmp_path, errors, monkeypatch
):
    open_example("neuron.mgs")
    monkeypatch.setattr(graphviz_io, "DOT_NODE_LIMIT", 3)
    monkeypatch.setattr(graphviz_io, "run_dot", lambda *a, **k: pytest.fail("dot started"))
    out = tmp_path / "big.svg"
    assert not window.export_picture(out)
    ((title, text),) = errors
    assert title == "Can't export the picture"
    assert "Graphviz's dot takes more than ~10 s beyond 3" in text and "--force" in text
    assert not out.exists() and window.tasks.running() == []


def test_auto_arrange_over_the_cap_uses_the_layered_layout(window, open_example, monkeypatch):
    ids = open_example("neuron.mgs")
    assert window.tasks.wait_all()
    monkeypatch.setattr(graphviz_io, "DOT_LAYOUT_LIMIT", 3)
    monkeypatch.setattr(graphviz_io, "run_dot", lambda *a, **k: pytest.fail("dot started"))
    doc = window.document
    doc.move_nodes({nid: (0.0, 0.0) for nid in doc.nodes})
    window.undo_stack.clear()
    task = window.canvas.auto_arrange()
    assert task.wait() and task.state == "done"
    assert window.undo_stack.count() == 1
    for w in doc.wires:  # laid out left to right all the same
        assert doc.nodes[w.src].pos[0] < doc.nodes[w.dst].pos[0]
    assert ids


def test_auto_arrange_is_dropped_if_the_graph_changed_meanwhile(window, open_example):
    open_example("neuron.mgs")
    assert window.tasks.wait_all()
    window.undo_stack.clear()
    task = window.canvas.auto_arrange()
    nid = window.document.add_node("input", label="late", value=1.0)  # before the result
    assert task.wait()
    assert window.undo_stack.count() == 0
    assert "changed while it was being arranged" in window.statusBar().currentMessage()
    assert nid in window.document.nodes


@needs_dot
def test_cancelling_an_export_kills_dot_and_writes_nothing(
    window, open_example, tmp_path, qtbot, monkeypatch
):
    open_example("neuron.mgs")
    assert window.tasks.wait_all()
    monkeypatch.setattr(background, "SHOW_DELAY_MS", 0)
    started = []
    real_popen = subprocess.Popen

    def slow_dot(args, **kwargs):
        # a dot that never finishes by itself: the real program waiting on a pipe we hold
        proc = real_popen(["sleep", "600"], **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", slow_dot)
    out = tmp_path / "graph.svg"
    assert window.export_picture(out)
    (task,) = window.tasks.running()
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=10_000)
    # the dialog may show before the worker thread has reached Popen: wait for dot itself
    qtbot.waitUntil(lambda: bool(started), timeout=10_000)
    task.dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.state == "cancelled"
    assert started[0].returncode is not None  # killed and reaped
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
