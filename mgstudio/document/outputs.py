"""Which node is "the output" when the learner has not pinned one: one rule, asked by every
panel (Backward, Step-through, Derivative, the status bar, Step Along Gradient) through
``Document.default_output``, so no two of them can disagree.

The rule, in order:
1. a pinned output (``selected_output``) always wins;
2. the current automatic output is kept while it stays valid: it still exists, nobody consumes
   it, and it is complete, or no complete computed output exists to take over. So a paste, a
   second expression or a freshly dropped node never steals it, and cutting a wire upstream
   of it keeps it (Backward then says why it has no number) rather than jumping to a lone leaf;
   wired into a new node, it moves on to the complete end of what it now feeds;
3. otherwise the best sink: complete computed before complete leaf before incomplete, the last
   added among equals (what the learner built most recently).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .fileformat import describe
from .kinds import KINDS

if TYPE_CHECKING:
    from .model import Document

#: how much a learner means a sink as "the output"
COMPUTED, LEAF, INCOMPLETE = 2, 1, 0
#: how many earlier automatic outputs are remembered
MEMORY = 8


def rank(doc: Document, nid: str) -> int:
    if doc.value_of(nid) is None:
        return INCOMPLETE
    return LEAF if KINDS[doc.nodes[nid].kind].is_leaf else COMPUTED


def choose_output(doc: Document, history: list[str]) -> list[str]:
    """The automatic outputs after an edit, most recent last, given those before it (rules 2
    and 3). Earlier ones are remembered so that undoing an extension goes back to the output
    it extended, not to whichever complete sink was added last."""
    sinks = doc.output_ids()
    if not sinks:
        return []
    ranks = [rank(doc, nid) for nid in sinks]
    best = max(ranks)
    current = history[-1] if history else None
    if current is not None and current in doc.nodes:
        if not doc.consumers_of(current):
            if rank(doc, current) == COMPUTED or best < COMPUTED:
                return history
        else:  # the output was wired on: follow it to the end of what it now feeds
            below = set(doc.downstream_ids(current))
            ahead = [nid for nid, r in zip(sinks, ranks) if nid in below and r == COMPUTED]
            if ahead:
                return [*history, ahead[-1]][-MEMORY:]
    for i in range(len(history) - 2, -1, -1):
        old = history[i]
        if old in doc.nodes and not doc.consumers_of(old) and rank(doc, old) == COMPUTED:
            return history[: i + 1]
    pick = [nid for nid, r in zip(sinks, ranks) if r == best][-1]
    return [pick]


def root_cause(doc: Document, nid: str) -> str | None:
    """The first reason upstream why ``nid`` has no number (the node missing a wire), or None
    when it is complete."""
    seen: set[str] = set()
    at = nid
    while at not in seen:
        seen.add(at)
        if doc.value_of(at) is not None:
            return None
        if doc.missing_inputs(at):
            return doc.why_incomplete(at)
        nxt = next((w.src for w in doc.inputs_of(at).values() if doc.value_of(w.src) is None), None)
        if nxt is None:
            return doc.why_incomplete(at)
        at = nxt
    return doc.why_incomplete(nid)


def why_backward_idle(
    doc: Document, output: str | None = None, verb: str = "Backward"
) -> str | None:
    """Why a Backward (or ``verb``: the step-through, the gradient check) from ``output``
    (default: the document's output) would change nothing, as a sentence for the status bar;
    None when it has something to do."""
    target = doc.default_output() if output is None else output
    if target is None or target not in doc.nodes:
        if not doc.nodes:
            return f"{verb} did nothing: the graph is empty (add nodes from the palette first)"
        return f"{verb} did nothing: there is no output to start from"
    if doc.value_of(target) is not None:
        return None
    node = doc.nodes[target]
    cause = root_cause(doc, target) or doc.why_incomplete(target) or ""
    pinned = " (the chosen output)" if doc.selected_output == target else ""
    why = f"{verb} did nothing: the output {describe(node)}{pinned} has no number yet"
    if cause and not cause.startswith(describe(node) + " is incomplete"):
        why += f", because {cause}"
    if pinned:
        why += "; wire it up or pick another output"
    return why


def shown_output(doc: Document) -> str | None:
    """The output whose grads are on screen: where the last backward (or the step-through)
    started while those grads are current, else the document's output."""
    out = doc.backward_output
    if doc.grads_current and out is not None and out in doc.nodes:
        return out
    return doc.default_output()
