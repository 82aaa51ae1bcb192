"""Graphs that more than one tape test compiles."""

import random

from mgstudio.engine import Value


def shared_coefficient_block() -> tuple[list[Value], list[Value], list[Value]]:
    """(outputs, inputs, params): four sums sharing parameters, signs and a constant."""
    xs = [Value(0.0) for _ in range(5)]
    p = [Value(random.Random(3).uniform(-1, 1) + i) for i in range(4)]
    k = Value(0.25)  # a constant coefficient
    outs = []
    for r in range(4):
        s = p[r] * xs[0]
        s = s - p[(r + 1) % 4] * xs[1]  # every param used twice in the block
        s = s + k * xs[2]
        s = s + xs[3] * p[r]
        s = s - xs[4]
        outs.append(s + p[0])
    return outs, xs, p
