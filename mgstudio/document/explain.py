"""What a node is, in words: its op, the formula it computes with its own inputs' names, and
what its grad means right now. The canvas shows this as a node's tooltip; the words about
each kind come from the kind registry (``KINDS[...].doc``), so a new kind explains itself.

Plain text: whoever shows it as rich text escapes it (labels are the learner's text)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .fileformat import describe, short_name
from .kinds import KINDS
from .outputs import shown_output

if TYPE_CHECKING:
    from .model import Document

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_METHOD = re.compile(r"^(\{\w+\})\.(\w+)\(\)$")


def _num(x: float) -> str:
    return f"{x:.6g}"


def _name(doc: Document, nid: str) -> str:
    node = doc.nodes[nid]
    return node.label or node.id


def _operand(doc: Document, nid: str) -> str:
    """A wired-in node as a formula names it: its label, an unlabelled leaf by its number."""
    node = doc.nodes[nid]
    if not node.label and KINDS[node.kind].is_leaf and node.value is not None:
        return _num(node.value)
    return _name(doc, nid)


def formula(doc: Document, nid: str) -> str:
    """``e = a * b`` with the names of the nodes wired in (a port's own name while unwired),
    ``x**2`` with the exponent set on the node; leaves give their number."""
    node = doc.nodes[nid]
    kind = KINDS[node.kind]
    me = _name(doc, nid)
    if kind.is_leaf:
        return f"{me} = {_num(node.value)}" if node.value is not None else me
    wired = doc.inputs_of(nid)
    params = {**kind.default_params(), **node.params}

    def fill(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in wired:
            return _operand(doc, wired[key].src)
        if key in params:
            return _num(params[key])
        return key

    code = _METHOD.sub(r"\2(\1)", kind.code)  # "{a}.tanh()" reads as "tanh({a})"
    body = _PLACEHOLDER.sub(fill, code) if code else kind.symbol
    if node.kind == "pow" and "exponent" in wired:  # the wire gives the power, not the setting
        body = (
            f"{_operand(doc, wired['a'].src) if 'a' in wired else 'a'}**"
            f"{_operand(doc, wired['exponent'].src)}"
        )
    return f"{me} = {body}"


def grad_meaning(doc: Document, nid: str) -> str:
    """What this node's grad says, with the output it was taken from."""
    value = doc.value_of(nid)
    if value is None:
        return doc.why_incomplete(nid) or "incomplete: it shows no number yet"
    out = shown_output(doc)
    if out is None or doc.value_of(out) is None:
        return "grad: no output to backpropagate from yet"
    me, y = _name(doc, nid), _name(doc, out)
    if out == nid:
        return f"grad = ∂{y}/∂{y} = 1: Backward starts here"
    if not doc.grads_current:
        return f"grad: press Backward to see how much {y} moves when {me} moves"
    if nid not in doc.upstream_ids(out):
        return f"grad = 0: {y} does not depend on {me}"
    g = value.grad
    return (
        f"grad = ∂{y}/∂{me} = {_num(g)}: nudging {me} up by a small h moves {y} by "
        f"about {_num(g)}·h"
    )


def node_tooltip(doc: Document, nid: str) -> str:
    """Several lines of plain text about a node (see the module docstring)."""
    node = doc.nodes[nid]
    kind = KINDS[node.kind]
    title = describe(node) if node.label else f"{kind.title} {short_name(node)}"
    if kind.symbol != kind.title and not kind.is_leaf:
        title += f"  ({kind.symbol})"
    return "\n".join((title, formula(doc, nid), kind.doc, grad_meaning(doc, nid)))
