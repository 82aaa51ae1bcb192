"""Fuzzed file loading and code import: only DocumentError with a clear message, no hang,
nothing executed. ``benchmarks/fuzz_long.py`` runs the same checks for minutes."""

from __future__ import annotations

import json
import sys
import time

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.document import Document, DocumentError
from mgstudio.document.code_export import export_micrograd
from mgstudio.document.code_import import import_code, import_expression
from mgstudio.document.examples import list_examples

# the long profile multiplies the fast checks' budget
FAST = settings(
    max_examples=examples(1000),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MEDIUM = settings(
    max_examples=examples(500),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

EXAMPLE_BYTES = [p.read_bytes() for _, p in list_examples()]
SNIPPETS = [export_micrograd(Document.load(p)) for _, p in list_examples()]


def check_message(exc: BaseException) -> None:
    """A message for a person: non-empty, one reason, no Python traceback text."""
    text = str(exc)
    assert text.strip(), f"{type(exc).__name__} without a message"
    assert "Traceback" not in text and 'File "' not in text, text


def load_json(text) -> Document | None:
    """Document.from_json: a document, or a DocumentError with a clear message."""
    try:
        doc = Document.from_json(text)
    except DocumentError as exc:
        check_message(exc)
        return None
    # whatever loads must save and load back to the same text
    again = doc.to_json()
    assert Document.from_json(again).to_json() == again
    return doc


def run_import(func, text: str) -> Document | None:
    try:
        result = func(text)
    except DocumentError as exc:
        check_message(exc)
        return None
    return result


# --- strategies ---------------------------------------------------------------------------
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        ["input", "add", "mul", "tanh", "pow", "a", "b", "n1", "n2", "value", "nodes"]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "format",
                    "version",
                    "nodes",
                    "wires",
                    "id",
                    "kind",
                    "label",
                    "value",
                    "params",
                    "pos",
                    "src",
                    "dst",
                    "port",
                    "title",
                    "output",
                    "x",
                ]
            )
            | st.text(max_size=6),
            inner,
            max_size=6,
        )
    ),
    max_leaves=12,
)


@st.composite
def mutated_example(draw) -> dict:
    """A real example with some fields replaced by random JSON: near-valid documents."""
    data = json.loads(draw(st.sampled_from(EXAMPLE_BYTES)))
    for _ in range(draw(st.integers(1, 4))):
        target = data
        path = []
        while isinstance(target, (dict, list)) and target and draw(st.booleans()):
            key = draw(
                st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
            )
            path.append((target, key))
            target = target[key]
        if path:
            parent, key = path[-1]
            parent[key] = draw(json_values)
        else:
            data[draw(st.sampled_from(sorted(data)))] = draw(json_values)
    return data


@st.composite
def mutated_bytes(draw, corpus) -> bytes:
    """Bytes of a real input with a few flips, insertions, deletions and duplications."""
    b = bytearray(draw(st.sampled_from(corpus)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "truncate"]))
        i = draw(st.integers(0, max(len(b) - 1, 0)))
        if op == "flip" and b:
            b[i] = draw(st.integers(0, 255))
        elif op == "insert":
            b[i:i] = draw(
                st.binary(min_size=1, max_size=8)
                | st.sampled_from(
                    [
                        b"[",
                        b"{",
                        b"(",
                        b'"',
                        b"-",
                        b"1e999",
                        b"NaN",
                        b"\\u0000",
                        b"**",
                        b".tanh()",
                        b"\n",
                    ]
                )
            )
        elif op == "delete" and b:
            del b[i : i + draw(st.integers(1, 16))]
        elif op == "dup":
            j = draw(st.integers(i, len(b)))
            b[i:i] = b[i:j]
        elif op == "truncate":
            del b[i:]
    return bytes(b)


# --- file loading ---------------------------------------------------------------------------
@MEDIUM
@given(json_values)
def test_random_json_structures_load_or_explain(value):
    load_json(json.dumps(value))


@SLOW
@given(mutated_example())
def test_mutated_example_structures_load_or_explain(data):
    load_json(json.dumps(data))


@FAST
@given(mutated_bytes(EXAMPLE_BYTES))
def test_mutated_example_bytes_load_or_explain(raw):
    load_json(raw)


@MEDIUM
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_random_bytes_and_text_load_or_explain(raw):
    load_json(raw)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        '{"format": "mgstudio", "nodes": ' + "[" * 50_000 + "]" * 50_000 + "}",
        "1" * 100_000,
        '{"nodes": [], "wires": [], "format": "mgstudio", "version": 1e999}',
    ],
)
def test_pathological_json_errors_quickly(text):
    limit = sys.getrecursionlimit()
    start = time.perf_counter()
    assert load_json(text) is None
    assert time.perf_counter() - start < 10.0  # a hang guard, not a speed test
    assert sys.getrecursionlimit() == limit


def test_load_on_disk_mutations(tmp_path):
    path = tmp_path / "f.mgs"
    for raw in (b"", b"\xff\xfe\x00", EXAMPLE_BYTES[0][: len(EXAMPLE_BYTES[0]) // 2]):
        path.write_bytes(raw)
        with pytest.raises(DocumentError) as info:
            Document.load(path)
        check_message(info.value)
    with pytest.raises(DocumentError) as info:
        Document.load(tmp_path)  # a folder
    check_message(info.value)


# --- code import ----------------------------------------------------------------------------
@FAST
@given(mutated_bytes([s.encode() for s in SNIPPETS]))
def test_mutated_walkthrough_snippets_import_or_explain(raw):
    run_import(import_code, raw.decode("utf-8", "replace"))


@FAST
@given(st.text(max_size=80))
def test_random_text_imports_or_explains(text):
    run_import(import_code, text)
    run_import(import_expression, text)


python_ish = st.lists(
    st.sampled_from(
        [
            "a",
            "b",
            "x",
            "Value(",
            "Value(2.0)",
            ")",
            "(",
            "+",
            "-",
            "*",
            "/",
            "**",
            ".tanh()",
            ".exp()",
            ".relu()",
            "tanh(",
            "exp(",
            "1e308",
            "0",
            "-0.0",
            "nan",
            "inf",
            "=",
            "\n",
            " ",
            ",",
            "label=",
            "'n'",
            ".data",
            ".grad",
            ".backward()",
            "import os",
            "lambda:",
            "[",
            "]",
            "{",
            "}",
            "__import__('os')",
            "from micrograd.engine import Value\n",
        ]
    ),
    max_size=40,
).map("".join)


@FAST
@given(python_ish)
def test_python_like_token_soup_imports_or_explains(text):
    run_import(import_code, text)
    run_import(import_expression, text)


HEAD = "from micrograd.engine import Value\na = Value(1.0)\n"


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "b = " + "(" * 1_000_000 + "a" + ")" * 1_000_000,  # 10^6 levels
        HEAD + "b = " + "(" * 90_000 + "a" + ")" * 90_000,
        HEAD + "b = " + "+".join(["a"] * 90_000),
        HEAD + "b = " + "-" * 190_000 + "a",
        HEAD + "b = " + "**".join(["a"] * 60_000),
        HEAD + "b = a" + ".tanh()" * 25_000,
        HEAD + "b = " + "lambda:" * 25_000 + "a",
        HEAD + "b = Value(" + "9" * 5_000 + ")",
        "tanh(" * 30_000 + "x" + ")" * 30_000,
    ],
)
def test_huge_or_deep_code_errors_quickly(text):
    limit = sys.getrecursionlimit()
    start = time.perf_counter()
    for func in (import_code, import_expression):
        assert run_import(func, text) is None
    assert time.perf_counter() - start < 20.0  # a hang guard, not a speed test
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize(
    "payload",
    [
        "__import__('os').system('touch {p}')",
        "import os\nos.system('touch {p}')",
        "open('{p}', 'w').write('x')",
        "from micrograd.engine import Value\na = Value(1.0)\nb = a + __import__('os').system("
        "'touch {p}')",
        "from micrograd.engine import Value\na = Value(float(open('{p}', 'w').close() or 1))",
        "(lambda: __import__('pathlib').Path('{p}').touch())()",
        "exec(\"open('{p}', 'w')\")",
        "eval(\"open('{p}', 'w')\")",
    ],
)
def test_code_is_never_executed(tmp_path, payload):
    target = tmp_path / "X"
    text = payload.format(p=target.as_posix())
    for func in (import_code, import_expression):
        run_import(func, text)
    assert not target.exists()


def test_snippets_are_the_walkthrough_examples():
    # the mutation corpus must be real, importable code or the fuzz above says little
    assert len(SNIPPETS) >= 5
    for text in SNIPPETS:
        assert run_import(import_code, text) is not None


def test_examples_corpus_loads():
    assert len(EXAMPLE_BYTES) >= 5
    for raw in EXAMPLE_BYTES:
        assert load_json(raw) is not None


__all__ = [
    "load_json",
    "run_import",
    "check_message",
    "json_values",
    "mutated_example",
    "mutated_bytes",
    "python_ish",
    "EXAMPLE_BYTES",
    "SNIPPETS",
]
