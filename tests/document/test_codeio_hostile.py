"""``python -m mgstudio import`` on hostile snippets: each refusal is one ``error:`` line that
says what is wrong in plain words (right grammar, the right reason), never a traceback."""

from __future__ import annotations

import pytest

from mgstudio.cli import main


def import_error(tmp_path, capsys, code: str) -> str:
    snippet = tmp_path / "s.py"
    snippet.write_text(code, encoding="utf-8")
    rc = main(["import", str(snippet), "-o", str(tmp_path / "s.mgs")])
    out, err = capsys.readouterr()
    assert rc == 1, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


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
