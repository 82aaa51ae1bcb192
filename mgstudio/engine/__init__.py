"""The autograd engine: micrograd-compatible scalar ``Value``s, neural-net modules, a batched
numpy tape and a numerical gradient checker. Pure Python (+ numpy for the tape); no Qt."""

from .gradcheck import GradcheckReport, gradcheck
from .nn import MLP, Layer, Module, Neuron
from .ops import OPS, Op
from .tape import Tape
from .value import Value, gc_paused, recompute, topological_order, zero_grad

__all__ = [
    "GradcheckReport",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "OPS",
    "Op",
    "Tape",
    "Value",
    "gc_paused",
    "gradcheck",
    "recompute",
    "topological_order",
    "zero_grad",
]
