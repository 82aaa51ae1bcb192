"""The first minutes of the window (issue 12, items 1-4 and 9), offscreen: the layout is saved,
checked and reset; graphs open readably; the training plots are there at first start; the
toolbars fit; the theme is a remembered choice and every icon reads in light and dark. The
real window manager's side (maximize, quit, relaunch) is tests/app/test_xvfb_layout.py."""

from __future__ import annotations

import pytest
from helpers.docks import in_front
from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolBar

from mgstudio.app import launch, plain, window_layout
from mgstudio.app.canvas.group_view import READABLE_AT, zoom_level
from mgstudio.app.canvas.readable import READABLE_ZOOM, show_readably
from mgstudio.app.icons import ICON_PROPERTY
from mgstudio.document.examples import example_path


@pytest.fixture
def studio(qtbot, settings_path):
    """What the launcher makes: a window with the learning and training tools, the neuron
    example, shown at 1280x800 (``make()`` for another start with the same settings)."""
    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    made = []

    def make(size=(1280, 800), example="neuron.mgs", show=True):
        win = MainWindow(settings=StudioSettings())
        qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
        launch.install_tools(win)
        win.training.panel.speed.setCurrentIndex(0)
        win.training.notify = win.show_error = lambda *_args: None  # no modal boxes
        win.resize(*size)
        if example:
            assert win.open_example(example_path(example), ask=False)
        if show:
            win.show()
            qtbot.waitExposed(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.training.shutdown()


def top_toolbars(win) -> list[QToolBar]:
    return [
        tb
        for tb in win.findChildren(QToolBar)
        if tb.parent() is win
        and win.toolBarArea(tb) == Qt.ToolBarArea.TopToolBarArea
        and tb.isVisible()
    ]


def node_rect_in_view(win, nid):
    view = win.canvas
    return view.mapFromScene(view.item_for(nid).sceneBoundingRect()).boundingRect()


# --- 12.1: save, check, reset -------------------------------------------------------------------
def test_a_first_start_is_sound_and_the_layout_comes_back(studio, qtbot):
    win = studio()
    qtbot.waitUntil(lambda: win.layout_keeper._checked)
    assert window_layout.layout_problems(win) == []
    assert not win.layout_keeper.from_settings
    win.undo_dock.show()
    win.backward_dock.hide()
    win.close()
    again = studio()
    assert again.layout_keeper.from_settings
    assert again.undo_dock.isVisible() and not again.backward_dock.isVisible()
    assert again.learn.stepper_dock.isVisible()  # plugin docks restored with the others


def test_a_layout_that_squeezes_the_canvas_is_discarded(studio, qtbot):
    win = studio()
    win.resizeDocks([win.inspector_dock], [int(win.height() * 0.95)], Qt.Orientation.Vertical)
    win.resizeDocks([win.palette_dock], [int(win.width() * 0.95)], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: window_layout.layout_problems(win) != [])
    win.close()
    messages = []
    again = studio(show=False)
    again.layout_keeper.was_reset.connect(messages.append)
    again.show()
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert "did not fit" in messages[0] and "canvas" in messages[0]
    qtbot.waitUntil(lambda: window_layout.layout_problems(again) == [])
    canvas = again.centralWidget()
    assert canvas.width() >= window_layout.MIN_CANVAS.width()
    assert canvas.height() >= window_layout.MIN_CANVAS.height()
    assert again.settings.window_state() is None  # the bad layout is gone from the settings


def test_a_layout_saved_by_another_version_is_not_restored(studio, qtbot):
    win = studio()
    win.backward_dock.hide()
    old = win.saveState()  # version 0: what the studio saved before layouts had a version
    win.close()
    win.settings.save_window(win.saveGeometry(), old)
    again = studio()
    assert not again.layout_keeper.from_settings
    assert again.backward_dock.isVisible()


def test_view_reset_layout_puts_every_panel_back(studio, qtbot):
    win = studio()
    default = {
        d.objectName(): (in_front(d), win.dockWidgetArea(d))
        for d in (win.palette_dock, win.inspector_dock, win.backward_dock, win.training.plots_dock)
    }
    win.palette_dock.hide()
    win.inspector_dock.setFloating(True)
    win.removeDockWidget(win.training.plots_dock)
    win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, win.training.plots_dock)
    win.training.plots_dock.show()
    win.removeToolBar(win.toolbars["view_toolbar"])
    action = next(a for a in win.menus["view"].actions() if a.objectName() == "reset_layout")
    assert action.text() == "&Reset Layout"
    action.trigger()
    qtbot.waitUntil(
        lambda: (
            {
                d.objectName(): (in_front(d), win.dockWidgetArea(d))
                for d in (
                    win.palette_dock,
                    win.inspector_dock,
                    win.backward_dock,
                    win.training.plots_dock,
                )
            }
            == default
        )
    )
    assert not win.inspector_dock.isFloating()
    assert window_layout.layout_problems(win) == []
    assert "reset" in win.statusBar().currentMessage().lower()


def test_first_start_size_fits_a_small_screen(qtbot, monkeypatch):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    monkeypatch.setattr(window_layout, "available_geometry", lambda _w: QRect(0, 0, 1024, 700))
    size = window_layout.default_size(w)
    assert size.width() <= 1024 - 16 and size.height() <= 700 - 48
    window_layout.place_default(w)
    assert QRect(0, 0, 1024, 700).contains(w.geometry())
    monkeypatch.setattr(window_layout, "available_geometry", lambda _w: QRect(0, 0, 2560, 1400))
    assert window_layout.default_size(w) == QSize(1280, 800)


# --- 12.2: readable ------------------------------------------------------------------------------
def test_the_graph_opens_readably_even_before_the_window_is_shown(studio, qtbot):
    win = studio(show=False)  # as at start-up: the example opens before the window maps
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.canvas.zoom() >= READABLE_ZOOM - 1e-9)
    out = win.document.default_output()
    viewport = win.canvas.viewport().rect()
    assert viewport.contains(node_rect_in_view(win, out))  # the output is on screen


def test_a_small_graph_is_fitted_whole(studio, qtbot):
    from mgstudio.document import Document

    win = studio(size=(1600, 1000))
    doc = Document()
    a = doc.add_node("input", label="a", value=2.0, pos=(0.0, 0.0))
    b = doc.add_node("input", label="b", value=3.0, pos=(0.0, 80.0))
    m = doc.add_node("mul", label="m", pos=(400.0, 40.0))
    doc.connect(a, m, "a")
    doc.connect(b, m, "b")
    win.set_document(doc)
    view = win.canvas
    assert READABLE_ZOOM <= view.zoom() <= 1.25 + 1e-9
    for nid in win.document.nodes:
        assert view.viewport().rect().contains(node_rect_in_view(win, nid))


def test_readable_view_follows_resizes_until_the_learner_zooms(studio, qtbot):
    win = studio()
    view = win.canvas
    win.resize(1500, 950)
    qtbot.waitUntil(lambda: view.viewport().width() > 900)
    out = win.document.default_output()
    assert view.viewport().rect().contains(node_rect_in_view(win, out))
    pos = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        pos,
        QPointF(view.viewport().mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, -240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    zoomed = view.zoom()
    assert zoomed < READABLE_ZOOM  # the learner zoomed out: their choice
    win.resize(1300, 820)
    qtbot.waitUntil(lambda: view.viewport().width() < 900)
    assert view.zoom() == zoomed


def test_a_lesson_example_opens_readably(studio, qtbot):
    win = studio(example=None)
    assert win.learn.open_lesson(3)  # the neuron
    qtbot.wait(50)
    assert win.canvas.zoom() >= READABLE_ZOOM - 1e-9
    out = win.document.default_output()
    assert win.canvas.viewport().rect().contains(node_rect_in_view(win, out))


def test_show_network_on_canvas_opens_readably(studio, qtbot):
    win = studio()
    win.training.confirm = lambda *_args: True  # never a modal question in a test
    win.training.panel.preset.setCurrentText("walkthrough")
    net = win.training.show_network()
    assert net is not None
    qtbot.wait(50)
    view = win.canvas
    # a grouped network opens at a zoom whose semantic level is readable: neuron blocks, or
    # in a small canvas the layers' rows, never text under 9 px
    assert view.zoom() >= READABLE_AT[zoom_level(view.zoom())] - 1e-9
    out = win.document.default_output()
    loss = win.document.groups.group_of(out)
    block = view.canvas_scene.block_for(loss)  # the loss is one block after the network
    assert block is not None
    shown = view.mapFromScene(block.sceneBoundingRect()).boundingRect()
    assert view.viewport().rect().intersects(shown)
    assert show_readably(view)  # the one function, callable any time the view is shown


# --- 12.3: training at first start ---------------------------------------------------------------
def test_the_loss_plot_is_visible_at_first_start_with_an_empty_state(studio, qtbot):
    win = studio()
    ctl = win.training
    qtbot.waitUntil(lambda: in_front(ctl.plots_dock))
    assert not in_front(ctl.settings_dock)
    assert win.tabifiedDockWidgets(ctl.plots_dock) == [ctl.settings_dock]
    assert not ctl.plots.built  # matplotlib waits for a run
    assert ctl.plots.placeholder.isVisible()
    assert "loss" in ctl.plots.placeholder.text() and "Train" in ctl.plots.placeholder.text()
    # the canvas keeps the larger part of the window
    assert win.centralWidget().width() > ctl.plots_dock.width()
    assert win.centralWidget().height() > win.backward_dock.height()


def test_the_progress_bar_shows_only_while_training(studio, qtbot):
    win = studio()
    ctl = win.training
    bar = ctl.progress_bar
    assert not bar.isVisible()
    ctl.panel.preset.setCurrentText("walkthrough")
    ctl.panel.steps.setValue(5)
    assert ctl.step()
    qtbot.waitUntil(lambda: ctl.trainer.step_count == 1)
    assert ctl.state == "paused" and bar.isVisible()
    assert ctl.train()
    qtbot.waitUntil(lambda: ctl.state == "finished", timeout=10_000)
    assert not bar.isVisible()
    assert ctl.plots.built  # the curves took the empty state's place


# --- 12.4: toolbars ------------------------------------------------------------------------------
@pytest.mark.parametrize("width", [1280, 1600])
def test_toolbars_fit_the_window(studio, qtbot, width):
    win = studio(size=(width, 800))
    bars = top_toolbars(win)
    assert {tb.objectName() for tb in bars} >= set(window_layout.TOOLBAR_ORDER)
    for tb in bars:
        assert tb.width() >= tb.sizeHint().width(), tb.objectName()  # nothing in ">>"
        for action in tb.actions():
            button = tb.widgetForAction(action)
            if button is not None and not action.isSeparator():
                assert tb.rect().contains(button.geometry()), action.text()


def test_train_and_resume_keep_one_width(studio, qtbot):
    win = studio()
    ctl = win.training
    tb = ctl.toolbar
    train = tb.widgetForAction(ctl.actions["train"])
    pause = tb.widgetForAction(ctl.actions["pause"])
    before = (train.width(), pause.x())
    ctl.panel.preset.setCurrentText("walkthrough")
    assert ctl.step()
    qtbot.waitUntil(lambda: ctl.actions["train"].text() == "&Resume")
    qtbot.wait(10)
    assert (train.width(), pause.x()) == before
    assert train.width() >= train.sizeHint().width()


def test_an_expression_error_opens_under_the_box_without_widening_the_toolbar(studio, qtbot):
    win = studio()
    box = win.learn.expression
    toolbar = win.learn.toolbar
    hint, width = toolbar.sizeHint().width(), toolbar.width()
    box.edit.setFocus()
    box.edit.setText("3 * (x + " + "a very long text that would once widen the toolbar " * 4)
    assert box.build().wait() and box.task.state == "failed"
    qtbot.waitUntil(lambda: bool(box.error_text))
    assert box.error_text and box.error_label.text() == box.error_text
    assert box.error_label.isVisible()
    below = box.edit.mapToGlobal(box.edit.rect().bottomLeft()).y()
    assert box.error_label.geometry().top() >= below
    assert box.edit.toolTip() == plain.tooltip(box.error_text)  # escaped: it quotes the code
    assert (toolbar.sizeHint().width(), toolbar.width()) == (hint, width)
    qtbot.keyClick(box.edit, Qt.Key.Key_Backspace)  # editing clears it
    assert not box.error_label.isVisible() and box.error_text == ""


# --- 12.9: theme ---------------------------------------------------------------------------------
def _contrast(icon, background) -> float:
    """Lightness difference (0..255) between an icon's opaque pixels and the background."""
    image = icon.pixmap(QSize(20, 20)).toImage()
    values = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    ink = [c.lightness() for c in values if c.alpha() > 160]
    assert ink, "an empty icon"
    return abs(sum(ink) / len(ink) - background.lightness())


@pytest.fixture
def restore_theme(qapp):
    palette = qapp.palette()
    yield
    from mgstudio.app.theme import apply_theme

    apply_theme(qapp, "system")
    qapp.setPalette(palette)


def test_view_theme_is_remembered_and_every_icon_reads(studio, qtbot, qapp, restore_theme):
    from mgstudio.app.settings import StudioSettings
    from mgstudio.app.theme import is_dark

    win = studio()
    menu = next(
        a.menu()
        for a in win.menus["view"].actions()
        if a.menu() is not None and a.menu().objectName() == "theme_menu"
    )
    assert [a.text() for a in menu.actions()] == ["&System", "&Light", "&Dark"]
    themed = [
        a for a in win.findChildren(type(win.named_actions["new"])) if a.property(ICON_PROPERTY)
    ]
    names = {a.objectName() for a in themed}
    assert {"training_train", "training_step", "training_settings", "step_all"} <= names
    for choice, dark in (("dark", True), ("light", False)):
        next(a for a in menu.actions() if a.data() == choice).trigger()
        qapp.processEvents()
        assert is_dark() is dark
        assert StudioSettings().theme() == choice
        background = win.palette().color(QPalette.ColorRole.Window)
        for action in themed:
            assert _contrast(action.icon(), background) > 100, (choice, action.objectName())
    next(a for a in menu.actions() if a.data() == "system").trigger()
    assert StudioSettings().theme() == "system"
    menu.aboutToShow.emit()
    assert [a.isChecked() for a in menu.actions()] == [True, False, False]


def test_the_saved_theme_is_used_and_the_command_line_wins_for_one_run(settings_path):
    from mgstudio.app.settings import StudioSettings

    settings = StudioSettings()
    assert launch.chosen_theme(launch.build_parser().parse_args([]), settings) == "system"
    settings.set_theme("dark")
    assert launch.chosen_theme(launch.build_parser().parse_args([]), settings) == "dark"
    args = launch.build_parser().parse_args(["--theme", "light"])
    assert launch.chosen_theme(args, settings) == "light"
    assert settings.theme() == "dark"  # --theme does not change the remembered choice
    settings.store.setValue("view/theme", "purple")
    assert settings.theme() == "system"


def test_black_in_an_svg_follows_the_palette(qapp, tmp_path, monkeypatch, restore_theme):
    from mgstudio.app import icons
    from mgstudio.app.theme import apply_theme

    (tmp_path / "blackdot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">'
        '<rect x="2" y="2" width="20" height="20" fill="#000000"/></svg>'
    )
    monkeypatch.setattr(icons, "ICONS_DIR", tmp_path)
    apply_theme(qapp, "dark")
    dark = icons.icon("blackdot").pixmap(QSize(20, 20)).toImage().pixelColor(10, 10)
    assert dark.lightness() > 180
    apply_theme(qapp, "light")
    light = icons.icon("blackdot").pixmap(QSize(20, 20)).toImage().pixelColor(10, 10)
    assert light.lightness() < 80
