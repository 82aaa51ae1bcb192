"""Long micrograd snippets for the import's speed checks: leaves, arithmetic on earlier names,
activations, and the lines a notebook is full of that build nothing kept (bare names and
expressions, ``print``, ``.backward()``), which the importer checks and then drops."""

from __future__ import annotations

import random


def long_snippet(lines: int, seed: int = 0) -> str:
    rnd = random.Random(seed)
    out = ["from micrograd.engine import Value"]
    names: list[str] = []
    i = 0
    while len(out) < lines:
        r = rnd.random()
        i += 1
        if len(names) < 4 or r < 0.25:
            name = f"x{i}"
            out.append(f"{name} = Value({rnd.uniform(-1, 1):.3f}, label='{name}')")
        elif r < 0.55:
            name = f"v{i}"
            out.append(f"{name} = {rnd.choice(names)} * {rnd.choice(names)} + {rnd.randint(1, 9)}")
        elif r < 0.7:
            name = f"t{i}"
            out.append(f"{name} = ({rnd.choice(names)} - 1).tanh()")
        else:
            out.append(
                rnd.choice(
                    (
                        f"{rnd.choice(names)} * 2 + {rnd.choice(names)}",
                        rnd.choice(names),
                        f"print({rnd.choice(names)})",
                    )
                )
            )
            continue
        names.append(name)
    out.append(f"{names[-1]}.backward()")
    return "\n".join(out) + "\n"
