"""The lecture's MLP program as a document is laid out as a polished network: the shared
weights in one compact block on the left, the four MLP calls (one per sample) stacked in
the program's order, the squared errors and their sum in a collapsed ``loss`` block centred
after them; nothing drawn overlaps, and the whole of it fits a window at a readable zoom."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgstudio.document.code_import import import_program
from mgstudio.document.group_geometry import block_size
from mgstudio.document.network_layout import network_arrangement, network_groups

ROOT = Path(__file__).resolve().parents[2]
LECTURE_MLP = (ROOT / "resources/examples/programs/lecture_mlp.txt").read_text()


@pytest.fixture(scope="module")
def imported():
    return import_program(LECTURE_MLP)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _drawn(doc):
    """The rooms drawn at the document's flags: a collapsed group's block (and nothing
    inside it), an expanded group's frame."""
    index = doc.groups
    rooms = network_arrangement(doc).rooms
    return {
        gid: r
        for gid, r in rooms.items()
        if not any(index.get(a).collapsed for a in index.ancestors(gid)[1:])
    }


def test_the_document_is_laid_out_as_the_network_layout_says(imported):
    doc = imported.document
    arr = network_arrangement(doc)
    assert set(arr.positions) == set(doc.nodes)
    assert {nid: n.pos for nid, n in doc.nodes.items()} == arr.positions


def test_groups_drawn_side_by_side_never_overlap(imported):
    doc = imported.document
    index = doc.groups
    drawn = _drawn(doc)
    ids = list(drawn)
    assert len(ids) == 4 + 12 + 2  # 4 mlp frames, their 12 layer blocks, weights, loss
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if a in index.ancestors(b) or b in index.ancestors(a):
                continue
            assert not _overlap(drawn[a], drawn[b]), (a, b)
    # the top-level rooms are disjoint with room for wires between them
    tops = [drawn[g.id] for g in index if g.parent is None]
    for i, a in enumerate(tops):
        for b in tops[i + 1 :]:
            assert not _overlap((a[0] - 20, a[1] - 20, a[2] + 20, a[3] + 20), b)


def test_a_collapsed_group_is_drawn_where_its_members_are(imported):
    doc = imported.document
    index = doc.groups
    for gid, (left, top, right, bottom) in _drawn(doc).items():
        g = index.get(gid)
        if not g.collapsed:
            continue
        xs = [doc.nodes[n].pos for n in index.members(gid)]
        assert (min(x for x, _ in xs), min(y for _, y in xs)) == (left, top)
        rows = len(index.children(gid)) if g.kind == "layer" else 0
        assert (right - left, bottom - top) == block_size(g.kind, rows)


def test_the_shared_weights_are_one_compact_block_left_of_the_calls(imported):
    doc = imported.document
    index = doc.groups
    (params,) = [g for g in index if g.label == "parameters"]
    assert params.kind == "group" and params.collapsed and params.parent is None
    # every weight and bias of the lecture's MLP(3, [4, 4, 1]): 41, every input leaf
    inputs = [nid for nid, n in doc.nodes.items() if n.kind == "input"]
    assert len(params.nodes) == 41 and set(params.nodes) == set(inputs)
    assert "p" not in {doc.nodes[n].label for n in params.nodes}  # the loop's leftover
    rooms = _drawn(doc)
    left, top, right, bottom = rooms[params.id]
    assert (right - left, bottom - top) == block_size("group")
    mlps = [rooms[m] for m in network_groups(doc)]
    assert all(right < m[0] for m in mlps)
    # centred on the calls together
    centre = (min(m[1] for m in mlps) + max(m[3] for m in mlps)) / 2
    assert abs((top + bottom) / 2 - centre) <= 1.0


def test_the_calls_are_stacked_in_the_programs_order(imported):
    doc = imported.document
    index = doc.groups
    mlps = network_groups(doc)
    assert [index.get(m).label for m in mlps] == [f"MLP n (call {k})" for k in (1, 2, 3, 4)]
    rooms = _drawn(doc)
    columns = [rooms[m] for m in mlps]
    assert len({(r[0], r[2]) for r in columns}) == 1  # one column, same width
    for a, b in zip(columns, columns[1:]):
        assert a[3] < b[1]
    # each call's layers left to right, collapsed to their rows
    for m in mlps:
        layers = index.children(m)
        assert [index.get(lid).label for lid in layers] == ["Layer L0", "Layer L1", "Layer L2"]
        assert all(index.get(lid).collapsed for lid in layers)
        xs = [rooms[lid] for lid in layers]
        for a, b in zip(xs, xs[1:]):
            assert a[2] < b[0]
        neurons = [index.get(c).label for lid in layers for c in index.children(lid)]
        assert neurons[:4] == ["Neuron L0.N0", "Neuron L0.N1", "Neuron L0.N2", "Neuron L0.N3"]


def test_the_loss_is_a_collapsed_group_centred_after_the_calls(imported):
    doc = imported.document
    index = doc.groups
    (loss,) = [g for g in index if g.label == "loss"]
    assert loss.kind == "group" and loss.collapsed and loss.parent is None
    assert doc.selected_output in loss.nodes
    kinds = sorted(doc.nodes[n].kind for n in loss.nodes)
    # (yout - ygt) ** 2 per sample, the targets, sum's start 0 and its four additions
    assert kinds == ["add"] * 4 + ["constant"] * 5 + ["pow"] * 4 + ["sub"] * 4
    rooms = _drawn(doc)
    mlps = [rooms[m] for m in network_groups(doc)]
    left, top, right, bottom = rooms[loss.id]
    assert all(left > m[2] for m in mlps)
    centre = (min(m[1] for m in mlps) + max(m[3] for m in mlps)) / 2
    assert abs((top + bottom) / 2 - centre) <= 1.0


def test_sums_start_is_a_folded_constant_not_an_input(imported):
    doc = imported.document
    zeros = [
        nid
        for nid, n in doc.nodes.items()
        if n.value == 0.0 and not doc.inputs_of(nid) and n.kind != "input"
    ]
    (zero,) = zeros
    assert doc.nodes[zero].kind == "constant"
    (use,) = doc.consumers_of(zero)
    assert doc.nodes[use.dst].kind == "add"  # 0 + (the first squared error), as micrograd


def test_the_whole_network_fits_a_window_at_a_readable_zoom(imported):
    """The drawn network fits the canvas of a 1600 x 1000 window (about 860 x 580 pixels)
    at a zoom where the layer rows' 20 px text is 9 px or more (group_view.READABLE_AT)."""
    doc = imported.document
    rooms = list(_drawn(doc).values())
    width = max(r[2] for r in rooms) - min(r[0] for r in rooms) + 80
    height = max(r[3] for r in rooms) - min(r[1] for r in rooms) + 80
    assert min(860 / width, 580 / height) >= 9 / 20


def test_the_note_says_the_document_shows_the_loss_after_training(imported):
    (note,) = [n for n in imported.notes if "leaves changed" in n]
    run_loss = imported.run.candidate("loss").value.data
    shown = imported.document.value_of(imported.document.selected_output).data
    assert f"the program computed loss = {run_loss:.6g}" in note
    assert f"the document shows loss = {shown:.6g}" in note


MANY_CALLS = """\
from micrograd.nn import MLP
import random
random.seed(3)
n = MLP(2, [3, 1])
xs = [[i / 10, 1 - i / 10] for i in range(30)]
loss = sum((n(x) - 1.0) ** 2 for x in xs)
"""


def test_many_calls_make_a_grid_of_bands_not_a_sliver():
    doc = import_program(MANY_CALLS).document
    mlps = network_groups(doc)
    assert len(mlps) == 30
    drawn = _drawn(doc)
    index = doc.groups
    tops = [g.id for g in index if g.parent is None]
    for i, a in enumerate(tops):
        for b in tops[i + 1 :]:
            assert not _overlap(drawn[a], drawn[b]), (a, b)
    rooms = [drawn[m] for m in mlps]
    lefts = sorted({r[0] for r in rooms})
    assert len(lefts) > 1  # several columns of calls
    # in reading order: left to right along a row, rows top to bottom
    for a, b in zip(rooms, rooms[1:]):
        assert b[0] > a[0] or b[1] > a[3]
    width = max(r[2] for r in drawn.values()) - min(r[0] for r in drawn.values())
    height = max(r[3] for r in drawn.values()) - min(r[1] for r in drawn.values())
    assert 0.5 < width / height < 4.0
