"""Neuron heatmaps in the window: the maps become TF-Playground-coloured images of the grid's
size, computed in the window's background tasks (never on the GUI thread, never two at once,
a burst of edits served by one more computation), delivered to the scene's
``set_group_pictures`` and cleared when switched off or when another document comes."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from helpers.neuron_groups import ensure_groups, grouped_network
from PySide6.QtGui import QColor

from mgstudio.app.settings import StudioSettings
from mgstudio.app.training import heatmaps as hm
from mgstudio.app.training.heatmaps import (
    GRID_SIZE,
    NeuronHeatmaps,
    colours,
    find_inputs,
    heatmaps_action,
    install_heatmaps,
    to_image,
)
from mgstudio.document import Document, clipboard
from mgstudio.training.neuron_maps import NeuronMaps, grid_over, output_of

pytestmark = pytest.mark.usefixtures("working_event_loop")

ORANGE, WHITE, BLUE, GREY = (245, 147, 34), (255, 255, 255), (8, 119, 189), (158, 158, 158)


def rgb(image, x: int, y: int) -> tuple[int, int, int]:
    c: QColor = image.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def near(a, b) -> bool:
    """Colours equal to the colour table's step (255 steps a side)."""
    return all(abs(p - q) <= 1 for p, q in zip(a, b))


def between(end, t: float) -> tuple[float, ...]:
    return tuple(255 + (e - 255) * t for e in end)


class FakeScene:
    """Records what the service hands to ``set_group_pictures`` (B2's CanvasScene method)."""

    def __init__(self):
        self.calls: list[dict] = []

    def set_group_pictures(self, pictures):
        self.calls.append(dict(pictures))


# --- colours ------------------------------------------------------------------------------------
def test_colours_run_from_orange_through_white_to_blue():
    values = np.array([[-2.0, -1.0, 0.0, 0.5, 1.0, 3.0, np.nan, np.inf]])
    image = to_image(values, "tanh")  # tanh: its own range, -1 .. 1
    assert (image.width(), image.height()) == (8, 1)
    got = [rgb(image, x, 0) for x in range(8)]
    assert near(got[3], between(BLUE, 0.5))
    assert got[:3] + got[4:] == [ORANGE, ORANGE, WHITE, BLUE, BLUE, GREY, GREY]


def test_other_activations_are_scaled_per_neuron():
    relu = np.array([[0.0, 1.0, 2.0, 4.0]])
    assert [rgb(to_image(relu, "relu"), x, 0) for x in (0, 3)] == [WHITE, BLUE]
    assert near(rgb(to_image(relu, "relu"), 2, 0), between(BLUE, 0.5))
    # tanh keeps its range: 0.5 is half blue however small the neuron's largest value
    assert rgb(to_image(np.array([[0.5]]), "tanh"), 0, 0) != BLUE
    assert rgb(to_image(np.array([[0.5]]), "relu"), 0, 0) == BLUE
    # a neuron that is 0 everywhere (a dead relu) is white, not an error
    assert rgb(to_image(np.zeros((2, 2)), "relu"), 1, 1) == WHITE
    # a stack takes one scale per map
    words = colours(np.array([[[1.0]], [[1.0]]]), np.array([1.0, 2.0])[:, None, None])
    assert words[0, 0, 0] != words[1, 0, 0]


def test_image_rows_are_the_grid_rows_top_first():
    """A hand-built tanh neuron: the image's top-left pixel is the grid's first point."""
    doc = Document()
    ids = doc.paste_fragment(clipboard.neuron_fragment(2, "tanh"))
    label = {doc.nodes[i].label: i for i in ids}
    doc.set_value(label["w1"], 0.0)
    doc.set_value(label["w2"], 3.0)  # o = tanh(3 x2 + b): blue at the top, orange at the bottom
    doc.set_value(label["b"], 0.0)
    assert find_inputs(doc) == (label["x1"], label["x2"])
    maps = NeuronMaps()
    frame = maps.prepare(doc, find_inputs(doc))
    grid = grid_over(np.array([[-1.0, -1.0], [1.0, 1.0]]), size=GRID_SIZE)
    (image,) = hm.render(maps.run(frame, grid), frame).values()
    assert (image.width(), image.height()) == (GRID_SIZE, GRID_SIZE)
    top, bottom = rgb(image, 0, 0), rgb(image, GRID_SIZE - 1, GRID_SIZE - 1)
    assert top == BLUE and bottom == ORANGE  # tanh(±4.5) rounds to the ends
    assert rgb(image, 10, GRID_SIZE // 2) == rgb(image, 50, GRID_SIZE // 2)  # x1 does nothing


def test_inputs_are_two_ungrouped_leaves_named_x1_and_x2():
    doc = Document()
    doc.paste_fragment(clipboard.neuron_fragment(2, "tanh"))
    assert find_inputs(doc) is not None
    doc.add_node("input", label="x1", value=0.0)  # which x1? not ours to guess
    assert find_inputs(doc) is None
    assert find_inputs(Document()) is None


# --- the service ----------------------------------------------------------------------------------
@pytest.fixture
def network(window):
    """A small grouped moons network shown in the window."""
    trainer, net, gids = grouped_network(hidden=(3, 2), activation="tanh")
    window.set_document(net.document, name="MLP")
    return trainer, net, gids


def make(window, **kw):
    scene = FakeScene()
    service = NeuronHeatmaps(window, scene=scene, **kw)
    return service, scene


def wait_idle(qtbot, service):
    qtbot.waitUntil(lambda: service.idle, timeout=10_000)


def test_pictures_of_every_neuron_reach_the_scene(qtbot, window, network):
    trainer, net, gids = network
    service, scene = make(window, interval_ms=0)
    wait_idle(qtbot, service)
    assert service.delivered == 1 and len(scene.calls) == 1
    pictures = scene.calls[-1]
    assert list(pictures) == gids
    assert all((p.width(), p.height()) == (GRID_SIZE, GRID_SIZE) for p in pictures.values())
    # the plane: the inputs are the hand-labelled x1, x2 here (no training installed)
    doc = net.document
    nid = output_of(doc, gids[0])
    values = service.values[gids[0]]
    r, c = np.unravel_index(np.argmax(values), values.shape)
    # tanh is drawn on its range: the pixel of the largest value is as blue as it is large
    expected = to_image(np.array([[values[r, c]]]), "tanh").pixelColor(0, 0)
    assert pictures[gids[0]].pixelColor(int(c), int(r)) == expected
    assert doc.nodes[nid].kind == "tanh"


def test_maps_run_off_the_gui_thread(qtbot, window, network, monkeypatch):
    threads = []
    real = NeuronMaps.run

    def recording(self, frame, grid):
        threads.append(threading.current_thread())
        return real(self, frame, grid)

    monkeypatch.setattr(NeuronMaps, "run", recording)
    service, scene = make(window, interval_ms=0)
    assert service.tasks is window.tasks  # the window's runner: stopped when it closes
    assert window.tasks.wait_all()  # the runner's seam: deliver now
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert service.delivered == 1


def test_a_burst_of_edits_runs_one_more_map_never_two_at_once(qtbot, window, network, monkeypatch):
    trainer, net, gids = network
    started = threading.Event()
    release = threading.Event()
    real = NeuronMaps.run

    def held(self, frame, grid):
        started.set()
        release.wait(10)  # the first map is still running while the edits come
        return real(self, frame, grid)

    monkeypatch.setattr(NeuronMaps, "run", held)
    service, scene = make(window, interval_ms=0)
    assert started.wait(10)
    doc = net.document
    weight = net.param_ids[0]
    for k in range(30):  # a training run's worth of weight updates, with no event loop between
        doc.set_value(weight, 0.01 * k)
    assert service.started == 1 and service.in_flight == 1
    release.set()
    wait_idle(qtbot, service)
    assert service.max_in_flight == 1
    assert service.started == 2  # the burst: one more map, of the last numbers
    assert service.delivered == 2
    fresh = NeuronMaps()
    want = fresh.run(fresh.prepare(doc, net.input_ids), service.grid())
    for gid in gids:
        np.testing.assert_array_equal(service.values[gid], want[gid])


def test_maps_start_at_most_once_an_interval(qtbot, window, network):
    trainer, net, gids = network
    service, scene = make(window, interval_ms=60_000)
    wait_idle(qtbot, service)
    assert service.started == 1
    net.document.set_value(net.param_ids[0], 0.5)
    net.document.set_value(net.param_ids[0], 0.25)
    assert service.started == 1 and service._timer.isActive()  # waits for the interval
    service._timer.stop()  # as if the interval had passed
    service.interval_ms = 0
    service.request()
    wait_idle(qtbot, service)
    assert service.started == 2 and service.delivered == 2


def test_a_change_that_leaves_the_maps_alone_computes_nothing(qtbot, window, network):
    trainer, net, gids = network
    service, scene = make(window, interval_ms=0)
    wait_idle(qtbot, service)
    net.document.zero_grad()  # grads change, the forward numbers do not
    net.document.backward(net.loss_id)
    wait_idle(qtbot, service)
    assert service.started == 1 and service.unchanged >= 1


def test_a_structural_edit_maps_again(qtbot, window, network):
    trainer, net, gids = network
    service, scene = make(window, interval_ms=0)
    wait_idle(qtbot, service)
    doc = net.document
    doc.ungroup(gids[0])  # that neuron has no picture any more
    wait_idle(qtbot, service)
    assert list(scene.calls[-1]) == gids[1:]
    assert service.maps.compiles == 2


def test_another_document_clears_the_pictures_and_drops_late_ones(
    qtbot, window, network, monkeypatch
):
    release = threading.Event()
    real = NeuronMaps.run

    def held(self, frame, grid):
        release.wait(10)
        return real(self, frame, grid)

    service, scene = make(window, interval_ms=0)
    wait_idle(qtbot, service)
    assert scene.calls and scene.calls[-1]
    monkeypatch.setattr(NeuronMaps, "run", held)
    net = network[1]
    net.document.set_value(net.param_ids[0], 0.3)
    assert service.in_flight == 1
    window.set_document(Document())
    assert scene.calls[-1] == {} and service.pictures == {}
    release.set()
    wait_idle(qtbot, service)
    assert scene.calls[-1] == {}  # the old document's late map was dropped
    assert service.delivered == 1


def test_no_scene_method_no_work(qtbot, window, network):
    """Until the canvas can show pictures (B2's set_group_pictures), nothing is computed."""
    service = NeuronHeatmaps(window, scene=object(), interval_ms=0)
    wait_idle(qtbot, service)
    assert service.started == 0


def test_the_toggle_switches_off_clears_and_is_remembered(qtbot, window, network):
    service, scene = make(window, interval_ms=0)
    wait_idle(qtbot, service)
    action = heatmaps_action(service, window)
    assert action.isCheckable() and action.isChecked()
    action.setChecked(False)
    assert scene.calls[-1] == {} and not service.enabled
    assert StudioSettings().neuron_heatmaps() is False
    net = network[1]
    net.document.set_value(net.param_ids[0], 0.7)
    wait_idle(qtbot, service)
    assert service.started == 1  # off: edits compute nothing
    again, _ = make(window)
    assert not again.enabled  # the next window starts as it was left
    action.setChecked(True)
    wait_idle(qtbot, service)
    assert service.started == 2 and list(scene.calls[-1]) == network[2]


def test_installed_with_training_in_the_view_menu(qtbot, recorded_training):
    ctl = recorded_training
    action = ctl.actions["heatmaps"]
    assert action in ctl.window.menus["view"].actions()
    assert action.text().replace("&", "") == "Neuron Heatmaps" and action.isCheckable()
    # offered only where the canvas draws pictures (B2's CanvasScene.set_group_pictures)
    can_draw = hasattr(ctl.window.canvas.canvas_scene, "set_group_pictures")
    assert action.isVisible() == can_draw


def test_training_network_inputs_and_dataset_plane(qtbot, recorded_training):
    """With training: x1, x2 are the shown network's inputs, the plane is the dataset's, and
    the maps follow the run to its final weights."""
    ctl = recorded_training
    ctl.panel.preset.setCurrentText("micrograd-demo")
    ctl.panel.hidden.setText("4,3")
    ctl.panel.steps.setValue(30)
    net = ctl.show_network()
    assert net is not None
    gids = ensure_groups(net, [4, 3, 1])
    service, scene = make(ctl.window, controller=ctl, interval_ms=0)
    assert service.grid().extent == grid_over(ctl.trainer.dataset.X).extent
    ctl.train()
    qtbot.waitUntil(lambda: ctl.state == "finished", timeout=20_000)
    wait_idle(qtbot, service)
    assert service.max_in_flight == 1 and list(scene.calls[-1]) == gids
    trainer = ctl.trainer
    score = service.values[gids[-1]].ravel()
    np.testing.assert_allclose(score, trainer.predict(service.grid().points), rtol=1e-9)


def test_install_without_training(qtbot, window):
    service = install_heatmaps(window)
    assert service.action in window.menus["view"].actions()


def test_the_canvas_scene_gets_them_once_it_can_draw_them(qtbot, window, monkeypatch):
    """With a ``set_group_pictures`` on the window's CanvasScene (B2's, recorded here), the
    installed service offers its toggle and hands the pictures to that scene."""
    from mgstudio.app.canvas.scene import CanvasScene

    got: list[dict] = []
    monkeypatch.setattr(
        CanvasScene, "set_group_pictures", lambda _s, p: got.append(p), raising=False
    )
    service = install_heatmaps(window)
    assert service.action is not None and service.action.isVisible()
    _, net, gids = grouped_network(hidden=(2,))
    window.set_document(net.document, name="MLP")
    wait_idle(qtbot, service)
    assert got and list(got[-1]) == gids


def test_a_network_of_three_inputs_gets_no_pictures_of_two():
    from mgstudio.app.training.heatmaps import find_inputs
    from mgstudio.document import Document

    doc = Document()
    for label in ("x1", "x2"):
        doc.add_node("input", label=label, value=1.0)
    assert find_inputs(doc) is not None
    doc.add_node("input", label="x3", value=1.0)
    assert find_inputs(doc) is None  # a slice at x3's value would mislead
