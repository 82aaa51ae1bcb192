"""``python -m mgstudio import`` on hostile snippets: each refusal is one ``error:`` line that
says what is wrong in plain words (right grammar, the right reason), never a traceback."""

from __future__ import annotations

import math

import pytest

from mgstudio.cli import main


def import_error(tmp_path, capsys, code: str) -> str:
    """The importer's refusal of ``code`` (run by the interpreter), as one line."""
    from mgstudio.document.code_import import CodeImportError, import_code

    with pytest.raises(CodeImportError) as info:
        import_code(code)
    line = f"error: {info.value}"
    assert "\n" not in line and "Traceback" not in line
    return line


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("(b := a)", "line 2: the := operator is not available; assign on a line of its own"),
        ("a[0]", "line 2: a Value cannot be indexed with [...]"),
        ("await a", "line 2: async code is not available in mgstudio programs"),
        ("(yield a)", "line 2: generators with yield are not available"),
        ("[a for a in b]", "line 2: name 'b' is not defined"),
        ("[x for x in a]", "line 2: a Value cannot be looped over"),
    ],
)
def test_refusals_read_as_sentences(tmp_path, capsys, expression, said):
    line = import_error(tmp_path, capsys, f"a = Value(1.0)\nb = {expression}\n")
    assert said in line, line


@pytest.mark.parametrize(
    "expression", ["a if a.data else -a", "(lambda: a)()", "[a for _ in range(2)][1]", "a"]
)
def test_what_the_reader_refused_and_python_runs_is_run(expression):
    """``… if … else …``, lambda, comprehensions and f-strings were refused by the static
    reader; the interpreter runs them as Python does."""
    from mgstudio.document.code_import import import_code

    doc = import_code(f"a = Value(1.0)\nlabel = f'{{a.data}}'\nb = {expression}\n")
    assert doc.value_of(doc.selected_output).data == 1.0


@pytest.mark.parametrize(
    ("call", "said"),
    [
        ("Value.tanh(a)", "line 3: the class Value has no attribute 'tanh'"),
        ("os.tanh()", "line 1: `os` is not available in mgstudio programs"),
        ("math.tanh(a)", "line 3: math.tanh() takes numbers; for a Value use its method"),
    ],
)
def test_a_function_of_a_module_or_class_is_not_a_number(tmp_path, capsys, call, said):
    """``math.exp(1.0)`` was refused with "'.exp()' needs a Value, not a number": there is no
    number in it. The interpreter calls math's functions on numbers, and says what is wrong
    with anything else."""
    import_ = "import os" if call.startswith("os.") else "import math"
    line = import_error(tmp_path, capsys, f"{import_}\na = Value(1.0)\nb = {call}\n")
    assert said in line and "not a number" not in line, line
    from mgstudio.document.code_import import import_code

    doc = import_code("import math\nb = Value(math.exp(1.0)) * Value(math.log(2.0))\n")
    assert doc.value_of(doc.selected_output).data == math.exp(1.0) * math.log(2.0)


def test_a_method_on_a_number_still_says_so(tmp_path, capsys):
    line = import_error(tmp_path, capsys, "a = Value(1.0)\nb = (2.0).tanh()\n")
    assert "line 2: a float has no attribute 'tanh'" in line


def test_a_repeated_keyword_is_refused_as_python_does(tmp_path, capsys):
    """Python refuses ``Value(1.0, label='a', label='b')`` (keyword argument repeated); the
    importer kept the last label instead."""
    line = import_error(tmp_path, capsys, "a = Value(1.0, label='a', label='b')\n")
    assert "line 1" in line and "repeated" in line, line


def expression_cli(tmp_path, capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["import", "-o", str(tmp_path / "e.mgs"), *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return rc, out, err


@pytest.mark.parametrize("name", ["y", "softplus", "X"])
def test_a_setting_for_a_name_the_expression_lacks_is_refused(tmp_path, capsys, name):
    """``--set y=3`` for ``softplus(x)*2`` was ignored without a word: x stayed 0, the output
    was softplus(0)*2, and the typo went unnoticed."""
    rc, out, err = expression_cli(tmp_path, capsys, "-e", "softplus(x)*2", "--set", f"{name}=3")
    assert rc == 1 and not (tmp_path / "e.mgs").exists(), out + err
    assert f"'{name}'" in err and "x" in err, err


def test_a_setting_is_read_as_python_reads_names(tmp_path, capsys):
    rc, out, err = expression_cli(tmp_path, capsys, "-e", "ｘ * 2", "--set", "x=3")
    assert rc == 0 and out.strip().endswith("= 6.0000"), out + err
    rc, out, err = expression_cli(tmp_path, capsys, "-e", "x * 2", "--set", "ｘ=3")
    assert rc == 0 and out.strip().endswith("= 6.0000"), out + err
    rc, out, err = expression_cli(tmp_path, capsys, "-e", "é * 2", "--set", "é=3")
    assert rc == 0 and out.strip().endswith("= 6.0000"), out + err


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_an_empty_expression_says_so(tmp_path, capsys, text):
    rc, out, err = expression_cli(tmp_path, capsys, "-e", text)
    assert rc == 1 and "empty" in err and "line 0" not in err, err


def test_an_import_of_another_module_is_refused_with_its_line(tmp_path, capsys):
    """``import os`` got "import of 'os' ignored" from the static reader, which imported
    nothing; the interpreter runs imports, so one it cannot make is refused, star or not."""
    for source in ("from os import *\na = Value(1.0)\n", "import os\na = Value(1.0)\n"):
        line = import_error(tmp_path, capsys, source)
        assert line.startswith("error: line 1: `os` is not available"), line
    from mgstudio.document.code_import import import_code_with_notes

    _doc, notes = import_code_with_notes("import matplotlib.pyplot as plt\na = Value(1.0)\n")
    assert notes == ["line 1: import matplotlib.pyplot skipped (not used by mgstudio)"], notes
