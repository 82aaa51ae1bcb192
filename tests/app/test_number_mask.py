"""The canvas's number mask: "?" for hidden data or grads, no tint, no tooltip, the document
untouched, numbers back (and current) when unmasked."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QGraphicsSceneHelpEvent, QToolTip

from mgstudio.app.canvas.number_mask import MASK_DATA, MASK_GRAD, mask_numbers, masked_ids
from mgstudio.app.canvas.tooltips import show_node_tooltip


def test_masked_numbers_show_as_question_marks_and_come_back(canvas, doc, neuron):
    doc.set_auto_backward(True)
    scene = canvas.canvas_scene
    item = scene.item_for(neuron["x1"])
    assert item.texts()[1:] == ["data 2.0000", "grad -1.5000"]
    tinted = item.box_fill()
    mask_numbers(scene, {neuron["x1"]: MASK_GRAD, neuron["n"]: MASK_DATA | MASK_GRAD})
    assert item.texts()[1:] == ["data 2.0000", "grad ?"]
    assert item.held_texts()[1:] == ["data 2.0000", "grad ?"]
    assert scene.item_for(neuron["n"]).texts()[1:] == ["data ?", "grad ?"]
    assert item.box_fill() == item._base_fill() != tinted  # a tint would tell the sign
    assert masked_ids(scene) == {neuron["x1"]: MASK_GRAD, neuron["n"]: MASK_DATA | MASK_GRAD}
    # the document changes underneath: still hidden, and current once shown again
    doc.set_value(neuron["w1"], -2.0)  # x1.grad = w1 * n.grad
    assert item.texts()[1:] == ["data 2.0000", "grad ?"]
    mask_numbers(scene, {neuron["n"]: MASK_GRAD})  # x1 not named: shown again
    grad = doc.value_of(neuron["x1"]).grad
    assert grad != -1.5 and item.texts()[2] == f"grad {grad:.4f}"
    assert item.box_fill() != item._base_fill()  # tinted again
    assert scene.item_for(neuron["n"]).texts()[1:2] == [
        f"data {doc.value_of(neuron['n']).data:.4f}"
    ]
    mask_numbers(scene, {})
    assert masked_ids(scene) == {}
    assert doc.value_of(neuron["w1"]).data == -2.0


def _help_at(scene, item) -> bool:
    """Whether the scene's node tooltip answers a help event over ``item``."""
    event = QGraphicsSceneHelpEvent(QEvent.Type.GraphicsSceneHelp)
    event.setScenePos(item.sceneBoundingRect().center())
    shown = show_node_tooltip(scene, event)
    QToolTip.hideText()
    return shown


def test_a_masked_node_has_no_tooltip(canvas, doc, neuron):
    doc.backward()
    scene = canvas.canvas_scene
    item = scene.item_for(neuron["o"])
    assert _help_at(scene, item)  # its tooltip names the grad ...
    mask_numbers(scene, {neuron["o"]: MASK_GRAD})
    assert not _help_at(scene, item)  # ... so a masked node shows none
    mask_numbers(scene, {})
    assert _help_at(scene, item)
