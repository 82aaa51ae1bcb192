"""CONTRIBUTING.md's "Adding an op", followed literally on a copy of the checkout: its two
snippets go where it says (the block at the end of engine/ops.py, the icon file), nothing else is
edited, and every claim it makes about what follows is then checked in that copy."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "CONTRIBUTING.md"

# run inside the copy: every claim of "What you get without another edit", through the real
# entry points (Value, Tape, Document save/load, the code importer and exporters, the DOT
# export, the main window's palette and step-through panel)
CLAIMS = r"""
import math, sys
from pathlib import Path
import numpy as np
import mgstudio
assert Path(mgstudio.__file__).resolve().parent == Path.cwd() / "mgstudio", mgstudio.__file__

from mgstudio.engine import Tape, Value, gradcheck
x = Value(0.5, label="x")
y = (x * 2.0).sin()
y.backward()
assert y.data == math.sin(1.0) and x.grad == 2.0 * math.cos(1.0)
x.data = 0.25
assert y.recompute() == math.sin(0.5)
assert gradcheck(y).ok
tape = Tape.compile(outputs=[y], inputs=[x])
X = np.array([[-1.0], [0.3], [2.0]])
assert np.allclose(tape.forward(X)[:, 0], np.sin(2.0 * X[:, 0]), rtol=1e-15)
assert np.allclose(tape.backward()[1][:, 0], 2.0 * np.cos(2.0 * X[:, 0]), rtol=1e-15)

from mgstudio.document import KINDS, Document
from mgstudio.document.code_export import export_micrograd, export_torch
from mgstudio.document.code_import import import_code, import_expression
from mgstudio.document.graphviz_io import to_dot
kind = KINDS["sin"]
assert kind.category == "Functions" and kind.title == "sin" and "cos(a)" in kind.doc
doc = import_code("x = Value(0.5, label='x')\ns = x.sin(); s.label = 's'\n")
assert sorted(n.kind for n in doc.nodes.values()) == ["input", "sin"]
doc.save("sin.mgs")
loaded = Document.load("sin.mgs")
assert sorted(n.kind for n in loaded.nodes.values()) == ["input", "sin"]
assert "sin" in to_dot(loaded)
assert "s = x.sin()" in export_micrograd(doc) and "s = x.sin()" in export_torch(doc)
assert [n.kind for n in import_code(export_micrograd(doc)).nodes.values()].count("sin") == 1
expr = import_expression("sin(a) * 2")
assert "sin" in [n.kind for n in expr.nodes.values()]

from PySide6.QtWidgets import QApplication
from mgstudio.app.learn import install
from mgstudio.app.main_window import MainWindow
from mgstudio.app.settings import StudioSettings
app = QApplication([])
win = MainWindow(settings=StudioSettings())
palette = win.palette_widget
assert "sin" in palette.kinds() and not palette.item_for("sin").icon(0).isNull()
assert win.open_file("sin.mgs", ask=False)
tools = install(win)
step = tools.step_once()
text = tools.stepper.text()
assert step.node.op.name == "sin" and "the grad passes on scaled by the slope" in text, text
assert "d/da = cos(a)" in text, text
win.undo_stack.setClean()
win.close()
print("every claim holds")
"""


def _section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## Adding an op")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _snippet(language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", _section(), flags=re.S)
    assert len(blocks) == 1, f"the guide should show one {language} snippet"
    return blocks[0]


def _run(args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(cwd))
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def checkout(tmp_path):
    """A copy of the parts of the checkout the walk-through touches or runs."""
    copy = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "screenshot.png")
    shutil.copytree(ROOT / "mgstudio", copy / "mgstudio", ignore=ignore)
    shutil.copytree(ROOT / "resources", copy / "resources", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "tests" / "engine").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "engine" / "test_registry.py", copy / "tests" / "engine")
    # what the copied tests stand on: the shared helpers and the hypothesis profiles
    shutil.copytree(ROOT / "tests" / "helpers", copy / "tests" / "helpers", ignore=ignore)
    shutil.copy(ROOT / "tests" / "conftest.py", copy / "tests" / "conftest.py")
    return copy


def _changed(a: Path, b: Path) -> list[str]:
    """Files that differ or exist on one side only, relative to the roots."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, rel: str) -> None:
        out.extend(rel + n for n in cmp.diff_files + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{rel}{name}/")

    walk(filecmp.dircmp(a, b, ignore=["__pycache__", ".hypothesis"]), "")
    return sorted(out)


def test_the_walk_through_adds_an_op_with_one_block_and_an_icon(checkout):
    ops_py = checkout / "mgstudio" / "engine" / "ops.py"
    before = checkout.parent / "before"
    shutil.copytree(checkout, before)

    # step 1: the block, at the end of engine/ops.py
    ops_py.write_text(ops_py.read_text(encoding="utf-8") + "\n\n" + _snippet("python"))
    # the icon is not there yet: the self-check says so
    done = _run(["-m", "mgstudio", "--self-check"], checkout)
    assert done.returncode == 1 and "icon kind-sin.svg is missing" in done.stderr, done.stderr
    # step 2: the icon
    (checkout / "resources" / "icons" / "kind-sin.svg").write_text(_snippet("svg"))
    done = _run(["-m", "mgstudio", "--self-check"], checkout)
    assert done.returncode == 0, done.stderr

    assert _changed(before, checkout) == ["mgstudio/engine/ops.py", "resources/icons/kind-sin.svg"]
    done = _run(["-c", CLAIMS], checkout)
    assert done.returncode == 0 and "every claim holds" in done.stdout, done.stderr

    # step 3: the registry's tests run over the new row too, and pass
    done = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/engine"], checkout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout


def test_the_guide_names_what_exists():
    """The fields and files the walk-through names are the real ones."""
    from mgstudio.engine.registry import Op

    section = _section()
    fields = set(Op.__dataclass_fields__)
    for name in re.findall(r"`(\w+)=", section) + re.findall(r"^\s+(\w+)=", section, re.M):
        assert name in fields, name
    for path in re.findall(r"`((?:mgstudio|tests|benchmarks)/[\w/]+\.py)`", section):
        assert (ROOT / path).is_file(), path
