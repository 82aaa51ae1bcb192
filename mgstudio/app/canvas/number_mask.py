"""Hiding a canvas's numbers without touching the document (the practice mode's answers).

``mask_numbers(scene, {nid: bits})`` makes each named node show its data and/or grad as "?"
(``MASK_DATA``, ``MASK_GRAD``) and every other node it masked before show its numbers again.
Hidden grads lose their tint too (it tells the sign and the size), and a masked node has no
tooltip (the tooltip names its grad). The mask lives on the items: a new document (new
items) shows everything, which is also when a practice session ends.
"""

from __future__ import annotations

from collections.abc import Mapping

from .node_item import HIDDEN, MASK_DATA, MASK_GRAD

__all__ = ["HIDDEN", "MASK_DATA", "MASK_GRAD", "mask_numbers", "masked_ids"]


def mask_numbers(scene, masked: Mapping[str, int]) -> None:
    """Mask exactly ``masked`` (node id -> bits); nodes not named are shown in full."""
    for item in list(scene.made_items()):
        if item.masked and item.node_id not in masked:
            item.set_masked(0)
    for nid, bits in masked.items():
        item = scene.item_for(nid)
        if item is not None:
            item.set_masked(bits)


def masked_ids(scene) -> dict[str, int]:
    """What is masked now (tests and the practice panel read it)."""
    return {item.node_id: item.masked for item in scene.made_items() if item.masked}
