"""Programs a red team would paste: each is refused or stopped with a message naming its line,
and none of them gets to touch the machine (each also tries to create a marker file)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.interpreter import Limits, ProgramError, run_program

FAST = Limits(steps=200_000, nodes=50_000, seconds=5.0)

ESCAPES = [
    ("x = ().__class__.__bases__[0].__subclasses__()", 1, "`().__class__"),
    ("a = Value(1.0)\nx = a.__dict__", 2, "`a.__dict__`"),
    ("x = getattr(Value, 'mro')", 1, "`getattr` is not available"),
    ("x = type(1)", 1, "`type` is not available"),
    ("x = globals()", 1, "`globals` is not available"),
    ("x = vars()", 1, "`vars` is not available"),
    ("x = eval('1')", 1, "`eval` is not available"),
    ("x = exec('1')", 1, "`exec` is not available"),
    ("x = compile('1', 'f', 'exec')", 1, "`compile` is not available"),
    ("x = __builtins__", 1, "`__builtins__` is not available"),
    ("x = __import__('os')", 1, "`__import__` is not available"),
    ("try:\n    1/0\nexcept Exception as e:\n    t = e.__traceback__", 1, "try/except"),
    ("g = (i for i in range(3))\nf = g.gi_frame", 2, "has no attribute 'gi_frame'"),
    ("x = '{0.__class__}'.format(1)", 1, "str.format() is not available"),
    ("v = Value(1.0)\nx = '%s' % v", 2, "cannot take % of a string and a Value"),
    ("@staticmethod\ndef f():\n    pass", 1, "decorators are not available"),
    ("class M(metaclass=type):\n    pass", 1, "metaclass"),
    ("import os", 1, "`os` is not available"),
    ("from os import system", 1, "`os` is not available"),
    ("import subprocess", 1, "`subprocess` is not available"),
    ("from micrograd.engine import Value\nimport sys", 2, "`sys` is not available"),
    ("x = list(range(10**12))", 1, "too large"),
    ("x = sum(range(10**12))", 1, "too large"),
    ("x = 2**10**10", 1, "too large"),
    ("x = 'a' * 10**10", 1, "too large"),
    ("x = [0] * 10**10", 1, "too large"),
    ("def f(n):\n    return f(n + 1)\nx = f(0)", 2, "nested more than"),
    ("f = lambda: f()\nx = f()", 1, "nested more than"),  # the lambda's own line
    ("while True:\n    pass", 1, "steps and was stopped"),
    ("while True:\n    x = Value(1.0) + 1", 1, "Values and was stopped"),
    ("x = " + "-" * 1000 + "1", 1, "nested too deeply"),
    ("a = Value(1.0)\nb = Value(2.0, (a,), '+')", 2, "by hand"),
    ("a = Value(1.0)\na._backward = None", 2, "cannot be set"),
    ("class A:\n    def __getattr__(self, n):\n        return 1", 2, "__getattr__"),
    ("class A:\n    def __add__(self, o):\n        return 1", 2, "__add__"),
    ("x = f'{1.0:.999999999f}'", 1, "too large"),
    ("import numpy as np\nx = np.zeros(3)", 2, "numpy"),
    ("s = 'x'\nfor i in range(64):\n    s = s + s", 3, "too large"),
]


@pytest.mark.parametrize(("source", "line", "said"), ESCAPES)
def test_every_escape_is_refused_with_its_line_and_runs_nothing(tmp_path, source, line, said):
    marker = tmp_path / "marker"
    # the program's last act would be to create the marker: open() and os are out of reach
    attempt = source + f"\nopen({str(marker)!r}, 'w')\n"
    with pytest.raises(ProgramError) as info:
        run_program(attempt, limits=FAST)
    assert info.value.line == line, str(info.value)
    assert str(info.value).startswith(f"line {line}: ")
    assert said in str(info.value), str(info.value)
    assert not marker.exists()


def test_the_marker_attempt_alone_is_refused(tmp_path):
    marker = tmp_path / "marker"
    for attempt in (
        f"open({str(marker)!r}, 'w')",
        f"import os\nos.system('touch {marker}')",
        f"from pathlib import Path\nPath({str(marker)!r}).touch()",
    ):
        with pytest.raises(ProgramError):
            run_program(attempt, limits=FAST)
    assert not marker.exists()


def test_a_self_referential_list_prints_without_recursing():
    run = run_program("a = []\na.append(a)\nprint(a)\nprint([a, [a]])")
    assert run.log == ["[[...]]", "[[[...]], [[[...]]]]"]


_ATOMS = st.sampled_from(["1", "2.5", "-3", "x", "y", "v", "w", "xs", "'s'", "None", "True"])
_ATTRIBUTES = st.sampled_from(
    ["tanh()", "data", "grad", "relu()", "exp()", "_prev", "__class__", "append(1)"]
)
_BINOPS = st.sampled_from(["+", "-", "*", "/", "**", "//", "%", "<", "==", " and ", " or "])


@st.composite
def expressions(draw, depth=0):
    if depth > 3 or draw(st.booleans()):
        return draw(_ATOMS)
    kind = draw(st.integers(0, 6))
    a = draw(expressions(depth + 1))
    b = draw(expressions(depth + 1))
    if kind == 0:
        return f"({a}{draw(_BINOPS)}{b})"
    if kind == 1:
        return f"{a}.{draw(_ATTRIBUTES)}"
    if kind == 2:
        return f"[{a}, {b}][{draw(st.integers(-3, 3))}]"
    if kind == 3:
        return f"sum([{a}, {b}])"
    if kind == 4:
        return f"({a} if {b} else {a})"
    if kind == 5:
        return f"[t * {a} for t in range({draw(st.integers(0, 3))})]"
    return f"len({a})"


@st.composite
def programs(draw):
    lines = ["x = Value(1.5)", "y = Value(-2.0)", "v = 3", "w = [Value(0.5), 2]", "xs = [1, 2]"]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 4))
        e = draw(expressions())
        if kind == 0:
            lines.append(f"{draw(st.sampled_from(['x', 'y', 'z', 'v']))} = {e}")
        elif kind == 1:
            lines.append(f"for i in range(3):\n    z = {e}")
        elif kind == 2:
            lines.append(f"if {e}:\n    z = {e}")
        elif kind == 3:
            lines.append(f"print({e})")
        else:
            lines.append(f"def f(a, b=1):\n    return {e}\nz = f(x)")
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(programs())
def test_any_program_ends_in_a_run_or_a_program_error(source):
    try:
        run = run_program(source, limits=FAST)
    except ProgramError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:
        assert run.steps > 0
