"""Random expression graphs for the engine's property tests.

A recipe is a list of ``(op, i, j)`` steps over a growing list of nodes (the leaves first), so
nodes get reused and the same recipe builds the graph again for other leaf values. The ops are
composed to stay on smooth, finite ground (``log(a*a + 1)``, ``a / (b*b + 1)``, ...), where
central differences are trustworthy.
"""

from __future__ import annotations

from hypothesis import strategies as st

UNARY = ("neg", "tanh", "sigmoid", "exp_tanh", "log_sq1", "relu", "pow2", "pow3", "sqrt_sq1")
BINARY = ("add", "sub", "mul", "div_sq1", "powv_sq1", "mul_const", "add_const", "rsub_const")
OPS = UNARY + BINARY


def apply(op: str, a, b):
    """One recipe step on Values (or anything with the same operators)."""
    if op == "neg":
        return -a
    if op == "tanh":
        return a.tanh()
    if op == "sigmoid":
        return a.sigmoid()
    if op == "exp_tanh":
        return a.tanh().exp()
    if op == "log_sq1":
        return (a * a + 1).log()
    if op == "relu":
        return a.relu()
    if op == "pow2":
        return a**2
    if op == "pow3":
        return a**3
    if op == "sqrt_sq1":
        return (a * a + 1) ** 0.5
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div_sq1":
        return a / (b * b + 1)
    if op == "powv_sq1":
        return (a * a + 1) ** b.tanh()
    if op == "mul_const":
        return 0.75 * a
    if op == "add_const":
        return a + 1.5
    if op == "rsub_const":
        return 2 - a
    raise ValueError(op)


@st.composite
def recipes(draw, n_leaves: int = 3, max_steps: int = 12):
    steps = []
    n = n_leaves
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(OPS))
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(0, n - 1))
        steps.append((op, i, j))
        n += 1
    return steps


def leaf_values(n: int):
    return st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=n, max_size=n)


def build(recipe, leaves, out_count: int = 1):
    """Run a recipe; returns every node and the outputs (the last ``out_count`` nodes, summed
    into one output node when ``out_count`` is 1 so every step matters)."""
    nodes = list(leaves)
    for op, i, j in recipe:
        nodes.append(apply(op, nodes[i], nodes[j]))
    if out_count == 1:
        out = nodes[len(leaves)]
        for v in nodes[len(leaves) + 1 :]:
            out = out + v
        return nodes, [out]
    return nodes, nodes[-out_count:]
