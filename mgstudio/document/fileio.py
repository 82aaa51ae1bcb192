"""The one place mgstudio reads and writes files: every reader and writer of every layer goes
through here (Qt-free, so the document, training, the CLI and the app can all use it).

Reading (``read_regular``) refuses anything that is not a regular file before reading a byte
(a FIFO or a device would block forever or never end), and anything over a size limit.

Writing (``write_atomic``) leaves the target holding either the old or the new contents, never
a mix: the data goes to a temporary file in the same folder, is flushed to disk, then renamed
over the target. The target keeps its permission bits (a new file gets 0666 minus the umask,
as any editor makes it, never mkstemp's 0600) and, where allowed, its group; a symlink is
written through (the file it points to is replaced, the link stays a link).

A ``kill -9`` between creating the temporary file and the rename leaves it behind. Its name,
``.<target>.<pid>-<random>.tmp``, says whose it is, so ``remove_stale_temps`` can clear the
ones whose writer is gone (or that are over a minute old: a pid can be reused) without ever
touching another program's files.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable

from .errors import DocumentError

#: a temporary file older than this is stale even when its pid is alive (ids are reused)
STALE_SECONDS = 60.0
_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d{1,10})-[0-9a-f]{8}\.tmp")
#: what tempfile.mkstemp made for earlier versions: no pid in it, so only age can tell
_OLD_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
_MAX_PID = 2**31 - 1  # larger values overflow os.kill's C int
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_WRITE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


class FileReadError(DocumentError):
    """A file that can't be read (missing, a folder, not a regular file, too large)."""


class FileWriteError(DocumentError):
    """A file that can't be written; the old contents (if any) are unchanged."""


# --- reading ----------------------------------------------------------------------------------
def read_regular(
    path: str | os.PathLike[str],
    max_bytes: int,
    too_large: Callable[[int], str] | None = None,
    *,
    verb: str = "open",
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``. Anything else raises
    FileReadError (``can't <verb> <path>: …``) at once, before reading; ``too_large(size)``
    words the size refusal."""
    shown = os.fspath(path)
    try:
        # stat first: refusing a device must not even open it (opening some has effects)
        _check_regular(shown, os.stat(path), verb)
        # O_NONBLOCK: a FIFO swapped in after the stat opens without waiting for a writer,
        # and the fstat below refuses it
        fd = os.open(path, _READ_FLAGS)
        try:
            st = os.fstat(fd)
            _check_regular(shown, st, verb)
            if st.st_size > max_bytes:
                raise FileReadError(_too_large(shown, st.st_size, max_bytes, too_large))
            chunks, total = [], 0
            while total <= max_bytes:  # the file may grow while it is read
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise FileReadError(f"can't {verb} {shown}: {reason(exc)}") from None
    except ValueError as exc:  # a NUL in the path
        raise FileReadError(f"can't {verb} {shown!r}: {exc}") from None
    if total > max_bytes:
        raise FileReadError(_too_large(shown, total, max_bytes, too_large))
    return b"".join(chunks)


def _check_regular(shown: str, st: os.stat_result, verb: str) -> None:
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISDIR(st.st_mode):
        raise FileReadError(f"can't {verb} {shown}: that is a folder, not a file")
    raise FileReadError(
        f"can't {verb} {shown}: it is {special_kind(st.st_mode)}, not a "
        "regular file; mgstudio reads only ordinary files"
    )


def special_kind(mode: int) -> str:
    """``a named pipe (FIFO)``, ``a device``…: what a non-regular file is, for messages."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _too_large(shown: str, size: int, limit: int, words: Callable[[int], str] | None) -> str:
    if words is not None:
        return f"{os.path.basename(shown)}: {words(size)}"
    return (
        f"{os.path.basename(shown)}: the file is too large ({size:,} bytes; the limit is {limit:,})"
    )


# --- writing ----------------------------------------------------------------------------------
def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, verb: str = "write") -> None:
    """Replace ``path``'s contents with ``data`` (text is written as UTF-8) atomically;
    raises FileWriteError (``can't <verb> <path>: …``) and leaves the old file as it was."""
    shown = os.fspath(path)
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: the caller should have escaped it
            raise FileWriteError(
                f"can't {verb} {shown}: character {exc.start} of the text can't be written as UTF-8"
            ) from None
    try:
        target = os.path.realpath(path)  # through symlinks: the link stays, its file changes
        try:
            old = os.stat(target)
        except FileNotFoundError:
            old = None
        if old is not None and not stat.S_ISREG(old.st_mode):
            what = "a folder" if stat.S_ISDIR(old.st_mode) else special_kind(old.st_mode)
            raise FileWriteError(f"can't {verb} {shown}: it is {what}, not a regular file")
        folder, name = os.path.split(target)
        fd, tmp = _create_temp(folder, name)
    except OSError as exc:
        raise FileWriteError(f"can't {verb} {shown}: {reason(exc)}") from None
    except ValueError as exc:  # a NUL in the path
        raise FileWriteError(f"can't {verb} {shown!r}: {exc}") from None
    try:
        try:
            if old is not None:
                _keep_owner_and_mode(fd, tmp, old)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FileWriteError(f"can't {verb} {shown}: {reason(exc)}") from None
        raise
    _sync_folder(folder)
    remove_stale_temps(folder, name)


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    # os.open with 0o666 lets the umask decide a new file's mode, as for any other program;
    # mkstemp would force 0600 and the rename would carry that over to the target
    for _ in range(100):
        tmp = os.path.join(folder, temp_name(name))
        try:
            return os.open(tmp, _WRITE_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not make a temporary file name")


def temp_name(name: str, pid: int | None = None) -> str:
    """The hidden temporary name a write of ``name`` uses (``remove_stale_temps`` knows it)."""
    return f".{_stem(name)}.{os.getpid() if pid is None else pid}-{secrets.token_hex(4)}.tmp"


def _stem(name: str) -> str:
    # a target name near the file system's 255-byte limit still needs room for the suffix
    while len(os.fsencode(name)) > 200:
        name = name[:-1]
    return name


def _keep_owner_and_mode(fd: int, tmp: str, old: os.stat_result) -> None:
    if hasattr(os, "fchown"):
        try:  # the group of a shared file (the owner only changes for root)
            os.fchown(fd, old.st_uid if os.geteuid() == 0 else -1, old.st_gid)
        except OSError:
            pass
    mode = stat.S_IMODE(old.st_mode) & 0o777  # never carry setuid/setgid bits over
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:
            os.chmod(tmp, mode)
    except OSError:  # a file system without modes (FAT): saving matters more than the mode
        pass


def _sync_folder(folder: str) -> None:
    # the rename itself reaches the disk only when the folder is synced (POSIX only)
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- stale temporary files ----------------------------------------------------------------------
def remove_stale_temps(
    folder: str | os.PathLike[str], name: str | None = None, now: float | None = None
) -> list[str]:
    """Delete the temporary files a killed write left in ``folder`` (only for ``name`` when
    given); returns the paths removed. Only our own name pattern, and only stale files:
    the writer's pid is gone, or the file is over STALE_SECONDS old."""
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):
        return removed
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        m = _TEMP.fullmatch(entry.name) or _OLD_TEMP.fullmatch(entry.name)
        if m is None or (name is not None and m.group("name") != _stem(name)):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        pid = int(m.group("pid")) if "pid" in m.groupdict() else None
        old = now - st.st_mtime > STALE_SECONDS
        if not old and (pid is None or pid == os.getpid() or pid_alive(pid)):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.path)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (a recycled id counts as alive: never steal)."""
    if isinstance(pid, bool) or not isinstance(pid, int) or not 0 < pid <= _MAX_PID:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except (OSError, OverflowError, ValueError):
        return False
    return True


def reason(exc: OSError) -> str:
    """An OSError in words."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, IsADirectoryError):
        return "that is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)
