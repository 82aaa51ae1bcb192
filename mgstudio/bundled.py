"""Where the shipped files (icons, examples, lessons, the desktop entry) are: the one place that
knows, so that a wheel, an editable install and a bare checkout all find the same files.

The source of truth is the top-level ``resources/`` folder of the repository. The wheel carries a
copy of it inside the package as ``mgstudio/resources`` (``setup.py`` maps that package onto the
folder), so an installed mgstudio finds it through ``importlib.resources``. An editable install or
``python main.py`` in a checkout has no such copy; there ``resources/`` is read where it lies,
next to the ``mgstudio`` package that was imported, so each checkout (or git worktree) uses its own
files, never those of another install. No Qt here: the document layer lists examples too."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

#: sub-folders of resources/ the app reads
FOLDERS = ("icons", "examples", "lessons", "desktop")


@cache
def root() -> Path | None:
    """The resources folder: inside the installed package, else the checkout's; None when
    neither exists (a broken install: callers then show nothing rather than fail)."""
    package = files("mgstudio")
    # pip always unpacks wheels, so the package is a folder on disk (a Path); a zip import
    # would give another Traversable, which Qt and the document loader could not open
    if not isinstance(package, Path):
        return None
    packaged = package / "resources"
    if packaged.is_dir():
        return packaged
    checkout = package.parent
    # only a source checkout (pyproject.toml beside resources/), never some other package's
    # top-level "resources" folder that happens to sit in the same site-packages
    if (checkout / "pyproject.toml").is_file() and (checkout / "resources").is_dir():
        return checkout / "resources"
    return None


def folder(name: str) -> Path:
    """``resources/<name>`` (e.g. ``"icons"``). When resources are missing this is where an
    install should have put them (it does not exist, so ``is_dir()`` and globbing find nothing
    and error messages name the expected place)."""
    base = root()
    return (base if base is not None else Path(__file__).parent / "resources") / name


def describe() -> str:
    """Where resources were found, for the self-check and bug reports."""
    base = root()
    return "resources not found" if base is None else f"resources in {base}"
