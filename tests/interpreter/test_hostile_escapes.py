"""Hostile and careless programs past the first red team (test_hostile_programs.py): memory
built up over a whole run, huge format widths, containers grown through slices and methods,
loops over a dict that changes, and every builtin's error in a learner's words. Each program
is stopped or refused with a message naming its line and, as there, would create a marker file
as its last act if anything let it run on."""

from __future__ import annotations

import pytest

from mgstudio.interpreter import LimitReached, Limits, ProgramError, run_program

# memory at a tenth of the default, so the memory cases stop after a few MB
LIMITS = Limits(steps=2_000_000, nodes=50_000, seconds=10.0, memory=20_000_000)

MEMORY = [
    # ~1 TB if nothing weighed it: each item is a fresh 1 MB string
    ("s = 'a' * 999990\nt = [s + str(i) for i in range(10**6)]", 2, "MB of strings and lists"),
    ("x = [0] * 10**9", 1, "too large"),
    ("x = 'a' * 10**9", 1, "too large"),
    ("x = (0,) * 10**9", 1, "too large"),
    ("x = list(range(10**9))", 1, "too large"),
    ("x = sorted(range(10**9))", 1, "too large"),
    ("x = tuple(range(10**9))", 1, "too large"),
    ("x = [*range(10**9)]", 1, "too large"),
    ("print(*range(10**9))", 1, "too large"),
    ("x = {i: i for i in range(10**7)}", 1, "too large"),
    ("x = ''.join(['a' * 1000] * 10000)", 1, "too large"),
    ("parts = ['a' * 1000] * 900\nx = [','.join(parts) for i in range(1000)]", 2, "MB"),
    ("row = [0] * 1000\nrows = [row * 1000 for i in range(100)]", 2, "MB"),
    ("x = [[0] * 10**4] * 1000\ny = [r[:] for r in x]", 2, "MB"),
    ("a = [0] * 10**5\nfor i in range(1000):\n    b = a + a", 3, "MB"),
    ("s = 'x' * 10**5\nfor i in range(1000):\n    t = s.upper()", 3, "MB"),
    ("s = 'ab' * 10**5\nfor i in range(1000):\n    t = s.split('a')", 3, "MB"),
    ("s = 'x' * 10**5\nfor i in range(1000):\n    t = f'{s}{i}'", 3, "MB"),
    ("d = {i: i for i in range(10**5)}\nfor i in range(100):\n    e = {**d}", 3, "MB"),
    ("x = ('a' * 10**5).replace('a', 'b' * 10**4)", 1, "too large"),
    # the item budget through every way a list grows in place
    ("a = [0]\na[:] = range(10**9)", 2, "too large"),
    ("a = [0]\na[:] = (i for i in range(10**12))", 2, "too large"),
    ("a = []\na.extend(range(10**9))", 2, "too large"),
    ("a = []\na += range(10**9)", 2, "too large"),
    ("a = [1] * 1000\nfor i in range(30):\n    a[:] = a + a", 3, "too large"),
    ("a = [1] * 1000\nfor i in range(30):\n    a += a", 3, "too large"),
    ("a = [1] * 1000\nfor i in range(30):\n    a.extend(a)", 3, "too large"),
    ("a = [1] * 1000\nfor i in range(30):\n    a[0:0] = a", 3, "too large"),
    ("a = [1]\nfor x in a:\n    a.append(x)", 3, "too large"),
    ("a = [1]\nfor x in a:\n    a.insert(0, x)", 2, "steps"),  # each insert moves the list
]

FORMATS = [
    ("x = '%*d' % (10**9, 1)", 1, "above 1000"),
    ("x = '%.*f' % (10**9, 1.0)", 1, "above 1000"),
    ("x = '%-*s' % (5000, 'a')", 1, "above 1000"),
    ("x = '%1000000000d' % 1", 1, "above 1000"),
    ("fmt = '%' + '9' * 5000 + 'd'\nx = fmt % 1", 2, "above 1000"),
    ("x = f'{1:>1000000000}'", 1, "above 1000"),
    ("x = f'{1:{10**9}}'", 1, "above 1000"),
    ("x = f'{1.5:.{10**9}f}'", 1, "above 1000"),
    ("x = f'{1:" + "9" * 5000 + "}'", 1, "above 1000"),
    ("x = format(1, '>1000000000')", 1, "`format` is not available"),
    ("x = '{0.__class__}'.format(1)", 1, "str.format() is not available"),
    ("x = '%(a)s' % {'a': Value(1.0)}", 1, "numbers and strings"),
    ("x = '%(a)s %(b)s' % {'a': 1}", 1, "key 'b' not found"),
    ("x = '%s %s' % (1,)", 1, "not enough arguments"),
    ("x = '%c' % 10**9", 1, "range"),
]

CHANGING = [
    ("d = {1: 1}\nfor k in d:\n    d[k + 1] = 1", 2, "the dict changed size while a loop"),
    ("s = {1, 2}\nfor k in s:\n    s.add(k + 10)", 2, "the set changed size while a loop"),
    ("d = {1: 1}\nx = [d.update({k + 1: 0}) for k in d]", 2, "changed size"),
]

FIRST_LINE = [  # several bad lines: the first in the text is reported
    ("x = open\ny = eval", 1, "`open` is not available"),
    ("import os\nimport sys", 1, "`os` is not available"),
    # what is refused before anything runs (imports, dunders, del ...): the first in the text
    ("x = 1\ny = ().__class__\nimport os", 2, "`().__class__`"),
    ("def f():\n    global q\nx = ().__class__", 2, "global is not available"),
    ("class A:\n    def g(self):\n        del self\n    import os", 3, "del is not"),
    ("x = [().__class__ for y in __builtins__]", 1, "`().__class__`"),
]

WORDS = [  # builtins named as Python names them, never our functions
    ("x = len(1, 2)", 1, "`len()` was given too many arguments"),
    ("x = abs()", 1, "`abs()` missing an argument"),
    ("a = []\na.append()", 2, "`list.append()` missing an argument"),
    ("x = [1, 2]\nx.sort(kee=1)", 2, "`list.sort()` got an unexpected keyword argument 'kee'"),
    ("x = 'abc'.split(1, 2, 3)", 1, "`str.split()` was given too many arguments"),
    ("import math\nx = math.exp()", 2, "`math.exp()`"),
    ("import random\nx = random.uniform(1)", 2, "`random.uniform()`"),
    ("x = dict.fromkeys(1)", 1, "the class dict has no attribute 'fromkeys'"),
    ("x = set()\nx.pop()", 2, "pop from an empty set"),
    ("import math\nx = math.log(-1)", 2, "math.log(-1) is outside the function's domain"),
    ("x = 10**100\ny = float(x) ** 10", 2, "past the largest float"),
    ("x = len(range(10**100))", 1, "too large here"),
    ("x = int('9' * 100000)", 1, "4,300 digits"),
]

RED_TEAM = [
    ("x = list(zip(range(10**9), range(10**9)))", 1, "too large"),
    ("x = list(enumerate(range(10**9), start=10**100))", 1, "too large"),
    ("x = list(range(0, 10**100, 10**90))", 1, "too large"),
    ("x = dict(zip(range(10**9), range(10**9)))", 1, "too large"),
    ("x = min([])", 1, "empty"),
    ("x = max()", 1, "empty"),
    ("import math\nx = math.factorial(10**6)", 2, "no 'factorial'"),
    ("import math\nx = math.pow(10, 1000)", 2, "too large"),
    ("import math\nx = math.exp(1000)", 2, "too large"),
    ("import random\nx = random.choice([])", 2, "empty"),
    (
        "import random\na = list(range(10**6))\nfor i in range(100):\n    random.shuffle(a)",
        3,
        "steps",
    ),
    ("x = all(True for i in range(10**12))", 1, "steps"),
    ("x = sum(i for i in range(10**12))", 1, "too large"),
    ("class A:\n    def __call__(self):\n        return self()\nx = A()()", 3, "nested more than"),
    ("class A:\n    def __init__(self):\n        A()\nx = A()", 3, "nested more than"),
    ("class A:\n    def __repr__(self):\n        return repr(self)\nprint(A())", 3, "nested"),
    ("class A:\n    def __repr__(self):\n        return 5\nprint(A())", 4, "return a string"),
    ("class A:\n    def __repr__(self):\n        return [self]\nx = str(A())", 4, "a string"),
    (
        "class A:\n    def __repr__(self):\n        while True:\n            pass\nprint(A())",
        3,
        "steps",
    ),
    ("f = lambda n: f(n + 1)\n\n\nx = f(0)", 1, "nested more than"),  # the lambda's line
    ("g = lambda: 1 / 0\nx = 1\nx = g()", 1, "division by zero"),
    (
        "a = []\nfor i in range(10**5):\n    a = [a]\nb = []\nfor i in range(10**5):\n    b = [b]\n"
        "x = a == b",
        7,
        "nested too deeply",
    ),
]

CASES = MEMORY + FORMATS + CHANGING + FIRST_LINE + WORDS + RED_TEAM


@pytest.mark.parametrize(("source", "line", "said"), CASES)
def test_each_hostile_program_ends_in_its_own_error_with_its_line(tmp_path, source, line, said):
    marker = tmp_path / "marker"
    attempt = source + f"\nopen({str(marker)!r}, 'w')\n"
    with pytest.raises(ProgramError) as info:
        run_program(attempt, limits=LIMITS)
    message = str(info.value)
    assert info.value.line == line, message
    assert message.startswith(f"line {line}: ")
    assert said in message, message
    for internal in ("Builtin", "Instance", "<lambda>", "impl", " at 0x", "sys.", "Traceback"):
        assert internal not in message, message
    assert not marker.exists()


def test_the_default_budget_stops_a_terabyte_of_strings_at_its_line():
    with pytest.raises(LimitReached) as info:
        run_program("s = 'a' * 999990\nt = [s + str(i) for i in range(10**6)]")
    assert info.value.line == 2
    assert "200 MB of strings and lists" in str(info.value)


def test_code_past_200_kb_says_how_big_it_is_and_what_the_limit_is():
    with pytest.raises(ProgramError) as info:
        run_program("x = '" + "a" * 300_000 + "'")
    assert "300 KB, larger than the 200 KB" in str(info.value)


def test_code_nested_too_deeply_to_read_names_the_line():
    source = "y = 1\n" * 3 + "x = " + "-" * 100_000 + "1\n"
    with pytest.raises(ProgramError) as info:
        run_program(source)
    assert info.value.line == 4
    assert "nested too deeply to read" in str(info.value)


def test_print_output_is_capped_per_call_and_in_all_with_a_last_line_that_says_so():
    one = run_program("print('a' * 10**6)", limits=LIMITS)
    assert len(one.log) == 1
    assert len(one.log[0]) < 110_000
    assert "one print of more than 100,000 characters, cut there" in one.log[0]
    many = run_program("for i in range(10**5):\n    print('x' * 1000)")  # 100 MB of text
    assert sum(len(line) for line in many.log[:-1]) == 1_000_000
    assert many.log[-1].startswith("… output cut")
    lines = run_program("for i in range(10**5):\n    print(i)", limits=LIMITS)
    assert lines.log[:3] == ["0", "1", "2"]
    assert len(lines.log) == 10_001
    assert lines.log[-1].startswith("… output cut")


def test_print_with_end_continues_the_line_as_python_does():
    run = run_program(
        "for i in range(5):\n    print(i, end='')\nprint()\nprint('a', end='-')\nprint('b')"
    )
    assert run.log == ["01234", "a-b"]


def test_round_with_a_huge_negative_digit_count_is_instant_and_right():
    run = run_program("x = round(10**300, -10**9)\ny = round(10**300, -200)\nz = round(1.25, True)")
    assert run.globals["x"] == 0
    assert run.globals["y"] == round(10**300, -200)
    assert run.globals["z"] == round(1.25, 1)


def test_micrograd_is_imported_in_each_of_pythons_ways():
    run = run_program(
        "import micrograd.engine\nv = micrograd.engine.Value(2.0)\n"
        "import micrograd\nw = micrograd.engine.Value(3.0)\n"
        "from micrograd import nn\nm = nn.MLP(2, [3, 1])\nout = m([v, w])\n"
        "print(len(m.parameters()))"
    )
    assert run.log == ["13"]
    assert run.globals["v"].data == 2.0


def test_classes_functions_and_modules_print_as_python_prints_them():
    run = run_program(
        "from micrograd.engine import Value\nfrom micrograd import nn\nimport math\n"
        "class Neuron:\n    def f(self):\n        pass\n"
        "def g():\n    pass\n"
        "print(Value)\nprint(Neuron)\nprint(Neuron())\nprint(g)\nprint(math)\n"
        "print(len)\nprint(math.exp)\nprint(nn.MLP)\nprint(repr(Neuron))\nprint(int)"
    )
    assert run.log == [
        "<class 'micrograd.engine.Value'>",
        "<class '__main__.Neuron'>",
        "<__main__.Neuron object>",
        "<function g>",
        "<module 'math'>",
        "<built-in function len>",
        "<built-in function exp>",
        "<class 'micrograd.nn.MLP'>",
        "<class '__main__.Neuron'>",
        "<class 'int'>",
    ]


def test_a_sort_by_a_builtin_key_works():
    run = run_program("x = sorted([3, -1, 2], key=abs)\ny = sorted(['bb', 'a'], key=len)")
    assert run.globals["x"] == [-1, 2, 3]
    assert run.globals["y"] == ["a", "bb"]
