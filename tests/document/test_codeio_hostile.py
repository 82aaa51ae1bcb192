"""``python -m mgstudio import`` on hostile snippets: each refusal is one ``error:`` line that
says what is wrong in plain words (right grammar, the right reason), never a traceback."""

from __future__ import annotations

import pytest

from mgstudio.cli import main


def import_error(tmp_path, capsys, code: str) -> str:
    """The static reader's refusal, as one line (``import_code`` reads snippets without
    running them; the CLI's ``import`` interprets programs: tests/interpreter)."""
    from mgstudio.document.code_import import CodeImportError, import_code

    with pytest.raises(CodeImportError) as info:
        import_code(code)
    line = f"error: {info.value}"
    assert "\n" not in line and "Traceback" not in line
    return line


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("(b := a)", "the walrus operator (:=) is not supported"),
        ("a[0]", "indexing (x[…]) is not supported"),
        ("await a", "'await' is not supported"),
        ("(yield a)", "'yield' is not supported"),
        ("a if a else a", "'… if … else …' is not supported"),
        ("lambda: a", "lambda functions are not supported"),
        ("[a for a in b]", "list comprehensions are not supported"),
        ("f'{a}'", "f-strings are not supported"),
    ],
)
def test_refusals_read_as_sentences(tmp_path, capsys, expression, said):
    line = import_error(tmp_path, capsys, f"a = Value(1.0)\nb = {expression}\n")
    assert said in line, line


@pytest.mark.parametrize(
    ("call", "said"),
    [
        ("Value(math.exp(1.0))", "calls to 'math.exp' are not supported"),
        ("Value(math.log(2.0))", "calls to 'math.log' are not supported"),
        ("Value.tanh(a)", "calls to 'Value.tanh' are not supported"),
        ("os.tanh()", "calls to 'os.tanh' are not supported"),
    ],
)
def test_a_function_of_a_module_or_class_is_not_a_number(tmp_path, capsys, call, said):
    """``math.exp(1.0)`` was refused with "'.exp()' needs a Value, not a number": there is no
    number in it; it is a call the importer does not make."""
    line = import_error(tmp_path, capsys, f"import os\na = Value(1.0)\nb = {call}\n")
    assert said in line and "not a number" not in line, line


def test_a_method_on_a_number_still_says_so(tmp_path, capsys):
    line = import_error(tmp_path, capsys, "a = Value(1.0)\nb = (2.0).tanh()\n")
    assert "'.tanh()' needs a Value, not a number" in line


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


def test_a_star_import_of_another_module_is_noted_like_any_import(tmp_path, capsys):
    """``import os`` got "import of 'os' ignored"; ``from os import *`` was dropped silently."""
    from mgstudio.document.code_import import import_code_with_notes

    _doc, notes = import_code_with_notes(
        "from os import *\nfrom micrograd.engine import *\na = Value(1.0)\n"
    )
    assert notes == ["line 1: import of '*' from 'os' ignored"], notes
