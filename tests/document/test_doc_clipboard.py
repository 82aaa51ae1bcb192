"""The document's clipboard pieces, without Qt: the lecture's neuron as a fragment, and where
a paste lands."""

from __future__ import annotations

import json

import pytest

from mgstudio.document import Document
from mgstudio.document.clipboard import BELOW_GAP, neuron_fragment, paste_offset


def test_the_two_input_neuron_gives_the_lectures_numbers():
    doc = Document()
    ids = doc.paste_fragment(neuron_fragment(2, "tanh"))
    by_label = {doc.nodes[nid].label: nid for nid in ids}
    doc.backward(by_label["o"])
    assert doc.value_of(by_label["o"]).data == pytest.approx(0.7071, abs=1e-4)
    assert doc.value_of(by_label["x1"]).grad == pytest.approx(-1.5)
    assert doc.value_of(by_label["w2"]).grad == 0.0  # x2 is 0


def test_heights_centre_the_nodes_and_linear_has_no_activation():
    flat = neuron_fragment(1, "linear")
    tall = neuron_fragment(1, "linear", height=lambda kind: 40.0)
    assert [n["kind"] for n in flat["nodes"]][-1] == "add"  # no activation node
    for a, b in zip(flat["nodes"], tall["nodes"]):
        assert b["pos"][1] == a["pos"][1] - 20.0
    with pytest.raises(ValueError, match="1 to 64 inputs"):
        neuron_fragment(0)
    with pytest.raises(ValueError, match="unknown activation"):
        neuron_fragment(2, "mul")


def test_a_paste_lands_at_the_point_or_just_below_the_original():
    text = json.dumps(neuron_fragment(2, "tanh", origin=(100.0, 50.0)))
    at = paste_offset(text, (0.0, 0.0))
    assert (at.dx, at.dy) == (-100.0, -50.0)
    below = paste_offset(text, None)
    assert below.dx == 0.0 and below.dy > BELOW_GAP and below.offset(2, 30.0)[1] == 2 * below.dy
    assert paste_offset("not json", None) == paste_offset("{}", None)
