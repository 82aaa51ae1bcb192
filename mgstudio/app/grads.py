"""The walkthrough's "step along the gradient" experiment as one undoable edit, shared by the
inspector and the Graph menu."""

from __future__ import annotations

from dataclasses import dataclass

from mgstudio.document import KINDS
from mgstudio.document.outputs import shown_output

from .commands import SetValueCommand
from .composite import composite


def output_of(doc) -> str | None:
    """The node gradients are taken from (the document layer's one rule)."""
    return shown_output(doc)


def leaves_upstream(doc, output: str) -> list[str]:
    """Leaf nodes the output depends on, in dependency order."""
    return [nid for nid in doc.upstream_ids(output) if KINDS[doc.nodes[nid].kind].is_leaf]


@dataclass(frozen=True)
class StepResult:
    """What a step changed: the output's name and its value before and after."""

    output: str | None
    name: str
    before: float | None
    after: float | None
    stepped: tuple[str, ...]

    def text(self) -> str:
        if self.output is None or self.before is None or self.after is None:
            return ""
        return f"{self.name}: {self.before:.4f} → {self.after:.4f}"


def step_along_gradient(doc, undo_stack, leaves: list[str], step: float) -> StepResult:
    """``data += step × grad`` for each leaf, as one undo step. Grads are taken fresh from a
    backward pass first (as the lecture does), and all leaves move by the same grads."""
    output = output_of(doc)
    if output is None:
        return StepResult(None, "", None, None, ())
    if not doc.grads_current or doc.backward_output != output:
        doc.backward(output)
    out_value = doc.value_of(output)
    before = out_value.data if out_value is not None else None
    moves = []
    for nid in leaves:
        v = doc.value_of(nid)
        if v is not None and v.grad != 0.0:
            moves.append((nid, v.data + step * v.grad))
    name = doc.nodes[output].label or doc.describe(output)
    if moves:
        with doc.batch():  # one values_changed for the whole step
            if len(moves) > 1:
                # a step that overflows every leaf is refused: no empty entry may stay
                with composite(undo_stack, f"Step {len(moves)} leaves along the gradient") as entry:
                    for nid, new in moves:
                        entry.add(SetValueCommand(doc, nid, new, merge=False))
            else:
                undo_stack.push(SetValueCommand(doc, moves[0][0], moves[0][1], merge=False))
    out_value = doc.value_of(output)
    after = out_value.data if out_value is not None else None
    return StepResult(output, name, before, after, tuple(nid for nid, _ in moves))
