"""The Qt-free session: a file's stamp tells this window's own saves from anybody else's
(issue #11 item 4)."""

from __future__ import annotations

import os

from mgstudio.document import Document
from mgstudio.session import CHANGED, DELETED, DocumentSession, FileStamp


def _save(path, label: str) -> None:
    doc = Document()
    doc.add_node("input", label=label, value=1.0)
    doc.save(path)


def test_own_saves_are_not_changes_and_anybody_elses_are(tmp_path):
    path = tmp_path / "g.mgs"
    _save(path, "a")
    s = DocumentSession()
    s.attach(path)
    assert s.change() is None and s.save_conflict(path) is None
    _save(path, "b")  # someone else's atomic save: a new inode
    assert s.change() == CHANGED and s.unseen_change() == CHANGED
    assert s.save_conflict(path) == CHANGED
    assert s.save_conflict(tmp_path / "other.mgs") is None  # Save As elsewhere: no conflict
    s.seen()
    assert s.unseen_change() is None and s.save_conflict(path) == CHANGED
    s.keep_mine()
    assert s.save_conflict(path) is None
    _save(path, "c")  # a further change is a new question
    assert s.unseen_change() == CHANGED and s.save_conflict(path) == CHANGED
    s.saved(path)
    assert s.change() is None


def test_an_in_place_edit_changes_time_or_size(tmp_path):
    path = tmp_path / "g.mgs"
    _save(path, "a")
    s = DocumentSession()
    s.attach(path)
    ino = os.stat(path).st_ino
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert os.stat(path).st_ino == ino and s.change() == CHANGED


def test_deleted_and_untitled(tmp_path):
    path = tmp_path / "g.mgs"
    _save(path, "a")
    s = DocumentSession()
    assert s.change() is None  # untitled
    s.attach(path)
    path.unlink()
    assert s.change() == DELETED and s.unseen_change() == DELETED
    assert s.save_conflict(path) is None  # saving writes it again
    s.seen()
    assert s.unseen_change() is None
    assert FileStamp.of(path) is None and FileStamp.of("bad\0name") is None
