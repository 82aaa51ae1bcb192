"""The lecture's MLP program on the canvas: its layer blocks' rows and neuron blocks read as
``L1.N0`` with their numbers (the whole label in the tooltip), and the 41 shared weights come
into a layer at one port of their own, apart from the previous layer's rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QPainter

from mgstudio.app.canvas.group_items import elided, fonts, short_title
from mgstudio.app.canvas.group_tooltips import block_tooltip
from mgstudio.app.group_commands import CollapseGroupCommand
from mgstudio.document.code_import import import_program

ROOT = Path(__file__).resolve().parents[2]
LECTURE_MLP = (ROOT / "resources/examples/programs/lecture_mlp.txt").read_text()


@pytest.fixture
def doc():
    return import_program(LECTURE_MLP).document


def test_short_titles_drop_the_kind_and_the_call_number():
    assert short_title("neuron", "Neuron L1.N0", "g") == "L1.N0"
    assert short_title("mlp", "MLP n (call 3)", "g") == "MLP n"
    assert short_title("neuron", "Neuron n.L0.N1 (call 2)", "g") == "n.L0.N1"
    assert short_title("neuron", "Neuron 1", "g") == "Neuron 1"  # a learner's own name
    assert short_title("neuron", "Neuron", "g") == "Neuron"  # nothing else to show
    assert short_title("neuron", "", "n-1") == "neuron n-1"  # no label: as group_title
    assert short_title("layer", "hidden (call 2)", "g") == "hidden"
    assert short_title("group", "my neuron", "g") == "my neuron"


def test_layer_rows_read_as_the_neurons_short_names_with_their_numbers(canvas, doc):
    scene = canvas.canvas_scene
    index = doc.groups
    first_call_layers = index.children(next(g.id for g in index if g.kind == "mlp"))
    l0, l1, l2 = (scene.block_for(gid) for gid in first_call_layers)
    assert [label for label, _ in l0.content.rows] == ["L0.N0", "L0.N1", "L0.N2", "L0.N3"]
    assert [label for label, _ in l2.content.rows] == ["L2.N0"]
    row = l0.texts()[1]
    label, number = row.split(" ")
    out = doc.value_of(l0.content.rows[0][1]).data
    assert label == "L0.N0" and float(number) == pytest.approx(out, abs=5e-5)
    # the weights (one block outside the calls) at one port, each L0 row at its own
    assert l1.content.n_inputs == 1 + 4 and l2.content.n_inputs == 1 + 4
    assert l0.content.n_inputs == 1


def test_a_neuron_block_shows_its_short_name_and_the_tooltip_the_whole_label(
    canvas, doc, undo_stack
):
    index = doc.groups
    layer = next(g.id for g in index if g.kind == "layer")
    undo_stack.push(CollapseGroupCommand(doc, layer, False))
    scene = canvas.canvas_scene
    canvas.resetTransform()  # near: the document's own flags are drawn
    scene.update_detail(cache=True)
    neuron = index.children(layer)[0]
    block = scene.block_for(neuron)
    assert block is not None and block.content.title == "L0.N0"
    assert block.content.label == "Neuron L0.N0"
    assert "'Neuron L0.N0'" in block_tooltip(doc, block)
    # a title too long for its room is cut with an ellipsis, within the room
    image = QImage(400, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setFont(fonts().title)
    long = "Neuron n.layers[0].neurons[3] of a very long name indeed"
    cut = elided(painter, long, 150)
    assert cut.endswith("…") and painter.fontMetrics().horizontalAdvance(cut) <= 150
    assert elided(painter, "L0.N0", 150) == "L0.N0"
    painter.end()


def test_the_weights_block_says_how_many_leaves_it_holds_not_one_of_their_numbers(canvas, doc):
    index = doc.groups
    (params,) = [g.id for g in index if g.label == "parameters"]
    block = canvas.canvas_scene.block_for(params)
    assert block.content.output is None
    assert block.texts() == ["parameters", "41 leaves", "expand to see them"]
    assert "41 leaves" in block_tooltip(doc, block)
    # the loss block still shows its output's numbers
    (loss,) = [g.id for g in index if g.label == "loss"]
    shown = canvas.canvas_scene.block_for(loss)
    assert shown.content.output == doc.selected_output
    assert shown.texts()[1].startswith("data 0.0165")
