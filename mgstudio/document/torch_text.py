"""Python text for the torch-module export: numbers, comments, and each op's ``torch``
template (its registry row's) filled in with operand text, parenthesised only where the
template's parsed form needs it (``w1 * x1 + b``, ``torch.tanh(w * x)``, ``(a + b) * c``).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping, Sequence
from functools import cache

from mgstudio.engine.registry import Op, torch_slots

from .code_export import _one_line

_WIDTH = 96  # wrap long lists of numbers at this width


class TorchExportError(ValueError):
    """The document cannot be written as a PyTorch module (a sentence saying why)."""


# --- numbers and text ---------------------------------------------------------------------
def torch_number(x: float) -> str:
    """A float as Python source: ``repr`` when finite, ``float('nan')`` and ``float('inf')``
    otherwise (a parameter that training blew up is still written)."""
    x = float(x)
    if math.isnan(x):
        return "float('nan')"
    if math.isinf(x):
        return "float('inf')" if x > 0 else "-float('inf')"
    return repr(x)


def comment(text: object, limit: int = 60) -> str:
    """A label or name as comment text: one printable line, cut at ``limit``."""
    line = "".join(ch for ch in _one_line(str(text)) if ch.isprintable())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def docstring_text(label: str) -> str:
    """A label inside the module's docstring: no quote or backslash that could end it."""
    return comment(label, 30).replace('"', "'").replace("\\", "/")


def number_list(values: Sequence[float], indent: str) -> list[str]:
    """``[a, b, ...]`` on one line when short, else wrapped to lines of ``_WIDTH`` under
    ``indent`` (the opening and closing brackets on lines of their own)."""
    texts = [torch_number(v) for v in values]
    one = "[" + ", ".join(texts) + "]"
    if len(indent) + len(one) <= _WIDTH - 24:  # room for a key or a comment
        return [one]
    rows: list[str] = []
    row = ""
    inner = indent + "    "
    for t in texts:
        piece = f"{t},"
        if row and len(inner) + len(row) + 1 + len(piece) > _WIDTH:
            rows.append(inner + row)
            row = ""
        row = f"{row} {piece}" if row else piece
    rows.append(inner + row)
    return ["[", *rows, indent + "]"]


# --- torch templates and their precedence -------------------------------------------------
#: precedence of the Python written (higher binds tighter; ``_ANY``: no parentheses needed)
_ANY, _LOW, _ADD, _MUL, UNARY, _POW, ATOM = 0, 1, 2, 3, 4, 5, 6
_BINARY = {ast.Add: _ADD, ast.Sub: _ADD, ast.Mult: _MUL, ast.Div: _MUL, ast.FloorDiv: _MUL}
_BINARY |= {ast.Mod: _MUL, ast.MatMult: _MUL, ast.Pow: _POW}
Text = tuple[str, int]  # Python text and its precedence (names, calls, numbers: atoms)


def _precedence(node: ast.expr) -> int:
    if isinstance(node, ast.BinOp):
        return _BINARY.get(type(node.op), _LOW)
    if isinstance(node, ast.UnaryOp):
        return UNARY
    if isinstance(node, ast.Call | ast.Attribute | ast.Subscript | ast.Name | ast.Constant):
        return ATOM
    return _LOW


@cache
def _form(template: str, slots: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """The template's own precedence and, per placeholder, the least precedence an operand
    written there may have without parentheses (read from the parsed template)."""
    marks = {s: f"slot_{s}_" for s in slots}
    tree = ast.parse(template.format(**marks), mode="eval").body
    needs: dict[str, int] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            if not (isinstance(child, ast.Name) and child.id.startswith("slot_")):
                continue
            slot = child.id[5:-1]
            if isinstance(parent, ast.BinOp):
                p = _BINARY.get(type(parent.op), ATOM)
                right = child is parent.right
                need = (UNARY if right else p + 1) if p == _POW else (p + 1 if right else p)
            elif isinstance(parent, ast.UnaryOp):
                need = _POW
            elif isinstance(parent, ast.Call) and child in parent.args:
                need = _ANY
            elif isinstance(parent, ast.keyword):
                need = _ANY
            else:
                need = ATOM
            needs[slot] = max(need, needs.get(slot, _ANY))
    return _precedence(tree), needs


def fill(op: Op, operands: Mapping[str, Text]) -> Text:
    """The op's torch form with its operands written in, parenthesised only where needed."""
    if not op.torch:
        raise TorchExportError(
            f"the op {op.name!r} has no PyTorch form, so the graph cannot be written as a "
            "PyTorch module (give its registry row a torch template)"
        )
    prec, needs = _form(op.torch, torch_slots(op))
    texts = {}
    for slot, (text, p) in operands.items():
        texts[slot] = text if p >= needs.get(slot, ATOM) else f"({text})"
    return op.torch.format(**texts), prec
