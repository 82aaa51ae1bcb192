"""Read a grouped document's MLPs back as networks: which nodes are which neuron's weights,
bias and output, layer by layer, so the code export can write them as ``Neuron``/``Layer``/
``MLP`` classes (``code_export_classes``).

A ``neuron`` group matches when it holds exactly micrograd's neuron: the bias leaf, one
weight leaf per input, ``w_i * x_i`` for each, the sum started from the bias
(``b + w1*x1 + w2*x2 ...``, as ``sum(..., self.b)`` builds it) and at most one activation
(an op the registry marks ``activation``: tanh, relu, sigmoid; none is ``linear``). A
``layer`` group holds only neurons that all read the same inputs in the same order; an
``mlp`` group holds only layers, each reading the previous one's outputs in order. Anything
else (a labelled product, a weight two neurons share, a hidden neuron read outside the
network, a neuron or layer group outside an mlp) is no match, and the caller writes the flat
script instead: the classes could not rebuild that graph node for node.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mgstudio.engine.registry import OPS

from .kinds import KINDS

if TYPE_CHECKING:
    from .groups import Group
    from .model import Document

LINEAR = "linear"
_LEAVES = ("input", "constant")


@dataclass(frozen=True)
class NeuronMatch:
    group: str
    weights: tuple[str, ...]  # node ids, in input order
    bias: str
    inputs: tuple[str, ...]  # what each weight multiplies (outside the neuron)
    out: str  # the activation, or the last sum for a linear neuron
    activation: str  # an op name (its Value method), or LINEAR
    #: the inputs' numbers when they are plain numbers (``n([2.0, 3.0, -1.0])``): then
    #: ``inputs`` are constants of the neuron's own, one for each product
    numbers: tuple[float, ...] | None = None

    @property
    def reads(self) -> tuple[object, ...]:
        """What it reads, as a layer's neurons must share it: nodes, or numbers."""
        # repr: -0.0 and 0.0 are different inputs (w * -0.0 is -0.0)
        return self.inputs if self.numbers is None else ("numbers", *map(repr, self.numbers))


@dataclass(frozen=True)
class NetworkMatch:
    group: str
    layers: tuple[tuple[str, tuple[NeuronMatch, ...]], ...]  # (layer group, its neurons)
    members: frozenset[str]

    @property
    def inputs(self) -> tuple[str, ...]:
        """The nodes the network reads (none when it reads plain numbers)."""
        first = self.layers[0][1][0]
        return first.inputs if first.numbers is None else ()

    @property
    def numbers(self) -> tuple[float, ...] | None:
        return self.layers[0][1][0].numbers

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(n.out for n in self.layers[-1][1])


def activation_of(kind: str) -> str | None:
    """The activation a node of this kind applies (``tanh``), or None."""
    k = KINDS.get(kind)
    if k is None or len(k.ops) != 1:
        return None
    op = OPS[k.ops[0]]
    return op.name if op.activation and op.method == op.name else None


class _Wiring:
    def __init__(self, doc: Document) -> None:
        self.ins: dict[str, dict[str, str]] = {}
        self.uses: dict[str, list[str]] = {n: [] for n in doc.nodes}
        for w in doc.wires:
            self.ins.setdefault(w.dst, {})[w.port] = w.src
            self.uses[w.src].append(w.dst)

    def operands(self, nid: str) -> tuple[str, str] | None:
        given = self.ins.get(nid, {})
        if "a" not in given or "b" not in given:
            return None
        return given["a"], given["b"]


@dataclass(frozen=True)
class ModelMatch:
    """One MLP: its calls in the document (the lecture's ``[n(x) for x in xs]`` makes one
    mlp group per sample), all reading the same weights and biases."""

    calls: tuple[NetworkMatch, ...]

    @property
    def layers(self) -> tuple[tuple[str, tuple[NeuronMatch, ...]], ...]:
        return self.calls[0].layers

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset(_parameters(self.calls[0]))


def _parameters(net: NetworkMatch) -> tuple[str, ...]:
    return tuple(p for _, neurons in net.layers for n in neurons for p in (*n.weights, n.bias))


def match_networks(doc: Document) -> list[ModelMatch] | None:
    """Every MLP of the document with its calls (its mlp groups), in document order; None
    when the document has no mlp group or when any neuron, layer or mlp group does not
    match the pattern."""
    groups = doc.groups
    if not any(g.kind == "mlp" for g in groups):
        return None
    for g in groups:  # neurons sit in layers in mlps, nothing else
        parent = groups.get(g.parent).kind if g.parent is not None else None
        if (g.kind == "neuron" and parent != "layer") or (g.kind == "layer" and parent != "mlp"):
            return None
    wiring = _Wiring(doc)
    calls: dict[tuple[object, ...], list[NetworkMatch]] = {}
    owner: dict[str, tuple[object, ...]] = {}
    for g in groups:
        if g.kind != "mlp":
            continue
        net = _network(doc, g, wiring)
        if net is None:
            return None
        shape = tuple(
            (n.weights, n.bias, n.activation, li < len(net.layers) - 1 and doc.nodes[n.out].label)
            for li, (_, neurons) in enumerate(net.layers)
            for n in neurons
        )
        for p in _parameters(net):
            if owner.setdefault(p, shape) != shape:
                return None  # two networks share some weights but not all
        calls.setdefault(shape, []).append(net)
    models = [ModelMatch(tuple(nets)) for nets in calls.values()]
    for m in models:
        outside = [p for p in m.parameters if p not in m.calls[0].members]
        if outside and (len(outside) != len(m.parameters) or len(m.calls) < 2):
            return None  # weights outside a neuron: only those its calls share
    return models


def _network(doc: Document, mlp: Group, wiring: _Wiring) -> NetworkMatch | None:
    groups = doc.groups
    layer_ids = groups.children(mlp.id)
    if mlp.nodes or not layer_ids:
        return None
    members = frozenset(groups.members(mlp.id))
    layers: list[tuple[str, tuple[NeuronMatch, ...]]] = []
    for lid in layer_ids:
        layer = groups.get(lid)
        neuron_ids = groups.children(lid)
        if layer.kind != "layer" or layer.nodes or not neuron_ids:
            return None
        neurons: list[NeuronMatch] = []
        for nid in neuron_ids:
            g = groups.get(nid)
            n = None if g.kind != "neuron" or groups.children(nid) else _neuron(doc, g, wiring)
            if n is None or (neurons and n.reads != neurons[0].reads):
                return None
            neurons.append(n)
        layers.append((lid, tuple(neurons)))
    ordered = _in_order(layers, members)
    if ordered is None or not _reads_ok(ordered, members, wiring):
        return None
    return NetworkMatch(mlp.id, tuple(ordered), members)


def _in_order(
    layers: list[tuple[str, tuple[NeuronMatch, ...]]], members: frozenset[str]
) -> list[tuple[str, tuple[NeuronMatch, ...]]] | None:
    """The layers as data flows: the first reads only nodes outside the network, each next
    one exactly the previous one's outputs (in neuron order)."""
    by_inputs = {neurons[0].reads: (lid, neurons) for lid, neurons in layers}
    if len(by_inputs) != len(layers):
        return None
    first = [
        ln
        for ln in layers
        if ln[1][0].numbers is not None or not members.intersection(ln[1][0].inputs)
    ]
    if len(first) != 1:
        return None
    ordered = [first[0]]
    while len(ordered) < len(layers):
        outs = tuple(n.out for n in ordered[-1][1])
        nxt = by_inputs.get(outs)
        if nxt is None:
            return None
        ordered.append(nxt)
    return ordered


def _reads_ok(
    layers: list[tuple[str, tuple[NeuronMatch, ...]]],
    members: frozenset[str],
    wiring: _Wiring,
) -> bool:
    """Nothing reads a node of the network except the network itself as the classes build
    it, and the outside reading the last layer's outputs or a weight or bias (which the
    script names ``n.layers[i].neurons[j].w[k]``)."""
    last = len(layers) - 1
    for li, (_, neurons) in enumerate(layers):
        for n in neurons:
            for leaf in (n.bias, *n.weights):
                if sum(u in members for u in wiring.uses[leaf]) != 1:
                    return False  # a weight two neurons share: each Neuron has its own
            outside = [u for u in wiring.uses[n.out] if u not in members]
            if li < last and outside:
                return False
            if li == last and any(u in members for u in wiring.uses[n.out]):
                return False
    return True


def _neuron(doc: Document, g: Group, wiring: _Wiring) -> NeuronMatch | None:
    """One neuron group as micrograd's neuron, or None. Its weights and bias are in the
    group, or (a network called on several samples) outside it, where every call of the
    network reads them."""
    nodes = doc.nodes
    own = set(g.nodes)
    kinds = [nodes[n].kind for n in g.nodes]
    acts = [n for n, k in zip(g.nodes, kinds) if activation_of(k)]
    adds = [n for n, k in zip(g.nodes, kinds) if k == "add"]
    muls = [n for n, k in zip(g.nodes, kinds) if k == "mul"]
    leaves = {n for n, k in zip(g.nodes, kinds) if k in _LEAVES}
    k = len(muls)
    if (
        k == 0
        or len(acts) > 1
        or len(adds) != k
        or len(acts) + len(adds) + len(muls) + len(leaves) != len(g.nodes)
    ):
        return None
    if acts:
        out = acts[0]
        top = wiring.ins.get(out, {}).get("a")
        if top not in adds:
            return None
        activation = activation_of(nodes[out].kind) or LINEAR
    else:
        read_by_add = {o for a in adds for o in (wiring.operands(a) or ()) if o in own}
        tops = [a for a in adds if a not in read_by_add]
        if len(tops) != 1:
            return None
        out = top = tops[0]
        activation = LINEAR
    chain = _sum_chain(doc, top, adds, muls, wiring)
    if chain is None:
        return None
    bias, terms = chain
    pairs = [_weight_and_input(doc, m, own, leaves, wiring) for m in terms]
    if any(p is None for p in pairs):
        return None
    weights = [p[0] for p in pairs if p]
    inputs = [p[1] for p in pairs if p]
    numbers = [x in own for x in inputs]
    if any(numbers) and not all(numbers):
        return None  # some number inputs, some Values: not one list x
    # every leaf of the group is its bias, a weight or a number input
    if len({bias, *weights}) != k + 1 or leaves != {bias, *weights, *inputs} & own:
        return None
    # the products, partial sums (and number inputs) live only inside the neuron:
    # unlabelled, read once
    inner = [*muls, *(a for a in adds if a != out), *(inputs if all(numbers) else ())]
    if any(nodes[n].label or len(wiring.uses[n]) != 1 for n in inner):
        return None
    given = tuple(_leaf_number(doc, x) for x in inputs) if all(numbers) else None
    return NeuronMatch(g.id, tuple(weights), bias, tuple(inputs), out, activation, given)


def _sum_chain(
    doc: Document, top: str, adds: list[str], muls: list[str], wiring: _Wiring
) -> tuple[str, list[str]] | None:
    """``((b + t1) + t2) + ...`` from its last add: the bias (a leaf) and the products."""
    terms: list[str] = []
    s = top
    for _ in range(len(adds)):
        pair = wiring.operands(s) if s in adds else None
        if pair is None:
            return None
        a, b = pair
        if b in muls and a not in muls:  # micrograd's order: the running sum, then the term
            s, term = a, b
        elif a in muls and b not in muls:
            s, term = b, a
        else:
            return None
        terms.append(term)
    if doc.nodes[s].kind not in _LEAVES or len(set(terms)) != len(terms):
        return None
    terms.reverse()
    return s, terms


def _weight_and_input(
    doc: Document, mul: str, own: set[str], leaves: set[str], wiring: _Wiring
) -> tuple[str, str] | None:
    """The weight (a leaf) and what it multiplies: a node outside the neuron, or a number
    (a constant of the neuron's own). ``wi * xi``: the weight first when both could be."""
    pair = wiring.operands(mul)
    if pair is None:
        return None
    a, b = pair
    if b in leaves and doc.nodes[b].kind == "constant" and (a in leaves or a not in own):
        if doc.nodes[a].kind in _LEAVES:
            return a, b  # w * 2.0
    if a in leaves and b not in own:
        return a, b
    if b in leaves and a not in own:
        return b, a
    if a not in own and b not in own and doc.nodes[a].kind in _LEAVES:
        return a, b  # a shared weight times an input, both outside the neuron
    return None


def _leaf_number(doc: Document, nid: str) -> float:
    value = doc.nodes[nid].value
    return 0.0 if value is None else float(value)


def network_path(net: NetworkMatch, var: str) -> Mapping[str, str]:
    """Each weight and bias of the network -> its attribute path from ``var``
    (``n.layers[0].neurons[1].w[2]``), how the script reads them outside the network."""
    paths = {}
    for li, (_, neurons) in enumerate(net.layers):
        for ni, n in enumerate(neurons):
            base = f"{var}.layers[{li}].neurons[{ni}]"
            paths[n.bias] = f"{base}.b"
            for wi, w in enumerate(n.weights):
                paths[w] = f"{base}.w[{wi}]"
    return paths
