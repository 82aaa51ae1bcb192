"""``mgstudio --self-check``: is this install complete? Every icon the code names exists and
draws, every example opens, every lesson loads and its example is there, the desktop entry and
the app icon ship. Run after installing a wheel (scripts/wheel_smoke.sh does), it catches the
"empty canvas, text-only toolbars" install where resources/ was left out of the package."""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

from mgstudio import bundled

#: lessons whose "example" is built in code rather than read from resources/examples
_BUILT_IN_EXAMPLES = ("mlp",)


def icon_names_used() -> set[str]:
    """Every icon file name (without .svg) the app asks for: the action table, the undo and
    redo icons, one per palette kind, the app icon, and each ``icon("…")`` /
    ``kind_icon("…")`` call with a literal name anywhere in the package's code."""
    from mgstudio.document import CATEGORIES, kinds_in

    from .actions import EXTRA_ICONS, SPECS
    from .icons import APP_ICON

    names = {spec.icon for spec in SPECS.values() if spec.icon} | set(EXTRA_ICONS.values())
    names |= {f"kind-{kind.name}" for category in CATEGORIES for kind in kinds_in(category)}
    names.add(APP_ICON)
    package = files("mgstudio")  # a folder on disk; a zip import has no sources to read
    for source in sorted(package.rglob("*.py")) if isinstance(package, Path) else ():
        names |= _literal_icon_names(source.read_text(encoding="utf-8"))
    return names


def _literal_icon_names(code: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        first = node.args[0]
        if (
            name in ("icon", "kind_icon")
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            found.add(first.value if name == "icon" else f"kind-{first.value}")
    return found


def run() -> tuple[list[str], list[str]]:
    """``(report lines, problems)``; needs a QApplication (icons are drawn)."""
    from mgstudio.desktop import APP_ID, entry_text, launcher
    from mgstudio.document import Document, DocumentError
    from mgstudio.document.examples import example_path, list_examples

    from .icons import icon, icon_path
    from .learn.lessons import LessonError, load_lessons

    lines = [bundled.describe()]
    problems: list[str] = []
    if bundled.root() is None:
        problems.append("the resources folder is missing from this install")

    used = sorted(icon_names_used())
    missing = [n for n in used if not icon_path(n).is_file()]
    blank = [n for n in used if n not in missing and icon(n).isNull()]
    problems += [f"icon {n}.svg is missing" for n in missing]
    problems += [f"icon {n}.svg does not draw" for n in blank]
    shipped = sorted(p.stem for p in bundled.folder("icons").glob("*.svg"))
    lines.append(
        f"icons: {len(shipped)} shipped, {len(used) - len(missing) - len(blank)} of the "
        f"{len(used)} the code uses found and drawn"
    )

    examples = list_examples()
    if not examples:
        problems.append("no examples found")
    opened = 0
    for _title, path in examples:
        try:
            Document.load(path)
            opened += 1
        except DocumentError as exc:
            problems.append(f"example {path.name} does not open: {exc}")
    lines.append(f"examples: {opened} of {len(examples)} open")

    try:
        lessons = load_lessons()
    except LessonError as exc:
        lessons = []
        problems.append(f"a lesson does not load: {exc}")
    if not lessons:
        problems.append("no lessons found")
    for lesson in lessons:
        if lesson.example not in _BUILT_IN_EXAMPLES and not example_path(lesson.example).is_file():
            problems.append(f"lesson {lesson.title!r} needs the missing example {lesson.example}")
    lines.append(f"lessons: {len(lessons)} loaded")

    try:
        entry_text(launcher())
        lines.append(f"desktop entry: {APP_ID}.desktop ships")
    except OSError:
        problems.append(f"the desktop entry {APP_ID}.desktop is missing")
    return lines, problems


def main() -> int:
    """Print the report; exit status 1 when anything is missing."""
    import sys

    lines, problems = run()
    for line in lines:
        print(line)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print("self-check: ok" if not problems else f"self-check: {len(problems)} problem(s)")
    return 1 if problems else 0
