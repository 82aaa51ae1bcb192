"""``mgstudio --install-desktop``: put mgstudio in the desktop's application menu.

A wheel cannot write to /usr/share (pip and pipx install into a virtual environment), so the
entry ships as package data (``resources/desktop/mgstudio.desktop``, the app icon
``resources/icons/mgstudio.svg``) and this command copies both into the user's XDG data folder,
``~/.local/share`` unless ``$XDG_DATA_HOME`` says otherwise:

- ``applications/mgstudio.desktop`` with ``Exec`` set to the absolute path of the ``mgstudio``
  that ran the command, so the menu works even when the venv's ``bin`` is not on the session's
  PATH;
- ``icons/hicolor/scalable/apps/mgstudio.svg``.

Distribution packagers install the same two files under /usr/share instead. No Qt here."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from mgstudio.bundled import folder
from mgstudio.document.fileio import write_atomic

APP_ID = "mgstudio"  # also QGuiApplication.desktopFileName, so the window finds its entry


def data_home() -> Path:
    env = os.environ.get("XDG_DATA_HOME", "")
    # the spec says a relative value is invalid and must be ignored
    return Path(env) if env and os.path.isabs(env) else Path.home() / ".local" / "share"


def targets(base: Path | None = None) -> tuple[Path, Path]:
    """Where the desktop entry and the icon go."""
    base = data_home() if base is None else Path(base)
    return (
        base / "applications" / f"{APP_ID}.desktop",
        base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    )


def launcher() -> list[str]:
    """The command that starts this very mgstudio: the ``mgstudio`` script that is running (not
    resolved through symlinks, so pipx's ``~/.local/bin/mgstudio`` keeps working across
    upgrades), else the one on PATH, else this interpreter with ``-m mgstudio``."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == APP_ID and os.access(argv0, os.X_OK):
        return [str(argv0.absolute())]
    found = shutil.which(APP_ID)
    if found:
        return [str(Path(found).absolute())]
    return [sys.executable, "-m", APP_ID]


def entry_text(command: list[str]) -> str:
    """The shipped desktop entry with ``Exec``/``TryExec`` pointing at ``command``."""
    template = (folder("desktop") / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exec_line = " ".join(exec_quote(part) for part in command) + " %f"
    out = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            line = f"TryExec={command[0]}"
        out.append(line)
    return "\n".join(out) + "\n"


#: characters that make the Desktop Entry spec require an Exec argument to be quoted
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def exec_quote(arg: str) -> str:
    """One Exec argument as the Desktop Entry spec wants it: double quotes (not a shell's
    single quotes) around reserved characters, ``"`$\\`` escaped inside them, ``%`` doubled
    (field codes), then backslashes doubled once more (the file's own string escaping)."""
    arg = arg.replace("%", "%%")
    if arg and not _RESERVED & set(arg):
        return arg  # (a backslash is reserved, so none is left here)
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("\\", "\\\\")


def install(base: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the entry and the icon (atomically; folders made as needed); returns both paths.
    Raises OSError/DocumentError with a readable message when they can't be written."""
    entry, icon = targets(base)
    text = entry_text(launcher() if command is None else command)
    svg = (folder("icons") / f"{APP_ID}.svg").read_text(encoding="utf-8")
    for path, content in ((entry, text), (icon, svg)):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content)
    return [entry, icon]


def uninstall(base: Path | None = None) -> list[Path]:
    """Remove what ``install`` wrote; returns the files that were there."""
    removed = []
    for path in targets(base):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed
