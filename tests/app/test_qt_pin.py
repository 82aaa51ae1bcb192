"""PySide6 6.12.0 drops a reference to ``None`` on every Qt call that returns nothing, and
CPython 3.11 aborts after a few thousand such calls. The one guard is the dependency pin in
pyproject.toml (a ctypes poke on None's reference count in ``mgstudio.app`` was the other one,
removed: it wrote into the interpreter's memory and protected only processes that imported
``mgstudio.app`` before any Qt call)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _qt_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(line) for line in project["dependencies"]]
    return [r for r in reqs if r.name.lower() == "pyside6-essentials"]


def _applies(req: Requirement, python: str) -> bool:
    return req.marker is None or req.marker.evaluate({"python_version": python})


def test_python_3_11_never_gets_the_broken_pyside6():
    (req,) = [r for r in _qt_requirements() if _applies(r, "3.11")]
    assert Version("6.12.0") not in req.specifier
    assert Version("6.11.3") in req.specifier  # what the tests run on


def test_every_python_has_exactly_one_pyside6_requirement():
    for python in ("3.11", "3.12", "3.13"):
        assert len([r for r in _qt_requirements() if _applies(r, python)]) == 1, python


def test_the_installed_pyside6_is_one_the_pin_allows():
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    (req,) = [r for r in _qt_requirements() if _applies(r, python)]
    assert Version(version("PySide6-Essentials")) in req.specifier


def test_the_app_leaves_nones_reference_count_alone():
    # in a fresh interpreter: importing the app and making Qt calls must not touch None's
    # count (the removed workaround added 2**60 to it)
    code = (
        "import sys, mgstudio.app\n"
        "from PySide6.QtCore import QObject\n"
        "o = QObject()\n"
        "for _ in range(1000): o.setObjectName('x')\n"
        "print(sys.getrefcount(None) < 1 << 40)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
