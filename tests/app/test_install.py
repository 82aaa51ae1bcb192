"""An installed mgstudio has its icons, examples and lessons (``mgstudio --self-check``), finds
them inside the package when installed and in the checkout otherwise (``mgstudio.bundled``), and
can put itself into the desktop's menu (``mgstudio --install-desktop``). The real wheel, built
and installed into a fresh venv, is checked by scripts/wheel_smoke.sh (run by scripts/test.sh)."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mgstudio import bundled, desktop
from mgstudio.app import launch
from mgstudio.app.icons import icon, icon_path
from mgstudio.app.selfcheck import _literal_icon_names, icon_names_used

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def _run(args, cwd, **env):
    # this checkout's mgstudio (not whichever one the venv was installed from), unless the
    # test puts its own on the path
    full = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "mgstudio", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def installed(tmp_path):
    """A site folder laid out as the wheel installs it (setup.py maps resources/ onto the
    package ``mgstudio.resources``), imported from outside the checkout."""
    site = tmp_path / "site"
    shutil.copytree(
        ROOT / "mgstudio", site / "mgstudio", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        RESOURCES, site / "mgstudio" / "resources", ignore=shutil.ignore_patterns("screenshot.png")
    )
    (tmp_path / "elsewhere").mkdir()
    return site


def _self_check(site):
    return _run(["--self-check"], cwd=site.parent / "elsewhere", PYTHONPATH=str(site))


def test_self_check_from_the_checkout_finds_everything():
    done = _run(["--self-check"], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert f"resources in {RESOURCES}" in done.stdout
    examples = len(list((RESOURCES / "examples").glob("*.mgs")))
    lessons = len(list((RESOURCES / "lessons").glob("*.md")))
    assert f"examples: {examples} of {examples} open" in done.stdout
    assert f"lessons: {lessons} loaded" in done.stdout
    assert "self-check: ok" in done.stdout


def test_an_installed_package_reads_its_own_copy(installed):
    done = _self_check(installed)
    assert done.returncode == 0, done.stderr
    assert f"resources in {installed / 'mgstudio' / 'resources'}" in done.stdout
    assert str(RESOURCES) not in done.stdout


def test_a_missing_icon_fails_the_self_check(installed):
    (installed / "mgstudio" / "resources" / "icons" / "kind-tanh.svg").unlink()
    done = _self_check(installed)
    assert done.returncode == 1
    assert "error: icon kind-tanh.svg is missing" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_package_without_resources_says_so(installed):
    # the broken wheel of issue 12: no resources/ in the package and no checkout beside it
    shutil.rmtree(installed / "mgstudio" / "resources")
    done = _self_check(installed)
    assert done.returncode == 1
    assert "resources folder is missing" in done.stderr
    assert "no examples found" in done.stderr and "no lessons found" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stray_resources_folder_beside_the_package_is_not_used(installed):
    # site-packages may hold some other project's top-level "resources": only a checkout's
    # (pyproject.toml beside it) counts
    shutil.move(installed / "mgstudio" / "resources", installed / "resources")
    done = _self_check(installed)
    assert done.returncode == 1
    assert "resources folder is missing" in done.stderr


def test_every_icon_the_code_names_exists_and_draws(qapp):
    used = icon_names_used()
    # the scan sees the action table, the palette kinds and literal icon("…") calls
    assert {"undo", "redo", "mgstudio", "kind-tanh", "kind-input", "backward", "zero-grad"} <= used
    for name in sorted(used):
        assert icon_path(name).is_file(), name
        assert not icon(name).isNull(), name


def test_literal_icon_calls_are_found():
    code = 'a = icon("train")\nb = self.icons.kind_icon("mul")\nc = icon(name)\nd = f("x")\n'
    assert _literal_icon_names(code) == {"train", "kind-mul"}


def test_the_window_has_the_app_icon_and_desktop_name(qapp, settings_path, tmp_path):
    assert launch.main(["--screenshot", str(tmp_path / "shot.png")]) == 0
    assert qapp.desktopFileName() == desktop.APP_ID
    assert not qapp.windowIcon().isNull()


def _entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_install_desktop_writes_the_entry_and_icon(tmp_path):
    share = tmp_path / "share"
    env = dict(XDG_DATA_HOME=str(share), HOME=str(tmp_path / "home"), PATH="/usr/bin:/bin")
    done = _run(["--install-desktop"], cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    entry = share / "applications" / "mgstudio.desktop"
    icon_file = share / "icons" / "hicolor" / "scalable" / "apps" / "mgstudio.svg"
    assert f"wrote {entry}" in done.stdout and f"wrote {icon_file}" in done.stdout
    fields = _entry(entry)
    # run as "python -m mgstudio" with no mgstudio on PATH: the entry starts this interpreter
    assert fields["Exec"] == f"{sys.executable} -m mgstudio %f"
    assert fields["TryExec"] == sys.executable
    assert fields["Icon"] == "mgstudio" and fields["Type"] == "Application"
    assert icon_file.read_bytes() == (RESOURCES / "icons" / "mgstudio.svg").read_bytes()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True
        )
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout

    done = _run(["--uninstall-desktop"], cwd=tmp_path, **env)
    assert done.returncode == 0 and not entry.exists() and not icon_file.exists()
    assert _run(["--uninstall-desktop"], cwd=tmp_path, **env).stdout.strip() == "nothing to remove"


def test_install_desktop_reports_an_unwritable_folder(tmp_path):
    blocker = tmp_path / "share"
    blocker.write_text("a file where the data folder should be")
    done = _run(["--install-desktop"], cwd=tmp_path, XDG_DATA_HOME=str(blocker))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_a_relative_xdg_data_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path / ".local" / "share"


def test_the_running_mgstudio_script_is_what_the_entry_starts(monkeypatch, tmp_path):
    script = tmp_path / "my apps" / "mgstudio"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(script)])
    assert desktop.launcher() == [str(script)]
    fields_text = desktop.entry_text(desktop.launcher())
    assert f'Exec="{script}" %f' in fields_text.splitlines()


@pytest.mark.parametrize(
    "arg, quoted",
    [
        ("/usr/bin/mgstudio", "/usr/bin/mgstudio"),
        ("/opt/my apps/mgstudio", '"/opt/my apps/mgstudio"'),
        ('/a"b$c`d', '"/a\\\\"b\\\\$c\\\\`d"'),  # spec: \" \$ \` inside quotes, then \ doubled
        ("/x\\y", '"/x\\\\\\\\y"'),
        ("/50%/mgstudio", "/50%%/mgstudio"),
    ],
)
def test_exec_arguments_are_quoted_as_the_spec_says(arg, quoted):
    assert desktop.exec_quote(arg) == quoted


def test_bundled_folders_are_the_checkouts_here():
    assert bundled.root() == RESOURCES
    for name in bundled.FOLDERS:
        assert bundled.folder(name).is_dir(), name
