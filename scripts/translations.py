"""The translation catalogs: update them from the code, compile them, check they are whole.

    python scripts/translations.py update    # pyside6-lupdate every area's .ts from its files
    python scripts/translations.py compile   # pyside6-lrelease them into the shipped .qm
    python scripts/translations.py check     # no unfinished/obsolete entry, .qm current
    python scripts/translations.py todo --area window > todo.json   # what is left, as JSON
    python scripts/translations.py fill --area window --from done.json    # put translations in

Each area of the code has its own ``resources/translations/<language>/<area>.ts`` (so that work
on different areas never edits the same file); all of a language's areas compile into one
``resources/translations/mgstudio_<language>.qm``, which is committed (a wheel built from a
clone carries it) and checked to be current. English is the source language: it has no file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)
#: area -> the source files it covers (globs from the repository root); every file that calls
#: translate() must be in exactly one area (``check`` says which are not)
AREAS: dict[str, tuple[str, ...]] = {
    "window": ("mgstudio/app/*.py", "mgstudio/app/canvas/*.py"),
    "training_pane": ("mgstudio/app/training/*.py",),
    "learn": ("mgstudio/app/learn/*.py",),
    "practice": ("mgstudio/app/practice/*.py",),
    "core": (
        "mgstudio/words.py",
        "mgstudio/session.py",
        "mgstudio/bundled.py",
        "mgstudio/document/**/*.py",
        "mgstudio/training/**/*.py",
        "mgstudio/practice/**/*.py",
        "mgstudio/engine/**/*.py",
    ),
    "interpreter": ("mgstudio/interpreter/**/*.py",),
}
#: never translated: the command line stays English (its --help says so)
ENGLISH_ONLY = ("mgstudio/cli.py", "mgstudio/__main__.py", "mgstudio/commands/*.py")


def _bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} was not found (it comes with PySide6-Essentials)")
    return found


def area_files(area: str) -> list[Path]:
    out: set[Path] = set()
    for pattern in AREAS[area]:
        out.update(p for p in ROOT.glob(pattern) if p.is_file())
    return sorted(out)


def ts_path(language: str, area: str, base: Path = TRANSLATIONS) -> Path:
    return base / language / f"{area}.ts"


def qm_path(language: str, base: Path = TRANSLATIONS) -> Path:
    return base / f"mgstudio_{language}.qm"


def lupdate(language: str, area: str, ts: Path) -> None:
    files = [str(p) for p in area_files(area)]
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            _bin("pyside6-lupdate"),
            *files,
            "-ts",
            str(ts),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            language,
            "-silent",
        ],
        check=True,
        cwd=ROOT,
    )


def lrelease(language: str, base: Path, out: Path) -> None:
    sources = [str(ts_path(language, area, base)) for area in AREAS]
    sources = [s for s in sources if Path(s).exists()]
    subprocess.run(
        [_bin("pyside6-lrelease"), *sources, "-qm", str(out), "-silent"], check=True, cwd=ROOT
    )


def problems_of(ts: Path) -> list[str]:
    """Entries of one .ts that are not finished translations (unfinished, obsolete, vanished,
    or translated to nothing)."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else "missing"
            numerus = translation is not None and list(translation.iter("numerusform"))
            empty = translation is None or not (
                (translation.text or "").strip()
                or any((f.text or "").strip() for f in numerus or [])
            )
            if kind or empty:
                out.append(f"{ts.name}: [{name}] {source!r}: {kind or 'empty'}")
    return out


def uncovered() -> list[str]:
    """Source files calling translate() that no area covers."""
    covered = {p for area in AREAS for p in area_files(area)}
    english = {p for pattern in ENGLISH_ONLY for p in ROOT.glob(pattern)}
    out = []
    for path in sorted(ROOT.glob("mgstudio/**/*.py")):
        if path in covered or path in english:
            continue
        text = path.read_text(encoding="utf-8")
        if "translate(" in text or "QT_TRANSLATE_NOOP(" in text:
            out.append(str(path.relative_to(ROOT)))
    return out


def check() -> list[str]:
    """Everything wrong with the catalogs as committed (empty: all is well)."""
    out = [
        f"{name}: calls translate() but is in no area of scripts/translations.py"
        for name in uncovered()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for language in LANGUAGES:
            for area in AREAS:
                ts = ts_path(language, area, base)
                committed = ts_path(language, area)
                ts.parent.mkdir(parents=True, exist_ok=True)
                if committed.exists():
                    shutil.copy(committed, ts)
                lupdate(language, area, ts)  # what the code asks for now, against what is there
                out.extend(problems_of(ts))
                if committed.exists() and ts.read_bytes() != committed.read_bytes():
                    out.append(
                        f"{committed.relative_to(ROOT)} is not what lupdate makes of the "
                        "code now: run scripts/translations.py update"
                    )
            qm = base / "out.qm"
            lrelease(language, TRANSLATIONS, qm)
            shipped = qm_path(language)
            if not shipped.exists() or shipped.read_bytes() != qm.read_bytes():
                out.append(
                    f"{shipped.relative_to(ROOT)} is not current: run "
                    "scripts/translations.py compile"
                )
    return out


def todo(language: str, area: str) -> list[dict[str, str]]:
    """The area's unfinished entries: ``{"context", "source", "translation": ""}`` each."""
    out = []
    for context in ET.parse(ts_path(language, area)).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") or not (translation.text or ""):
                source = message.findtext("source", "")
                out.append({"context": name, "source": source, "translation": ""})
    return out


def fill(language: str, area: str, entries: list[dict[str, str]]) -> int:
    """Put translations (``{"context", "source", "translation"}``) into the area's .ts, then let
    lupdate write it in its own format again; returns how many were set."""
    ts = ts_path(language, area)
    tree = ET.parse(ts)
    wanted = {(e["context"], e["source"]): e["translation"] for e in entries if e["translation"]}
    done = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            text = wanted.get((name, message.findtext("source", "")))
            translation = message.find("translation")
            if text is None or translation is None:
                continue
            translation.attrib.pop("type", None)
            if message.get("numerus") == "yes":
                for form in list(translation):
                    translation.remove(form)
                ET.SubElement(translation, "numerusform").text = text
            else:
                translation.text = text
            done += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    lupdate(language, area, ts)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("update", "compile", "check", "todo", "fill"))
    parser.add_argument(
        "--from", dest="json", help="fill: a JSON list of todo's entries, translated"
    )
    parser.add_argument("--area", choices=tuple(AREAS), help="only this area (update, todo, fill)")
    parser.add_argument("--language", choices=LANGUAGES, default=LANGUAGES[0])
    args = parser.parse_args(argv)
    if args.what in ("todo", "fill") and not args.area:
        parser.error(f"{args.what} needs --area")
    if args.what == "todo":
        import json

        print(json.dumps(todo(args.language, args.area), ensure_ascii=False, indent=1))
        return 0
    if args.what == "fill":
        import json

        if not args.json:
            parser.error("fill needs --from FILE.json")
        entries = json.loads(Path(args.json).read_text(encoding="utf-8"))
        print(f"set {fill(args.language, args.area, entries)} translations")
        return 0
    if args.what == "update":
        for language in LANGUAGES:
            for area in [args.area] if args.area else AREAS:
                ts = ts_path(language, area)
                lupdate(language, area, ts)
                left = problems_of(ts)
                print(f"{ts.relative_to(ROOT)}: {len(left)} to translate")
        return 0
    if args.what == "compile":
        for language in LANGUAGES:
            lrelease(language, TRANSLATIONS, qm_path(language))
            print(f"wrote {qm_path(language).relative_to(ROOT)}")
        return 0
    found = check()
    for line in found:
        print(line)
    print("translations: all finished and current" if not found else f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
