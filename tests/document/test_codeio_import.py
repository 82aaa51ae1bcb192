"""Code import: lecture snippets become documents with the engine's numbers. The snippet is
run by the safe interpreter (never by Python): anything it refuses or that fails is refused
with the line it is on, and nothing outside the program's reach is ever touched."""

import math

import pytest
from helpers.readme import README_CODE, readme_expression
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.document import Document, DocumentError
from mgstudio.document.code_import import (
    MAX_PROGRAM_NODES,
    MAX_SOURCE_BYTES,
    CodeImportError,
    import_code,
    import_code_with_notes,
    import_expression,
    import_program,
)
from mgstudio.document.graphviz_io import NODE_HEIGHT, NODE_WIDTH
from mgstudio.document.nodes import MAX_LABEL
from mgstudio.engine import Value
from mgstudio.interpreter.safety import MAX_NESTING

LECTURE_L = """\
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
L
"""

NEURON = """\
import math
from mgstudio.engine import Value

# inputs x1,x2
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
# weights w1,w2, the synaptic strength of each input
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
# bias b
b = Value(6.8813735870195432, label='b')
# x1*w1 + x2*w2 + b
x1w1 = x1 * w1; x1w1.label = 'x1w1'
x2w2 = x2 * w2; x2w2.label = 'x2w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1w1x2w2'
n = x1w1x2w2 + b; n.label = 'n' # The raw activation value of the cell body
o = n.tanh(); o.label = 'o'
o.backward()
"""


def last_with_label(doc: Document, label: str) -> str:
    """The latest node with this label (a reassigned name labels every version)."""
    return [nid for nid, n in doc.nodes.items() if n.label == label][-1]


def data(doc: Document, label: str) -> float:
    return doc.value_of(last_with_label(doc, label)).data


def grad(doc: Document, label: str) -> float:
    return doc.value_of(last_with_label(doc, label)).grad


def same(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y))


# --- the walkthrough ----------------------------------------------------------------------------
def test_readme_snippet_imports_with_its_numbers():
    doc, notes = import_code_with_notes(README_CODE)
    assert doc.nodes[doc.selected_output].label == "g"
    doc.backward()
    g, a, b = readme_expression(Value)  # the same snippet, built with Values here
    assert data(doc, "g") == g.data
    assert (grad(doc, "a"), grad(doc, "b")) == (a.grad, b.grad)
    assert f"{data(doc, 'g'):.4f}" == "24.7041"
    assert f"{grad(doc, 'a'):.4f}" == "138.8338"
    assert f"{grad(doc, 'b'):.4f}" == "645.5773"
    # every temporary micrograd makes is a node: same count as the engine's graph
    assert len(doc.nodes) == len(g.topological_order())
    # the interpreter runs the prints (into the run's log, not into notes about the code)
    assert notes == []
    assert import_program(README_CODE).log == ["24.7041", "138.8338", "645.5773"]


def test_lecture_L_and_its_grads():
    doc = import_code(LECTURE_L)
    assert doc.nodes[doc.selected_output].label == "L"
    assert data(doc, "L") == -8.0
    doc.backward()
    got = tuple(grad(doc, x) for x in ("L", "d", "f", "c", "e", "a", "b"))
    assert got == (1.0, -2.0, 4.0, -2.0, -2.0, 6.0, -4.0)
    assert [doc.nodes[n].kind for n in doc.nodes].count("input") == 4


def test_neuron_matches_closed_form():
    doc = import_code(NEURON)
    doc.backward()
    o = data(doc, "o")
    assert o == pytest.approx(math.sqrt(0.5), abs=1e-12)
    dn = 1 - o**2  # tanh' = 1 - tanh**2
    assert grad(doc, "n") == pytest.approx(dn)
    assert grad(doc, "x1") == pytest.approx(-3.0 * dn)
    assert grad(doc, "w1") == pytest.approx(2.0 * dn)
    assert grad(doc, "x2") == pytest.approx(1.0 * dn)
    assert grad(doc, "w2") == 0.0


def test_neuron_with_exp_matches_tanh():
    src = NEURON.replace(
        "o = n.tanh(); o.label = 'o'", "e = (2*n).exp()\no = (e - 1) / (e + 1); o.label = 'o'"
    )
    doc = import_code(src)
    doc.backward()
    assert data(doc, "o") == pytest.approx(math.sqrt(0.5), abs=1e-12)
    assert grad(doc, "x1") == pytest.approx(-1.5, abs=1e-9)
    assert grad(doc, "w1") == pytest.approx(1.0, abs=1e-9)


def test_expression_with_free_names():
    doc = import_expression("3*x**2 - 4*x + 5", {"x": 3.0})
    assert doc.value_of(doc.selected_output).data == 20.0
    doc.backward()
    assert grad(doc, "x") == 14.0  # 6x - 4
    zero = import_expression("3*x**2 - 4*x + 5")
    assert zero.value_of(zero.selected_output).data == 5.0
    kinds = sorted(n.kind for n in doc.nodes.values())
    assert kinds == ["add", "constant", "constant", "constant", "input", "mul", "mul", "pow", "sub"]


def test_expression_functions_written_as_on_paper():
    doc = import_expression(
        "tanh(x) + exp(y) * sigmoid(x) - log(y) + relu(x)", {"x": 0.5, "y": 2.0}
    )
    x, y = Value(0.5), Value(2.0)
    want = x.tanh() + y.exp() * x.sigmoid() - y.log() + x.relu()
    assert doc.value_of(doc.selected_output).data == want.data
    with pytest.raises(CodeImportError, match="takes one argument"):
        import_expression("tanh(x, y)")
    with pytest.raises(CodeImportError, match="needs a Value"):
        import_expression("exp(2.0) * x")
    with pytest.raises(CodeImportError, match="line 2: name 'tanh' is not defined"):
        import_code("x = Value(1.0)\ny = tanh(x)\n")  # Python code must say x.tanh()


def test_bare_number_expression_is_one_constant():
    doc = import_expression("2 * 3.5")
    assert [n.kind for n in doc.nodes.values()] == ["constant"]
    assert doc.value_of(doc.selected_output).data == 7.0


# --- semantics ----------------------------------------------------------------------------------
def test_reassignment_makes_new_nodes_and_later_uses_see_the_latest():
    doc = import_code("a = Value(1.0)\nb = a * 2\na = Value(5.0)\nc = a + b\n")
    assert data(doc, "c") == 7.0
    assert [n.label for n in doc.nodes.values()].count("a") == 2


def test_data_set_before_use():
    doc = import_code("x = Value(1.0)\nx.data = -3.0\ny = x * x\n")
    assert data(doc, "y") == 9.0
    assert data(doc, "x") == -3.0


def test_labels_from_keyword_attribute_and_variable_name():
    doc = import_code(
        "a = Value(2.0, label='first')\nb = Value(3.0)\nc = a * b\nc.label = 'product'\nd = c + 1\n"
    )
    labels = [n.label for n in doc.nodes.values()]
    assert labels == ["first", "b", "product", "", "d"]


def test_output_is_the_last_assignment():
    doc = import_code("a = Value(1.0)\nb = a * 2\nc = a + 1\nc.label = 'C'\nb\n")
    assert doc.nodes[doc.selected_output].label == "C"


def test_operand_order_and_reflected_operators():
    doc = import_code("x = Value(3.0)\ny = 2 - x\nz = 1 / x\nw = 2 ** x\nv = x ** x\n")
    assert data(doc, "y") == -1.0
    assert data(doc, "z") == 1 / 3
    assert data(doc, "w") == 8.0
    assert data(doc, "v") == 27.0
    w = last_with_label(doc, "w")
    ports = {wire.port for wire in doc.wires if wire.dst == w}
    assert ports == {"a", "exponent"}  # Value ** Value wires the exponent


def test_numbers_follow_python_and_values_the_engine():
    doc = import_code("x = Value(2.0)\ny = x / (1 - 1)\nz = x + -(3 * 2)\n")
    assert data(doc, "y") == math.inf  # a Value divided by a zero constant: the engine's IEEE
    assert data(doc, "z") == -4.0
    # numbers alone are Python's (the reader folded 1 / 0 to inf; Python raises)
    with pytest.raises(CodeImportError, match="line 2: division by zero"):
        import_code("x = Value(2.0)\ny = x * (1 / 0)\n")
    # a number must still be something a node can hold
    with pytest.raises(CodeImportError, match="line 2: .*finite"):
        import_code("x = Value(2.0)\ny = x * (1e308 * 10)\n")


def test_math_constants_and_every_function():
    src = (
        "import math\nx = Value(0.5)\np = x * math.pi\nt = x.tanh()\nr = x.relu()\n"
        "e = x.exp()\nl = x.log()\ns = x.sigmoid()\nn = -x\nq = +x\n"
    )
    doc = import_code(src)
    assert data(doc, "p") == 0.5 * math.pi
    assert data(doc, "t") == math.tanh(0.5)
    assert data(doc, "e") == math.exp(0.5)
    assert data(doc, "l") == math.log(0.5)
    assert data(doc, "s") == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert data(doc, "n") == -0.5
    assert data(doc, "r") == 0.5


def test_backward_marks_the_output():
    doc = import_code("a = Value(1.0)\nb = a * 2\nb.backward()\nc = a + 1\n")
    assert doc.nodes[doc.selected_output].label == "b"
    doc = import_code("a = Value(3.0)\n(a * a).backward()\n")  # a Value no name holds
    assert len(doc.nodes) == 2
    assert doc.value_of(doc.selected_output).data == 9.0
    with pytest.raises(CodeImportError, match="line 2: backward\\(\\) takes no arguments"):
        import_code("a = Value(3.0)\na.backward(1.0)\n")
    # micrograd's Value has no zero_grad (its Module does): the interpreter says so
    with pytest.raises(CodeImportError, match="line 2: a Value has no attribute 'zero_grad'"):
        import_code("a = Value(3.0)\na.zero_grad()\n")


def test_bare_expressions_build_nothing():
    doc, notes = import_code_with_notes("a = Value(1.0)\nb = Value(2.0)\na + b * 3\nb\n")
    assert len(doc.nodes) == 2  # the assigned Values: a notebook's shown lines add nothing
    assert notes == []


def test_nodes_are_laid_out_left_to_right():
    doc = import_code(README_CODE)
    positions = [n.pos for n in doc.nodes.values()]
    for w in doc.wires:
        assert doc.nodes[w.src].pos[0] < doc.nodes[w.dst].pos[0]
    assert min(x for x, _ in positions) == 0 and min(y for _, y in positions) == 0
    # top-left corners of canvas-sized boxes that never overlap
    for i, (x1, y1) in enumerate(positions):
        for x2, y2 in positions[i + 1 :]:
            assert abs(x1 - x2) >= NODE_WIDTH or abs(y1 - y2) >= NODE_HEIGHT


# --- refusals -----------------------------------------------------------------------------------
REFUSED = [
    ("__import__('os')", 1, "`__import__` is not available"),
    ("a = Value(1.0)\nb = open('x')", 2, "`open` is not available"),
    ("a = Value(1.0)\nimport os\nos.system('ls')", 2, "`os` is not available"),
    ("a = Value(1.0)\nb = getattr(a, 'data')", 2, "`getattr` is not available"),
    ("a = Value(1.0)\nb = a.__class__", 2, "`a.__class__` is not available"),
    ("a = Value(1.0)\nwhile a:\n    pass", 2, "more than 5,000,000 steps"),
    ("a = Value(1.0)\nwith open('f') as fh:\n    pass", 2, "with is not available"),
    ("a = Value(1.0)\nb = a[0]", 2, "a Value cannot be indexed"),
    ("a = Value(1.0)\nb = [x for x in a]", 2, "a Value cannot be looped over"),
    ("a = Value(1.0)\nb = (c := a)", 2, "the := operator is not available"),
    ("a = Value(1.0)\nb = Value(*a)", 2, "a Value cannot be looped over"),
    ("a = Value(1.0)\nb = a // 2", 2, "cannot floor-divide a Value"),
    ("a = Value(1.0)\nb = a @ a", 2, "the @ operator is not available"),
    ("a = Value(1.0)\nb = ~a", 2, "does not apply to a Value"),
    ("a = Value(1.0)\nb = a < a", 2, "compare v.data"),
    ("a = Value(1.0)\nb = c + a", 2, "name 'c' is not defined"),
    ("a = Value(1.0)\na.foo = 1.0", 2, "a Value's 'foo' cannot be set"),
    ("a = Value(1.0)\nb = a.tanh(2)", 2, "tanh() takes no arguments"),
    ("a = Value(1.0)\nb = Value(a)", 2, "already a Value"),
    ("a = Value(1.0)\nb = Value(1.0, (a,), '+')", 2, "children"),
    ("a = Value(1.0)\nb = Value(1.0, grad=2.0)", 2, "grad would build a node by hand"),
    ("a = Value(label='a')", 1, "needs a number"),
    ("a = Value(1.0, label=a)", 1, "name 'a' is not defined"),
    ("a = Value(1.0)\nb = a + 1j", 2, "complex numbers are not available"),
    ("a = Value(1e400)", 1, "finite number"),
    ("a = Value(2.0)\nb = a ** 1e400", 2, "finite number"),
    ("a = Value(1.0)\nb = (2.0).tanh()", 2, "a float has no attribute 'tanh'"),
    ("a = Value(1.0)\nb = a + math", 2, "name 'math' is not defined"),
    ("a = Value(1.0)\nb = a * * 2", 2, "not valid Python"),
    ("a = Value(1.0)\ndel a", 2, "del is not available"),
    ("a = Value(1.0)\nb = a * 2; b.label = 'x\\ny'", 2, "a label is one line of text"),
]
#: what the static reader refused and the interpreter runs, as Python does: (snippet, the
#: output's label, its number). Loops, functions, classes, containers, f-strings, unpacking
#: and setting .data or .grad are the lecture's own code.
NOW_RUN = [
    ("a = Value(1.0)\nfor i in range(3):\n    a = a * 2", "a", 8.0),
    ("a = Value(1.0)\ndef f(x):\n    return x * 3\nb = f(a)", "b", 3.0),
    ("class K:\n    def __call__(self, x):\n        return x + 1\nb = K()(Value(1.0))", "b", 2.0),
    ("a = [Value(1.0)]\nb = a[0] * 2", "b", 2.0),
    ("a = Value(1.0)\nb = (a, a)\nc = b[1] + 1", "c", 2.0),
    ("f = lambda x: x * x\nb = f(Value(3.0))", "b", 9.0),
    ("a = Value(1.0)\nb = a.data * 2\nc = a * b", "c", 2.0),
    ("a = Value(1.0)\nb = 'text'\nc = a + len(b)", "c", 5.0),
    ("a = Value(1.0)\nb = a * 2 if a.data > 0 else -a", "b", 2.0),
    ("a = Value(1.0)\nb = f'{a.data:.1f}'\nc = a * float(b)", "c", 1.0),
    ("a, b = Value(1.0), Value(2.0)\nc = a * b", "c", 2.0),
    ("a = b = Value(1.0)\nc = a + b", "c", 2.0),
    ("a = Value(1.0)\na.grad = 1.0\nb = a * 2", "b", 2.0),
    ("a = Value(1.0)\na.data += 1.0\nb = a * 2", "b", 4.0),
    ("a = Value(True)\nb = a + 1", "b", 2.0),
    ("a = Value(1.0, label='x' * 3)\nb = a * 2", "b", 2.0),
    ("a = Value(1.0)\nif a.data:\n  b = a * 5", "b", 5.0),
    ("a = Value(1.0)\nassert a.data == 1.0\nb = -a", "b", -1.0),
]


@pytest.mark.parametrize(("source", "line", "fragment"), REFUSED)
def test_refused_with_line_number(source, line, fragment, tmp_path, capsys):
    with pytest.raises(CodeImportError) as info:
        import_code(source)
    err = info.value
    assert err.line == line
    assert str(err).startswith(f"line {line}: ")
    assert fragment in str(err)
    # `import` interprets programs (mgstudio.interpreter): the same text either runs as the
    # Python it is, or is refused in one line naming its line (exit 1, no traceback, no file)
    from mgstudio.cli import main

    snippet, out = tmp_path / "snippet.py", tmp_path / "out.mgs"
    snippet.write_text(source, encoding="utf-8")
    rc = main(["import", str(snippet), "-o", str(out)])
    printed = capsys.readouterr().err.strip().splitlines()
    if rc == 0:
        assert out.exists()
    else:
        assert rc == 1 and len(printed) == 1 and not out.exists()
        assert printed[0].startswith(f"error: {snippet}: ") and "Traceback" not in printed[0]


@pytest.mark.parametrize(("source", "label", "number"), NOW_RUN)
def test_the_lectures_python_runs(source, label, number):
    doc = import_code(source)
    out = doc.selected_output
    assert doc.nodes[out].label == label
    assert doc.value_of(out).data == number


def test_labels_are_computed_and_a_long_one_is_cut():
    doc = import_code("a = Value(1.0)\nb = a * 2; b.label = 'x' + 'y'\n")
    assert doc.nodes[doc.selected_output].label == "xy"
    doc = import_code("a = Value(1.0)\nb = Value(2.0, label='" + "x" * 5000 + "')\nc = a + b\n")
    labels = [n.label for n in doc.nodes.values()]
    assert labels[1].startswith("xxx") and labels[1].endswith("…")
    assert len(labels[1]) == MAX_LABEL


def test_nothing_to_build_is_refused():
    with pytest.raises(CodeImportError, match="builds no Value"):
        import_code("x = 3.0\ny = x * 2\n")
    with pytest.raises(CodeImportError, match="builds no Value"):
        import_code("")


def test_nothing_is_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for source in ("a = Value(1.0)\nopen('touched', 'w')\n", "print(open('touched', 'w'))\n"):
        with pytest.raises(CodeImportError, match="`open` is not available"):
            import_code(source)
    assert not (tmp_path / "touched").exists()


# --- limits -------------------------------------------------------------------------------------
def test_source_size_limit():
    src = "a = Value(1.0)\n" + "#" * MAX_SOURCE_BYTES
    with pytest.raises(CodeImportError, match="larger than"):
        import_code(src)


@pytest.mark.parametrize(
    "expr",
    [
        "-" * 100_000 + "x",
        "(" * 300 + "x" + ")" * 300,
        " + ".join(["x"] * 30_000),
    ],
)
def test_deep_nesting_is_refused_not_a_crash(expr):
    with pytest.raises(CodeImportError) as info:
        import_code("x = Value(1.0)\ny = " + expr + "\n")
    assert "nested" in str(info.value) or "not valid Python" in str(info.value)


def test_nesting_just_below_the_limit_is_fine():
    n = MAX_NESTING - 10
    doc = import_code("x = Value(1.0)\ny = " + " + ".join(["x"] * n) + "\n")
    assert data(doc, "y") == float(n)
    with pytest.raises(CodeImportError, match="line 2: the code is nested too deeply"):
        import_code("x = Value(1.0)\ny = " + " + ".join(["x"] * (MAX_NESTING + 5)) + "\n")


def test_node_count_limit():
    # a loop makes graphs of any size; a document holds at most MAX_PROGRAM_NODES
    src = f"x = Value(1.0)\nfor i in range({MAX_PROGRAM_NODES // 4 + 1}):\n    x = x * 2 + 1\n"
    with pytest.raises(CodeImportError, match=f"a document holds at most {MAX_PROGRAM_NODES:,}"):
        import_code(src)


def test_bytes_and_null_bytes():
    with pytest.raises(CodeImportError, match="not valid Python"):
        import_code("a = Value(1.0)\0")
    with pytest.raises(CodeImportError, match="UTF-8"):
        import_code(b"a = Value(1.0) # \xff\n")
    assert len(import_code(b"a = Value(1.0)\n").nodes) == 1


# --- properties ---------------------------------------------------------------------------------
NAMES = {"x": 1.5, "y": -0.75, "z": 0.0}
numbers = st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5, -1.0, -2.5, 10.0, 1e-3])


def _tree():
    leaf = st.one_of(
        st.sampled_from(sorted(NAMES)).map(lambda n: ("name", n)), numbers.map(lambda v: ("num", v))
    )

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(["+", "-", "*", "/", "**"]), children, children),
            st.tuples(st.just("neg"), children),
            st.tuples(st.sampled_from(["tanh", "relu", "exp", "log", "sigmoid"]), children),
        )

    return st.recursive(leaf, extend, max_leaves=25)


def _source(t) -> str:
    tag = t[0]
    if tag == "name":
        return t[1]
    if tag == "num":
        return f"({t[1]!r})"
    if tag == "neg":
        return f"(-{_source(t[1])})"
    if len(t) == 2:
        return f"({_source(t[1])}).{tag}()"
    return f"({_source(t[1])} {tag} {_source(t[2])})"


_VALUE_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


def _evaluate(t, leaves):
    """The same expression in Python with engine Values: numbers with numbers are Python's
    own (1/0 raises, (-1)**0.5 is complex), which is what the interpreter promises."""
    tag = t[0]
    if tag == "name":
        return leaves[t[1]]
    if tag == "num":
        return t[1]
    if tag == "neg":
        return -_evaluate(t[1], leaves)
    if len(t) == 2:
        return getattr(_evaluate(t[1], leaves), tag)()
    return _VALUE_OPS[tag](_evaluate(t[1], leaves), _evaluate(t[2], leaves))


def _has_name(t) -> bool:
    return t[0] == "name" or (t[0] != "num" and any(_has_name(c) for c in t[1:]))


def _has_method_on_number(t) -> bool:
    if t[0] in ("name", "num"):
        return False
    if len(t) == 2 and t[0] != "neg" and not _has_name(t[1]):
        return True
    return any(_has_method_on_number(c) for c in t[1:])


def _constants(t) -> list[float]:
    """The numbers that become constant nodes (or exponents): the largest name-free parts."""
    if not _has_name(t):
        return [_evaluate(t, {})]
    if t[0] == "name":
        return []
    return [c for child in t[1:] for c in _constants(child)]


def _python_refuses(t) -> bool:
    """Does Python (or the engine with a complex operand) stop on this expression's numbers?"""
    try:
        constants = _constants(t)
    except (ZeroDivisionError, OverflowError, AttributeError):
        return True
    return any(isinstance(c, complex) for c in constants)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_tree())
def test_random_expressions_import_to_the_engines_numbers(tree):
    values = {n: Value(v) for n, v in NAMES.items()}
    if _has_method_on_number(tree) or _python_refuses(tree):
        with pytest.raises(CodeImportError, match="^line 1: "):
            import_expression(_source(tree), NAMES)
        return
    if not all(math.isfinite(c) for c in _constants(tree)):
        with pytest.raises(CodeImportError, match="finite"):
            import_expression(_source(tree), NAMES)
        return
    expected = _evaluate(tree, values)
    doc = import_expression(_source(tree), NAMES)
    out = doc.value_of(doc.selected_output)
    if not isinstance(expected, Value):
        assert same(out.data, expected)
        return
    assert same(out.data, expected.data)
    expected.backward()
    doc.backward()
    for nid, node in doc.nodes.items():
        if node.kind == "input":
            assert same(doc.value_of(nid).grad, values[node.label].grad), node.label


_TOKENS = [
    "a",
    "b",
    "x",
    "=",
    " ",
    "Value(",
    ")",
    "(",
    "+",
    "-",
    "*",
    "/",
    "**",
    "\n",
    ";",
    ".tanh()",
    ".relu()",
    ".label",
    ".data",
    "1.0",
    "2",
    "-3",
    "label=",
    "'s'",
    ",",
    "print(",
    "import math",
    "math.inf",
    "[",
    "]",
    "lambda",
    ":",
    "for",
    "in",
    "\t",
    "\\",
    "#",
    '"',
    "{",
    "}",
    "0x1F",
    "1e999",
    "not",
    "if",
    "else",
    ".",
    "_",
]
_VALID = "a = Value(2.0, label='a')\nb = a * 3 + (a - 1).tanh()\nb.label = 'b'\nc = b ** 2\n"


@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join),
        st.tuples(st.integers(0, len(_VALID)), st.integers(0, 12), st.text(max_size=6)).map(
            lambda t: _VALID[: t[0]] + t[2] + _VALID[t[0] + t[1] :]
        ),
    )
)
def test_fuzzed_text_only_raises_document_errors(text):
    for read in (import_code, import_expression):
        try:
            doc = read(text)
        except DocumentError as exc:
            assert str(exc)
            continue
        assert doc.selected_output in doc.nodes
