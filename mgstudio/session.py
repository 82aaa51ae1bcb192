"""The open document's file, as the window last saw it on disk (Qt-free).

Two windows (or a window and another program) on one file used to mean "the last save wins,
silently". The session remembers the file's identity (device and inode: an atomic save by
someone else puts a new file in its place) and its modification time and size, taken when
the file was opened or saved here. Before saving over it, and when the window comes back to the
front, the window asks the session whether the file changed since; what the user answered
about one change is remembered, so the same change is not asked about twice.

This is the start of the design's ``DocumentSession``; the window still owns the document,
its undo stack and the dialogs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: what ``DocumentSession.change`` reports
CHANGED, DELETED = "changed", "deleted"


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
