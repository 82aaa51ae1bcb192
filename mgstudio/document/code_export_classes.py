"""Write a grouped document as the lecture's class-based program: ``Module``, ``Neuron``,
``Layer`` and ``MLP`` written out in full, the network built with the document's weights,
then the rest of the document (its inputs, the loss arithmetic) as straight-line code around
``n(x)``, ``backward()`` and a print of every named Value.

The classes take their weights (``Neuron([w1, w2], b, 'L1.N1')``, ``Layer([...])``,
``MLP([...])``) rather than drawing them with ``random.uniform`` and having the script set
``n.layers[i].neurons[j].w[k].data`` afterwards: each neuron's numbers then sit on one line
beside its name, the nested lists show the network's shape as the canvas does, and there is
one source for every number. Neurons name their Values (``L1.N1.w1``, ``L1.N1.b``, the
output ``L1.N1``) as the canvas does; a label that follows no such rule is set by a line of
its own.

The program runs with mgstudio's engine and in mgstudio's own interpreter (``python -m
mgstudio import``), which rebuilds the same graph, node for node, with the same numbers and
the networks as neuron/layer/mlp groups. A document whose groups are not micrograd's
networks (``network_pattern``) gets the flat script of ``code_export`` instead.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .code_export import _GroupHeadings, _leaf_value, _number, _one_line, _Plan, _title
from .code_export import export_micrograd as export_flat
from .network_pattern import (
    LINEAR,
    ModelMatch,
    NetworkMatch,
    NeuronMatch,
    match_networks,
    network_path,
)

if TYPE_CHECKING:
    from .model import Document

#: names the program defines or calls itself, so no node's variable may take them
_OWN_NAMES = frozenset(
    {"Module", "Neuron", "Layer", "MLP", "show", "self", "sum", "zip", "enumerate", "len"}
    | {"range", "list", "super", "isinstance", "label", "neuron", "layer", "p", "wi", "xi"}
)
_WIDTH = 112  # wrap a neuron's weights past this (4 weights and a name fit)


def export_program(doc: Document, output: str | None = None) -> str:
    """What ``export --to micrograd`` writes: the class-based program for a document of
    micrograd networks, the flat script for any other."""
    text = export_classes(doc, output)
    return export_flat(doc, output) if text is None else text


def export_classes(doc: Document, output: str | None = None) -> str | None:
    """The class-based program, or None when the document's groups are not networks."""
    models = match_networks(doc)
    if not models:
        return None
    nets = [net for m in models for net in m.calls]
    ends = {nid for net in nets for nid in (*net.inputs, *net.outputs)}
    plan = _Plan(doc, output, reserved=_OWN_NAMES, named=ends)
    if plan.skipped:
        return None  # the flat script says which nodes it leaves out
    members = frozenset().union(*(net.members for net in nets))
    outputs = {nid for net in nets for nid in net.outputs}
    if plan.output in members and plan.output not in outputs:
        return None  # backward from inside a network: the script could not name that node
    return _Program(doc, plan, models).text()


class _Program:
    def __init__(self, doc: Document, plan: _Plan, models: list[ModelMatch]) -> None:
        self.doc = doc
        self.plan = plan
        self.models = models
        #: every call of every model, and the model each is a call of
        self.nets = [net for m in models for net in m.calls]
        self.model_of = [mi for mi, m in enumerate(models) for _ in m.calls]
        self.taken = set(plan.names.values()) | _OWN_NAMES
        self.vars = [self._fresh("n") for _ in models]
        self.xs = [self._fresh("x") for _ in self.nets]
        self.owner = {nid: i for i, net in enumerate(self.nets) for nid in net.members}
        #: weights and biases: the construction writes them (shared ones are outside
        #: every mlp group, in the import's "parameters" group)
        self.parameters = frozenset().union(*(m.parameters for m in models))
        for var, m in zip(self.vars, models):
            plan.names.update(network_path(m.calls[0], var))  # read as n.layers[0]...
        nets = self.nets
        acts = Counter(n.activation for net in nets for _, layer in net.layers for n in layer)
        self.default_activation = acts.most_common(1)[0][0]
        self.activations = sorted(acts, key=lambda a: (a == LINEAR, -acts[a], a))
        self.first = _first_index(doc, nets)

    def _fresh(self, base: str) -> str:
        name, k = base, 2
        while name in self.taken:
            name = f"{base}{k}"
            k += 1
        self.taken.add(name)
        return name

    def text(self) -> str:
        lines = self._header() + self._classes()
        for i in range(len(self.models)):
            lines += self._construction(i)
        lines += self._body()
        lines += self._footer()
        return "\n".join(lines) + "\n"

    # --- the parts ---------------------------------------------------------------------------
    def _header(self) -> list[str]:
        return [
            '"""' + _title(self.doc) + " (exported from mgstudio).",
            "",
            "The lecture's Neuron, Layer and MLP classes, built with the document's weights.",
            "Runs as it is with mgstudio's engine; `python -m mgstudio import` reads it back.",
            '"""',
            "",
            "from mgstudio.engine import Value",
            "",
        ]

    def _classes(self) -> list[str]:
        varied = len(self.activations) > 1
        signature = "self, w, b, name=''"
        if varied:
            signature += f", activation={self.default_activation!r}"
        lines = [
            "",
            "class Module:",
            "",
            "    def zero_grad(self):",
            "        for p in self.parameters():",
            "            p.grad = 0.0",
            "",
            "    def parameters(self):",
            "        return []",
            "",
            "",
            "class Neuron(Module):",
            "",
            f"    def __init__({signature}):",
            "        # the document's weights and bias, named as on the canvas",
            "        # (the lecture draws them: Value(random.uniform(-1, 1)))",
            "        self.w = [Value(wi, label=f'{name}.w{"
            + ("i + 1" if self.first else "i")
            + "}') for i, wi in enumerate(w)]",
            "        self.b = Value(b, label=f'{name}.b')",
            "        self.name = name",
        ]
        if varied:
            lines.append("        self.activation = activation")
        lines += [
            "",
            "    def __call__(self, x):",
            "        # w . x + b: the sum starts from the bias, as in micrograd",
            "        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)",
        ]
        lines += self._activation_lines(varied)
        lines += [
            "        out.label = self.name",
            "        return out",
            "",
            "    def parameters(self):",
            "        return self.w + [self.b]",
            "",
            "",
            "class Layer(Module):",
            "",
            "    def __init__(self, neurons):",
            "        self.neurons = neurons",
            "",
            "    def __call__(self, x):",
            "        # always a list (the lecture hands back a one-neuron layer's Value alone;",
            "        # MLP does that here, so a hidden layer of one neuron works too)",
            "        return [neuron(x) for neuron in self.neurons]",
            "",
            "    def parameters(self):",
            "        return [p for neuron in self.neurons for p in neuron.parameters()]",
            "",
            "",
            "class MLP(Module):",
            "",
            "    def __init__(self, layers):",
            "        self.layers = layers",
            "",
            "    def __call__(self, x):",
            "        for layer in self.layers:",
            "            x = layer(x)",
            "        return x[0] if len(x) == 1 else x",
            "",
            "    def parameters(self):",
            "        return [p for layer in self.layers for p in layer.parameters()]",
            "",
        ]
        return lines

    def _activation_lines(self, varied: bool) -> list[str]:
        if not varied:
            return ["        " + _apply(self.activations[0])]
        lines = []
        for i, act in enumerate(self.activations):
            if i == len(self.activations) - 1:
                lines.append(f"        else:  # {act!r}")
            else:
                lines.append(f"        {'if' if i == 0 else 'elif'} self.activation == {act!r}:")
            lines.append("            " + _apply(act))
        return lines

    def _construction(self, i: int) -> list[str]:
        model, var = self.models[i], self.vars[i]
        net = model.calls[0]
        groups = self.doc.groups
        more = len(model.calls) - 1
        calls = f" and {more} more call{'s' if more > 1 else ''} of it" if more else ""
        lines = ["", f"# {_one_line(groups.get(net.group).name)}{calls}: the document's weights"]
        lines.append(f"{var} = MLP([")
        fixes = []
        for li, (lid, neurons) in enumerate(net.layers):
            lines.append(f"    Layer([  # {_one_line(groups.get(lid).name)}")
            for ni, neuron in enumerate(neurons):
                name = self._neuron_name(net, neuron)
                lines += self._neuron_call(neuron, name)
                fixes += self._label_fixes(neuron, name, f"{var}.layers[{li}].neurons[{ni}]")
            lines.append("    ]),")
        lines.append("])")
        if fixes:
            lines += ["# the document's own labels", *fixes]
        return lines

    def _neuron_name(self, net: NetworkMatch, neuron: NeuronMatch) -> str:
        """What the neuron names its Values after (``L1.N1`` -> ``L1.N1.w1``, ``L1.N1.b``
        and its output ``L1.N1``). A hidden neuron's output is only named by the class, so
        its label decides; otherwise the name its weights and bias are labelled by, else the
        group's label. The last layer's outputs are the script's own variables and take a
        label of their own (``score.label = 'score'``) when theirs differs."""
        out = self.doc.nodes[neuron.out].label
        if neuron.out not in net.outputs and out:
            return out
        return (
            _prefix(self.doc, neuron, self.first)
            or self.doc.groups.get(neuron.group).label
            or out
            or neuron.group
        )

    def _neuron_call(self, neuron: NeuronMatch, name: str) -> list[str]:
        nodes = self.doc.nodes
        weights = [_number(_leaf_value(nodes[w].value)) for w in neuron.weights]
        rest = [_number(_leaf_value(nodes[neuron.bias].value)), repr(name)]
        if neuron.activation != self.default_activation:
            rest.append(f"activation={neuron.activation!r}")
        line = f"        Neuron([{', '.join(weights)}], {', '.join(rest)}),"
        if len(line) <= _WIDTH:
            return [line]
        lines = ["        Neuron(["]
        row: list[str] = []
        for w in weights:
            if row and len("            " + ", ".join([*row, w]) + ",") > _WIDTH:
                lines.append("            " + ", ".join(row) + ",")
                row = []
            row.append(w)
        lines.append("            " + ", ".join(row) + ",")
        lines.append(f"        ], {', '.join(rest)}),")
        return lines

    def _label_fixes(self, neuron: NeuronMatch, name: str, path: str) -> list[str]:
        nodes = self.doc.nodes
        fixes = []
        first = self.first
        wanted = [
            (w, f"{name}.w{k + first}", f"{path}.w[{k}]") for k, w in enumerate(neuron.weights)
        ]
        for nid, rule, where in [*wanted, (neuron.bias, f"{name}.b", f"{path}.b")]:
            label = nodes[nid].label
            if label and label != rule:
                fixes.append(f"{where}.label = {label!r}")
        return fixes

    def _body(self) -> list[str]:
        """The document outside the networks, in graph order, each network called as soon as
        its inputs are written (and always before the first node reading it)."""
        doc, plan = self.doc, self.plan
        lines: list[str] = [""]
        heading = _GroupHeadings(doc)
        called: set[int] = set()
        ready: set[str] = set()  # nodes written (or inline, or a called network's outputs)

        def call_ready() -> None:
            for i, net in enumerate(self.nets):
                if i not in called and ready.issuperset(net.inputs):
                    called.add(i)
                    lines.extend(self._call(i))
                    ready.update(net.outputs)
                    heading.current = None  # the next group gets its heading again

        for nid in plan.order:
            if nid in self.owner or nid in self.parameters:
                continue
            call_ready()
            ready.add(nid)
            if nid in plan.inline:
                continue
            lines += heading.before(nid)
            node = doc.nodes[nid]
            name = plan.names[nid]
            if node.kind in ("input", "constant"):
                value = _number(_leaf_value(node.value))
                label = f", label={node.label!r}" if node.label else ""
                lines.append(f"{name} = Value({value}{label})")
                continue
            stmt = f"{name} = {plan._compute(nid)[0]}"
            if node.label:
                stmt += f"; {name}.label = {node.label!r}"
            lines.append(stmt)
        call_ready()
        lines.append("")
        if plan.output is not None:
            lines += [f"{plan.names[plan.output]}.backward()", ""]
        # one blank line between parts (a heading and a call may each start with one)
        return [t for i, t in enumerate(lines) if t or i == 0 or lines[i - 1]]

    def _call(self, i: int) -> list[str]:
        net, x = self.nets[i], self.xs[i]
        model = self.models[self.model_of[i]]
        var = self.vars[self.model_of[i]]
        names = self.plan.names
        group = self.doc.groups.get(net.group)
        lines = ["", f"# {_one_line(group.name)} on its inputs"]
        if net.numbers is None:
            items = [names[nid] for nid in net.inputs]
        else:
            items = [_number(v) for v in net.numbers]  # the lecture's x = [2.0, 3.0, -1.0]
        lines += _wrapped(f"{x} = [", items, "]")
        outs = [names[nid] for nid in net.outputs]
        lines.append(f"{', '.join(outs)} = {var}({x})")
        # the class names the outputs as it names the first call's (one name per neuron)
        first = model.calls[0]
        names_given = [self._neuron_name(first, n) for n in first.layers[-1][1]]
        for nid, out, given in zip(net.outputs, outs, names_given):
            label = self.doc.nodes[nid].label
            if label and label != given:
                lines.append(f"{out}.label = {label!r}")
        return lines

    def _footer(self) -> list[str]:
        names = self.plan.names
        shown = [
            names[nid]
            for nid in self.plan.order
            if nid in names
            and nid not in self.parameters  # shown by n.parameters()
            and (nid not in self.owner or any(nid in n.outputs for n in self.nets))
        ]
        lines = [
            "",
            "def show(values):",
            "    for v in values:",
            "        print(f'{v.label:>12}  data {v.data:.4f}  grad {v.grad:.4f}')",
            "",
            "",
        ]
        lines += [f"show({var}.parameters())" for var in self.vars]
        lines += _wrapped("show([", shown, "])")
        return lines


def _first_index(doc: Document, nets: list[NetworkMatch]) -> int:
    """How the document numbers weights: from 1 (``L1.N1.w1``, mgstudio's networks) or
    from 0 (``L0.N0.w0``, the attribute paths a program's import names them by)."""
    votes: Counter[int] = Counter()
    for net in nets:
        for _, neurons in net.layers:
            for neuron in neurons:
                for k, w in enumerate(neuron.weights):
                    label = doc.nodes[w].label
                    votes[0] += label.endswith(f".w{k}")
                    votes[1] += label.endswith(f".w{k + 1}")
    return 0 if votes[0] > votes[1] else 1


def _prefix(doc: Document, neuron: NeuronMatch, first: int) -> str | None:
    """``P`` when the bias is labelled ``P.b`` and the weights ``P.w1``, ``P.w2`` ... (or
    from ``P.w0`` when ``first`` is 0)."""
    bias = doc.nodes[neuron.bias].label
    if not bias.endswith(".b"):
        return None
    name = bias[:-2]
    weights = [doc.nodes[w].label for w in neuron.weights]
    wanted = [f"{name}.w{k + first}" for k in range(len(weights))]
    return name if weights == wanted else None


def _apply(activation: str) -> str:
    return "out = act" if activation == LINEAR else f"out = act.{activation}()"


def _wrapped(start: str, items: list[str], end: str) -> list[str]:
    """``x = [a, b, c]`` on one line, or one item a line when that is too long."""
    line = start + ", ".join(items) + end
    if len(line) <= _WIDTH:
        return [line]
    return [start, *(f"    {item}," for item in items), end]
