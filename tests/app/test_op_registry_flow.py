"""An op registered at run time (a test's throwaway ``cube``) reaches every place that shows or
computes ops, with no other edit: Value, backward, the Tape, nn's activations, the document's
kinds, code export and import, the palette, the stepper's text and hints. Unregistering it
takes it out of all of them again. (The literal walk-through of CONTRIBUTING.md, editing
engine/ops.py itself, is tests/engine/test_contributing_op.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mgstudio.engine import Neuron, Tape, Value, gradcheck
from mgstudio.engine.nn import ACTIVATIONS
from mgstudio.engine.ops import FUNCTIONS, Op, register, unregister

pytestmark = pytest.mark.usefixtures("qtbot")


@pytest.fixture
def cube():
    op = register(
        Op(
            "cube",
            "cube",
            1,
            lambda a: a * a * a,
            local=lambda n: (3.0 * n._a.data * n._a.data,),
            np_forward=lambda A, B, K, out: np.multiply(A * A, A, out=out),
            np_local=lambda A, B, D, K: (3.0 * A * A,),
            derivative=("3·a²",),
            hint="cube triples the square of its input: the local derivative is 3·a².",
            method="cube",
            activation=True,
            title="Cube",
            glyph="a³",
            doc="a * a * a, a throwaway op of a test.",
        )
    )
    yield op
    unregister("cube")


def test_a_registered_op_flows_to_the_engine(cube):
    x = Value(1.5, label="x")
    y = x.cube() * 2.0
    assert y.data == 6.75 and y._prev[0].op is cube and y._prev[0]._op == "cube"
    assert gradcheck(y).ok
    y.zero_grad()
    y.backward()
    assert x.grad == 2.0 * 3.0 * 1.5 * 1.5
    tape = Tape.compile(outputs=[y], inputs=[x])
    X = np.array([[-2.0], [0.5], [3.0]])
    np.testing.assert_array_equal(tape.forward(X)[:, 0], 2.0 * X[:, 0] ** 3)
    np.testing.assert_array_equal(tape.backward()[1][:, 0], 2.0 * 3.0 * X[:, 0] ** 2)
    assert "cube" in FUNCTIONS and "cube" in ACTIVATIONS
    neuron = Neuron(2, activation="cube")
    assert neuron([Value(1.0), Value(2.0)]).op is cube and repr(neuron) == "CubeNeuron(2)"


def test_a_registered_op_flows_to_code_and_the_window(cube, window, tmp_path):
    from mgstudio.app.learn import install
    from mgstudio.document import KINDS
    from mgstudio.document.code_export import export_micrograd
    from mgstudio.document.code_import import import_code, import_expression

    kind = KINDS["cube"]
    assert (kind.title, kind.symbol, kind.inputs, kind.category) == (
        "Cube",
        "a³",
        ("a",),
        "Functions",
    )
    doc = import_code("x = Value(2.0, label='x')\ny = x.cube(); y.label = 'y'\n")
    assert sorted(n.kind for n in doc.nodes.values()) == ["cube", "input"]
    script = export_micrograd(doc)
    assert "x.cube()" in script
    again = import_code(script)
    assert sorted(n.kind for n in again.nodes.values()) == ["cube", "input"]
    # the interpreter's programs and expressions know it too (x.cube(), cube(x) as on paper)
    expr = import_expression("cube(x) + x.cube()", {"x": 2.0})
    assert expr.value_of(expr.selected_output).data == 16.0
    doc.save(tmp_path / "cube.mgs")

    # the palette of a window opened now lists it; the stepper explains it from the registry
    palette = window.palette_widget
    assert "cube" in palette.kinds() and palette.item_for("cube").text(0) == "Cube   a³"
    assert window.open_file(tmp_path / "cube.mgs", ask=False)
    tools = install(window)
    step = tools.step_once()
    assert step.node.op is cube and math.isclose(step.contributions[0].local, 12.0)
    text = tools.stepper.text()
    assert cube.hint in text and "d/da = 3·a²" in text


def test_unregistering_takes_the_op_out_everywhere(cube):
    from mgstudio.document import KINDS
    from mgstudio.document.kinds import KIND_FOR_OP

    unregister("cube")
    try:
        assert not hasattr(Value(1.0), "cube")
        assert "cube" not in KINDS and "cube" not in KIND_FOR_OP
        assert "cube" not in FUNCTIONS and "cube" not in ACTIVATIONS
    finally:
        register(cube)  # the fixture unregisters it again
