"""A row ``register`` refuses leaves the registry as it was: no half-registered op that the
code importer would then read (``x.backward()`` as a node of a kind that does not exist) and no
built-in op replaced by a function that was refused. Tested through the code importer."""

from __future__ import annotations

import math

import pytest

from mgstudio.document import KINDS
from mgstudio.engine import OPS, Value
from mgstudio.engine.ops import FUNCTIONS, register
from mgstudio.engine.registry import Op


def row(name: str, method: str | None = None) -> Op:
    return Op(
        name,
        name,
        1,
        math.sin,
        local=lambda n: (math.cos(n._a.data),),
        np_forward=lambda A, B, K, out: None,
        np_local=lambda A, B, D, K: (1.0,),
        derivative=("cos(a)",),
        hint="h",
        method=name if method is None else method,
    )


def import_kinds(code: str) -> tuple[int, str, list[str]]:
    """The code importer on ``code``: (1, its refusal, []) or (0, "", the node kinds)."""
    from mgstudio.document.code_import import CodeImportError, import_code

    try:
        doc = import_code(code)
    except CodeImportError as exc:
        return 1, str(exc), []
    return 0, "", [n.kind for n in doc.nodes.values()]


#: what the interpreter says of ``b = a.<name>()`` once the row is refused: Value's own
#: backward runs (b is None), its data is a number, and the rest are no attribute at all
AFTER = {
    "backward": None,
    "data": "line 2: a float cannot be called",
    "input": "line 2: a Value has no attribute 'input'",
    "add": "line 2: a Value has no attribute 'add'",
    "pow": "line 2: a Value has no attribute 'pow'",
}


@pytest.mark.parametrize("name", ["backward", "data", "input", "add", "pow"])
def test_a_refused_row_changes_nothing(name):
    ops_before, functions_before = dict(OPS), list(FUNCTIONS)
    kinds_before = dict(KINDS)
    with pytest.raises(ValueError):
        register(row(name))
    assert OPS == ops_before and list(FUNCTIONS) == functions_before and KINDS == kinds_before
    assert (Value(2.0) + 3).data == 5.0 and (Value(2.0) ** 2).data == 4.0
    assert not hasattr(Value, "input") and not hasattr(Value, "add")
    rc, text, kinds = import_kinds(f"a = Value(1.0)\nb = a.{name}()\n")
    if AFTER[name] is None:
        assert (rc, kinds) == (0, ["input"]), text  # no node of a half-registered kind
    else:
        assert rc == 1 and text == AFTER[name], text


@pytest.mark.parametrize("method", ["my op", "for", "_private", "__class__", "x-y", ""])
def test_a_method_must_be_a_plain_public_identifier(method):
    """The code exporter writes ``x.<method>()`` and the importer reads it back: it must be a
    Python name, and not one of Python's own (dunder) attributes."""
    with pytest.raises(ValueError, match="method"):
        register(row(method, method))
    assert method not in OPS
