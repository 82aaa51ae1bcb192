"""The example documents shipped in ``resources/examples`` (the app's Examples menu)."""

from __future__ import annotations

import json
from pathlib import Path

from mgstudio.bundled import folder

EXAMPLES_DIR = folder("examples")

#: the walkthrough's order; any other example follows, sorted by file name
ORDER = (
    "derivative.mgs",
    "expression.mgs",
    "neuron.mgs",
    "neuron_exp.mgs",
    "reuse.mgs",
    "readme.mgs",
)


def list_examples(folder: Path | None = None) -> list[tuple[str, Path]]:
    """``[(title, path)]`` of every example, in teaching order."""
    folder = EXAMPLES_DIR if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.mgs"), key=lambda p: (_rank(p.name), p.name))
    return [(_title(p), p) for p in paths]


def example_path(name: str) -> Path:
    """The path of one example by file name (``"neuron.mgs"`` or ``"neuron"``)."""
    if not name.endswith(".mgs"):
        name += ".mgs"
    return EXAMPLES_DIR / name


def _rank(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


def _title(path: Path) -> str:
    # only the title is read here; opening the example validates the whole file
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        title = data.get("title") if isinstance(data, dict) else None
    except (OSError, ValueError, RecursionError):
        title = None
    return title if isinstance(title, str) and title else path.stem.replace("_", " ")


#: example programs (text for Import micrograd code), in ``resources/examples/programs``
PROGRAMS_DIR = EXAMPLES_DIR / "programs"


def list_programs(folder: Path | None = None) -> list[tuple[str, str]]:
    """``[(title, text)]`` of every example program, sorted by file name. The title is the
    first line's comment (``# The lecture's MLP: ...``), else the file's name."""
    folder = PROGRAMS_DIR if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a broken install: the menu lists what it can read
        first = text.split("\n", 1)[0]
        title = first[1:].split(":", 1)[0].strip() if first.startswith("#") else ""
        out.append((title or path.stem.replace("_", " "), text))
    return out
