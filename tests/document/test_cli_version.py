"""One version source: ``mgstudio.__version__``. ``python -m mgstudio --version`` prints it and
the wheel's metadata carries it (pyproject.toml reads it instead of holding a copy)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import mgstudio

ROOT = Path(mgstudio.__file__).resolve().parents[1]


def test_pyproject_holds_no_copy_of_the_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "mgstudio.__version__"}


#: the first setuptools that reads pyproject's ``license = "MIT"`` (PEP 639)
SETUPTOOLS_NEEDED = (77,)


def wheel_metadata_version(tmp_path: Path) -> str:
    """The ``Version:`` of the metadata the build backend writes into the wheel (the PEP 517
    hook a build frontend calls), built from a copy so the checkout stays clean. A build
    frontend installs a recent setuptools for it; this calls the one installed here, so it
    skips when that one is too old (scripts/wheel_smoke.sh checks the real wheel as well)."""
    import setuptools

    have = tuple(int(p) for p in setuptools.__version__.split(".")[:1])
    if have < SETUPTOOLS_NEEDED:
        pytest.skip(f"setuptools {setuptools.__version__} here cannot build this pyproject")
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("mgstudio", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md", "MANIFEST.in"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path / "meta"
    out.mkdir()
    hook = (
        "import sys, setuptools.build_meta as backend\n"
        "print(backend.prepare_metadata_for_build_wheel(sys.argv[1]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", hook, str(out)],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    dist_info = out / done.stdout.strip().splitlines()[-1]
    lines = (dist_info / "METADATA").read_text(encoding="utf-8").splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("Version:"))


def python_m_mgstudio_version() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mgstudio", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    name, version = done.stdout.strip().split(" ")
    assert name == "mgstudio"
    return version


def test_version_flag_prints_the_package_version():
    assert python_m_mgstudio_version() == mgstudio.__version__


def test_version_flag_matches_the_wheel_metadata(tmp_path):
    assert python_m_mgstudio_version() == wheel_metadata_version(tmp_path)


def test_version_flag_opens_no_window_and_loads_no_command():
    """``--version`` is answered by the command line before it imports any command (so before
    numpy or Qt): it works even where those are broken, which is when it is asked for."""
    probe = (
        "import sys\n"
        "from mgstudio.cli import main\n"
        "code = main(['--version'])\n"
        "print(code, *(m in sys.modules for m in ('PySide6', 'mgstudio.app', 'numpy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"mgstudio {mgstudio.__version__}", "0 False False False"]


def test_version_is_listed_in_the_help(capsys):
    from mgstudio.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "--version" in capsys.readouterr().out


def test_the_window_launcher_answers_version_too():
    """``python main.py --version`` (the launcher's own parser) prints the same version."""
    done = subprocess.run(
        [sys.executable, "main.py", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"mgstudio {mgstudio.__version__}"
