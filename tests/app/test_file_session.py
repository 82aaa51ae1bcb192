"""Two windows on one file (issue #11 item 4): the last save no longer wins silently. A save
over a file changed on disk since it was read asks Overwrite / Save As / Cancel; a window
coming back to the front offers Reload / Keep mine, once per change."""

from __future__ import annotations

import os

import pytest
from helpers.app_fixtures import shown_window

from mgstudio.app import file_dialogs, file_session
from mgstudio.document import Document


@pytest.fixture
def second(qtbot, settings_path, errors):
    """Another shown MainWindow, as a second `main.py FILE` would be."""
    return shown_window(qtbot, errors, 900, 600)


@pytest.fixture
def shared(tmp_path, window, second):
    """One file open in both windows; returns its path."""
    path = tmp_path / "shared.mgs"
    doc = Document()
    doc.add_node("input", label="a", value=1.0)
    doc.save(path)
    assert window.open_file(path) and second.open_file(path)
    for win in (window, second):  # a window coming to the front must not block the test
        win.ask_reload = lambda *a: file_session.KEEP
    return path


def _edit(win, label: str) -> None:
    from mgstudio.app.commands import SetLabelCommand

    nid = win.canvas.add_node_at("input", win.canvas.mapToScene(10, 10))
    win.undo_stack.push(SetLabelCommand(win.document, nid, label))
    assert win.is_modified()


def _labels(path) -> set[str]:
    return {n.label for n in Document.load(path).nodes.values()}


class Answers:
    """Stands in for a prompt: records each question, gives the next answer."""

    def __init__(self, *answers: str):
        self.answers = list(answers)
        self.asked: list[tuple] = []

    def __call__(self, parent, *args):
        self.asked.append(args)
        return self.answers.pop(0)


def test_a_save_over_another_windows_save_asks_and_cancel_keeps_theirs(
    window, second, shared, errors
):
    _edit(window, "first")
    assert window.save()
    _edit(second, "second")
    ask = second.ask_save_conflict = Answers(file_session.CANCEL)
    assert not second.save()
    assert ask.asked == [("shared.mgs",)]
    assert _labels(shared) == {"a", "first"}  # the other window's save survived
    assert second.is_modified()
    # asked again at the next save (Cancel was no decision to overwrite)
    second.ask_save_conflict = Answers(file_session.OVERWRITE)
    assert second.save()
    assert _labels(shared) == {"a", "second"} and not second.is_modified()
    # now the first window is the one behind: its save asks
    _edit(window, "third")
    window.ask_save_conflict = Answers(file_session.CANCEL)
    assert not window.save() and window.ask_save_conflict.asked
    assert not errors


def test_save_as_from_the_conflict_keeps_both(window, second, shared, tmp_path, monkeypatch):
    _edit(window, "first")
    assert window.save()
    _edit(second, "second")
    other = tmp_path / "mine.mgs"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *a: str(other))
    second.ask_save_conflict = Answers(file_session.SAVE_AS)
    assert second.save()
    assert _labels(shared) == {"a", "first"} and _labels(other) == {"a", "second"}
    assert second.path == other.resolve()


def test_coming_back_to_the_front_offers_reload_once(window, second, shared, qtbot):
    _edit(window, "first")
    assert window.save()
    ask = second.ask_reload = Answers(file_session.RELOAD)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    second.activateWindow()  # the real path: ActivationChange, then a queued check
    qtbot.waitUntil(lambda: bool(ask.asked), timeout=3000)
    qtbot.waitUntil(lambda: "first" in {n.label for n in second.document.nodes.values()})
    assert ask.asked == [("shared.mgs", False)]
    assert not second.is_modified()
    # the same change is not asked about again
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    second.activateWindow()
    qtbot.waitUntil(second.isActiveWindow)
    qtbot.wait(50)
    assert len(ask.asked) == 1
    assert file_session.check_disk(second) is None


def test_keep_mine_is_remembered_and_lets_the_next_save_replace(window, second, shared):
    _edit(window, "first")
    assert window.save()
    _edit(second, "second")
    second.ask_reload = Answers(file_session.KEEP)
    assert file_session.check_disk(second) == file_session.KEEP
    assert second.ask_reload.asked == [("shared.mgs", True)]
    assert file_session.check_disk(second) is None  # no nagging for the same change
    second.ask_save_conflict = Answers()  # must not be asked: the user chose theirs
    assert second.save()
    assert _labels(shared) == {"a", "second"}
    # a new change by the other window is asked about again
    window.ask_save_conflict = Answers(file_session.OVERWRITE)
    _edit(window, "third")
    assert window.save() and window.ask_save_conflict.asked
    second.ask_reload = Answers(file_session.KEEP)
    assert file_session.check_disk(second) == file_session.KEEP


def test_an_in_place_write_with_the_same_size_and_time_is_noticed(window, shared):
    """Identity counts, not only time and size: an atomic save by another program puts a new
    file (a new inode) in place, even if its size and mtime match."""
    st = os.stat(shared)
    text = shared.read_text(encoding="utf-8")
    swapped = text.replace('"a"', '"b"')
    assert len(swapped) == len(text)
    tmp = shared.with_name("other.tmp")
    tmp.write_text(swapped, encoding="utf-8")
    os.replace(tmp, shared)
    os.utime(shared, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(shared).st_size == st.st_size
    window.ask_reload = Answers(file_session.RELOAD)
    assert file_session.check_disk(window) == file_session.RELOAD
    assert {n.label for n in window.document.nodes.values()} == {"b"}


def test_a_deleted_file_is_told_once_and_save_writes_it_again(window, shared, qtbot):
    messages = []
    window.statusBar().messageChanged.connect(lambda m: messages.append(m))
    os.unlink(shared)
    window.ask_reload = Answers()  # no question: there is nothing to reload
    assert file_session.check_disk(window) == "deleted"
    assert file_session.check_disk(window) is None
    assert any("deleted" in m for m in messages)
    window.ask_save_conflict = Answers()
    assert window.save() and shared.exists()


def test_the_real_prompts_are_plain_text_and_answer(window, shared, monkeypatch):
    """The default prompts (what the screenshots show): their buttons map to the answers."""
    from PySide6.QtWidgets import QMessageBox

    seen = []

    def fake_exec(box):
        seen.append((box.textFormat(), box.text(), [b.text() for b in box.buttons()]))
        first = next(
            b for b in box.buttons() if b.text().replace("&", "") in ("Overwrite", "Reload")
        )
        first.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert file_session.ask_save_conflict(window, "<b>x</b>.mgs") == file_session.OVERWRITE
    assert file_session.ask_reload(window, "x.mgs", True) == file_session.RELOAD
    from PySide6.QtCore import Qt

    assert all(fmt == Qt.TextFormat.PlainText for fmt, _, _ in seen)
    assert "<b>x</b>.mgs" in seen[0][1]
    assert {t.replace("&", "") for t in seen[0][2]} == {"Overwrite", "Save As…", "Cancel"}
    assert {t.replace("&", "") for t in seen[1][2]} == {"Reload", "Keep mine"}
