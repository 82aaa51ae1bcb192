"""The micrograd README's example (the walkthrough's first expression), once: as the text a
learner pastes (``README_CODE``, comments and prints included) and as a function over any
Value class (``readme_expression``: ours, or PyPI micrograd's), so every test checks the same
code against the same numbers (``README_PRINTS``: what the README prints)."""

from __future__ import annotations

README_CODE = """\
from micrograd.engine import Value

a = Value(-4.0)
b = Value(2.0)
c = a + b # C's child nodes are A and B
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f # Output of the forward pass
print(f'{g.data:.4f}') # prints 24.7041, the outcome of this forward pass
g.backward()
print(f'{a.grad:.4f}') # prints 138.8338, i.e. the numerical value of dg/da
print(f'{b.grad:.4f}') # prints 645.5773, i.e. the numerical value of dg/db
"""

#: g.data, a.grad and b.grad as the README prints them (4 decimals)
README_PRINTS = ("24.7041", "138.8338", "645.5773")


def readme_expression(value_class):
    """The README's expression built with ``value_class`` and run backward: ``(g, a, b)``."""
    a = value_class(-4.0)
    b = value_class(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g, a, b
