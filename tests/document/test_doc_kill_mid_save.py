"""Killing the process in the middle of ``Document.save`` (kill -9 at a random moment) leaves
the target file complete: the previous version or the new one, never a mix or a stub."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mgstudio.document import Document

ROOT = Path(__file__).resolve().parents[2]
N_NODES = 1500

# The child saves two large versions of a graph in turn, forever. Its writes are slowed
# (chunked, with pauses) so that a kill lands inside a write far more often than not.
CHILD = textwrap.dedent("""
    import os, sys, time
    from mgstudio.document import Document

    real_write = os.write

    def slow_write(fd, data):  # a short write each time: the writer must loop
        n = real_write(fd, data[:4096])
        time.sleep(0.0005)
        return n

    os.write = slow_write
    target, n = sys.argv[1], int(sys.argv[2])
    docs = []
    for version in ("A", "B"):
        doc = Document()
        doc.title = version
        for i in range(n):
            doc.add_node("input", label=f"{version}{i}", value=float(i), pos=(i, 0.0))
        docs.append(doc)
    print("ready", flush=True)
    while True:
        for doc in docs:
            doc.save(target)
""")


def _previous(path: Path) -> bytes:
    doc = Document()
    doc.title = "old"
    doc.add_node("input", label="old", value=1.0)
    doc.save(path)
    return path.read_bytes()


def check_complete(path: Path) -> str:
    doc = Document.load(path)  # raises on a partial file
    if doc.title == "old":
        assert [n.label for n in doc.nodes.values()] == ["old"]
    else:
        assert doc.title in ("A", "B")
        labels = [n.label for n in doc.nodes.values()]
        assert labels == [f"{doc.title}{i}" for i in range(N_NODES)]
    return doc.title


@pytest.mark.parametrize("round_", range(4))
def test_kill_9_mid_save_leaves_a_complete_file(tmp_path, round_):
    target = tmp_path / "graph.mgs"
    old = _previous(target)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(target), str(N_NODES)],
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout.readline().strip() == b"ready"
        # the previous file is intact while the first save is under way
        assert target.read_bytes() == old
        time.sleep(random.Random(round_).uniform(0.0, 0.4))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    check_complete(target)
    leftovers = [p for p in tmp_path.iterdir() if p.name not in ("graph.mgs", "child.py")]
    # a killed save may leave its hidden temporary file behind, never a second target
    assert all(
        p.name.startswith(f".graph.mgs.{proc.pid}-") and p.suffix == ".tmp" for p in leftovers
    )
    # the next save clears it: its writer is gone
    Document.load(target).save(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["child.py", "graph.mgs"]


def test_an_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.mgs"
    old = _previous(target)
    doc = Document()
    doc.add_node("input", label="new", value=2.0)

    class Interrupted(BaseException):
        pass

    def interrupt(*_a):
        raise Interrupted

    monkeypatch.setattr(os, "fsync", interrupt)  # the data is written, not yet renamed
    with pytest.raises(Interrupted):
        doc.save(target)
    monkeypatch.undo()
    assert target.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["graph.mgs"]
