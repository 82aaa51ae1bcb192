"""A save that fails (read-only folder, full disk, a folder in the way) says so in a message
box, keeps the document open and modified, and leaves the previous file as it was."""

from __future__ import annotations

import errno
import os

import pytest
from PySide6.QtCore import QPointF

from mgstudio.document import Document


@pytest.fixture
def saved(window, tmp_path):
    """The window shows ``g.mgs`` (saved once) with one unsaved edit; returns (path, bytes)."""
    path = tmp_path / "folder" / "g.mgs"
    path.parent.mkdir()
    doc = Document()
    doc.add_node("input", label="old", value=1.0)
    doc.save(path)
    assert window.open_file(path, ask=False)
    window.canvas.add_node_at("tanh", QPointF(300.0, 0.0))
    assert window.is_modified()
    return path, path.read_bytes()


def check_failed(window, errors, path, before, reason: str) -> None:
    assert [title for title, _ in errors] == ["Can't save the file"]
    assert reason in errors[0][1].lower()
    assert window.is_modified() and not window.undo_stack.isClean()
    assert "*" in window.windowTitle()
    assert len(window.document.nodes) == 2  # the document on screen is untouched
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no stray temp file


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_read_only_folder(window, saved, errors):
    path, before = saved
    os.chmod(path.parent, 0o500)
    try:
        assert not window.save()
    finally:
        os.chmod(path.parent, 0o700)
    check_failed(window, errors, path, before, "permission denied")


def test_read_only_folder_simulated(window, saved, errors, monkeypatch):
    # the temporary file is the first thing a read-only folder refuses
    def refuse(*_a, **_k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    real_open = os.open

    def open_(file, flags, *args, **kwargs):  # creating the temporary file is refused
        if flags & os.O_CREAT:
            refuse()
        return real_open(file, flags, *args, **kwargs)

    path, before = saved
    monkeypatch.setattr(os, "open", open_)
    assert not window.save()
    monkeypatch.undo()
    check_failed(window, errors, path, before, "permission denied")


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_full_disk(window, saved, errors, monkeypatch, where):
    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    path, before = saved
    monkeypatch.setattr(os, where, full)
    assert not window.save()
    monkeypatch.undo()
    check_failed(window, errors, path, before, "no space left")


def test_a_folder_in_the_way(window, saved, errors, tmp_path):
    path, _before = saved
    target = path.parent / "sub.mgs"
    target.mkdir()
    (target / "inside.txt").write_text("keep me")
    assert not window.save_file(target)
    assert [title for title, _ in errors] == ["Can't save the file"]
    assert "folder" in errors[0][1] or "directory" in errors[0][1].lower()
    assert window.is_modified() and window.path == path.resolve()
    assert (target / "inside.txt").read_text() == "keep me"
    assert sorted(p.name for p in path.parent.iterdir()) == ["g.mgs", "sub.mgs"]


def test_after_a_failure_a_good_save_works(window, saved, errors, monkeypatch):
    path, _before = saved
    monkeypatch.setattr(
        os,
        "replace",
        lambda *_a: (_ for _ in ()).throw(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))),
    )
    assert not window.save()
    monkeypatch.undo()
    assert window.save()
    assert not window.is_modified()
    assert len(Document.load(path).nodes) == 2
