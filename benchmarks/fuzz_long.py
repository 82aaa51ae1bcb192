"""Run the test suite's fuzzers for much longer than the default run: file loading, code
import, CSV import, swap files, clipboard payloads, special files, capped rendering and
layout, the gradient check's cone, the inspector's number fields and the stateful GUI
session.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/fuzz_long.py --minutes 10
    .venv/bin/python benchmarks/fuzz_long.py --minutes 2 --only csv,json

Prints, per fuzzer, how many cases ran and every failure (hypothesis' shrunk example).
Exit status 1 if anything failed."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # fuzz this checkout's mgstudio, not whichever is installed
sys.path.insert(0, str(ROOT / "tests"))  # the test modules import tests/helpers
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _module(rel: str):
    """A test module by path (the tests folders are not packages)."""
    path = ROOT / rel
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pure_targets():
    from hypothesis import strategies as st

    from mgstudio.document.code_import import import_code, import_expression

    docs = _module("tests/document/test_fuzz_inputs.py")
    csvs = _module("tests/training/test_fuzz_csv.py")
    big = _module("tests/app/test_fuzz_overflow.py")  # numbers near the float maximum
    snippets = [s.encode() for s in docs.SNIPPETS]
    places = _module("tests/document/test_positionless.py")

    def both_imports(text):
        docs.run_import(import_code, text)
        docs.run_import(import_expression, text)

    return {
        "json": (docs.json_values.map(docs.json.dumps), docs.load_json),
        "json-mutated": (docs.mutated_example().map(docs.json.dumps), docs.load_json),
        "file-bytes": (docs.mutated_bytes(docs.EXAMPLE_BYTES), docs.load_json),
        "random-bytes": (st.binary(max_size=400) | st.text(max_size=400), docs.load_json),
        "code-mutated": (
            docs.mutated_bytes(snippets).map(lambda b: b.decode("utf-8", "replace")),
            both_imports,
        ),
        "code-random": (st.text(max_size=200) | docs.python_ish, both_imports),
        "csv": (csvs.csv_tables() | csvs.mutated_seed() | st.text(max_size=200), csvs.check_csv),
        # swap files, clipboard payloads, special files at every reader and writer
        **_module("tests/app/test_fuzz_hostile_files.py").fuzz_targets(),
        "positionless": (places.positionless_files(max_nodes=80), places.check_positionless),
        # the long work's inputs: capped render/layout, the gradient check's cone
        **_module("tests/document/test_fuzz_long_work.py").fuzz_targets(),
        "csv-overflow": (big.overflow_csv(), big.check_overflow_csv),
        "sweep-overflow": (big.overflow_sweeps(), big.check_overflow_sweep),
    }


def _run_pure(name, strategy, check, seconds: float, batch: int) -> tuple[int, list[str]]:
    from hypothesis import HealthCheck, given, settings

    count, failures = 0, []
    end = time.monotonic() + seconds

    def counted(value):
        nonlocal count
        count += 1
        check(value)

    test = settings(
        max_examples=batch,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )(given(strategy)(counted))
    while time.monotonic() < end:
        try:
            test()
        except Exception:  # a failure of the code under test: report it, keep fuzzing
            failures.append(traceback.format_exc(limit=-3))
            print(f"[{name}] FAILURE\n{failures[-1]}", flush=True)
    return count, failures


def _run_gui(seconds: float, batch: int) -> tuple[int, list[str]]:
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    machine = _module("tests/app/test_state_machine.py").EditSession
    errors, messages = [], []
    win = MainWindow(settings=StudioSettings())
    win.show_error = lambda title, text: errors.append((title, text))
    win.resize(1200, 800)
    win.show()
    app.processEvents()

    def handler(kind, _context, text):
        if (
            kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg)
            and "propagateSizeHints" not in text
        ):
            messages.append(f"{kind.name}: {text}")

    qInstallMessageHandler(handler)
    runs, failures = 0, []
    end = time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as folder:
        machine.window, machine.errors, machine.qt_messages = win, errors, messages
        machine.folder = Path(folder)

        class Counted(machine):
            def teardown(self):
                nonlocal runs
                runs += 1
                super().teardown()

        while time.monotonic() < end:
            try:
                run_state_machine_as_test(
                    Counted,
                    settings=settings(
                        max_examples=batch,
                        stateful_step_count=30,
                        deadline=None,
                        database=None,
                        suppress_health_check=list(HealthCheck),
                    ),
                )
            except Exception:
                failures.append(traceback.format_exc(limit=-3))
                print(f"[gui] FAILURE\n{failures[-1]}", flush=True)
    win.undo_stack.setClean()
    win.close()
    return runs, failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="total time (default 10)")
    ap.add_argument("--only", default="", help="comma-separated fuzzer names")
    ap.add_argument("--no-gui", action="store_true", help="skip the stateful GUI session")
    args = ap.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))

    targets = _pure_targets()
    names = [n for n in targets if not args.only or n in args.only.split(",")]
    gui = not args.no_gui and (not args.only or "gui" in args.only.split(","))
    share = args.minutes * 60.0 / max(len(names) + (2 if gui else 0), 1)
    total, failed = 0, 0
    for name in names:
        strategy, check = targets[name]
        start = time.monotonic()
        n, fails = _run_pure(name, strategy, check, share, batch=200)
        total, failed = total + n, failed + len(fails)
        print(
            f"{name:14s} {n:9d} cases  {len(fails)} failures  {time.monotonic() - start:7.1f} s",
            flush=True,
        )
    if gui:
        start = time.monotonic()
        n, fails = _run_gui(2 * share, batch=20)
        total, failed = total + n, failed + len(fails)
        print(
            f"{'gui':14s} {n:9d} sessions  {len(fails)} failures  "
            f"{time.monotonic() - start:7.1f} s",
            flush=True,
        )
    print(f"total: {total} cases, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # skip interpreter teardown: tearing down the Qt objects at exit crashes (status 139)
    os._exit(status)
