"""Hostile files and clipboards at the window's entry points: start-up with unreadable swap
files (``$MGSTUDIO_AUTOSAVE_DIR``), ``main.py FILE``, ``open_file``, Edit ▸ Paste and the
exports. Nothing crashes, blocks or leaves an empty undo entry; every refusal is one clear
message, and written files get ordinary permissions."""

from __future__ import annotations

import faulthandler
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mgstudio.app import autosave, launch
from mgstudio.app.main_window import MainWindow
from mgstudio.document import Document
from mgstudio.document.examples import example_path

ROOT = Path(__file__).resolve().parents[2]
NEURON = example_path("neuron.mgs")
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


@pytest.fixture
def no_hang():
    """A blocking read would hang the test forever: end the process with a traceback."""
    faulthandler.dump_traceback_later(60, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def cycle_with_sink(fragment: bool = False) -> str:
    """The file of issue #11, item 2: a cycle b ⇄ c whose output also feeds a sink listed
    first (the walk forward from the sink found no consumer: StopIteration)."""
    data = {
        "format": "mgstudio-fragment" if fragment else "mgstudio",
        "version": 1,
        "nodes": [
            {"id": "d", "kind": "tanh", "label": "out"},
            {"id": "a", "kind": "input"},
            {"id": "b", "kind": "add"},
            {"id": "c", "kind": "add"},
        ],
        "wires": [
            {"src": "a", "dst": "b", "port": "a"},
            {"src": "c", "dst": "b", "port": "b"},
            {"src": "b", "dst": "c", "port": "a"},
            {"src": "a", "dst": "c", "port": "b"},
            {"src": "c", "dst": "d", "port": "a"},
        ],
    }
    return json.dumps(data)


def swap_json(pid, document: str | None = None, original=None, name="Untitled", **more):
    data = {
        "format": autosave.FORMAT,
        "version": 1,
        "pid": pid,
        "original": original,
        "name": name,
        "document": Document().to_json() if document is None else document,
    }
    data.update(more)
    return json.dumps(data)


def bad_swaps(dead_pid: int) -> dict[str, bytes | str | None]:
    """One swap file per way of being unreadable (None: a special file is made instead)."""
    deep = "[" * 100_000 + "]" * 100_000
    return {
        "deep-json": deep,
        "deep-document": swap_json(dead_pid, document=deep),
        "huge-pid": swap_json(2**70),
        "negative-pid": swap_json(-5),
        "bool-pid": swap_json(True),
        "text-pid": swap_json("12"),
        "cycle-document": swap_json(dead_pid, document=cycle_with_sink()),
        "nul-original": swap_json(dead_pid, original="/tmp/a\x00b.mgs"),
        "relative-original": swap_json(dead_pid, original="g.mgs"),
        "number-original": swap_json(dead_pid, original=5),
        "lone-surrogate-original": swap_json(dead_pid, original="/tmp/\ud800.mgs"),
        "empty-name": swap_json(dead_pid, name=""),
        "newline-name": swap_json(dead_pid, name="a\nb"),
        "list-name": swap_json(dead_pid, name=["x"]),
        "no-document": swap_json(dead_pid, document=None).replace('"document"', '"doc"'),
        "number-document": swap_json(dead_pid, document=None).replace(
            json.dumps(Document().to_json()), "7"
        ),
        "version-2": swap_json(dead_pid, version=2),
        "bool-version": swap_json(dead_pid, version=True),
        "not-utf8": b"\xff\xfe{",
        "empty": b"",
        "nul-bytes": b"\x00{ not json",
        "a-list": "[1, 2]",
        "big-int": '{"format": "mgstudio-swap", "pid": ' + "9" * 5000 + "}",
        "fifo": None,
        "folder": None,
    }


def write_swaps(folder: Path, swaps: dict) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in swaps.items():
        path = folder / f"{name}.swap"
        if content is None:
            if name == "fifo":
                if not hasattr(os, "mkfifo"):
                    continue
                os.mkfifo(path)
            else:
                path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        paths.append(path)
    return paths


# --- start-up ----------------------------------------------------------------------------------
def test_start_up_sets_every_unreadable_swap_aside_with_one_message(
    qapp, settings_path, tmp_path, monkeypatch, dead_pid, no_hang
):
    folder = tmp_path / "autosave"
    bad = write_swaps(folder, bad_swaps(dead_pid))
    good = folder / f"{dead_pid}-1.swap"
    good.write_text(swap_json(dead_pid, name="lost work"))
    monkeypatch.setenv(autosave.ENV_DIR, str(folder))
    errors, offered, seen = [], [], []
    monkeypatch.setattr(MainWindow, "_error_box", lambda self, t, x: errors.append((t, x)))
    monkeypatch.setattr(
        MainWindow, "_recovery_box", lambda self, swap: offered.append(swap.name) or "later"
    )

    def close():
        for w in qapp.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible():
                seen.append(w.windowTitle())
                w.undo_stack.setClean()
                w.close()
        if not seen:
            qapp.quit()

    QTimer.singleShot(300, close)
    assert launch.main([]) == 0  # the real start-up: window, autosave, offer_recovery
    assert seen == ["neuron (example) — mgstudio"]  # the window came up
    assert [title for title, _ in errors] == ["Can't recover autosaved work"]
    text = errors[0][1]
    assert f"{len(bad)} autosaved files can't be read back" in text
    assert "Traceback" not in text and "renamed *.corrupt" in text
    assert offered == ["lost work"]  # the good one is still offered (Later keeps it)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [good.name] + [p.name + ".corrupt" for p in bad]
    )


def test_each_swap_refusal_names_its_reason(tmp_path, dead_pid, no_hang):
    reasons = {
        "deep-json": "nested too deeply to be an mgstudio swap file",
        "deep-document": "nested too deeply to be an mgstudio document",
        "huge-pid": '"pid" must be a process id',
        "cycle-document": "the wires make a cycle",
        "nul-original": '"original" must be null or an absolute file path',
        "newline-name": '"name" must be a short line of text',
        "number-document": '"document" must be the text of a document',
        "version-2": "swap file version 2 is not 1",
        "fifo": "named pipe (FIFO)",
        "folder": "that is a folder",
        "big-int": "a number this program cannot read",
    }
    write_swaps(tmp_path, bad_swaps(dead_pid))
    orphans, bad = autosave.scan(tmp_path)
    assert orphans == []
    by_name = {path.name.removesuffix(".swap"): reason for path, reason in bad}
    for name, reason in reasons.items():
        assert reason in by_name[name], (name, by_name[name])


def test_a_swap_that_fails_at_recovery_is_set_aside(window, tmp_path, errors, dead_pid):
    path = tmp_path / "x.swap"
    path.write_text("{}")
    swap = autosave.Swap(path, dead_pid, None, "n", "[" * 100_000)  # read back later, broken
    before = window.document
    assert not window.recover(swap)
    assert window.document is before
    assert len(errors) == 1 and "nested too deeply" in errors[0][1]
    assert not path.exists() and (tmp_path / "x.swap.corrupt").exists()


def test_an_undecodable_file_name_survives_autosave_and_recovery(
    window, make_window_for_recovery, tmp_path, dead_pid
):
    path = Path(os.fsdecode(bytes(tmp_path) + b"/g\xff.mgs"))  # not UTF-8: a surrogate
    Document().save(path)
    assert window.open_file(path, ask=False)
    saver = window.enable_autosave(tmp_path / "swaps", pid=dead_pid)
    window.canvas.add_node_at("input", window.canvas.mapToScene(10, 10))
    assert saver.flush() and autosave.read_swap(saver.path).original == path.resolve()
    saver.stop()
    window.autosaver = None
    after = make_window_for_recovery(tmp_path / "swaps")
    assert after.offer_recovery() and after.path == path.resolve()


@pytest.fixture
def make_window_for_recovery(qtbot, settings_path):
    def _make(folder):
        from mgstudio.app.settings import StudioSettings

        win = MainWindow(settings=StudioSettings())
        win.show_error = lambda title, text: pytest.fail(text)
        win.ask_recovery = lambda swap: "recover"
        qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
        win.enable_autosave(folder)
        return win

    return _make


def test_start_up_clears_stale_temporary_files_of_the_swap_folder(window, tmp_path, dead_pid):
    from mgstudio.document import fileio

    folder = tmp_path / "swaps"
    folder.mkdir()
    stale = folder / fileio.temp_name(f"{dead_pid}-1.swap", pid=dead_pid)  # kill -9 mid-write
    stale.write_text("{")
    window.enable_autosave(folder)
    window.offer_recovery()
    assert list(folder.iterdir()) == []


# --- opening files ------------------------------------------------------------------------------
def test_open_file_names_a_cycle_with_a_sink(window, errors, tmp_path):
    path = tmp_path / "cycle.mgs"
    path.write_text(cycle_with_sink())
    before = window.document
    assert not window.open_file(path, ask=False)
    assert window.document is before
    assert errors == [
        (
            "Can't open the file",
            "cycle.mgs: the wires make a cycle: c → b → c; a value cannot depend on itself",
        )
    ]


@posix_only
def test_open_file_refuses_a_fifo_at_once(window, errors, tmp_path, no_hang):
    fifo = tmp_path / "pipe.mgs"
    os.mkfifo(fifo)
    assert not window.open_file(fifo, ask=False)  # no writer: a read would never return
    assert len(errors) == 1 and "named pipe (FIFO)" in errors[0][1]


@pytest.mark.parametrize("content", ["cycle", "fifo"])
def test_main_py_with_a_hostile_file_starts_and_says_why(
    qapp, settings_path, tmp_path, capsys, content, no_hang
):
    path = tmp_path / "bad.mgs"
    if content == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs FIFOs")
        os.mkfifo(path)
    else:
        path.write_text(cycle_with_sink())
    out = tmp_path / "shot.png"
    assert launch.main([str(path), "--screenshot", str(out)]) == 0
    err = capsys.readouterr().err
    reason = "the wires make a cycle" if content == "cycle" else "named pipe (FIFO)"
    assert err.startswith("error: Can't open the file: ") and reason in err
    assert "Traceback" not in err and out.stat().st_size > 1000


def test_unknown_wire_fields_survive_open_and_save(window, tmp_path):
    data = json.loads(NEURON.read_text())
    data["wires"][0]["colour"] = "red"
    path = tmp_path / "g.mgs"
    path.write_text(json.dumps(data))
    assert window.open_file(path, ask=False)
    assert window.save_file(path)
    assert json.loads(path.read_text())["wires"][0] == data["wires"][0]


# --- Edit ▸ Paste -------------------------------------------------------------------------------
def _paste(window, text: str) -> str:
    QApplication.clipboard().setText(text)
    window.statusBar().clearMessage()
    window.named_actions["paste"].trigger()
    return window.statusBar().currentMessage()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (cycle_with_sink(fragment=True), "the wires make a cycle: c → b → c"),
        (cycle_with_sink(), "the wires make a cycle: c → b → c"),
        ('{"nodes": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        (
            '{"format": "mgstudio-fragment", "version": 1, "nodes": [{"id": "a", "kind": "input", '
            '"x": ' + "[" * 900 + "]" * 900 + "}]}",
            "nests more than 32 levels",
        ),
        ('{"nodes": [1, 2, 3]' + " " * 10, "not valid JSON"),
        (
            '{"format": "mgstudio-fragment", "version": 1, "nodes": [], "n": ' + "9" * 5000 + "}",
            "a number this program cannot read",
        ),
    ],
)
def test_paste_of_hostile_text_is_a_message_and_no_undo_entry(window, payload, message):
    before = window.document.to_json()
    assert message in _paste(window, payload)
    assert window.undo_stack.count() == 0  # no empty "Paste 4 nodes" entry
    assert window.document.to_json() == before


def test_a_failing_first_redo_leaves_no_undo_entry(window, monkeypatch):
    # whatever a bug raises, a paste that did nothing must not stay on the stack
    def boom(*_a, **_k):
        raise StopIteration

    monkeypatch.setattr(type(window.document), "paste_fragment", boom)
    QApplication.clipboard().setText(json.dumps(window.document.fragment([])))
    with pytest.raises(StopIteration):  # a bug stays visible...
        window.canvas.paste()
    assert window.undo_stack.count() == 0  # ...and leaves nothing behind


# --- exports write ordinary files ---------------------------------------------------------------
def _picture(window, path) -> bool:
    """Picture exports run in a background task: start one and wait for it to end."""
    return window.export_picture(path) and window.tasks.wait_all()


EXPORTS = {
    "svg (graphviz)": lambda w, p: _picture(w, p.with_suffix(".svg")),
    "png (graphviz)": lambda w, p: _picture(w, p.with_suffix(".png")),
    "svg (canvas)": lambda w, p: _picture(w, p.with_suffix(".svg")),
    "png (canvas)": lambda w, p: _picture(w, p.with_suffix(".png")),
    "micrograd": lambda w, p: w.export_code(p.with_suffix(".py"), "micrograd"),
    "torch": lambda w, p: w.export_code(p.with_suffix(".py"), "torch"),
}


@pytest.fixture(params=list(EXPORTS))
def export(request, monkeypatch, window):
    if "canvas" in request.param:  # as without Graphviz: the canvas draws the picture
        from mgstudio.document import graphviz_io

        def missing(*_a, **_k):
            raise graphviz_io.GraphvizNotFoundError()

        monkeypatch.setattr(graphviz_io, "render", missing)
    assert window.open_file(NEURON, ask=False)
    return EXPORTS[request.param]


def test_gui_exports_make_0644_files_and_keep_a_files_mode_and_link(
    window, export, tmp_path, umask_022, errors
):
    out = tmp_path / "new" / "x.out"
    out.parent.mkdir()
    assert export(window, out), errors
    [written] = list(out.parent.iterdir())  # the file, and no temporary beside it
    assert stat.S_IMODE(written.stat().st_mode) == 0o644 and written.stat().st_size > 0
    real = tmp_path / "real" / written.name
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link" / written.name
    link.parent.mkdir()
    link.symlink_to(real)
    assert export(window, link.with_suffix(".out"))
    assert link.is_symlink() and real.read_bytes() != b"old"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == [written.name]


def test_a_swap_that_cannot_be_deleted_never_stops_start_up(
    window, tmp_path, dead_pid, monkeypatch, errors
):
    folder = tmp_path / "swaps"
    folder.mkdir()
    (folder / f"{dead_pid}-1.swap").write_text(swap_json(dead_pid, name="lost work"))

    def read_only(self, *_a, **_k):  # as in a folder that became read-only
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "unlink", read_only)
    window.enable_autosave(folder)
    window.ask_recovery = lambda swap: "discard"
    assert not window.offer_recovery()  # no PermissionError out of start-up
    window.ask_recovery = lambda swap: "recover"
    assert window.offer_recovery() and window.untitled_name == "lost work"
    assert errors == []


def test_copy_and_paste_keep_unknown_wire_fields(window, tmp_path):
    data = json.loads(NEURON.read_text())
    data["wires"] = [dict(w, colour="red") for w in data["wires"]]
    path = tmp_path / "g.mgs"
    path.write_text(json.dumps(data))
    assert window.open_file(path, ask=False)
    n = len(window.document.wires)
    window.canvas.select_all()
    window.named_actions["copy"].trigger()
    window.named_actions["paste"].trigger()
    assert len(window.document.wires) == 2 * n
    assert all(w.extra == {"colour": "red"} for w in window.document.wires)
