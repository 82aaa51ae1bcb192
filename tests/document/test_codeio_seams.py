"""The importer's seams: one entry point (``import_snippet`` -> ``(document, notes)``) that the
CLI uses, a plain-data IR between the reader and the builder, and one table of functions."""

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
    import_snippet,
    ir,
    parse_code,
    parse_expression,
    reader,
)

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
    assert any("print" in note for note in notes) and any("backward" in n for n in notes)
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


def test_the_ir_is_plain_data():
    """Operands are plain ints, values plain floats: no int or str subclass stands for a node
    or a module on its way from the reader to the builder."""
    program = parse_code(NEURON)
    assert isinstance(program, ir.Program)
    for node in program.nodes:
        assert type(node) is ir.IRNode
        assert all(type(o) is int for o in node.operands)
        assert node.value is None or type(node.value) is float
        assert all(type(k) is str and type(v) is float for k, v in node.params.items())
        assert not hasattr(node, "named")
    assert type(program.output) is int
    assert all(type(i) is int for i in program.names.values())
    expression = parse_expression("x**2 + 1")
    assert [n.kind for n in expression.nodes] == ["input", "pow", "constant", "add"]
    assert expression.nodes[1].params == {"exponent": 2.0}


def test_a_module_is_never_taken_for_a_number(capsys, tmp_path):
    """The reader used to keep modules as strings and crashed on ``float('math')``."""
    src = tmp_path / "bad.py"
    src.write_text("import math\nx = Value(1.0)\nx.data = math\ny = x * 2\n")
    assert main(["import", str(src), "-o", str(tmp_path / "bad.mgs")]) == 1
    err = capsys.readouterr().err
    assert (
        err.strip() == f"error: {src}: line 3: a Value's data must be a number, not the module math"
    )
    with pytest.raises(CodeImportError, match="'x.data' must be set to a number, not a Value"):
        import_snippet("x = Value(1.0)\nx.data = x\n")


def test_the_functions_are_one_table_and_each_is_a_one_input_kind():
    assert reader.FUNCTIONS is ir.FUNCTIONS is FUNCTIONS is code_import.FUNCTIONS
    for name in FUNCTIONS:
        assert KINDS[name].inputs == ("a",)
        doc, _ = import_snippet(f"x = Value(0.5)\ny = x.{name}()\n")
        assert doc.nodes[doc.selected_output].kind == name
        doc, _ = import_snippet(f"{name}(x)", expression=True)
        assert doc.nodes[doc.selected_output].kind == name


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown layout"):
        import_snippet("x = Value(1.0)\n", layout="circle")
