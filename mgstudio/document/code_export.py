"""Write a document as a runnable script: micrograd style, or PyTorch to check it against.

The script builds the same graph with the same operations (so the mgstudio engine reproduces
the document's numbers exactly), runs backward from the output and prints every named node's
label, data and grad; a comment line names each group as its nodes begin
(``# neuron 'L1.N1'``). Named nodes are the labelled ones, the output, and any node used more
than once; an unlabelled single-use result is written inline (``d = a * b + b**3``) as the
lecture writes it, and a constant used once is written as a plain number (``d * 2``), which the
code importer reads back as a constant node.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from mgstudio.engine.registry import OPS, Op

from .kinds import KINDS

if TYPE_CHECKING:
    from .model import Document

#: kinds that exist in the PyPI micrograd package too (with a number as exponent)
MICROGRAD_KINDS = frozenset(
    {"input", "constant"} | {k.name for k in KINDS.values() if k.ops and OPS[k.ops[0]].in_micrograd}
)
_MAX_INLINE_DEPTH = 40  # deeper chains get names, so nothing reaches the importer's limits
_RESERVED = frozenset({"Value", "torch", "math", "print", "float", "name", "node", "nodes", "v"})

# precedence of the Python we write: atoms and calls bind tightest
_ATOM, _POW, _UNARY, _MUL, _ADD = 6, 5, 4, 3, 2
_BINARY = {"add": ("+", _ADD), "sub": ("-", _ADD), "mul": ("*", _MUL), "div": ("/", _MUL)}


def _function_op(kind: str) -> Op | None:
    """The op of a one-input function's node, written as its ``Value`` method (``x.tanh()``)."""
    k = KINDS.get(kind)
    if k is None or len(k.ops) != 1 or OPS[k.ops[0]].method is None:
        return None
    return OPS[k.ops[0]]


def export_micrograd(doc: Document, output: str | None = None) -> str:
    """A micrograd-style script that rebuilds the document and prints data and grads."""
    plan = _Plan(doc, output)
    uses = sorted({doc.nodes[n].kind for n in plan.order})
    missing = [KINDS[k].title for k in uses if k not in MICROGRAD_KINDS]
    if any(len(plan.operands[n]) == 2 and doc.nodes[n].kind == "pow" for n in plan.order):
        missing.append("Value ** Value")
    lines = [
        '"""' + _title(doc) + " (exported from mgstudio).",
        "",
        "Runs as it is with mgstudio's engine. For Karpathy's micrograd package instead, import",
        "Value with `from micrograd.engine import Value`"
        + (
            f"; micrograd lacks {', '.join(missing)}, which this graph uses."
            if missing
            else "; it has every operation this graph uses."
        ),
        '"""',
        "",
        "from mgstudio.engine import Value",
        "",
    ]
    leaf = lambda v: f"Value({_number(v)})"
    lines += plan.body(leaf, label_lines=True, retain=False)
    lines += plan.footer(data="{v}.data", grad="{v}.grad")
    return "\n".join(lines) + "\n"


def export_torch(doc: Document, output: str | None = None) -> str:
    """A PyTorch script (float64, every node's grad kept) that prints the same numbers."""
    plan = _Plan(doc, output, torch=True)
    lines = [
        '"""' + _title(doc) + " in PyTorch (exported from mgstudio), to compare its numbers.",
        '"""',
        "",
        "import torch",
        "",
    ]
    leaf = lambda v: f"torch.tensor({_number(v)}, dtype=torch.float64, requires_grad=True)"
    lines += plan.body(leaf, label_lines=False, retain=True)
    lines += plan.footer(data="{v}.item()", grad="0.0 if {v}.grad is None else {v}.grad.item()")
    return "\n".join(lines) + "\n"


def _title(doc: Document) -> str:
    title = getattr(doc, "title", "") or "An mgstudio graph"
    # one docstring line: printable, and no quote or backslash that could end or escape it
    text = "".join(ch for ch in _one_line(title) if ch.isprintable())
    return text.replace('"', "'").replace("\\", "/")[:80] or "An mgstudio graph"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _number(x: float) -> str:
    x = float(x)
    if math.isfinite(x) and x.is_integer() and abs(x) < 1e15 and x != 0.0:
        return f"{int(x)}.0"
    if math.isfinite(x):
        return repr(x)
    # computed values may be inf/nan, but we never write them: leaves and params are finite
    raise ValueError(f"cannot write the number {x!r} as a literal")


def _exponent(x: float) -> str:
    x = float(x)
    if math.isfinite(x) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


class _Plan:
    """Which nodes get a name, which are written inline, and in what order."""

    def __init__(
        self,
        doc: Document,
        output: str | None,
        torch: bool = False,
        reserved: Collection[str] = (),
        named: Collection[str] = (),
    ) -> None:
        """``reserved``: names the script uses itself; ``named``: nodes that get a variable
        even when they could be written inline (the class export's network inputs and
        outputs)."""
        self.doc = doc
        self.reserved = _RESERVED | frozenset(reserved)
        self.torch = torch  # write functions as PyTorch spells them (``Op.torch``)
        self.operands: dict[str, list[str]] = {}
        complete = {n for n in doc.nodes if doc.value_of(n) is not None}
        consumers: dict[str, int] = {n: 0 for n in doc.nodes}
        ports: dict[str, dict[str, str]] = {}
        for w in doc.wires:
            ports.setdefault(w.dst, {})[w.port] = w.src
            if w.dst in complete:  # a consumer left out of the script does not count
                consumers[w.src] += 1
        for nid, node in doc.nodes.items():
            given = ports.get(nid, {})
            self.operands[nid] = [given[p] for p in KINDS[node.kind].inputs if p in given]
        self.order = [n for n in doc.topological_ids() if n in complete]
        self.skipped = [n for n in doc.nodes if n not in complete]
        self.output = self._pick_output(output, complete)
        self.consumers = consumers
        self.inline: set[str] = set()
        depth: dict[str, int] = {}
        for nid in self.order:
            node = doc.nodes[nid]
            kind = node.kind
            d = 1 + max((depth.get(o, 0) for o in self.operands[nid]), default=0)
            single = (
                consumers.get(nid, 0) == 1
                and nid != self.output
                and not node.label
                and nid not in named
            )
            if kind == "constant" and single:
                self.inline.add(nid)  # a number in its consumer, if that consumer takes one
            elif kind not in ("input", "constant") and single and d <= _MAX_INLINE_DEPTH:
                self.inline.add(nid)
                depth[nid] = d
        self._settle_constants()
        self.names = self._names()

    def _pick_output(self, output: str | None, complete: Collection[str]) -> str | None:
        """The node the document's own ``backward()`` would start from, if it has a Value."""
        if output is None:
            output = self.doc.default_output()
        return output if output in complete else None

    def _settle_constants(self) -> None:
        """A number can only stand in an add/sub/mul/div next to a Value (two numbers would be
        folded by Python; ``2.0.tanh()`` is no Value): elsewhere the constant gets a name."""
        doc = self.doc
        ok: set[str] = set()
        for nid in self.order:
            ops = self.operands[nid]
            if doc.nodes[nid].kind not in _BINARY:
                continue
            inlined = [o for o in ops if o in self.inline and doc.nodes[o].kind == "constant"]
            if inlined and ops[0] != ops[-1]:
                ok.add(inlined[0])  # at most one number per operation
        for nid in list(self.inline):
            if doc.nodes[nid].kind == "constant" and nid not in ok:
                self.inline.discard(nid)

    def _names(self) -> dict[str, str]:
        taken = set(self.reserved)
        names = {}
        for nid in self.order:
            if nid in self.inline:
                continue
            node = self.doc.nodes[nid]
            base = _identifier(node.label) or _identifier(nid) or "n"
            name = base
            k = 2
            while name in taken:
                name = f"{base}_{k}"
                k += 1
            taken.add(name)
            names[nid] = name
        return names

    # --- writing ---------------------------------------------------------------------------------
    def expression(self, nid: str) -> tuple[str, int]:
        """Python for a node and its precedence (names and numbers are atoms)."""
        if nid in self.names:
            return self.names[nid], _ATOM
        node = self.doc.nodes[nid]
        if node.kind == "constant":
            text = _number(_leaf_value(node.value))
            return text, (_UNARY if text.startswith("-") else _ATOM)
        return self._compute(nid)

    def _compute(self, nid: str) -> tuple[str, int]:
        node = self.doc.nodes[nid]
        kind = node.kind
        ops = self.operands[nid]
        if kind in _BINARY:
            symbol, prec = _BINARY[kind]
            return (f"{self._wrap(ops[0], prec)} {symbol} {self._wrap(ops[1], prec + 1)}", prec)
        if kind == "neg":
            return "-" + self._wrap(ops[0], _UNARY + 1), _UNARY
        if kind == "pow":
            base = self._wrap(ops[0], _ATOM)
            if len(ops) == 2:
                return f"{base}**{self._wrap(ops[1], _UNARY)}", _POW
            k = (node.params or {}).get("exponent", KINDS["pow"].default_params()["exponent"])
            exp = _exponent(k)
            return f"{base}**{exp if not exp.startswith('-') else '(' + exp + ')'}", _POW
        op = _function_op(kind)
        if op is not None:
            # ``torch.tanh(a)`` is the tensor method ``a.tanh()``: written as micrograd's
            if self.torch and op.torch and op.torch != f"torch.{op.method}({{a}})":
                return op.torch.format(a=self._wrap(ops[0], _ADD)), _ATOM
            return f"{self._wrap(ops[0], _ATOM)}.{op.method}()", _ATOM
        raise ValueError(f"the code exporter does not know the kind {kind!r}")

    def _wrap(self, nid: str, need: int) -> str:
        text, prec = self.expression(nid)
        return text if prec >= need else f"({text})"

    def body(self, leaf: Callable[[float], str], label_lines: bool, retain: bool) -> list[str]:
        doc = self.doc
        lines = []
        if self.skipped:
            shown = ", ".join(_describe(doc, n) for n in self.skipped[:10])
            more = "" if len(self.skipped) <= 10 else f" and {len(self.skipped) - 10} more"
            lines.append(f"# left out, not computable (an input is not wired): {shown}{more}")
        heading = _GroupHeadings(doc)
        for nid in self.order:
            if nid in self.inline:
                continue
            lines += heading.before(nid)
            node = doc.nodes[nid]
            name = self.names[nid]
            if node.kind in ("input", "constant"):
                code = leaf(_leaf_value(node.value))
            else:
                code = self._compute(nid)[0]
            stmt = f"{name} = {code}"
            if retain and node.kind not in ("input", "constant"):
                stmt += f"; {name}.retain_grad()"
            if label_lines and node.label:
                # an attribute, not Value(..., label=): micrograd's Value takes no label
                stmt += f"; {name}.label = {node.label!r}"
            lines.append(stmt)
        lines.append("")
        if self.output is not None:
            lines.append(f"{self.names[self.output]}.backward()")
            lines.append("")
        return lines

    def footer(self, data: str, grad: str) -> list[str]:
        """One print per named node: a loop would not read back into the code importer."""
        if not self.names:
            return ["print('the graph is empty')"]
        lines = []
        for nid, name in self.names.items():
            shown = self.doc.nodes[nid].label or name
            values = f"{data.format(v=name)}, {grad.format(v=name)}"
            lines.append(f"print('%12s  data %.4f  grad %.4f' % ({shown!r}, {values}))")
        return lines


class _GroupHeadings:
    """Comment lines naming the groups (``# neuron 'L1.N1'``) as the statements enter them:
    each group's name the first time one of its nodes is written (outer groups first), and
    again, marked "continued", when the script comes back to it after another group's."""

    def __init__(self, doc: Document) -> None:
        self.groups = doc.groups
        self.seen: set[str] = set()
        self.current: str | None = None

    def before(self, nid: str) -> list[str]:
        if not self.groups:
            return []
        gid = self.groups.group_of(nid)
        if gid == self.current:
            return []
        self.current = gid
        if gid is None:
            return [""]  # back outside every group: a blank line sets it apart
        lines = [""]
        for g in reversed(self.groups.ancestors(gid)):
            if g not in self.seen:
                self.seen.add(g)
                lines.append(f"# {_one_line(self.groups.get(g).name)}")
            elif g == gid:
                lines.append(f"# {_one_line(self.groups.get(g).name)} (continued)")
        return lines


def _identifier(label: str) -> str:
    text = re.sub(r"\W", "_", label or "", flags=re.ASCII).strip("_")
    if not text:
        return ""
    if text[0].isdigit():
        text = "v" + text
    if keyword.iskeyword(text) or keyword.issoftkeyword(text):
        text += "_"
    return text


def _describe(doc: Document, nid: str) -> str:
    node = doc.nodes[nid]
    return _one_line(f"{node.label or nid} ({node.kind})")[:60]


def variable_names(doc: Document, output: str | None = None) -> dict[str, str]:
    """Node id -> the variable the exported scripts give it (nodes written inline have none)."""
    return dict(_Plan(doc, output).names)


def _leaf_value(value: float | None) -> float:
    """A leaf's number (the document gives every leaf one; -0.0 stays -0.0)."""
    return 0.0 if value is None else value
