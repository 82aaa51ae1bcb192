"""Graphviz's ``dot`` is never started on graphs it would take minutes over: ``render``
refuses them with what to do (``--max-nodes``/``--force`` override), layouts fall back to our
own layering, and a running ``dot`` is killed when its progress callback raises."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mgstudio.cli import main
from mgstudio.document import Document, graphviz_io
from mgstudio.document.graphviz_io import (
    DOT_LAYOUT_LIMIT,
    DOT_NODE_LIMIT,
    DotTooLargeError,
    GraphvizNotFoundError,
    layered_layout,
    layout_graph,
)
from mgstudio.document.nodes import Node, Wire

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def chain(n: int) -> Document:
    nodes = [Node("n0", "input", "x", 0.5, {}, (0.0, 0.0))]
    nodes += [Node(f"n{i}", "tanh", "", None, {}, (float(i), 0.0)) for i in range(1, n)]
    doc = Document()
    doc.add_subgraph(nodes, [Wire(f"n{i - 1}", f"n{i}", "a") for i in range(1, n)])
    return doc


@pytest.fixture
def no_dot_may_start(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("dot was started")

    monkeypatch.setattr(graphviz_io, "run_dot", refuse)


def _error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_a_20000_node_render_is_refused_with_what_to_do(tmp_path, capsys, no_dot_may_start):
    path = tmp_path / "chain.mgs"
    chain(20_000).save(path)
    out = tmp_path / "chain.svg"
    assert main(["render", str(path), "-o", str(out)]) == 1
    line = _error_line(capsys.readouterr().err)
    assert "20,000 nodes" in line and f"{DOT_NODE_LIMIT:,}" in line
    assert "--force" in line and "--max-nodes" in line and ".dot" in line
    assert not out.exists()


def test_the_dot_source_is_written_at_any_size(tmp_path, no_dot_may_start):
    path = tmp_path / "small.mgs"
    chain(5).save(path)
    out = tmp_path / "small.dot"
    assert main(["render", str(path), "-o", str(out), "--max-nodes", "2"]) == 0
    assert out.read_text().startswith("digraph")


@needs_dot
def test_max_nodes_and_force_override_the_cap(tmp_path, capsys):
    path = tmp_path / "small.mgs"
    chain(5).save(path)
    out = tmp_path / "small.svg"
    assert main(["render", str(path), "-o", str(out), "--max-nodes", "4"]) == 1
    assert "5 nodes" in _error_line(capsys.readouterr().err)
    assert not out.exists()
    assert main(["render", str(path), "-o", str(out), "--max-nodes", "5"]) == 0
    assert b"<svg" in out.read_bytes()[:2000]
    out.unlink()
    assert main(["render", str(path), "-o", str(out), "--max-nodes", "4", "--force"]) == 0
    assert out.exists()


def test_too_large_counts_as_no_graphviz_for_fallbacks():
    # the importer and auto-arrange fall back to the layered layout on GraphvizNotFoundError
    assert issubclass(DotTooLargeError, GraphvizNotFoundError)
    with pytest.raises(DotTooLargeError, match="3 nodes"):
        graphviz_io.dot_layout(["a", "b", "c"], [("a", "b")], max_nodes=2)


def test_a_layout_over_the_cap_is_layered_without_starting_dot(no_dot_may_start):
    n = DOT_LAYOUT_LIMIT + 1
    ids = [f"n{i}" for i in range(n)]
    edges = [(ids[i - 1], ids[i]) for i in range(1, n)]
    assert layout_graph(ids, edges) == layered_layout(ids, edges)


@needs_dot
def test_dot_is_killed_when_progress_raises(monkeypatch):
    started = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", popen)
    n = 3000  # dot needs seconds for this layout, far more than one poll
    ids = [f"n{i}" for i in range(n)]
    edges = [(ids[(i - 1) // 2], ids[i]) for i in range(1, n)]
    polls = []

    class Stop(Exception):
        pass

    def progress(done, total):
        polls.append((done, total))
        raise Stop

    with pytest.raises(Stop):
        graphviz_io.dot_layout(ids, edges, progress)
    (proc,) = started
    assert proc.returncode is not None and proc.returncode != 0  # killed, and reaped
    assert polls == [(0, 0)]  # busy: dot gives no count
