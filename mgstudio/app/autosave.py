"""Autosave and crash recovery: a swap file per window, written (atomically) a moment after
each edit and removed once the work is saved or dropped on purpose. A swap file left by a
process that is no longer running means a crash, and the next start offers it back.

Swap files are JSON: ``{"format": "mgstudio-swap", "version": 1, "pid": …, "original": path
or null, "name": untitled name, "document": the .mgs text}``. Their folder is
``$MGSTUDIO_AUTOSAVE_DIR`` or ``<AppDataLocation>/autosave``."""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from mgstudio.document import Document, DocumentError
from mgstudio.document.fileformat import write_atomic

FORMAT = "mgstudio-swap"
VERSION = 1
SUFFIX = ".swap"
ENV_DIR = "MGSTUDIO_AUTOSAVE_DIR"
#: edits closer together than this (a drag) make one write
DELAY_MS = 500
_serial = itertools.count(1)


def default_dir() -> Path:
    """Where swap files live: ``$MGSTUDIO_AUTOSAVE_DIR`` or the app-data folder."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".mgstudio") / "autosave"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (a recycled id counts as alive: never steal)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Swap:
    """One readable swap file."""

    path: Path
    pid: int
    original: Path | None
    name: str
    text: str

    def document(self) -> Document:
        return Document.from_json(self.text)


class SwapError(Exception):
    """A swap file that can't be read back."""


def read_swap(path: Path) -> Swap:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SwapError(f"{path.name}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SwapError(f"{path.name}: not an mgstudio swap file")
    pid, original, name, text = (data.get(k) for k in ("pid", "original", "name", "document"))
    if not isinstance(pid, int) or not isinstance(text, str) or not isinstance(name, str) \
            or not (original is None or isinstance(original, str)):
        raise SwapError(f"{path.name}: fields missing or of the wrong type")
    try:
        Document.from_json(text)
    except DocumentError as exc:
        raise SwapError(f"{path.name}: {exc}") from None
    return Swap(path, pid, Path(original) if original else None, name, text)


def scan(folder: Path) -> tuple[list[Swap], list[tuple[Path, str]]]:
    """Swap files whose process is gone (newest first) and unreadable ones with the reason."""
    orphans: list[Swap] = []
    bad: list[tuple[Path, str]] = []
    try:
        paths = sorted(folder.glob("*" + SUFFIX), key=_mtime, reverse=True)
    except OSError:
        return [], []
    for path in paths:
        try:
            swap = read_swap(path)
        except SwapError as exc:
            bad.append((path, str(exc)))
            continue
        if swap.pid != os.getpid() and not pid_alive(swap.pid):
            orphans.append(swap)
    return orphans, bad


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def move_aside(path: Path) -> Path | None:
    """Rename a bad swap file so it is neither offered again nor lost."""
    target = path.with_name(path.name + ".corrupt")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class Autosaver(QObject):
    """Keeps the swap file of one window current; ``discard()`` on a clean close."""

    def __init__(self, window, folder: Path | None = None, pid: int | None = None,
                 delay_ms: int = DELAY_MS):
        super().__init__(window)
        self.window = window
        self.folder = Path(folder) if folder is not None else default_dir()
        self.pid = os.getpid() if pid is None else pid
        self.path = self.folder / f"{self.pid}-{next(_serial)}{SUFFIX}"
        #: the last write's error (None once a write succeeds); shown once, not per edit
        self.error: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)
        window.undo_stack.indexChanged.connect(self.schedule)
        window.undo_stack.cleanChanged.connect(self.schedule)

    def schedule(self, *_args) -> None:
        self.timer.start()  # a restart: the write waits for a pause in the edits

    def flush(self) -> bool:
        """Write the swap file now (or remove it when there is nothing unsaved)."""
        self.timer.stop()
        win = self.window
        if not win.is_modified():
            self.discard()
            return True
        data = {"format": FORMAT, "version": VERSION, "pid": self.pid,
                "original": str(win.path) if win.path is not None else None,
                "name": win.untitled_name, "document": win.document.to_json()}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(data, ensure_ascii=False))
        except (OSError, DocumentError) as exc:
            if self.error is None:
                win.show_message(f"Autosave failed: {exc}")
            self.error = str(exc)
            return False
        self.error = None
        return True

    def discard(self) -> None:
        """Remove the swap file (the work is saved or deliberately dropped)."""
        self.timer.stop()
        try:
            remove(self.path)
        except OSError:
            pass

    def stop(self) -> None:
        """Stop following the window; the swap file stays (as after a crash)."""
        self.timer.stop()
        stack = self.window.undo_stack
        stack.indexChanged.disconnect(self.schedule)
        stack.cleanChanged.disconnect(self.schedule)
