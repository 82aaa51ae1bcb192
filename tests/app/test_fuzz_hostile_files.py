"""Fuzzed hostile inputs of the file layer: autosave swap files, clipboard payloads and special
files (FIFOs, devices, sockets, links, huge sparse files) at every reader and writer. Each
check allows only the entry point's own error with a clear message, within seconds.
``benchmarks/fuzz_long.py`` runs the same generators for minutes (``fuzz_targets``)."""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import socket
import stat
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.document import Document, DocumentError
from mgstudio.document.examples import list_examples

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [p.read_text(encoding="utf-8") for _, p in list_examples()]
FUZZ = settings(
    max_examples=examples(150),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _docs_fuzz():
    """tests/document/test_fuzz_inputs.py (its mutation strategies), loaded by path."""
    path = ROOT / "tests" / "document" / "test_fuzz_inputs.py"
    spec = importlib.util.spec_from_file_location("_docs_fuzz", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


docs = _docs_fuzz()
_scratch = Path(tempfile.mkdtemp(prefix="mgstudio-fuzz-files-"))
atexit.register(lambda: _remove(_scratch))


def check_message(exc: BaseException) -> None:
    docs.check_message(exc)


def _deep(draw) -> str:
    n = draw(st.sampled_from([40, 999, 1_500, 100_000]))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"a":[', "]}")]))
    inner = draw(st.sampled_from(["1", "[]", '""']))
    return opener * n + inner + closer * n if draw(st.booleans()) else opener * n


def _cycle_text(draw, fmt: str) -> str:
    """A document or fragment whose wires hold a cycle with nodes downstream of it."""
    n = draw(st.integers(2, 6))
    ring = [f"c{i}" for i in range(n)]
    nodes = [{"id": r, "kind": "add"} for r in ring]
    wires = [{"src": ring[i], "dst": ring[(i + 1) % n], "port": "a"} for i in range(n)]
    for j in range(draw(st.integers(0, 3))):  # sinks fed by the cycle
        nodes.append({"id": f"s{j}", "kind": "tanh"})
        wires.append({"src": draw(st.sampled_from(ring)), "dst": f"s{j}", "port": "a"})
    order = draw(st.permutations(range(len(nodes))))
    return json.dumps(
        {
            "format": fmt,
            "version": 1,
            "nodes": [nodes[i] for i in order],
            "wires": draw(st.permutations(wires)),
        }
    )


# --- swap files -----------------------------------------------------------------------------------
def _bad_values(key: str):
    if key == "document":
        return st.sampled_from(["bad", "cycle", "deep", "mutated", "json"]).flatmap(_documents)
    return {
        "format": st.text(max_size=12),
        "version": st.integers(-3, 3) | st.booleans() | st.text(max_size=3) | st.none(),
        "pid": (
            st.integers(-(2**80), 2**80)
            | st.booleans()
            | st.floats()
            | st.text(max_size=6)
            | st.none()
        ),
        "original": (
            st.text(max_size=30)
            | st.integers()
            | st.sampled_from(["/a\x00b", "rel.mgs", "/" + "x" * 5000, "/tmp/\ud800.mgs", "", "/"])
        ),
        "name": st.text(max_size=20) | st.integers() | st.none(),
    }[key]


def _documents(kind: str):
    """The "document" field of a swap file gone bad in one of several ways."""
    if kind == "cycle":
        return st.composite(lambda draw: _cycle_text(draw, "mgstudio"))()
    if kind == "deep":
        return st.composite(_deep)()
    if kind == "mutated":
        return docs.mutated_bytes([e.encode() for e in EXAMPLES]).map(
            lambda b: b.decode("utf-8", "replace")
        )
    if kind == "json":
        return docs.mutated_example().map(json.dumps)
    return st.text(max_size=30) | st.integers() | st.none()


@st.composite
def swap_payloads(draw) -> bytes:
    """Swap files: well-formed ones with each field drawn from good and bad values, deep or
    malformed JSON, and byte-level mutations of good swap files."""
    from mgstudio.app import autosave

    kind = draw(st.sampled_from(["fields", "fields", "mutated", "deep", "bytes"]))
    if kind == "deep":
        return _deep(draw).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    good = {
        "format": autosave.FORMAT,
        "version": 1,
        "pid": draw(st.sampled_from([1, os.getpid(), 2**31 - 1, 4_000_000])),
        "original": draw(st.sampled_from([None, "/tmp/g.mgs", "/tmp/\udcff.mgs"])),
        "name": draw(st.sampled_from(["Untitled", "neuron (example)", "é ✓"])),
        "document": draw(st.sampled_from(EXAMPLES)),
    }
    # most swap files break in one or two fields (an empty choice: a good swap file)
    broken = draw(st.sets(st.sampled_from(sorted(good)), max_size=2))
    fields = dict(good)
    for key in broken:
        fields[key] = draw(_bad_values(key))
    if draw(st.integers(0, 5)) == 0:
        fields.pop(draw(st.sampled_from(sorted(fields))))
    if draw(st.integers(0, 3)) == 0:
        fields[draw(st.text(max_size=6))] = draw(docs.json_values)
    text = json.dumps(fields, ensure_ascii=draw(st.booleans()))
    data = text.encode("utf-8", "surrogatepass")
    if kind == "mutated":
        data = draw(docs.mutated_bytes([data]))
    return data


def check_swap(data: bytes) -> None:
    """read_swap gives a fully checked Swap or a SwapError; scan never raises; a bad file is
    set aside with a message."""
    from mgstudio.app import autosave

    folder = _scratch / "swaps"
    folder.mkdir(exist_ok=True)
    for p in folder.iterdir():
        p.unlink()
    path = folder / "1-1.swap"
    path.write_bytes(data)
    try:
        swap = autosave.read_swap(path)
    except autosave.SwapError as exc:
        check_message(exc)
        orphans, bad = autosave.scan(folder)
        assert orphans == [] and [p for p, _ in bad] == [path]
        text = autosave.set_aside(bad)
        assert "1-1.swap" in text and not path.exists()
        return
    assert type(swap.pid) is int and 0 < swap.pid < 2**31
    assert swap.original is None or swap.original.is_absolute()
    assert isinstance(swap.name, str) and swap.name and "\n" not in swap.name
    assert isinstance(swap.document(), Document)
    assert isinstance(swap.document(), Document)  # a second call parses again
    if swap.original is not None:
        os.fsencode(swap.original)  # a path the system can open
    autosave.scan(folder)


@FUZZ
@given(swap_payloads())
def test_fuzzed_swap_files(data):
    check_swap(data)


# --- clipboard payloads ---------------------------------------------------------------------------
@st.composite
def clipboard_payloads(draw) -> str:
    """What a hostile clipboard may hold: cycles, deep nesting, mutated fragments and
    documents, odd numbers and duplicate keys."""
    kind = draw(st.sampled_from(["cycle", "deep", "mutated", "json", "example", "odd"]))
    if kind == "cycle":
        return _cycle_text(draw, draw(st.sampled_from(["mgstudio", "mgstudio-fragment"])))
    if kind == "deep":
        return '{"nodes": ' + _deep(draw) + "}"
    if kind == "mutated":
        return draw(docs.mutated_bytes([e.encode() for e in EXAMPLES])).decode("utf-8", "replace")
    if kind == "json":
        data = draw(docs.mutated_example())
        data["format"] = draw(st.sampled_from(["mgstudio", "mgstudio-fragment", "x"]))
        return json.dumps(data)
    if kind == "example":
        return draw(st.sampled_from(EXAMPLES))
    return draw(
        st.sampled_from(
            [
                '{"format": "mgstudio-fragment", "version": 1, "nodes": [], "x": NaN}',
                '{"format": "mgstudio-fragment", "version": 1, "nodes": [], "nodes": []}',
                '{"format": "mgstudio-fragment", "version": 1, "nodes": ' + "9" * 5000 + "}",
                '{"format": "mgstudio-fragment", "version": 1e999}',
                '{"nodes": {"length": 3}}',
                '{"nodes": null}',
                "{",
                "{}" * 3,
            ]
        )
    )


def check_paste(text: str) -> None:
    """A paste is one undoable entry that adds the nodes, or a refusal that changes nothing
    and leaves no entry."""
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from mgstudio.app.commands import PasteCommand

    QApplication.instance() or QApplication([])
    doc = Document()
    doc.add_node("input", label="x")
    before = doc.to_json()
    stack = QUndoStack()
    cmd = PasteCommand(doc, text, (40.0, 40.0))
    stack.push(cmd)
    if cmd.error is not None:
        check_message(cmd.error)
        assert stack.count() == 0 and doc.to_json() == before
        return
    assert stack.count() == 1 and len(doc.nodes) == 1 + len(cmd.ids)
    stack.undo()
    assert doc.to_json() == before
    stack.redo()
    assert len(doc.nodes) == 1 + len(cmd.ids)


@FUZZ
@given(clipboard_payloads())
def test_fuzzed_clipboard_payloads(qapp, text):
    check_paste(text)


def test_fuzzed_payloads_through_the_paste_action(window):
    """The real Edit ▸ Paste over a sample of the generator (the clipboard round trip)."""
    from PySide6.QtWidgets import QApplication

    @settings(
        max_examples=examples(25),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(clipboard_payloads())
    def paste(text):
        window.undo_stack.clear()
        window.set_document(Document())
        QApplication.clipboard().setText(text)
        window.named_actions["paste"].trigger()
        count = window.undo_stack.count()
        assert count in (0, 1) and (count == 1) == bool(window.document.nodes)

    paste()


# --- special files --------------------------------------------------------------------------------
SPECIAL = [
    "fifo",
    "folder",
    "socket",
    "dev-null",
    "dev-zero",
    "dev-urandom",
    "link-to-fifo",
    "link-to-dev-zero",
    "dangling-link",
    "link-loop",
    "empty",
    "huge-sparse",
    "unreadable",
    "nul-in-path",
    "missing",
]
READERS = ["load", "check", "csv", "import-source", "swap"]
WRITERS = ["save", "write-bytes"]
#: writing over a device is refused, but a fuzzer never aims a write at the machine's /dev
_NO_WRITE = {"dev-null", "dev-zero", "dev-urandom", "link-to-dev-zero"}


def special_files():
    """(kind of file, entry point) pairs."""
    return st.tuples(st.sampled_from(SPECIAL), st.sampled_from(READERS + WRITERS)).filter(
        lambda pair: not (pair[1] in WRITERS and pair[0] in _NO_WRITE)
    )


def _make(kind: str, folder: Path) -> str:
    path = folder / "target.mgs"
    if kind in ("fifo", "link-to-fifo"):
        fifo = folder / "fifo"
        os.mkfifo(fifo)
        if kind == "fifo":
            return str(fifo)
        path.symlink_to(fifo)
    elif kind == "folder":
        path.mkdir()
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()  # the socket file stays
    elif kind.startswith("dev-"):
        return "/dev/" + kind[4:]
    elif kind == "link-to-dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        path.symlink_to(folder / "nowhere.mgs")
    elif kind == "link-loop":
        path.symlink_to(path)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "huge-sparse":
        with open(path, "wb") as fh:
            fh.truncate(120_000_000)  # over every reader's limit; no disk used
    elif kind == "unreadable":
        path.write_text("{}")
        os.chmod(path, 0)
    elif kind == "nul-in-path":
        return str(folder / "a\x00b.mgs")
    return str(path)


def _check_cli(path: str) -> None:
    import contextlib
    import io

    from mgstudio.cli import main

    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()) as err,
    ):
        code = main(["check", path])
    if code != 0:
        raise SystemExit(err.getvalue())


def _entry(entry: str, path: str):
    """The entry point's call and the one error type it may raise."""
    from mgstudio.app import autosave
    from mgstudio.cli import UserError
    from mgstudio.commands import import_
    from mgstudio.document import fileio
    from mgstudio.training import DatasetError, load_csv

    return {
        "load": (lambda: Document.load(path), DocumentError),
        "check": (lambda: _check_cli(path), SystemExit),
        "csv": (lambda: load_csv(path), DatasetError),
        "import-source": (lambda: import_._read_source(path), UserError),
        "swap": (lambda: autosave.read_swap(Path(path)), autosave.SwapError),
        "save": (lambda: Document().save(path), DocumentError),
        "write-bytes": (lambda: fileio.write_atomic(path, b"\x00\x01"), DocumentError),
    }[entry]


def check_special(pair: tuple[str, str]) -> None:
    """Every entry point refuses (or, for writers, safely handles) a special file in seconds,
    never blocking on it and never replacing it."""
    kind, entry = pair
    folder = Path(tempfile.mkdtemp(dir=_scratch))
    try:
        path = _make(kind, folder)
        before = os.lstat(path) if os.path.lexists(path) and "\x00" not in path else None
        call, errors = _entry(entry, path)
        outcome: list = []

        def run():
            try:
                call()
                outcome.append(None)
            except errors as exc:
                outcome.append(exc)
            except BaseException as exc:  # noqa: BLE001 - reported below
                outcome.append(("unexpected", exc))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(20)
        if thread.is_alive():
            _unblock(folder)
            raise AssertionError(f"{entry} blocked on a {kind}")
        [result] = outcome
        assert not isinstance(result, tuple), f"{entry} on a {kind} raised {result[1]!r}"
        if result is not None:
            check_message(result)
            if entry in READERS:  # (only regular files reach the parser)
                assert (
                    kind
                    in (
                        "empty",
                        "huge-sparse",
                        "unreadable",
                        "missing",
                        "dangling-link",
                        "link-loop",
                        "nul-in-path",
                    )
                    or "not a regular file" in str(result)
                    or "folder" in str(result)
                ), result
        elif entry in READERS:  # an empty snippet, or "{}" where root reads mode 000 files
            assert kind in ("empty", "unreadable") and entry == "import-source", (entry, kind)
        else:  # a write succeeded: only onto a plain file, a new file or a dangling link
            assert kind in ("empty", "huge-sparse", "unreadable", "dangling-link", "missing"), (
                entry,
                kind,
            )
        if (
            before is not None
            and not stat.S_ISREG(before.st_mode)
            and not stat.S_ISLNK(before.st_mode)
        ):
            assert stat.S_IFMT(os.lstat(path).st_mode) == stat.S_IFMT(before.st_mode)
    finally:
        _remove(folder)


def _unblock(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_fifo():
            fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)


def _remove(folder: Path) -> None:
    import shutil

    for p in folder.rglob("*"):
        try:
            os.chmod(p, 0o700, follow_symlinks=False)
        except (OSError, NotImplementedError):
            pass
    shutil.rmtree(folder, ignore_errors=True)


posix_only = pytest.mark.skipif(
    not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
    reason="needs FIFOs and /dev (POSIX)",
)


@posix_only
@pytest.mark.parametrize("entry", READERS + WRITERS)
@pytest.mark.parametrize("kind", SPECIAL)
def test_every_special_file_at_every_entry_point(kind, entry):
    if entry in WRITERS and kind in _NO_WRITE:
        pytest.skip("writes never aim at the machine's devices")
    check_special((kind, entry))


def fuzz_targets() -> dict:
    """name -> (strategy, check) for benchmarks/fuzz_long.py."""
    targets = {
        "swap-files": (swap_payloads(), check_swap),
        "clipboard": (clipboard_payloads(), check_paste),
    }
    if hasattr(os, "mkfifo") and sys.platform != "win32":
        targets["special-files"] = (special_files(), check_special)
    return targets
