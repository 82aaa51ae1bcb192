"""The launcher: ``python main.py [FILE] [--screenshot OUT.png]`` (offscreen here; the real X
window is tests/app/test_xvfb_window.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from mgstudio.app import launch

ROOT = Path(__file__).resolve().parents[2]


def _image(path: Path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull()
    return image


def _distinct_colours(image: QImage, step: int = 17) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_screenshot_of_the_neuron(qapp, settings_path, tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert launch.main(["--screenshot", str(out)]) == 0
    image = _image(out)
    assert (image.width(), image.height()) == launch.SCREENSHOT_SIZE
    assert _distinct_colours(image) > 20  # a painted window, not a blank rectangle
    assert "wrote" in capsys.readouterr().out
    assert not list(settings_path.rglob("*.ini"))  # the user's settings stay untouched


def test_open_a_file_and_run_the_event_loop(qapp, settings_path, tmp_path):
    from PySide6.QtCore import QTimer

    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings
    from mgstudio.document import Document

    doc = Document()
    doc.add_node("input", label="q", value=1.25)
    path = tmp_path / "q.mgs"
    doc.save(path)
    seen = []

    def close():
        for w in qapp.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible():
                seen.append((w.windowTitle(), len(w.document.nodes)))
                w.close()
        if not seen:  # closing the last window already ends the loop; a second quit would
            qapp.quit()  # linger and make later event loops in this process return at once

    QTimer.singleShot(300, close)
    assert launch.main([str(path)]) == 0
    assert seen == [("q.mgs — mgstudio", 1)]
    assert StudioSettings().recent_files() == [str(path.resolve())]


def test_screenshot_with_a_bad_file_reports_on_stderr(qapp, settings_path, tmp_path, capsys):
    bad = tmp_path / "broken.mgs"
    bad.write_text("{ not json")
    out = tmp_path / "shot.png"
    assert launch.main([str(bad), "--screenshot", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("error: Can't open the file: broken.mgs")
    assert "Traceback" not in err
    assert out.exists() and out.stat().st_size > 1000


def test_cli_without_subcommand_opens_the_window(qapp, settings_path, tmp_path):
    from mgstudio.cli import main as cli_main
    from mgstudio.document.examples import example_path

    out = tmp_path / "expr.png"
    assert (
        cli_main(
            [
                str(example_path("expression.mgs")),
                "--screenshot",
                str(out),
                "--theme",
                "dark",
                "--backward",
            ]
        )
        == 0
    )
    image = _image(out)
    assert _distinct_colours(image) > 20
    corner = image.pixelColor(image.width() - 3, 3)  # the menu bar, in the dark palette
    assert corner.lightness() < 100
    from mgstudio.app.theme import apply_theme

    apply_theme(qapp, "light")
    apply_theme(qapp, "system")


def test_main_py_in_a_subprocess_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "missing.mgs"
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), str(bad), "--screenshot", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "error: Can't open the file" in proc.stderr and "missing.mgs" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.stat().st_size > 1000


def test_bad_arguments_exit_with_usage(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        launch.main(["--theme", "purple"])
    assert exc.value.code == 2
    assert "--theme" in capsys.readouterr().err


def test_start_up_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys\nfrom mgstudio.app.launch import main\n"
        f"rc = main(['--screenshot', {str(tmp_path / 's.png')!r}])\n"
        "print('rc', rc, 'matplotlib', any(m.startswith('matplotlib') for m in sys.modules))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert "rc 0 matplotlib False" in proc.stdout, proc.stderr
