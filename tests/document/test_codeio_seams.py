"""The importer's seams: one entry point (``import_snippet`` -> ``(document, notes)``) that the
CLI and the Expression box use, run by the one interpreter (``mgstudio.interpreter``) whose
results the document builder turns into plain data, and one table of functions."""

from __future__ import annotations

import threading

import pytest

from mgstudio.cli import main
from mgstudio.document import KINDS, Document, code_import
from mgstudio.document.code_import import (
    FUNCTIONS,
    CodeImportError,
    ImportCancelled,
    import_code_with_notes,
    import_expression,
    import_program,
    import_snippet,
)
from mgstudio.engine import ops
from mgstudio.interpreter import ProgramError, run_expression, run_program

NEURON = """\
from micrograd.engine import Value
x1 = Value(2.0, label='x1'); x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1'); w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
n = x1*w1 + x2*w2 + b
o = n.tanh(); o.label = 'o'
print(o)
o.backward()
"""


def test_the_entry_point_gives_the_document_and_the_notes():
    doc, notes = import_snippet(NEURON)
    assert isinstance(doc, Document)
    assert doc.nodes[doc.selected_output].label == "o"
    assert doc.value_of(doc.selected_output).data == pytest.approx(0.7071067811865476)
    assert notes == []  # print and backward ran: nothing was skipped
    assert import_program(NEURON).log == ["Value(data=0.7071067811865477, grad=0.0)"]
    old_doc, old_notes = import_code_with_notes(NEURON)
    assert old_doc.to_json() == doc.to_json() and old_notes == notes


def test_the_entry_point_reads_an_expression_with_progress_and_cancel():
    seen: list[float] = []
    doc, notes = import_snippet(
        "3*x**2 - 4*x + 5", expression=True, leaves={"x": 3.0}, progress=seen.append
    )
    assert doc.value_of(doc.selected_output).data == 20.0 and notes == []
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert doc.to_json() == import_expression("3*x**2 - 4*x + 5", {"x": 3.0}).to_json()
    stop = threading.Event()
    stop.set()
    with pytest.raises(ImportCancelled):
        import_snippet("x + 1", expression=True, cancel=stop.is_set)


def test_the_document_holds_plain_data():
    """Values plain floats, params plain floats, labels plain strings: nothing of the run
    (no Value, no interpreter object) reaches the document."""
    for doc, _ in (import_snippet(NEURON), import_snippet("x**2 + 1", expression=True)):
        for node in doc.nodes.values():
            assert node.value is None or type(node.value) is float
            assert all(type(k) is str and type(v) is float for k, v in node.params.items())
            assert type(node.label) is str
    doc, _ = import_snippet("x**2 + 1", expression=True)
    assert [n.kind for n in doc.nodes.values()] == ["input", "pow", "constant", "add"]
    assert [n.params for n in doc.nodes.values()][1] == {"exponent": 2.0}


def test_one_interpreter_for_programs_and_expressions():
    """import_snippet is the interpreter's run: the same numbers as run_program and
    run_expression, and their refusals word for word."""
    run = run_program(NEURON)
    doc, _ = import_snippet(NEURON)
    assert doc.value_of(doc.selected_output).data == run.globals["o"].data
    _, value = run_expression("3*x**2 - 4*x + 5", {"x": 3.0})
    doc, _ = import_snippet("3*x**2 - 4*x + 5", expression=True, leaves={"x": 3.0})
    assert doc.value_of(doc.selected_output).data == value.data
    for text, expression in (("a = Value(1.0)\nb = a @ a\n", False), ("x @ x", True)):
        with pytest.raises(CodeImportError) as ours:
            import_snippet(text, expression=expression)
        with pytest.raises(ProgramError) as theirs:
            (run_expression if expression else run_program)(text)
        assert (str(ours.value), ours.value.line) == (str(theirs.value), theirs.value.line)


def test_a_module_is_never_taken_for_a_number(capsys, tmp_path):
    """The reader used to keep modules as strings and crashed on ``float('math')``."""
    src = tmp_path / "bad.py"
    src.write_text("import math\nx = Value(1.0)\nx.data = math\ny = x * 2\n")
    assert main(["import", str(src), "-o", str(tmp_path / "bad.mgs")]) == 1
    err = capsys.readouterr().err
    assert (
        err.strip() == f"error: {src}: line 3: a Value's data must be a number, not the module math"
    )
    with pytest.raises(CodeImportError, match="line 2: a Value's data must be a number, not a V"):
        import_snippet("x = Value(1.0)\nx.data = x\n")


def test_the_functions_are_one_table_and_each_is_a_one_input_kind():
    assert ops.FUNCTIONS is FUNCTIONS is code_import.FUNCTIONS
    for name in FUNCTIONS:
        assert KINDS[name].inputs == ("a",)
        doc, _ = import_snippet(f"x = Value(0.5)\ny = x.{name}()\n")
        assert doc.nodes[doc.selected_output].kind == name
        doc, _ = import_snippet(f"{name}(x)", expression=True)
        assert doc.nodes[doc.selected_output].kind == name


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown layout"):
        import_snippet("x = Value(1.0)\n", layout="circle")
