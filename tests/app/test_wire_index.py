"""The wire grid finds exactly the wires a brute-force scan finds, wherever they are."""

from __future__ import annotations

from helpers.budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from mgstudio.app.canvas.wire_index import WireIndex

coords = st.one_of(
    st.floats(-5000, 5000), st.floats(-1e300, 1e300), st.sampled_from([0.0, 511.9, 512.0, -512.0])
)


@st.composite
def boxes(draw):
    x0, x1 = sorted((draw(coords), draw(coords)))
    y0, y1 = sorted((draw(coords), draw(coords)))
    return (x0, y0, x1, y1)


class _Wire:
    def __init__(self, box):
        self.box = box


def _meets(box, rect) -> bool:
    return box[0] <= rect[2] and box[2] >= rect[0] and box[1] <= rect[3] and box[3] >= rect[1]


@settings(max_examples=examples(150), deadline=None)
@given(
    st.lists(boxes(), max_size=25),
    st.lists(st.tuples(st.integers(0, 24), boxes()), max_size=10),
    boxes(),
)
def test_candidates_cover_every_wire_that_meets_the_rectangle(start, moves, rect):
    index = WireIndex()
    wires = [_Wire(b) for b in start]
    for w in wires:
        index.add(w, w.box)
    for i, new in moves:  # wires follow their nodes
        if i < len(wires):
            w = wires[i]
            index.move(w, w.box, new)
            w.box = new
    for w in wires[::3]:  # and some go away
        index.remove(w, w.box)
    alive = [w for k, w in enumerate(wires) if k % 3]
    found = index.candidates(*rect)
    assert {w for w in alive if _meets(w.box, rect)} <= found
    assert found <= set(alive)
