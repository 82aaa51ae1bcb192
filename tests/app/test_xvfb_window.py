"""The one real-window test: ``main.py --screenshot`` under Xvfb with Qt's xcb platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_real_window_screenshot_under_xvfb(tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "tmp.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # xcb, for real
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    proc = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1400x900x24",
            sys.executable,
            "main.py",
            "--screenshot",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 13) for y in range(0, image.height(), 13)
    }
    assert len(colours) > 20
