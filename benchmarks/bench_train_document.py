"""Training a hand-built document runs at the tape's speed (#16): micrograd's demo MLP
(moons 100, MLP(2, [16, 16, 1]) relu, hinge + 1e-4 L2, lr 1.0 -> 0.1) saved as a document,
trained with ``train --document``, against ``train --preset micrograd-demo``.

Run: ``.venv/bin/python benchmarks/bench_train_document.py [--steps N] [--rounds R]``.
Goal: the document within 1.5x of the preset per step. Both are the CLI in a child process;
the time per step is the JSON summary's ``seconds`` (the training loop) over the steps, the
best of ``rounds`` alternating runs. The document is the preset's network at step 0
(``train --preset micrograd-demo --steps 0 --save``), so both runs start from the same
weights and data; their losses are compared too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli(*argv: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "mgstudio", *argv],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out) if "--json" in argv else {}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    steps = str(args.steps)
    with tempfile.TemporaryDirectory() as tmp:
        doc = str(Path(tmp) / "demo.mgs")
        cli("train", "--preset", "micrograd-demo", "--steps", "0", "--save", doc)
        best = {"preset": float("inf"), "document": float("inf")}
        losses: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name, argv in (
                ("preset", ("--preset", "micrograd-demo")),
                ("document", ("--document", doc, "--preset", "micrograd-demo")),
            ):
                summary = cli("train", *argv, "--steps", steps, "--json")
                best[name] = min(best[name], summary["seconds"] / args.steps)
                losses[name] = [s["loss"] for s in summary["steps"]]
    worst = max(
        abs(a - b) / max(abs(b), 1e-300) for a, b in zip(losses["document"], losses["preset"])
    )
    ratio = best["document"] / best["preset"]
    print(f"steps per run: {args.steps}, best of {args.rounds} rounds (CLI, tape engine)")
    print(f"train --preset micrograd-demo : {best['preset'] * 1e3:8.3f} ms/step")
    print(f"train --document (same MLP)   : {best['document'] * 1e3:8.3f} ms/step")
    print(f"losses per step agree to {worst:.2e} relative (largest difference)")
    print(
        f"ratio document/preset: {ratio:.2f}x (goal <= 1.5x): {'met' if ratio <= 1.5 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
