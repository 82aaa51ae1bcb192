"""``python -m mgstudio import / export / render``: round trips, and one ``error:`` line (exit 1,
no traceback) for every mistake a user can make."""

import os
import shutil
import subprocess
import sys

import pytest
from helpers.readme import README_CODE

from mgstudio.cli import main
from mgstudio.document import Document


@pytest.fixture
def snippet(tmp_path):
    path = tmp_path / "readme.py"
    path.write_text(README_CODE, encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


def test_import_writes_a_document(capsys, snippet, tmp_path):
    out_file = tmp_path / "readme.mgs"
    code, out, err = run(capsys, "import", snippet, "-o", out_file)
    assert code == 0
    # the program runs (interpreted): its prints come first, as Python would print them
    assert out.strip().splitlines()[-1] == (
        f"wrote {out_file}: 33 nodes, 45 wires, output 'g' = 24.7041"
    )
    assert err == ""  # nothing skipped: the prints ran (the numbers above), backward too
    assert out.strip().splitlines()[:3] == ["24.7041", "138.8338", "645.5773"]
    doc = Document.load(out_file)
    assert doc.title == "readme"
    doc.backward()
    a = [n for n in doc.nodes if doc.nodes[n].label == "a"][0]
    assert f"{doc.value_of(a).grad:.4f}" == "138.8338"


def test_import_an_expression_with_values(capsys, tmp_path):
    out_file = tmp_path / "f.mgs"
    code, out, _ = run(capsys, "import", "-e", "3*x**2 - 4*x + 5", "--set", "x=3", "-o", out_file)
    assert code == 0 and out.rstrip().endswith("= 20.0000")
    doc = Document.load(out_file)
    doc.backward()
    x = [n for n in doc.nodes if doc.nodes[n].label == "x"][0]
    assert doc.value_of(x).grad == 14.0


def test_import_from_stdin(capsys, tmp_path, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a = Value(2.0)\nb = a*a\n")))
    code, out, _ = run(capsys, "import", "-", "-o", tmp_path / "s.mgs")
    assert out == f"wrote {tmp_path / 's.mgs'}: 2 nodes, 2 wires, output 'b' = 4.0000\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a = Value(2.0)\n")))
    code, out, _ = run(capsys, "import", "-", "-o", tmp_path / "s.mgs")
    assert out == f"wrote {tmp_path / 's.mgs'}: 1 node, 0 wires, output 'a' = 2.0000\n"


def test_export_to_stdout_and_file_round_trip(capsys, snippet, tmp_path):
    doc_file = tmp_path / "g.mgs"
    assert run(capsys, "import", snippet, "-o", doc_file)[0] == 0
    code, script, err = run(capsys, "export", doc_file, "--to", "micrograd")
    assert code == 0 and err == ""
    assert "from mgstudio.engine import Value" in script
    out_py = tmp_path / "g.py"
    assert run(capsys, "export", doc_file, "-o", out_py) == (0, "", "")
    assert out_py.read_text(encoding="utf-8") == script
    # and back: the exported script imports to the same output value
    again = tmp_path / "again.mgs"
    code, out, _ = run(capsys, "import", out_py, "-o", again)
    assert code == 0 and out.rstrip().endswith("output 'g' = 24.7041")


def test_export_torch(capsys, snippet, tmp_path):
    doc_file = tmp_path / "g.mgs"
    run(capsys, "import", snippet, "-o", doc_file)
    code, script, _ = run(capsys, "export", doc_file, "--to", "torch")
    assert code == 0 and "import torch" in script and "requires_grad=True" in script


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize(
    ("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".dot", b"digraph")]
)
def test_render(capsys, snippet, tmp_path, suffix, magic):
    doc_file = tmp_path / "g.mgs"
    run(capsys, "import", snippet, "-o", doc_file)
    out = tmp_path / f"g{suffix}"
    assert run(capsys, "render", doc_file, "-o", out) == (0, "", "")
    data = out.read_bytes()
    assert data.startswith(magic)
    if suffix != ".png":
        assert b"grad 138.8338" in data  # backward ran before drawing


def test_render_no_backward_keeps_zero_grads(capsys, snippet, tmp_path):
    doc_file = tmp_path / "g.mgs"
    run(capsys, "import", snippet, "-o", doc_file)
    out = tmp_path / "g.dot"
    assert run(capsys, "render", doc_file, "-o", out, "--no-backward")[0] == 0
    assert b"grad 138.8338" not in out.read_bytes()


# --- errors -------------------------------------------------------------------------------------
def test_refused_code_is_one_error_line_with_its_line_number(capsys, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("a = Value(1.0)\nb = a * 2\n__import__('os').system('echo hi')\n")
    code, out, err = run(capsys, "import", bad, "-o", tmp_path / "x.mgs")
    assert code == 1 and out == ""
    line = one_error_line(err)
    assert line.startswith(f"error: {bad}: line 3: `__import__` is not available")
    assert not (tmp_path / "x.mgs").exists()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["import", "{tmp}/missing.py", "-o", "{tmp}/x.mgs"], "can't read"),
        (
            ["import", "-e", "x +* 2", "-o", "{tmp}/x.mgs"],
            "the expression: line 1: this is not valid",
        ),
        (["import", "-e", "x", "--set", "x", "-o", "{tmp}/x.mgs"], "--set takes NAME=VALUE"),
        (["import", "-e", "x", "--set", "x=abc", "-o", "{tmp}/x.mgs"], "is not a number"),
        (["import", "{tmp}/ok.py", "--set", "x=1", "-o", "{tmp}/x.mgs"], "only applies"),
        (["import", "{tmp}/ok.py", "-o", "{tmp}/no-such-dir/x.mgs"], "error: can't save"),
        (["import", "{tmp}/latin1.py", "-o", "{tmp}/x.mgs"], "not UTF-8"),
        (["import", "{tmp}/big.py", "-o", "{tmp}/x.mgs"], "larger than 200 KB"),
        (["export", "{tmp}/missing.mgs"], "missing.mgs"),
        (["export", "{tmp}/ok.py"], "ok.py"),
        (["export", "{tmp}/ok.mgs", "-o", "{tmp}/no-such-dir/x.py"], "can't write"),
        (["render", "{tmp}/missing.mgs", "-o", "{tmp}/x.svg"], "missing.mgs"),
        (["render", "{tmp}/ok.mgs", "-o", "{tmp}/x.bmpx"], "can't render to 'bmpx'"),
    ],
)
def test_user_errors(capsys, tmp_path, argv, fragment):
    (tmp_path / "ok.py").write_text("a = Value(1.0)\n")
    (tmp_path / "latin1.py").write_bytes("a = Value(1.0) # café\n".encode("latin-1"))
    (tmp_path / "big.py").write_text("a = Value(1.0)\n" + "#" * 300_000)
    assert main(["import", str(tmp_path / "ok.py"), "-o", str(tmp_path / "ok.mgs")]) == 0
    capsys.readouterr()
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 1
    assert fragment in one_error_line(err)


def test_render_without_dot_names_the_package(capsys, snippet, tmp_path, monkeypatch):
    doc_file = tmp_path / "g.mgs"
    run(capsys, "import", snippet, "-o", doc_file)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, _, err = run(capsys, "render", doc_file, "-o", tmp_path / "g.svg")
    assert code == 1
    assert one_error_line(err) == (
        "error: Graphviz's 'dot' program was not found; install it with: apt-get install graphviz"
    )


def test_real_entry_point_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x = Value(1.0)\nfor i in range(3):\n    x = x.exp(2)\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mgstudio", "import", str(bad), "-o", str(tmp_path / "x.mgs")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == f"error: {bad}: line 3: exp() takes no arguments\n"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    """``check --json | head -1``: the pipe closes after the first line; the command ends
    quietly with 141 (as a shell reports SIGPIPE) instead of a BrokenPipeError traceback."""
    big = tmp_path / "big.mgs"
    made = subprocess.run(
        [sys.executable, "-m", "mgstudio", "network", "--inputs", "2", "--hidden", "16,16"]
        + ["-o", str(big)],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "mgstudio", "check", str(big), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()  # what head does after its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err
