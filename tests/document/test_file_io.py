"""Reading and writing files through the CLI (``python -m mgstudio …``) and ``Document``: special
files are refused before reading, every writer keeps a file's mode, writes through symlinks
and makes new files 0644 under the usual umask, and a killed write's temporary file is cleared
by the next one. Also: a cycle with a node downstream of it is named like any cycle, and
unknown wire fields survive a save."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.cli import main
from mgstudio.document import CycleError, Document, DocumentError, fileio
from mgstudio.document.examples import example_path

ROOT = Path(__file__).resolve().parents[2]
NEURON = example_path("neuron.mgs")
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.mgs"
    os.mkfifo(path)
    return path


def cli(*argv, timeout=60):
    """``python -m mgstudio …`` in a child process (a blocking read would hang only it)."""
    return subprocess.run(
        [sys.executable, "-m", "mgstudio", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


# --- special files are refused before reading --------------------------------------------------
@posix_only
@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{f}"],
        ["check", "{f}", "--json"],
        ["render", "{f}", "-o", "{tmp}/out.dot"],
        ["export", "{f}"],
        ["import", "{f}", "-o", "{tmp}/out.mgs"],
        ["train", "--csv", "{f}", "--steps", "1"],
    ],
)
def test_a_fifo_is_refused_by_every_command(fifo, tmp_path, argv):
    # no writer ever opens the pipe: reading it would block forever (the timeout fails the test)
    proc = cli(*(a.format(f=fifo, tmp=tmp_path) for a in argv), timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert "named pipe (FIFO)" in proc.stderr and "not a regular file" in proc.stderr
    assert not (tmp_path / "out.mgs").exists() and not (tmp_path / "out.dot").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(capsys, device):
    # /dev/zero never ends: read to the size limit it would take seconds and 50 MB
    code, _out, err = run(capsys, "check", device)
    assert code == 1 and f"can't open {device}: it is a device, not a regular file" in err


def test_a_folder_and_a_socket_are_refused(capsys, tmp_path):
    code, _out, err = run(capsys, "check", tmp_path)
    assert code == 1 and "that is a folder" in err
    if hasattr(socket, "AF_UNIX"):
        path = tmp_path / "s.mgs"
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
            code, _out, err = run(capsys, "check", path)
        assert code == 1 and "it is a socket" in err


@posix_only
def test_a_fifo_swapped_in_after_the_check_is_still_refused(fifo, monkeypatch):
    # the stat says "regular file", then the fifo is opened: the open must not block, and
    # the check on the open file refuses it
    real_stat = os.stat
    regular = real_stat(NEURON)
    monkeypatch.setattr(
        os, "stat", lambda p, *a, **k: regular if Path(p) == fifo else real_stat(p, *a, **k)
    )
    done = []
    thread = threading.Thread(
        target=lambda: done.append(_error_of(Document.load, fifo)), daemon=True
    )
    thread.start()
    thread.join(10)
    assert done and "named pipe (FIFO)" in done[0]


def _error_of(fn, *args) -> str:
    try:
        fn(*args)
    except DocumentError as exc:
        return str(exc)
    return ""


def test_a_file_growing_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "g.mgs"
    path.write_bytes(b" " * 50)
    real_fstat = os.fstat
    small = os.stat(path)
    monkeypatch.setattr(os, "fstat", lambda fd: small)
    path.write_bytes(b" " * 500)  # bigger by the time it is read
    with pytest.raises(fileio.FileReadError, match="too large"):
        fileio.read_regular(path, 100)
    monkeypatch.setattr(os, "fstat", real_fstat)


# --- writers ---------------------------------------------------------------------------------
def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


WRITERS = {
    "save": lambda out, tmp: Document.load(NEURON).save(out),
    "import -o": lambda out, tmp: _ok(main(["import", "-e", "a*b+1", "-o", str(out)])),
    "export -o": lambda out, tmp: _ok(main(["export", str(NEURON), "-o", str(out)])),
    "render -o .dot": lambda out, tmp: _ok(
        main(["render", str(NEURON), "-o", str(out), "--format", "dot"])
    ),
    "train --plot": lambda out, tmp: _ok(
        main(["train", "--dataset", "walkthrough", "--steps", "2", "--plot", str(out)])
    ),
}


def _ok(code: int) -> None:
    assert code == 0


@pytest.mark.parametrize("writer", WRITERS)
def test_new_files_are_0644_under_umask_022(writer, tmp_path, umask_022, capsys):
    out = tmp_path / "out.png"
    WRITERS[writer](out, tmp_path)
    assert _mode(out) == 0o644  # not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]  # no temporary left


@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_keeps_its_mode(writer, tmp_path, capsys):
    out = tmp_path / "out.png"
    out.write_text("old")
    os.chmod(out, 0o640)
    WRITERS[writer](out, tmp_path)
    assert _mode(out) == 0o640 and out.read_bytes() != b"old"


@pytest.mark.parametrize("writer", WRITERS)
def test_writers_write_through_a_symlink(writer, tmp_path, capsys):
    real = tmp_path / "real" / "target.png"
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.png"
    link.symlink_to(real)
    WRITERS[writer](link, tmp_path)
    assert link.is_symlink() and os.readlink(link) == str(real)  # still the same link
    assert real.read_bytes() != b"old" and _mode(real) == 0o600
    assert sorted(p.name for p in real.parent.iterdir()) == ["target.png"]


def test_a_dangling_symlink_creates_its_target(tmp_path, umask_022):
    real, link = tmp_path / "new.mgs", tmp_path / "link.mgs"
    link.symlink_to(real)
    Document.load(NEURON).save(link)
    assert link.is_symlink() and real.is_file() and _mode(real) == 0o644


@posix_only
@pytest.mark.parametrize("target", ["fifo", "device", "folder"])
def test_writers_never_replace_a_special_file(tmp_path, fifo, target, capsys):
    path = {"fifo": fifo, "device": Path("/dev/null"), "folder": tmp_path}[target]
    with pytest.raises(DocumentError, match="not a regular file|that is a folder"):
        Document.load(NEURON).save(path)
    code, _out, err = run(capsys, "export", NEURON, "-o", path)
    assert code == 1 and "not a regular file" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)


# --- stale temporary files -----------------------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_save_clears_stale_temporary_files_of_its_target_only(tmp_path):
    target = tmp_path / "g.mgs"
    dead = tmp_path / fileio.temp_name("g.mgs", pid=_dead_pid())
    old = tmp_path / ".g.mgs.abc_1234.tmp"  # what earlier versions' mkstemp left
    aged = tmp_path / fileio.temp_name("g.mgs", pid=os.getppid())
    writing = tmp_path / fileio.temp_name("g.mgs", pid=os.getppid())  # alive and recent
    ours = tmp_path / fileio.temp_name("g.mgs")  # another write of this process, under way
    other_target = tmp_path / fileio.temp_name("h.mgs", pid=_dead_pid())
    not_ours = [
        tmp_path / ".g.mgs.notes.tmp",
        tmp_path / "g.mgs.12-abcdef12.tmp",
        tmp_path / ".g.mgs.1-abcdef12.tmp.bak",
    ]
    for p in (dead, old, aged, writing, ours, other_target, *not_ours):
        p.write_text("partial")
    hour_ago = time.time() - 3600
    for p in (old, aged, *not_ours):
        os.utime(p, (hour_ago, hour_ago))
    Document.load(NEURON).save(target)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(p.name for p in (target, writing, ours, other_target, *not_ours))


def test_stale_cleanup_keeps_young_files_of_live_writers(tmp_path):
    live = tmp_path / fileio.temp_name("x.swap", pid=os.getppid())
    live.write_text("")
    assert fileio.remove_stale_temps(tmp_path) == []
    assert fileio.remove_stale_temps(tmp_path, now=time.time() + 2 * fileio.STALE_SECONDS) == [
        str(live)
    ]


# --- cycles with a node downstream of them --------------------------------------------------------
def _cycle_with_sink(sink_first: bool = True) -> dict:
    nodes = [
        {"id": "a", "kind": "input"},
        {"id": "b", "kind": "add", "label": "bee"},
        {"id": "c", "kind": "add"},
    ]
    sink = {"id": "d", "kind": "tanh", "label": "out"}
    return {
        "format": "mgstudio",
        "version": 1,
        "nodes": [sink, *nodes] if sink_first else [*nodes, sink],
        "wires": [
            {"src": "a", "dst": "b", "port": "a"},
            {"src": "c", "dst": "b", "port": "b"},
            {"src": "b", "dst": "c", "port": "a"},
            {"src": "a", "dst": "c", "port": "b"},
            {"src": "c", "dst": "d", "port": "a"},
        ],
    }


@pytest.mark.parametrize("sink_first", [True, False])
def test_check_names_a_cycle_with_a_sink_downstream(capsys, tmp_path, sink_first):
    path = tmp_path / "cycle.mgs"
    path.write_text(json.dumps(_cycle_with_sink(sink_first)))
    code, _out, err = run(capsys, "check", path)
    assert code == 1
    assert err.startswith("error: cycle.mgs: the wires make a cycle: ")
    assert "'bee' → c → 'bee'" in err or "c → 'bee' → c" in err
    assert "Traceback" not in err and "StopIteration" not in err


@st.composite
def graphs_with_a_cycle(draw):
    """Random DAG wiring plus one cycle, with nodes hanging off it downstream and upstream."""
    n = draw(st.integers(3, 14))
    kinds = ["add"] * n
    wires, taken = [], set()
    ring = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=n, unique=True))
    for i, a in enumerate(ring):  # a -> next(a) through port "a": a cycle
        b = ring[(i + 1) % len(ring)]
        wires.append({"src": f"n{a}", "dst": f"n{b}", "port": "a"})
        taken.add((b, "a"))
    for _ in range(draw(st.integers(0, 2 * n))):
        src, dst = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        port = draw(st.sampled_from("ab"))
        if src != dst and (dst, port) not in taken:
            taken.add((dst, port))
            wires.append({"src": f"n{src}", "dst": f"n{dst}", "port": port})
    order = draw(st.permutations(range(n)))
    nodes = [{"id": f"n{i}", "kind": kinds[i]} for i in order]
    return {
        "format": "mgstudio",
        "version": 1,
        "nodes": nodes,
        "wires": draw(st.permutations(wires)),
    }


@given(graphs_with_a_cycle())
def test_every_cycle_is_named_and_the_named_cycle_is_real(data):
    with pytest.raises(CycleError) as info:
        Document.from_json(json.dumps(data))
    text = str(info.value)
    assert text.startswith("the wires make a cycle: ")
    names = text.removeprefix("the wires make a cycle: ").split(";")[0].split(" → ")
    edges = {(w["src"], w["dst"]) for w in data["wires"]}
    assert names[0] == names[-1] and len(names) >= 3
    assert all((a, b) in edges for a, b in zip(names, names[1:]))


# --- unknown fields -------------------------------------------------------------------------------
def test_unknown_wire_fields_survive_a_save(tmp_path):
    data = json.loads(NEURON.read_text())
    data["wires"][0]["colour"] = "red"
    data["wires"][1]["bend"] = {"points": [[1.5, 2.0]], "style": None}
    path = tmp_path / "g.mgs"
    path.write_text(json.dumps(data))
    doc = Document.load(path)
    doc.save(path)
    saved = json.loads(path.read_text())
    by_end = {(w["src"], w["dst"], w["port"]): w for w in saved["wires"]}
    for wire in data["wires"][:2]:
        assert by_end[(wire["src"], wire["dst"], wire["port"])] == wire
    again = tmp_path / "again.mgs"
    Document.load(path).save(again)
    assert again.read_bytes() == path.read_bytes()  # byte-stable, like every other field


def test_unknown_fields_nested_too_deep_are_refused_not_crashing_a_later_save(tmp_path, capsys):
    deep: object = 1
    for _ in range(900):  # loads within the recursion limit; would break json.dumps on save
        deep = [deep]
    data = json.loads(NEURON.read_text())
    data["nodes"][0]["future"] = deep
    path = tmp_path / "deep.mgs"
    path.write_text(json.dumps(data))
    code, _out, err = run(capsys, "check", path)
    assert code == 1 and "the field 'future' nests more than 32 levels deep" in err


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_is_one_error_line(capsys, tmp_path, depth):
    path = tmp_path / "deep.mgs"
    path.write_text("[" * depth + "]" * depth)
    code, _out, err = run(capsys, "check", path)
    assert (
        code == 1
        and err == "error: deep.mgs: the JSON is nested too deeply to be an mgstudio document\n"
    )


def test_text_that_is_not_utf8_is_a_message(tmp_path):
    with pytest.raises(fileio.FileWriteError, match="can't be written as UTF-8"):
        fileio.write_atomic(tmp_path / "x.py", "ok \ud800")
    assert list(tmp_path.iterdir()) == []


def test_a_file_system_without_modes_still_saves(tmp_path, monkeypatch):
    path = tmp_path / "g.mgs"
    path.write_text("old")

    def no_modes(*_a):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", no_modes)
    Document.load(NEURON).save(path)
    assert Document.load(path).nodes


def test_a_long_file_name_saves_and_its_stale_temporaries_go(tmp_path):
    name = "é" * 120 + ".mgs"  # 244 bytes: no room for a temporary suffix after it
    stale = tmp_path / fileio.temp_name(name, pid=_dead_pid())
    stale.write_text("")
    Document.load(NEURON).save(tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == [name]
