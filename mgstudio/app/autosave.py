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
import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from mgstudio.document import Document, DocumentError, fileformat, fileio, json_limits
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


pid_alive = fileio.pid_alive


@dataclass(frozen=True)
class Swap:
    """One readable swap file (every field checked by ``read_swap``)."""

    path: Path
    pid: int
    original: Path | None
    name: str
    text: str
    #: the document read_swap checked, handed out once so that recovery needn't parse twice
    _parsed: list = field(default_factory=list, compare=False, repr=False)

    def document(self) -> Document:
        """The swap's document; raises SwapError if it can't be read back."""
        if self._parsed:
            return self._parsed.pop()
        return _document(self.path, self.text)


class SwapError(Exception):
    """A swap file that can't be read back (any reason: the message says which)."""


def max_swap_bytes() -> int:
    # the document travels as one JSON string: escaping its quotes can double it
    return 2 * json_limits.MAX_FILE_BYTES + 1_000_000


def read_swap(path: Path) -> Swap:
    """Read and check a swap file as strictly as a document; every way it can fail (unreadable,
    too big or deep, wrong fields, a bad document inside) raises SwapError."""
    path = Path(path)
    try:
        raw = fileio.read_regular(path, max_swap_bytes(), verb="read")
        data = json_limits.load_json(raw, max_swap_bytes(), what="an mgstudio swap file")
    except DocumentError as exc:
        raise SwapError(f"{path.name}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SwapError(f"{path.name}: not an mgstudio swap file")
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise SwapError(f"{path.name}: swap file version {version!r} is not {VERSION}")
    pid, original, name, text = (data.get(k) for k in ("pid", "original", "name", "document"))
    if type(pid) is not int or not 0 < pid <= MAX_PID:
        raise SwapError(f'{path.name}: "pid" must be a process id (1 to {MAX_PID})')
    if original is not None and not _is_path(original):
        raise SwapError(f'{path.name}: "original" must be null or an absolute file path')
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME or _CONTROL.search(name):
        raise SwapError(f'{path.name}: "name" must be a short line of text')
    if not isinstance(text, str):
        raise SwapError(f'{path.name}: "document" must be the text of a document')
    doc = _document(path, text)
    return Swap(path, pid, Path(original) if original is not None else None, name, text, [doc])


MAX_PID = 2**31 - 1
MAX_NAME = 1000
MAX_PATH = 4096
_CONTROL = re.compile("[\x00-\x1f\x7f\u2028\u2029\ud800-\udfff]")


def _is_path(value) -> bool:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_PATH or "\x00" in value:
        return False
    try:
        os.fsencode(value)  # undecodable bytes of a real name pass, other surrogates don't
    except UnicodeError:
        return False
    return os.path.isabs(value)


def _document(path: Path, text: str) -> Document:
    try:
        return Document.from_json(text)
    except DocumentError as exc:
        raise SwapError(f"{path.name}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - hostile data at start-up must never lock the user
        # out: anything the document layer did not word still moves this file aside
        raise SwapError(
            f"{path.name}: its document can't be read back ({type(exc).__name__}: {exc})"
        ) from None


def scan(folder: Path) -> tuple[list[Swap], list[tuple[Path, str]]]:
    """Swap files whose process is gone (newest first) and unreadable ones with the reason.
    Also clears the temporary files a killed write left in the folder."""
    orphans: list[Swap] = []
    bad: list[tuple[Path, str]] = []
    fileio.remove_stale_temps(folder)
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


def set_aside(bad: list[tuple[Path, str]], shown: int = 5) -> str:
    """Move unreadable swap files aside (``*.corrupt``) and say so in one message."""
    lines, folders = [], set()
    for path, reason in bad:
        moved = move_aside(path)
        if moved is not None:
            folders.add(str(moved.parent))
        lines.append(reason if moved is not None else f"{reason} (could not be moved aside)")
    head = (
        "This autosaved file can't be read back:"
        if len(bad) == 1
        else f"{len(bad)} autosaved files can't be read back:"
    )
    body = lines[:shown] + ([f"… and {len(lines) - shown} more"] if len(lines) > shown else [])
    they = "It was" if len(bad) == 1 else "They were"
    where = (
        f"\n\n{they} renamed *.corrupt (in {', '.join(sorted(folders))}) so that mgstudio "
        "starts normally; delete them when you no longer need them."
        if folders
        else ""
    )
    return head + "\n" + "\n".join(f"• {line}" for line in body) + where


def remove(path: Path) -> bool:
    """Delete a swap file; False if it stays (a read-only folder: it is offered again at the
    next start, which is better than a start-up that fails)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


class Autosaver(QObject):
    """Keeps the swap file of one window current; ``discard()`` on a clean close."""

    def __init__(
        self, window, folder: Path | None = None, pid: int | None = None, delay_ms: int = DELAY_MS
    ):
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
        data = {
            "format": FORMAT,
            "version": VERSION,
            "pid": self.pid,
            "original": str(win.path) if win.path is not None else None,
            "name": win.untitled_name,
            "document": win.document.to_json(),
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # escaped: a file name may hold undecodable bytes (surrogates), not valid UTF-8
            text = fileformat.escape_surrogates(json.dumps(data, ensure_ascii=False))
            write_atomic(self.path, text)
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
        remove(self.path)

    def stop(self) -> None:
        """Stop following the window; the swap file stays (as after a crash)."""
        self.timer.stop()
        stack = self.window.undo_stack
        stack.indexChanged.disconnect(self.schedule)
        stack.cleanChanged.disconnect(self.schedule)


def offer_recovery(window) -> bool:
    """Offer ``window`` back the work of crashed sessions; True if one was recovered. Unreadable
    swap files are reported and renamed ``*.corrupt``."""
    if window.autosaver is None:
        return False
    orphans, bad = scan(window.autosaver.folder)
    if bad:  # one message for all of them, then start-up goes on
        window.show_error("Can't recover autosaved work", set_aside(bad))
    for swap in orphans:
        answer = window.ask_recovery(swap)
        if answer == "recover" and window.recover(swap):
            return True  # one document per window: the rest wait for the next start
        if answer == "discard":
            remove(swap.path)
    return False
