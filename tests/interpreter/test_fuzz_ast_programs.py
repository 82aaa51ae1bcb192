"""Random small programs from a grammar over the subset the interpreter runs (assignments,
arithmetic on ints, floats and Values, lists, comprehensions, for/while/if, defs, a class,
builtins): the interpreter only ever ends in its own errors, and a program it runs prints
what CPython prints running the same text with mgstudio's engine as micrograd (no randomness,
so both print the same lines); a program it refuses for anything but a budget fails in
CPython too. Names carry a type (``a`` an int, ``v`` a Value ...), so most
programs are valid Python and the comparison has something to compare."""

from __future__ import annotations

from helpers.oracle import engine_oracle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.interpreter import LimitReached, Limits, ProgramError, run_program

LIMITS = Limits(steps=200_000, nodes=20_000, seconds=5.0, memory=20_000_000)

NAMES = {"int": ["a", "b"], "float": ["f", "g"], "value": ["v", "w"], "list": ["xs", "ys"]}
PRELUDE = [
    "from micrograd.engine import Value",
    "a = 2",
    "b = -3",
    "f = 0.5",
    "g = 1.25",
    "v = Value(0.5)",
    "w = Value(-1.5)",
    "xs = [1, 2.5, -3]",
    "ys = []",
    "class Acc:",
    "    def __init__(self, start):",
    "        self.total = start",
    "    def add(self, x):",
    "        self.total = self.total + x",
    "        return self.total",
    "    def __call__(self, x):",
    "        return self.add(x) * 2",
    "def mix(p, q=1):",
    "    return p * q + p",
    "acc = Acc(0)",
]

_SMALL_INT = st.integers(-3, 5).map(str)
_SMALL_FLOAT = st.sampled_from(["0.5", "-1.25", "2.0", "0.1", "3.75"])
_ARITH = st.sampled_from(["+", "-", "*"])


@st.composite
def number(draw, depth=0):
    """An int or float expression (``/``, ``//`` and ``%`` may divide by zero: both fail)."""
    if depth > 2 or draw(st.integers(0, 3)) == 0:
        kind = draw(st.integers(0, 3))
        if kind == 0:
            return draw(_SMALL_INT)
        if kind == 1:
            return draw(_SMALL_FLOAT)
        return draw(st.sampled_from(NAMES["int"] + NAMES["float"]))
    a, b = draw(number(depth + 1)), draw(number(depth + 1))
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        return f"({a} {draw(_ARITH)} {b})"
    if kind == 4:
        return f"({a} {draw(st.sampled_from(['/', '//', '%']))} {b})"
    if kind == 5:
        return f"({a}) ** {draw(st.integers(0, 3))}"
    if kind == 6:
        return f"{draw(st.sampled_from(['abs', 'float', 'int']))}({a})"
    if kind == 7:
        return f"{draw(st.sampled_from(['len', 'sum', 'min', 'max']))}({draw(a_list(depth + 1))})"
    if kind == 8:
        return f"mix({a}, {b})"
    return f"({a} if {draw(condition(depth + 1))} else {b})"


@st.composite
def condition(draw, depth=0):
    a, b = draw(number(depth + 1)), draw(number(depth + 1))
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return f"{a} {draw(st.sampled_from(['<', '<=', '==', '!=', '>']))} {b}"
    if kind == 1:
        return f"({a} < {b}) {draw(st.sampled_from(['and', 'or']))} not ({b} > 0)"
    return f"{draw(number(depth + 1))} in {draw(a_list(depth + 1))}"


@st.composite
def a_list(draw, depth=0):
    kind = draw(st.integers(0, 6))
    if kind == 0 or depth > 2:
        return draw(st.sampled_from(NAMES["list"]))
    if kind == 1:
        return f"[{draw(number(depth + 1))}, {draw(number(depth + 1))}]"
    if kind == 2:
        return f"list(range({draw(st.integers(0, 4))}))"
    if kind == 3:
        return f"[x * {draw(number(depth + 1))} for x in {draw(a_list(depth + 1))}]"
    if kind == 4:
        return f"[i for i in range({draw(st.integers(0, 5))}) if i % 2 == 0]"
    if kind == 5:
        return f"sorted({draw(a_list(depth + 1))})"
    return f"{draw(a_list(depth + 1))} + {draw(a_list(depth + 1))}"


@st.composite
def value(draw, depth=0):
    kind = draw(st.integers(0, 7))
    if kind <= 1 or depth > 2:
        return draw(st.sampled_from(NAMES["value"]))
    inner = draw(value(depth + 1))
    if kind == 2:
        return f"Value({draw(number(depth + 1))})"
    if kind == 3:
        return f"({inner} {draw(_ARITH)} {draw(number(depth + 1))})"
    if kind == 4:
        return f"({draw(number(depth + 1))} {draw(_ARITH)} {inner})"
    if kind == 5:
        return f"{inner}.{draw(st.sampled_from(['tanh()', 'relu()', 'exp()']))}"
    if kind == 6:
        return f"({inner} * {draw(value(depth + 1))} + {inner} ** 2)"
    return f"sum([{inner}, {draw(value(depth + 1))}], Value(0.0))"


def expression_of(kind):
    return {"int": number(), "float": number(), "value": value(), "list": a_list()}[kind]


@st.composite
def statement(draw, depth=0, loop=""):
    kind = draw(st.integers(0, 9 if depth < 2 else 5))
    typed = draw(st.sampled_from(sorted(NAMES)))
    name = draw(st.sampled_from(NAMES[typed]))
    pad = "    " * depth
    if kind <= 1:
        return f"{pad}{name} = {draw(expression_of(typed))}"
    if kind == 2:
        op = "+=" if typed == "list" else draw(st.sampled_from(["+=", "-=", "*="]))
        right = draw(a_list()) if typed == "list" else draw(number())
        return f"{pad}{name} {op} {right}"
    if kind == 3:
        shown = draw(st.sampled_from([number(), value(), a_list(), st.just(f"{name}")]))
        return f"{pad}print({draw(shown)})"
    if kind == 4:
        pick = draw(st.integers(0, 3))
        if pick == 0:
            return f"{pad}ys.append({draw(number())})"
        if pick == 1:
            return f"{pad}print(acc({draw(number())}), acc.total)"
        if pick == 2:
            return f"{pad}{draw(st.sampled_from(NAMES['value']))}.backward()"
        return f"{pad}print(v.data, v.grad, w.data, w.grad)"
    if kind == 5:
        return f"{pad}print(f'{{{draw(number())}:.3f}}', str({draw(number())}))"
    body = "\n".join(draw(st.lists(statement(depth + 1), min_size=1, max_size=3)))
    if kind == 6:
        loop_name = f"i{depth}"
        return f"{pad}for {loop_name} in range({draw(st.integers(0, 3))}):\n{body}"
    if kind == 7:
        counter = f"n{depth}"
        return (
            f"{pad}{counter} = 0\n{pad}while {counter} < {draw(st.integers(0, 3))}:\n"
            f"{pad}    {counter} += 1\n{body}"
        )
    if kind == 8:
        other = "\n".join(draw(st.lists(statement(depth + 1), min_size=1, max_size=2)))
        return f"{pad}if {draw(condition())}:\n{body}\n{pad}else:\n{other}"
    return (
        f"{pad}def helper{depth}(p, q=2):\n{pad}    return p * q - {draw(number())}\n"
        f"{pad}{draw(st.sampled_from(NAMES['float']))} = helper{depth}({draw(number())})"
    )


@st.composite
def program(draw):
    lines = draw(st.lists(statement(), min_size=1, max_size=8))
    return "\n".join(PRELUDE + lines) + "\n"


def python_prints(source: str) -> list[str] | None:
    """The lines CPython prints for the (test-generated) program, or None if it fails."""
    try:
        _, printed = engine_oracle(source)
    except Exception:  # noqa: BLE001 - any failure of CPython's: the interpreter must fail too
        return None
    return printed


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(program())
def test_a_random_program_ends_in_its_own_error_or_prints_what_python_prints(source):
    try:
        run = run_program(source, limits=LIMITS)
    except ProgramError as exc:  # LimitReached and ProgramCancelled are ProgramErrors
        message = str(exc)
        assert message and "Traceback" not in message
        if not isinstance(exc, LimitReached):  # a division by zero, min([]) ...: Python's too
            assert python_prints(source) is None, f"refused a valid program ({message}):\n{source}"
        return
    # anything else (a TypeError, a RecursionError ...) escaped and fails the test here
    printed = python_prints(source)
    assert printed is not None, f"the interpreter ran a program CPython refuses:\n{source}"
    assert run.log == printed, source
