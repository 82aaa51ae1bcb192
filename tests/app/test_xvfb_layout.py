"""The window layout in a real X server with a real window manager (Xvfb + openbox): a first
start fits the screen, and quitting while maximized (by double-clicking the title bar, as a
learner does) leaves a layout that comes back whole at the next start (issue 12, item 1).

Each start runs ``mgstudio.app.launch.main`` through a small driver that, once the window has
settled, writes what the layout looks like (dock places, the canvas, the check's verdict) to
a JSON file; the window manager's side (maximize, close) is driven with xdotool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "openbox", "xdotool")
MISSING = [t for t in TOOLS if shutil.which(t) is None]

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        bool(MISSING),
        reason=f"needs {', '.join(MISSING)} (a real X server "
        "and window manager) to test the layout",
    ),
]

DRIVER = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar
from mgstudio.app import launch, window_layout

report_path = sys.argv[1]
real_install = launch.install_tools

def rect(r):
    return [r.x(), r.y(), r.width(), r.height()]

def report(window):
    docks = {}
    for d in window.findChildren(QDockWidget):
        docks[d.objectName()] = {
            "visible": d.isVisible(), "floating": d.isFloating(), "rect": rect(d.geometry()),
            "area": int(window.dockWidgetArea(d).value),
            "tabbed": [t.objectName() for t in window.tabifiedDockWidgets(d)],
            "front": d.isVisible() and not d.visibleRegion().isEmpty()}
    bars = {tb.objectName(): {"visible": tb.isVisible(), "rect": rect(tb.geometry()),
                              "overflow": tb.sizeHint().width() > tb.width() + 2}
            for tb in window.findChildren(QToolBar) if tb.parent() is window}
    training = getattr(window, "training", None)
    data = {
        "maximized": window.isMaximized(), "frame": rect(window.frameGeometry()),
        "client": rect(window.geometry()),
        "available": rect(window.screen().availableGeometry()),
        "central": rect(window.centralWidget().geometry()), "docks": docks, "toolbars": bars,
        "problems": window_layout.layout_problems(window),
        "restored": window.layout_keeper.from_settings, "resets": resets,
        "zoom": window.canvas.zoom(),
        "progress_visible": training.progress_bar.isVisible() if training else None,
    }
    with open(report_path + ".tmp", "w") as f:
        json.dump(data, f)
    import os
    os.replace(report_path + ".tmp", report_path)

resets = []

def install(window):
    out = real_install(window)
    window.layout_keeper.was_reset.connect(resets.append)
    # after the layout check (CHECK_DELAY_MS) and the window manager's moves
    QTimer.singleShot(window_layout.CHECK_DELAY_MS + 1200, lambda: report(window))
    return out

launch.install_tools = install
sys.exit(launch.main(sys.argv[2:]))
"""


class XSession:
    """An Xvfb display with openbox on it; ``launch`` starts the studio there."""

    def __init__(self, tmp_path: Path, size: str):
        self.tmp = tmp_path
        read, write = os.pipe()
        self.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()
        if not number:
            self.xvfb.kill()
            pytest.skip("Xvfb did not start")
        self.env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        self.env.update(
            DISPLAY=f":{number}",
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            MGSTUDIO_AUTOSAVE_DIR=str(tmp_path / "autosave"),
            # this checkout's mgstudio, also for the driver outside it
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        self.wm = subprocess.Popen(
            ["openbox"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(1.0)  # openbox takes the screen before the first window maps
        self.driver = tmp_path / "driver.py"
        self.driver.write_text(DRIVER)
        self.runs = 0

    def xdotool(self, *args: str) -> str:
        return subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        ).stdout.strip()

    def launch(self):
        """Start the studio; returns (process, report of its settled layout)."""
        self.runs += 1
        out = self.tmp / f"report{self.runs}.json"
        proc = subprocess.Popen(
            [sys.executable, str(self.driver), str(out)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return proc, self._wait_report(proc, out)

    def _wait_report(self, proc, out: Path, timeout: float = 90.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if out.exists():
                return json.loads(out.read_text())
            if proc.poll() is not None:
                raise AssertionError(f"the studio exited early: {proc.communicate()[1]}")
            time.sleep(0.2)
        proc.kill()
        raise AssertionError("the studio never reported its layout")

    def window(self) -> str:
        return self.xdotool(
            "search", "--sync", "--onlyvisible", "--name", "mgstudio$"
        ).splitlines()[0]

    def geometry(self, wid: str) -> dict[str, int]:
        shell = self.xdotool("getwindowgeometry", "--shell", wid)
        return {
            k: int(v)
            for k, v in (line.split("=") for line in shell.splitlines())
            if k in ("X", "Y", "WIDTH", "HEIGHT")
        }

    def maximize_by_title_bar(self, wid: str, report: dict) -> None:
        """Double-click the title bar openbox draws above the window, as a learner does
        (where it is: between the frame's top and the client's, as Qt saw them)."""
        frame, client = report["frame"], report["client"]
        screen_width = report["available"][2]
        x, y = frame[0] + frame[2] // 2, (frame[1] + client[1]) // 2
        self.xdotool("mousemove", str(x), str(y), "click", "--repeat", "2", "--delay", "80", "1")
        end = time.monotonic() + 15
        while time.monotonic() < end and self.geometry(wid)["WIDTH"] < screen_width:
            time.sleep(0.2)
        assert self.geometry(wid)["WIDTH"] == screen_width, "the window did not maximize"
        time.sleep(0.8)  # the docks take their new sizes

    def quit(self, proc, wid: str) -> None:
        """Ctrl+Q typed into the focused window (real key events through XTEST)."""
        self.xdotool("windowactivate", "--sync", wid)
        self.xdotool("key", "ctrl+q")
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("Ctrl+Q did not close the studio") from None
        assert proc.returncode == 0, proc.stderr.read()

    def close(self) -> None:
        for p in (self.wm, self.xvfb):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture
def xsession(tmp_path, request):
    session = XSession(tmp_path, getattr(request, "param", "1600x1000"))
    yield session
    session.close()


def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def assert_sound(report: dict) -> None:
    """Every dock in front sits in a dock area, inside the window, off the canvas."""
    assert report["problems"] == []
    central = report["central"]
    assert central[2] >= 400 and central[3] >= 250, central
    for name, dock in report["docks"].items():
        if not dock["front"]:
            continue
        assert dock["area"] != 0 and not dock["floating"], name
        assert not overlaps(dock["rect"], central), (name, dock["rect"], central)
        assert (
            dock["rect"][1] >= central[1] - 1 or dock["rect"][0] + dock["rect"][2] <= central[0] + 1
        ), (name, "above the canvas: over the toolbars or menus")
    for name in ("palette_dock", "inspector_dock", "backward_dock", "training_plots_dock"):
        assert report["docks"][name]["front"], f"{name} is not shown"


def test_quit_maximized_then_relaunch_keeps_the_layout(xsession):
    proc, first = xsession.launch()
    assert not first["restored"] and not first["maximized"]
    assert_sound(first)
    wid = xsession.window()
    xsession.maximize_by_title_bar(wid, first)
    xsession.quit(proc, wid)
    ini = list((xsession.tmp / "config").rglob("*.ini"))
    assert ini and "geometry" in ini[0].read_text()

    proc, again = xsession.launch()
    assert again["restored"], "the saved layout was not used"
    assert again["resets"] == [], again["resets"]  # nothing had to be thrown away
    assert again["maximized"]
    assert again["frame"][2] == again["available"][2]
    assert_sound(again)
    # the same docks in front as before the quit, in the same areas
    front = {n for n, d in first["docks"].items() if d["front"]}
    assert {n for n, d in again["docks"].items() if d["front"]} == front
    for name in front:
        assert again["docks"][name]["area"] == first["docks"][name]["area"], name
    wid = xsession.window()
    xsession.quit(proc, wid)

    proc, third = xsession.launch()  # and once more: a restored layout saves back sound
    assert third["restored"] and third["maximized"] and third["resets"] == []
    assert_sound(third)
    xsession.quit(proc, xsession.window())


@pytest.mark.parametrize("xsession", ["1024x700"], indirect=True)
def test_first_start_on_a_small_screen_fits_it(xsession):
    proc, first = xsession.launch()
    x, y, w, h = first["frame"]
    ax, ay, aw, ah = first["available"]
    assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah, (
        first["frame"],
        first["available"],
    )
    assert_sound(first)
    for name, bar in first["toolbars"].items():  # every button on screen: no ">>" menu
        assert not bar["overflow"], name
    assert first["progress_visible"] is False  # no "0 / 1 steps" before any training
    from mgstudio.app.canvas.readable import READABLE_ZOOM

    assert first["zoom"] >= READABLE_ZOOM - 1e-9  # labels and numbers readable at once
    xsession.quit(proc, xsession.window())
