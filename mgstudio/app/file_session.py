"""The window's side of ``mgstudio.session``: the questions asked when the file on disk
changed behind its back (another window, another program), and what the answers do.

- Saving over a file that changed since this window opened or saved it asks Overwrite /
  Save As… / Cancel, as every editor does (it used to be "the last save wins, silently").
- When the window comes back to the front and the file changed, it offers Reload / Keep
  mine, once per change: the answer is remembered for that change.
"""

from __future__ import annotations

import weakref

from PySide6.QtWidgets import QMessageBox

from mgstudio.session import DELETED

from . import plain

OVERWRITE, SAVE_AS, CANCEL = "overwrite", "save_as", "cancel"
#: windows asking Reload / Keep mine now (the box's own focus changes must not ask again)
_ASKING: weakref.WeakSet = weakref.WeakSet()
RELOAD, KEEP = "reload", "keep"


def ask_save_conflict(parent, name: str) -> str:
    """Overwrite, Save As or Cancel: the file changed on disk since it was read here."""
    box = plain.message_box(
        parent,
        QMessageBox.Icon.Warning,
        "File changed on disk",
        f"{name} was changed on disk (by another window or program) since you opened or "
        "saved it here.",
        QMessageBox.StandardButton.NoButton,
        informative="Overwrite replaces those changes with yours; Save As keeps both.",
    )
    overwrite = box.addButton("&Overwrite", QMessageBox.ButtonRole.DestructiveRole)
    save_as = box.addButton("Save &As…", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save_as)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return OVERWRITE if clicked is overwrite else SAVE_AS if clicked is save_as else CANCEL


def ask_reload(parent, name: str, modified: bool) -> str:
    """Reload or Keep mine: the file changed on disk while the window was in the back."""
    mine = (
        "Reload discards your unsaved changes; Keep mine leaves your version on screen "
        "and the next Save replaces the file."
        if modified
        else "Keep mine leaves the version on screen; the next Save replaces the file."
    )
    box = plain.message_box(
        parent,
        QMessageBox.Icon.Question,
        "File changed on disk",
        f"{name} was changed on disk by another window or program.",
        QMessageBox.StandardButton.NoButton,
        informative=mine,
    )
    reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("&Keep mine", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep if modified else reload)
    box.setEscapeButton(keep)
    box.exec()
    return RELOAD if box.clickedButton() is reload else KEEP


def ask_recovery(parent, swap, app: str) -> str:
    """Recover, Discard or Later: a crashed session left unsaved work in ``swap``."""
    what = str(swap.original) if swap.original is not None else swap.name
    box = plain.message_box(
        parent,
        QMessageBox.Icon.Question,
        app,
        f"mgstudio stopped unexpectedly with unsaved changes to {what}.",
        QMessageBox.StandardButton.NoButton,
        informative="Recover them? Later asks again at the next start.",
    )
    recover = box.addButton("&Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    clicked = box.clickedButton()
    return "recover" if clicked is recover else "discard" if clicked is discard else "later"


def confirm_save(window, path) -> str:
    """Before ``window`` writes ``path``: OVERWRITE (go ahead), SAVE_AS or CANCEL."""
    session = window.session
    if session.save_conflict(path) is None:
        return OVERWRITE
    answer = window.ask_save_conflict(window, session.path.name)
    if answer != OVERWRITE:
        session.seen()  # asked just now: coming back to the front need not ask again
    return answer


def check_disk(window) -> str | None:
    """The window came back to the front: RELOAD, KEEP or DELETED if it asked (or told)
    about a change on disk, None if there was none the user had not heard about."""
    session = window.session
    if window in _ASKING or not window.isVisible():
        return None
    change = session.unseen_change()
    if change is None:
        return None
    name = session.path.name
    if change == DELETED:
        session.seen()
        window.show_message(f"{name} was moved or deleted on disk; Save writes it again")
        return DELETED
    _ASKING.add(window)  # the box itself moves the focus around
    try:
        answer = window.ask_reload(window, name, window.is_modified())
    finally:
        _ASKING.discard(window)
    if answer == RELOAD and window.open_file(session.path, ask=False):
        return RELOAD
    session.keep_mine()
    return KEEP
