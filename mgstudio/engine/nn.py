"""Neurons, layers and MLPs made of ``Value``s, with micrograd's exact semantics.

Weights are drawn with ``random.uniform(-1, 1)`` in micrograd's order (layer by layer, neuron by
neuron, weight by weight) and biases start at 0, so seeding ``random`` reproduces a PyPI
micrograd model bit for bit. ``activation`` adds the lecture's tanh network:
``MLP(3, [4, 4, 1], activation="tanh")``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, cast

from .registry import OPS, Names
from .value import Value

#: the registry's ops marked ``activation`` (tanh, relu, sigmoid, ...), then ``linear`` (none)
ACTIVATIONS = Names(lambda op: op.name if op.activation else None, extra=("linear",))


def _check_activation(name: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


class Module:
    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        return []


class Neuron(Module):
    """``act(sum(w_i * x_i) + b)``; the sum starts from ``b`` as in micrograd."""

    def __init__(self, nin: int, nonlin: bool = True, activation: str | None = None) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        if activation is None:
            activation = "relu" if nonlin else "linear"
        self.activation = _check_activation(activation)

    @property
    def nonlin(self) -> bool:
        return self.activation != "linear"

    def __call__(self, x: Value | Sequence[Value | float]) -> Value:
        if isinstance(x, Value):  # a one-neuron layer before this one hands over a bare Value
            x = (x,)
        act: Value = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if self.activation == "linear":
            return act
        method = OPS[self.activation].method
        return act if method is None else getattr(act, method)()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        # micrograd's ReLUNeuron; then TanhNeuron, SigmoidNeuron, LinearNeuron
        symbol = "Linear" if self.activation == "linear" else OPS[self.activation].symbol
        return f"{symbol[0].upper()}{symbol[1:]}Neuron({len(self.w)})"


class Layer(Module):
    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Value | Sequence[Value | float]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of neurons. ``activation`` is used by every hidden layer; the last layer is
    linear for ``relu`` (micrograd) and uses ``activation`` otherwise (the lecture's tanh MLP),
    unless ``final_activation`` says otherwise."""

    def __init__(
        self,
        nin: int,
        nouts: list[int],
        activation: str = "relu",
        final_activation: str | None = None,
    ) -> None:
        _check_activation(activation)
        if final_activation is None:
            final_activation = "linear" if activation == "relu" else activation
        _check_activation(final_activation)
        sz = [nin] + list(nouts)
        last = len(nouts) - 1
        self.layers = [
            Layer(sz[i], sz[i + 1], activation=final_activation if i == last else activation)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Value | Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return cast("Value | list[Value]", x)  # a list when there is no layer at all

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
