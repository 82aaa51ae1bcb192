"""Lessons: every lesson file parses, opens its example in order, raises its panels and names
an action that exists in the window."""

from __future__ import annotations

import pytest

from mgstudio.app.learn import install
from mgstudio.app.learn.lessons import LessonError, load_lessons, parse_lesson

EXAMPLES = [
    "derivative.mgs",
    "expression.mgs",
    "expression.mgs",
    "neuron.mgs",
    "reuse.mgs",
    "mlp",
    "neuron.mgs",
]


def _checked(tools):
    """Run the Gradient Check action and wait for its background task."""
    task = tools.check_gradients()
    assert task.wait()
    return tools.gradcheck.rows


def test_lessons_follow_the_walkthrough_order():
    lessons = load_lessons()
    assert [lesson.example for lesson in lessons] == EXAMPLES
    for lesson in lessons:
        assert lesson.try_next and len(lesson.body) > 200
        assert set(lesson.panels) <= {"stepper", "sweep", "gradcheck", "expression"}
    assert [lesson.zero_grad for lesson in lessons][-1] is False


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_each_lesson_opens_its_example_and_panels(window, index):
    tools = install(window)
    lesson = tools.lessons[index]
    assert tools.open_lesson(index)
    doc = window.document
    labels = {n.label for n in doc.nodes.values()}
    if lesson.select:
        assert lesson.select in labels
        assert [doc.nodes[n].label for n in window.canvas.selected_ids()] == [lesson.select]
    if lesson.output:
        assert doc.nodes[tools.stepper.chosen_output()].label == lesson.output
    assert tools.lesson_dock.isVisible()
    assert lesson.title in tools.lesson_panel.text()
    assert "Try next:" in tools.lesson_panel.text()
    for name in lesson.panels:
        if name != "expression":
            assert tools.docks[name].isVisible()
    assert tools.stepper.zero_check.isChecked() is lesson.zero_grad
    assert tools.stepper.document is doc  # the panels follow the lesson's document


def test_lesson_actions_work_as_the_text_says(window):
    tools = install(window)
    tools.open_lesson(2)  # manual backprop on L
    steps = [tools.stepper.step() for _ in range(3)]
    added = [[c.added for c in s.contributions] for s in steps]
    assert added == [[-2.0, 4.0], [-2.0, -2.0], [6.0, -4.0]]
    tools.open_lesson(4)  # reuse: one step, b's grad is 2, the check passes
    tools.stepper.step()
    b = next(nid for nid, n in window.document.nodes.items() if n.label == "b")
    assert window.document.value_of(b).grad == 2.0
    assert all(r.ok for r in _checked(tools))
    tools.open_lesson(6)  # zero_grad off: a second pass doubles every leaf's grad
    doc = window.document
    w1 = next(nid for nid, n in doc.nodes.items() if n.label == "w1")
    tools.stepper.run_to_end()
    first = doc.value_of(w1).grad
    tools.stepper.run_to_end()
    assert doc.value_of(w1).grad == pytest.approx(first + 1.0)  # x1 * 0.5 per pass


def test_next_and_previous_buttons_and_help_menu(window):
    tools = install(window)
    tools.lessons_menu.actions()[0].trigger()
    assert tools.lesson_panel.index == 0
    tools.lesson_panel.next_button.click()
    assert tools.lesson_panel.index == 1
    assert window.document.nodes  # expression.mgs
    tools.lesson_panel.prev_button.click()
    assert tools.lesson_panel.index == 0
    assert not tools.lesson_panel.prev_button.isEnabled()


def test_bad_lesson_files_are_refused(tmp_path):
    with pytest.raises(LessonError, match="---"):
        parse_lesson("title: x\nexample: y\ntry: z\n")
    with pytest.raises(LessonError, match="unknown header"):
        parse_lesson("title: x\ncolour: red\n---\nbody")
    with pytest.raises(LessonError, match="try"):
        parse_lesson("title: x\nexample: y\n---\nbody")
    assert load_lessons(tmp_path / "missing") == []


def test_dock_places_survive_a_restart(window, qtbot):
    from PySide6.QtCore import Qt

    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    tools = install(window)
    tools.open_lesson(0)
    window.removeDockWidget(tools.lesson_dock)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, tools.lesson_dock)
    tools.lesson_dock.show()
    window.undo_stack.setClean()
    window.close()  # saves the layout
    again = MainWindow(settings=StudioSettings())
    qtbot.addWidget(again)
    tools = install(again)
    again.show()  # the saved layout comes back at the first show, once every dock exists
    assert again.dockWidgetArea(tools.lesson_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    again.close()


def test_training_lessons_fill_in_the_training_settings(window):
    training = pytest.importorskip("mgstudio.app.training")
    controller = training.install(window)
    tools = install(window)
    tools.open_lesson(5)  # the MLP
    cfg = controller.panel.config()
    assert (cfg.dataset, cfg.hidden, cfg.activation, cfg.lr, cfg.zero_grad) == (
        "walkthrough",
        (4, 4),
        "tanh",
        0.1,
        True,
    )
    assert controller.panel.preset.currentText() == "walkthrough"
    assert controller.settings_dock.isVisible()
    tools.open_lesson(6)  # the forgotten zero_grad
    cfg = controller.panel.config()
    assert (cfg.dataset, cfg.hidden, cfg.zero_grad) == ("walkthrough", (4, 4), False)


def test_no_stray_tab_bar_next_to_a_hidden_tab_group(qtbot, settings_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget, QLabel, QTabBar

    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings

    window = MainWindow(settings=StudioSettings())
    qtbot.addWidget(window)
    window.resize(1500, 950)
    # what training does before us: two docks tabbed on the right, hidden until needed
    hidden = []
    for name in ("h1", "h2"):
        dock = QDockWidget(name, window)
        dock.setObjectName(name)
        dock.setWidget(QLabel(name))
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        hidden.append(dock)
    window.tabifyDockWidget(*hidden)
    for dock in hidden:
        dock.hide()
    install(window)
    window.show()
    qtbot.waitExposed(window)
    on_screen = [
        [b.tabText(i) for i in range(b.count())]
        for b in window.findChildren(QTabBar)
        if b.isVisible() and b.geometry().top() >= 0 and b.count()
    ]
    assert on_screen == [["Backward", "Step-through", "Derivative", "Gradient Check"]]
    window.close()
