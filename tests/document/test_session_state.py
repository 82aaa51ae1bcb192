"""The Qt-free document session: what the window shows (name, modified) and decides (where
Save As and exports start, what a failed open forgets) for a file, an example, recovered
and imported work. No Qt here: the session must hold these without a window."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mgstudio.document import Document, DocumentError
from mgstudio.session import IMPORTED, UNTITLED, DocumentSession


def _file(tmp_path, name="g.mgs"):
    path = tmp_path / name
    doc = Document()
    doc.add_node("input", label="a", value=1.0)
    doc.save(path)
    return path


def test_the_session_never_needs_qt():
    code = (
        "import sys, mgstudio.session; "
        "sys.exit(any(m.split('.')[0] == 'PySide6' or m.startswith('mgstudio.app')"
        " for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_untitled_then_opened_then_saved_elsewhere(tmp_path):
    s = DocumentSession()
    assert s.display_name() == UNTITLED and s.save_as_start() == "Untitled.mgs"
    assert s.open_start() == "" and not s.is_modified(undo_clean=True)
    assert s.is_modified(undo_clean=False)
    path = _file(tmp_path)
    doc, stamp = s.read(path)
    assert [n.label for n in doc.nodes.values()] == ["a"] and stamp is not None
    s.show(path, stamp=stamp)
    assert s.display_name() == "g.mgs" and s.path == path.resolve()
    assert s.save_as_start() == str(path.resolve()) and s.open_start() == str(tmp_path.resolve())
    assert s.export_start(".svg") == path.resolve().with_suffix(".svg")
    assert s.title(True, "mgstudio") == "g.mgs — mgstudio"
    assert s.title(False, "mgstudio") == "g.mgs* — mgstudio"
    other = tmp_path / "h.mgs"
    doc.save(other)
    s.saved(other)
    assert s.display_name() == "h.mgs" and s.change() is None


def test_an_example_is_an_untitled_copy_saved_under_its_stem(tmp_path):
    s = DocumentSession()
    name = s.example_name(tmp_path / "neuron.mgs")
    s.show(None, name)
    assert s.display_name() == "neuron (example)" and s.path is None
    assert s.save_as_start() == "neuron.mgs"
    assert str(s.export_start(".py")) == "neuron.py"


def test_recovered_and_imported_work_is_modified_until_saved(tmp_path):
    s = DocumentSession()
    path = _file(tmp_path)
    s.show(path, "g", unsaved=True)  # recovered under its original file's name
    assert s.is_modified(undo_clean=True) and s.display_name() == "g.mgs"
    s.saved(path)
    assert not s.is_modified(undo_clean=True)
    s.show(None, IMPORTED, unsaved=True)
    assert s.is_modified(undo_clean=True) and s.title(True, "x") == "Imported code* — x"
    s.show(None)  # a new document: nothing unsaved
    assert not s.is_modified(undo_clean=True) and s.display_name() == UNTITLED


def test_a_failed_open_forgets_only_a_missing_file(tmp_path):
    s = DocumentSession()
    bad = tmp_path / "bad.mgs"
    bad.write_text("not json")
    with pytest.raises(DocumentError):
        s.read(bad)
    assert s.missing_recent(bad) is None  # still there: keep it in Open Recent
    gone = tmp_path / "gone.mgs"
    with pytest.raises(DocumentError):
        s.read(gone)
    assert s.missing_recent(gone) == str(gone)
    assert s.path is None  # nothing was attached


def test_write_attaches_only_on_success(tmp_path):
    s = DocumentSession()
    s.show(None, IMPORTED, unsaved=True)
    doc = Document()
    doc.add_node("input", label="a", value=1.0)
    with pytest.raises(DocumentError):
        s.write(doc, tmp_path / "no-such-folder" / "g.mgs")
    assert s.path is None and s.is_modified(undo_clean=True)
    s.write(doc, tmp_path / "g.mgs")
    assert s.path == (tmp_path / "g.mgs").resolve() and not s.is_modified(undo_clean=True)
    assert s.change() is None  # its own save is no change on disk
    s.unsaved_work = True
    s.mark_clean()  # Discard chosen
    assert not s.is_modified(undo_clean=True)
