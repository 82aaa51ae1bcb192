"""The autograd engine: micrograd-compatible scalar ``Value``s, neural-net modules, a batched
numpy tape and a numerical gradient checker. Pure Python (+ numpy for the tape); no Qt."""

from .nn import MLP, Layer, Module, Neuron
from .ops import OPS, Op
from .value import Value, recompute, topological_order, zero_grad

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "OPS",
    "Op",
    "Value",
    "recompute",
    "topological_order",
    "zero_grad",
]
