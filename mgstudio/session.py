"""The open document's file, as the window last saw it on disk (Qt-free).

Two windows (or a window and another program) on one file used to mean "the last save wins,
silently". The session remembers the file's identity (device and inode: an atomic save by
someone else puts a new file in its place) and its modification time and size, taken when
the file was opened or saved here. Before saving over it, and when the window comes back to the
front, the window asks the session whether the file changed since; what the user answered
about one change is remembered, so the same change is not asked about twice.

The session is also the document's file state the window shows and decides on, without Qt
(tests drive it headless): which file it is (or the name of an untitled one), whether it holds
work saved nowhere that the undo stack does not know about (recovered from a crash,
imported), and the choices around open, save, recover and import. The window keeps the
document, its undo stack and the dialogs, and asks the session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mgstudio.document import Document, DocumentError

#: what ``DocumentSession.change`` reports
CHANGED, DELETED = "changed", "deleted"
#: the name of a document that has no file (yet)
UNTITLED = "Untitled"
IMPORTED = "Imported code"
SUFFIX = ".mgs"


@dataclass(frozen=True)
class FileStamp:
    """Who a file is and how it looked: enough to tell that someone else wrote it."""

    dev: int
    ino: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: str | os.PathLike) -> FileStamp | None:
        """The stamp of the file at ``path`` now (through symlinks), None if there is none."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):  # missing, unreadable folder, a NUL in the name
            return None
        return cls(st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


class DocumentSession:
    """The file a document came from or was last saved to, and its stamp then."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.stamp: FileStamp | None = None
        #: the name shown for an untitled document (an example's file name)
        self.untitled_name = UNTITLED
        #: work saved nowhere that is no undo step (recovered, imported): modified even
        #: when the undo stack is clean
        self.unsaved_work = False
        #: the disk's stamp (or DELETED) when the user last heard about a change
        self._seen: FileStamp | str | None = None
        #: the disk's stamp the user chose to save over (Keep mine)
        self._overwrite: FileStamp | str | None = None

    # --- what the window tells it ---------------------------------------------------------
    def attach(self, path: str | os.PathLike | None, stamp: FileStamp | None = None) -> None:
        """A document was opened from (or saved to) ``path``; ``stamp`` is how the file
        looked when it was read (taken before reading, so a write meanwhile is noticed)."""
        self.path = Path(path).resolve() if path is not None else None
        if self.path is None:
            self.stamp = None
        else:
            self.stamp = stamp if stamp is not None else FileStamp.of(self.path)
        self._seen = self._overwrite = None

    def saved(self, path: str | os.PathLike) -> None:
        """The document was just written to ``path`` by this window."""
        self.attach(path)
        self.mark_clean()

    def write(self, document: Document, path: str | os.PathLike) -> None:
        """Save ``document`` to ``path``, which becomes the session's file. A failure raises
        ``DocumentError`` with the learner's message and leaves the session as it was."""
        try:
            document.save(path)
        except OSError as exc:  # the document layer words OSErrors; this is a last guard
            raise DocumentError(f"can't save {os.fspath(path)}: {exc}") from exc
        self.saved(path)

    def mark_clean(self) -> None:
        """What is shown is what the user keeps (saved, or the changes discarded)."""
        self.unsaved_work = False

    def undo_clean_changed(self, clean: bool) -> None:
        """The undo stack was marked clean (saved, or Discard chosen): nothing is unsaved.
        (The window marks work saved nowhere on its stack too, so no undo reaches clean.)"""
        if clean:
            self.mark_clean()

    def show(
        self,
        path: str | os.PathLike | None = None,
        name: str | None = None,
        stamp: FileStamp | None = None,
        unsaved: bool = False,
    ) -> None:
        """Another document is shown: from ``path`` (None: untitled, called ``name``);
        ``unsaved``: it holds work saved nowhere (see ``unsaved_work``)."""
        self.attach(path, stamp)
        self.untitled_name = name or UNTITLED
        self.unsaved_work = unsaved

    # --- open, recover, import ------------------------------------------------------------
    @staticmethod
    def read(path: str | os.PathLike) -> tuple[Document, FileStamp | None]:
        """Load the document at ``path`` and the file's stamp, taken before reading (a write
        meanwhile counts as a change). Raises ``DocumentError`` with the learner's message."""
        stamp = FileStamp.of(path)
        return Document.load(path), stamp

    @staticmethod
    def missing_recent(path: str | os.PathLike) -> str | None:
        """After a failed open: the recent-files entry to drop (the file is gone), if any."""
        return None if os.path.exists(path) else os.path.abspath(os.fspath(path))

    @staticmethod
    def example_name(path: str | os.PathLike) -> str:
        """An example opens as an untitled copy with this name (Save asks where, never
        overwrites the shipped file)."""
        return f"{Path(path).stem} (example)"

    # --- what the window shows and asks ---------------------------------------------------
    def display_name(self) -> str:
        return self.path.name if self.path is not None else self.untitled_name

    def is_modified(self, undo_clean: bool) -> bool:
        """Whether closing or replacing the document would lose work: an undo step since the
        last save (``undo_clean`` is the stack's word), or work saved nowhere."""
        return self.unsaved_work or not undo_clean

    def title(self, undo_clean: bool, app: str) -> str:
        star = "*" if self.is_modified(undo_clean) else ""
        return f"{self.display_name()}{star} — {app}"

    def save_as_start(self) -> str:
        """Where Save As starts: the file, else the untitled name as a file name."""
        if self.path is not None:
            return str(self.path)
        return self._base_name() + SUFFIX

    def export_start(self, suffix: str) -> Path:
        """Where an export's dialog starts: beside the file, with ``suffix``."""
        if self.path is not None:
            return self.path.with_suffix(suffix)
        return Path(self._base_name() + suffix)

    def open_start(self) -> str:
        """The folder the Open dialog starts in ("" : the dialog's own choice)."""
        return str(self.path.parent) if self.path is not None else ""

    def _base_name(self) -> str:
        return self.untitled_name.split(" (")[0]  # "neuron (example)" saves as neuron.mgs

    # --- what the window asks -------------------------------------------------------------
    def change(self) -> str | None:
        """``CHANGED`` or ``DELETED`` when the file on disk is not the one opened or saved
        here (another program or window wrote, replaced, moved or deleted it), else None."""
        if self.path is None or self.stamp is None:
            return None
        now = FileStamp.of(self.path)
        if now is None:
            return DELETED
        return None if now == self.stamp else CHANGED

    def unseen_change(self) -> str | None:
        """A change the user has not heard about yet (for a prompt when the window comes
        back to the front)."""
        change = self.change()
        if change is None or self._disk() in (self._seen, self._overwrite):
            return None
        return change

    def save_conflict(self, target: str | os.PathLike) -> str | None:
        """Whether saving to ``target`` would overwrite a change made on disk since this
        window read or wrote the file (unless the user chose to save over that change).
        A deleted file is no conflict: saving writes it again."""
        if self.path is None or Path(target).resolve() != self.path:
            return None  # another file: the save dialog asked about replacing it
        change = self.change()
        if change != CHANGED or self._disk() == self._overwrite:
            return None
        return change

    def seen(self) -> None:
        """The user heard about the current change (don't prompt again on focus)."""
        self._seen = self._disk()

    def keep_mine(self) -> None:
        """The user keeps their version: saving may replace the current change."""
        self._seen = self._overwrite = self._disk()

    def _disk(self) -> FileStamp | str:
        """The file now: its stamp, or ``DELETED`` (never equal to the None of "nothing
        seen yet")."""
        stamp = FileStamp.of(self.path) if self.path is not None else None
        return DELETED if stamp is None else stamp
