"""A document's model as a readable PyTorch module: ``class Net(torch.nn.Module)``.

``forward(x)`` takes a float64 tensor (N, features) and returns the prediction for each row,
(N,). An MLP the network pattern recognises (``network_pattern``: one network whose inputs are
the features and whose single output is the prediction) becomes ``nn.Linear`` layers and the
document's activations; any other graph becomes the same expression over tensors, each op
written as its registry row's ``torch`` form (an op without one is refused by name). The
parameters are kept as data in ``PARAMETERS`` (``load_state_dict`` keys), so the training
loop the training layer adds (``training/torch_export.py``) can load the run's initial ones
the same way. Node labels become the names (made identifiers); nothing here imports torch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mgstudio.engine.registry import OPS, Op

from .code_export import _identifier, _leaf_value, _title
from .kinds import KINDS
from .network_pattern import LINEAR, NeuronMatch, match_networks
from .torch_text import (
    ATOM,
    UNARY,
    Text,
    TorchExportError,
    comment,
    docstring_text,
    fill,
    number_list,
    torch_number,
)

__all__ = ["MAX_NODES", "MAX_PARAMETERS", "RESERVED", "ModuleCode", "TorchExportError"]
__all__ += ["comment", "number_list", "torch_module", "torch_number"]

if TYPE_CHECKING:
    from .model import Document

#: the largest graph written as an expression, and the most parameters written as numbers
MAX_NODES = 5_000
MAX_PARAMETERS = 200_000
_MAX_INLINE_DEPTH = 40  # deeper chains get a variable, so the parser never nests too deep
_LONG = 60  # a longer inline part of an expression gets a variable

#: names the script defines or reads itself, and every attribute ``nn.Module`` has (a
#: parameter named ``training`` or ``forward`` would replace it)
RESERVED = frozenset(
    {"torch", "nn", "np", "Net", "PARAMETERS", "INITIAL", "as_tensors", "x", "y", "self"}
    | {"net", "scores", "loss", "lr", "k", "p", "idx", "rng", "X_train", "y_train", "steps"}
    | {"float", "len", "sum", "range", "print", "super", "learning_rate"}
    | {"T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init"}
    | {"children", "compile", "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr"}
    | {"forward", "get_buffer", "get_extra_state", "get_parameter", "get_submodule", "half"}
    | {"ipu", "load_state_dict", "modules", "mtia", "named_buffers", "named_children"}
    | {"named_modules", "named_parameters", "parameters", "register_backward_hook"}
    | {"register_buffer", "register_forward_hook", "register_forward_pre_hook"}
    | {"register_full_backward_hook", "register_full_backward_pre_hook"}
    | {"register_load_state_dict_post_hook", "register_load_state_dict_pre_hook"}
    | {"register_module", "register_parameter", "register_state_dict_post_hook"}
    | {"register_state_dict_pre_hook", "requires_grad_", "set_extra_state", "set_submodule"}
    | {"share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu"}
    | {"zero_grad"}
)


# --- the module ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ModuleCode:
    """The module's text and where each parameter sits in its state dict."""

    lines: list[str]
    #: parameter node id -> (state-dict key, index in that tensor)
    slots: dict[str, tuple[str, tuple[int, ...]]]
    #: state-dict key -> the tensor's shape, in the module's order
    shapes: dict[str, tuple[int, ...]]
    #: key -> a comment for it (or for each row of a matrix)
    notes: dict[str, list[str]]
    kind: str  # "mlp" or "expression"

    def state_lines(self, name: str, values: Mapping[str, float]) -> list[str]:
        """``NAME = {key: numbers, ...}`` holding ``values`` (parameter id -> number)."""
        tensors = {key: np.zeros(shape) for key, shape in self.shapes.items()}
        for nid, (key, index) in self.slots.items():
            tensors[key][index] = float(values[nid])
        numbers: dict[str, Any] = {key: a.tolist() for key, a in tensors.items()}
        lines = [f"{name} = {{"]
        for key, shape in self.shapes.items():
            notes = self.notes.get(key, [])
            if not shape:
                note = f"  # {notes[0]}" if notes else ""
                lines.append(f"    {key!r}: {torch_number(numbers[key])},{note}")
            elif len(shape) == 1:
                lines += _joined(f"    {key!r}: ", number_list(numbers[key], "    "), ",")
            else:
                lines.append(f"    {key!r}: [")
                for i, row in enumerate(numbers[key]):
                    note = f"  # {notes[i]}" if i < len(notes) else ""
                    lines += _joined("        ", number_list(row, "        "), "," + note)
                lines.append("    ],")
        lines.append("}")
        return lines


def _joined(head: str, body: list[str], tail: str) -> list[str]:
    return (
        [head + body[0], *body[1:-1], body[-1] + tail] if len(body) > 1 else [head + body[0] + tail]
    )


def torch_module(
    doc: Document, features: Sequence[str], prediction: str, params: Sequence[str]
) -> ModuleCode:
    """``class Net`` computing ``prediction`` from the ``features`` (node ids, in column
    order) with the ``params`` (node ids) as its parameters. ``TorchExportError`` when a
    node's op has no torch form or the graph is too large to write readably."""
    if len(params) > MAX_PARAMETERS:
        raise TorchExportError(
            f"the model has {len(params):,} parameters; a readable module holds at most "
            f"{MAX_PARAMETERS:,}"
        )
    writer: _Writer = _MlpWriter(doc, features, prediction, params)
    if not writer.ok:
        writer = _ExpressionWriter(doc, features, prediction, params)
    return writer.module()


class _Writer:
    kind = ""
    ok = True

    def __init__(
        self, doc: Document, features: Sequence[str], prediction: str, params: Sequence[str]
    ) -> None:
        self.doc = doc
        self.features = tuple(features)
        self.prediction = prediction
        self.params = tuple(params)
        self.slots: dict[str, tuple[str, tuple[int, ...]]] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.notes: dict[str, list[str]] = {}
        self.taken = set(RESERVED)

    def fresh(self, label: str, fallback: str) -> str:
        # ``w'); x`` -> ``w_x``: a run of replaced characters reads as one underscore
        base = re.sub("__+", "_", _identifier(label)) or _identifier(fallback) or "v"
        name, k = base, 2
        if name in RESERVED:
            name = base = base + "_"  # ``forward`` -> ``forward_``, as for keywords
        while name in self.taken:
            name, k = f"{base}{k}" if base.endswith("_") else f"{base}_{k}", k + 1
        self.taken.add(name)
        return name

    def module(self) -> ModuleCode:
        doc = self.doc
        columns = ", ".join(docstring_text(doc.node(f).label or f) for f in self.features)
        pred = docstring_text(doc.node(self.prediction).label or self.prediction)
        body = self.body()  # names first: the state and the docstring use them
        many = "feature" if len(self.features) == 1 else "features"
        lines = [
            f'"""{_title(doc)}: a PyTorch module exported from mgstudio.',
            "",
            f"Net computes the prediction '{pred}' from {len(self.features)} {many}",
            f"(the columns of x: {columns}) with the document's current parameters.",
            '"""',
            "",
            "import torch",
            "from torch import nn",
            "",
            "",
            "def as_tensors(values):",
            '    """Numbers (nested lists) -> float64 tensors, as load_state_dict takes them."""',
            "    return {key: torch.tensor(v, dtype=torch.float64) for key, v in values.items()}",
            "",
            "",
            "# the document's parameters now (Net loads them; the training loop below starts",
            "# from the run's initial ones instead)",
        ]
        code = ModuleCode([], self.slots, self.shapes, self.notes, self.kind)
        values = {nid: _leaf_value(doc.node(nid).value) for nid in self.params}
        lines += code.state_lines("PARAMETERS", values)
        lines += ["", "", "class Net(nn.Module):", *body]
        return ModuleCode(lines, self.slots, self.shapes, self.notes, self.kind)

    def body(self) -> list[str]:
        raise NotImplementedError

    def forward_head(self) -> list[str]:
        m = len(self.features)
        return [
            "    def forward(self, x):",
            f'        """x: (N, {m}) float64 -> the prediction of each row, (N,)."""',
        ]


class _MlpWriter(_Writer):
    """An MLP of the network pattern as ``nn.Linear`` layers and activations."""

    kind = "mlp"

    def __init__(
        self, doc: Document, features: Sequence[str], prediction: str, params: Sequence[str]
    ) -> None:
        super().__init__(doc, features, prediction, params)
        self.layers = self._layers()
        self.ok = self.layers is not None

    def _layers(self) -> list[tuple[str, tuple[NeuronMatch, ...], str]] | None:
        models = match_networks(self.doc)
        if not models or len(models) != 1 or len(models[0].calls) != 1:
            return None
        net = models[0].calls[0]
        if net.numbers is not None or net.inputs != self.features:
            return None
        if net.outputs != (self.prediction,) or models[0].parameters != set(self.params):
            return None
        layers = []
        for gid, neurons in net.layers:
            acts = {n.activation for n in neurons}
            if len(acts) != 1:
                return None  # nn.Linear applies one activation to the whole layer
            layers.append((self.doc.groups.get(gid).name, neurons, acts.pop()))
        return layers

    def body(self) -> list[str]:
        assert self.layers is not None
        init = ["    def __init__(self):", "        super().__init__()"]
        forward = self.forward_head()
        h = "x"
        for li, (name, neurons, act) in enumerate(self.layers, start=1):
            attr = f"layer{li}"
            n_in = len(neurons[0].weights)
            what = "linear" if act == LINEAR else act
            many = "neuron" if len(neurons) == 1 else "neurons"
            init.append(
                f"        # {comment(name)!s}: {n_in} inputs -> {len(neurons)} {many}, {what}"
            )
            init.append(
                f"        self.{attr} = nn.Linear({n_in}, {len(neurons)}, dtype=torch.float64)"
            )
            self.shapes[f"{attr}.weight"] = (len(neurons), n_in)
            self.shapes[f"{attr}.bias"] = (len(neurons),)
            self.notes[f"{attr}.weight"] = [comment(self._neuron_name(n), 40) for n in neurons]
            for ni, n in enumerate(neurons):
                self.slots[n.bias] = (f"{attr}.bias", (ni,))
                for wi, w in enumerate(n.weights):
                    self.slots[w] = (f"{attr}.weight", (ni, wi))
            text: Text = (f"self.{attr}({h})", ATOM)
            if act != LINEAR:
                text = fill(OPS[act], {"a": text})
            last = li == len(self.layers)
            if last:
                out = text[0] if text[1] >= ATOM else f"({text[0]})"
                label = comment(self.doc.node(self.prediction).label or "the prediction")
                forward.append(f"        return {out}[:, 0]  # {label}: one score per row")
            else:
                forward.append(f"        h = {text[0]}  # {comment(name)}")
                h = "h"
        init.append("        self.load_state_dict(as_tensors(PARAMETERS))")
        return [*init, "", *forward]

    def _neuron_name(self, n: NeuronMatch) -> str:
        return self.doc.groups.get(n.group).name


class _ExpressionWriter(_Writer):
    """Any graph as the same expression over tensors: features are columns of ``x``,
    parameters ``self.<label>``, each op its registry row's torch form."""

    kind = "expression"

    def __init__(
        self, doc: Document, features: Sequence[str], prediction: str, params: Sequence[str]
    ) -> None:
        super().__init__(doc, features, prediction, params)
        order = doc.upstream_ids(prediction)
        if len(order) > MAX_NODES:
            raise TorchExportError(
                f"the prediction depends on {len(order):,} nodes; a readable module is "
                f"written for at most {MAX_NODES:,}"
            )
        self.order = order
        self.operands: dict[str, list[str]] = {}
        ports: dict[str, dict[str, str]] = {}
        inside = set(order)
        uses = dict.fromkeys(order, 0)
        for w in doc.wires:
            if w.dst in inside:
                ports.setdefault(w.dst, {})[w.port] = w.src
                uses[w.src] += 1
        for nid in order:
            kind = KINDS[doc.node(nid).kind]
            self.operands[nid] = [ports[nid][p] for p in kind.inputs if p in ports.get(nid, {})]
        self.uses = uses
        self.names: dict[str, str] = {}
        self.attrs: dict[str, str] = {}
        for nid in self.params:
            node = doc.node(nid)
            self.attrs[nid] = name = self.fresh(node.label, nid)
            self.slots[nid] = (name, ())
            self.shapes[name] = ()
            if node.label != name:
                self.notes[name] = [f"the input {comment(node.label or nid, 40)!r}"]
        for nid in self.features:
            self.names[nid] = self.fresh(doc.node(nid).label, nid)
        self._choose_named()

    def _choose_named(self) -> None:
        """Labelled nodes, nodes used twice and deep chains get a variable; the rest are
        written inline where they are used (``w1 * x1 + b``)."""
        depth: dict[str, int] = {}
        for nid in self.order:
            node = self.doc.node(nid)
            if node.kind in ("input", "constant"):
                continue
            d = 1 + max((depth.get(o, 0) for o in self.operands[nid]), default=0)
            if node.label or self.uses[nid] > 1 or d > _MAX_INLINE_DEPTH:
                self.names[nid] = self.fresh(node.label, nid)
                d = 0
            depth[nid] = d

    def body(self) -> list[str]:
        doc = self.doc
        init = ["    def __init__(self):", "        super().__init__()"]
        for nid in self.params:
            attr = self.attrs[nid]
            label = doc.node(nid).label
            note = f"  # {comment(label)!r}" if label and label != attr else ""
            init.append(
                f"        self.{attr} = nn.Parameter(torch.zeros((), dtype=torch.float64)){note}"
            )
        init.append("        self.load_state_dict(as_tensors(PARAMETERS))")
        forward = self.forward_head()
        for k, nid in enumerate(self.features):
            forward.append(f"        {self.names[nid]} = x[:, {k}]")
        for nid in self.order:
            if nid in self.features or nid not in self.names or nid == self.prediction:
                continue
            forward += self._statement(f"{self.names[nid]} = ", nid)
        label = doc.node(self.prediction).label
        forward += self._statement("return ", self.prediction)
        forward[-1] += f"  # {comment(label)}" if label else ""
        return [*init, "", *forward]

    def _statement(self, head: str, nid: str) -> list[str]:
        """``head`` + the node's expression, after the lines of the parts it hoisted."""
        self._hoisted: list[str] = []
        text = self._compute(nid)[0]
        return [*self._hoisted, f"        {head}{text}"]

    def _expression(self, nid: str) -> Text:
        if nid in self.attrs:
            return f"self.{self.attrs[nid]}", ATOM
        if nid in self.names:
            return self.names[nid], ATOM
        text = self._compute(nid)
        if len(text[0]) > _LONG:  # a long part gets a line of its own: no giant one-liners
            self.names[nid] = name = self.fresh("", nid)
            self._hoisted.append(f"        {name} = {text[0]}")
            return name, ATOM
        return text

    def _compute(self, nid: str) -> Text:
        node = self.doc.node(nid)
        operands = self.operands[nid]
        op = self._op(nid, len(operands))
        slots = ("a", "b")[: len(operands)]
        texts: dict[str, Text] = {}
        for i, (slot, o) in enumerate(zip(slots, operands)):
            if self.doc.node(o).kind == "constant":
                other = operands[1 - i] if len(operands) == 2 else None
                plain = other is not None and self.doc.node(other).kind != "constant"
                texts[slot] = _constant(_leaf_value(self.doc.node(o).value), plain)
            else:
                texts[slot] = self._expression(o)
        if op.uses_param:
            default = KINDS[node.kind].default_params()
            k = (node.params or {}).get("exponent", default.get("exponent", 1.0))
            texts["k"] = _constant(k, True)
        return fill(op, texts)

    def _op(self, nid: str, arity: int) -> Op:
        node = self.doc.node(nid)
        ops = [OPS[name] for name in KINDS[node.kind].ops if name in OPS]
        for op in ops:
            if op.arity == arity:
                return op
        raise TorchExportError(f"{self.doc.describe(nid)} computes no op the exporter knows")


def _constant(x: float, plain: bool) -> Text:
    """A constant: a plain number next to a tensor (``w * 2.0``), else a 0-d tensor (a
    function of a number alone, ``torch.exp(2.0)``, needs one; so does ``2.0 / 0.0``, which
    Python would refuse where mgstudio gives inf)."""
    text = torch_number(x)
    if plain:
        return text, (UNARY if text.startswith("-") else ATOM)
    return f"torch.tensor({text}, dtype=torch.float64)", ATOM
