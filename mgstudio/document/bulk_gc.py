"""Leaving a burst of long-lived objects (a loaded document) out of the young generations.

A 100,000-node load makes about half a million containers (nodes, wires, Values, their
dicts) while the cyclic collector is paused (``engine.gc_paused``). When it resumes, the first
allocation finds generation 0 far over its threshold and scans every one of them, only to
promote them all: they are the document, alive until it is closed. Moving them straight to
the oldest generation (``gc.freeze`` then ``gc.unfreeze``: two list splices, no scan) skips
that pass. Nothing is lost: a cycle among them is still found, by the next full collection,
which examines the oldest generation as it always does.
"""

from __future__ import annotations

import gc


def promote_young() -> bool:
    """Move every tracked object into the oldest generation without scanning it; returns
    whether it did. Not when someone has frozen objects on purpose (``gc.unfreeze`` would
    let those go too)."""
    if gc.get_freeze_count():
        return False
    gc.freeze()
    gc.unfreeze()
    return True
