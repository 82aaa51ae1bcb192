"""Step-through backward in a real window: the walkthrough's order and numbers, += for reused
nodes, canvas marks, and resets on edits."""

from __future__ import annotations

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgstudio.app.learn import install
from mgstudio.document import DocumentError

pytestmark = pytest.mark.usefixtures("qtbot")


@pytest.fixture
def tools(window):
    return install(window)


def _contribs(step, tools):
    return [(tools.stepper.name_of(c.operand), c.added) for c in step.contributions]


def test_install_is_idempotent_and_adds_menus(window, tools):
    assert install(window) is tools
    texts = [a.text() for a in window.menuBar().actions()]
    assert "&Help" in texts
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    lessons = next(a.menu() for a in help_menu.actions() if a.text() == "&Lessons")
    titles = [a.text() for a in lessons.actions() if a.text()]
    assert len(tools.lessons) == 7
    assert titles[:7] == [f"&{i + 1} {lesson.title}" for i, lesson in enumerate(tools.lessons)]


def test_stepping_L_follows_the_walkthrough(window, tools, open_example):
    ids = open_example("expression.mgs")
    panel = tools.stepper
    expected = [
        ("L", [("d", -2.0), ("f", 4.0)]),
        ("d", [("e", -2.0), ("c", -2.0)]),
        ("e", [("a", 6.0), ("b", -4.0)]),
    ]
    for node, contributions in expected:
        step = tools.step_once()
        assert tools.stepper.name_of(step.node) == node
        assert _contribs(step, tools) == contributions
        text = panel.text()
        for operand, added in contributions:
            assert f"{operand}.grad += " in text
            assert f"= {added:g}, so {operand}.grad is now {added:g}" in text
        # the canvas shows the grads the stepper wrote (through the document's event)
        for operand, added in contributions:
            item = window.canvas.item_for(ids[operand])
            assert any(f"{added:.4f}" in t for t in item.texts())
    assert panel.stepper.done
    grads = {label: window.document.value_of(nid).grad for label, nid in ids.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0, "L": 1.0}
    assert "Done." in panel.text()
    log = panel.log_text().splitlines()
    assert len(log) == 6 and "L → d: d.grad += -2 × 1 = -2" in log[0]


def test_back_and_reset_restore_grads_exactly(window, tools, open_example):
    ids = open_example("expression.mgs")
    doc = window.document
    for _ in range(3):
        tools.stepper.step()
    tools.stepper.back()
    assert doc.value_of(ids["a"]).grad == 0.0 and doc.value_of(ids["c"]).grad == -2.0
    tools.stepper.reset()
    assert [doc.value_of(ids[k]).grad for k in "abcdef"] == [0.0] * 6
    assert doc.value_of(ids["L"]).grad == 1.0
    assert tools.stepper.stepper.position == 0


def test_reused_node_gets_two_contributions(window, tools, open_example):
    ids = open_example("reuse.mgs")
    step = tools.stepper.step()
    assert [c.added for c in step.contributions] == [1.0, 1.0]
    assert [(c.before, c.after) for c in step.contributions] == [(0.0, 1.0), (1.0, 2.0)]
    assert window.document.value_of(ids["b"]).grad == 2.0
    text = tools.stepper.text()
    assert "b.grad is now 1" in text and "b.grad is now 2" in text
    assert "more than once" in text
    badges = [t for nid, t in tools.stepper.overlay.marks() if nid == ids["b"]]
    assert badges == ["+= 1", "+= 1"]


def test_marks_follow_the_current_node_and_clear_on_edit(window, tools, open_example):
    ids = open_example("expression.mgs")
    tools.stepper.step()
    marks = tools.stepper.overlay.marks()
    assert (ids["L"], "ring") in marks
    ring = tools.stepper.overlay.items()[0]
    assert ring.scene() is window.canvas.scene()
    assert ring.sceneBoundingRect().contains(window.canvas.item_for(ids["L"]).sceneBoundingRect())
    window.document.set_value(ids["a"], 3.0)  # any edit
    assert tools.stepper.stepper is None
    assert tools.stepper.overlay.marks() == []
    assert all(item.scene() is None for item in [ring])
    assert "started over" in window.statusBar().currentMessage()


def test_zero_grad_off_accumulates_across_passes(window, tools, open_example):
    ids = open_example("expression.mgs")
    a = window.document.value_of(ids["a"])
    tools.stepper.zero_check.setChecked(False)
    start = a.grad  # whatever an earlier backward left there (auto backward: 6)
    tools.stepper.run_to_end()
    assert a.grad == start + 6.0
    tools.stepper.run_to_end()  # a second pass without zero_grad
    assert a.grad == start + 12.0
    # inner nodes are rebuilt by each forward pass in training, so only leaves pile up
    assert window.document.value_of(ids["e"]).grad == -2.0
    assert window.document.value_of(ids["L"]).grad == 1.0
    assert "pass 2" in tools.stepper.position_label.text()


def test_incomplete_parts_are_skipped_with_a_note(window, tools, open_example):
    ids = open_example("expression.mgs")
    doc = window.document
    lonely = doc.add_node("mul", label="m")
    doc.connect(ids["a"], lonely, "a")
    tools.stepper.set_output(ids["L"])
    assert tools.stepper.step() is not None
    assert "m" in tools.stepper.notes_label.text()
    assert "needs a wire" in tools.stepper.notes_label.text()
    tools.stepper.set_output(lonely)
    assert tools.stepper.step() is None
    assert "needs a wire" in tools.stepper.text()


def test_play_steps_on_timer_and_stops_at_the_end(window, tools, open_example):
    open_example("expression.mgs")
    tools.stepper.speed.setValue(4)
    assert tools.stepper.timer.interval() == 250  # steps per second -> milliseconds
    tools.stepper.play()
    assert tools.stepper.playing and tools.stepper.play_button.text() == "Pause"
    # drive the timer's ticks by hand: the test checks what a tick does, not the clock
    for expected in (1, 2, 3):
        tools.stepper.timer.timeout.emit()
        assert tools.stepper.stepper.position == expected
    assert tools.stepper.stepper.done
    assert not tools.stepper.playing
    assert tools.stepper.play_button.text() == "Play"
    tools.stepper.play()  # after the end, Play starts a new pass
    assert tools.stepper.playing and tools.stepper.stepper.position == 0
    tools.stepper.pause()
    assert not tools.stepper.playing


def test_new_document_rebinds_and_closing_unsubscribes(window, tools, open_example):
    open_example("expression.mgs")
    old = window.document
    tools.stepper.step()
    open_example("reuse.mgs")
    assert tools.stepper.document is window.document is not old
    assert tools.stepper.stepper is None
    assert tools.stepper._on_edit not in old.events.values_changed
    ev = window.document.events
    ours = (tools.stepper._on_edit, tools.sweep._on_values, tools.gradcheck._on_edit)
    assert all(slot in ev.values_changed for slot in ours)
    window.undo_stack.setClean()
    window.close()
    assert tools.stepper.document is None
    assert not any(slot in ev.values_changed for slot in ours)


_LEAVES = st.sampled_from(["x", "y", "2", "0.5", "-1.5"])


def _expressions():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["**2", "**3"])).map(lambda t: f"({t[0]}){t[1]}"),
            st.tuples(st.sampled_from(["tanh", "sigmoid", "relu"]), inner).map(
                lambda t: f"{t[0]}({t[1]})"
            ),
        )

    return st.recursive(_LEAVES, extend, max_leaves=8)


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_expressions(), x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_stepping_any_expression_ends_where_backward_does(window, tools, text, x, y):
    from mgstudio.app.learn.expression_box import build_expression

    try:
        doc = build_expression(f"x = {x!r}; y = {y!r}; out = {text}")
    except DocumentError:  # e.g. the expression folded into a plain number
        return
    window.set_document(doc)
    panel = tools.stepper
    assert panel.document is doc
    values = [doc.value_of(nid) for nid in doc.nodes]
    panel.run_to_end()
    stepped = [v.grad for v in values]
    doc.backward(doc.selected_output)
    assert stepped == pytest.approx([v.grad for v in values], rel=1e-12, abs=1e-12, nan_ok=True)
    # a new pass (Step after the end starts one), walked fully back
    panel.step()
    while panel.stepper.position:
        panel.back()
    out = doc.value_of(doc.selected_output)
    assert [v.grad for v in values] == [1.0 if v is out else 0.0 for v in values]


def test_menu_actions_drive_the_tools(window, tools, open_example):
    graph_menu = window.menus["graph"]
    for name in ("step", "step_back", "gradcheck", "sweep", "expression"):
        assert tools.actions[name] in graph_menu.actions()
    view_texts = [a.text() for a in window.menus["view"].actions()]
    assert {"Step-through", "Derivative", "Gradient Check", "Lesson"} <= set(view_texts)
    open_example("expression.mgs")
    tools.actions["step"].trigger()
    tools.actions["step"].trigger()
    assert tools.stepper.stepper.position == 2
    assert tools.stepper_dock.isVisible()
    tools.actions["step_back"].trigger()
    assert tools.stepper.stepper.position == 1
    tools.actions["gradcheck"].trigger()
    assert tools.gradcheck.task.wait()  # the check runs in a background task
    assert len(tools.gradcheck.rows) == 4 and tools.gradcheck_dock.isVisible()
    assert tools.stepper.stepper is None  # the check ran a full backward: a fresh start


def test_marks_follow_a_moved_node(window, tools, open_example):
    ids = open_example("reuse.mgs")
    tools.stepper.step()
    badges = [it for it in tools.stepper.overlay.items() if it.data(0) == ids["b"]]
    before = [it.pos() for it in badges]
    window.document.move_node(ids["b"], (window.document.nodes[ids["b"]].pos[0] - 300.0, 0.0))
    node_rect = window.canvas.item_for(ids["b"]).sceneBoundingRect()
    for it, old in zip(badges, before):
        assert it.pos() != old
        assert node_rect.left() < it.sceneBoundingRect().center().x() < node_rect.right()
        assert it.sceneBoundingRect().top() > node_rect.bottom()  # below the node
    # the two badges of b stack instead of covering each other
    assert not badges[0].sceneBoundingRect().intersects(badges[1].sceneBoundingRect())


def test_a_window_deleted_without_closing_lets_go_of_the_document(qtbot, settings_path):
    from PySide6.QtCore import QCoreApplication, QEvent

    from mgstudio.app.main_window import MainWindow
    from mgstudio.app.settings import StudioSettings
    from mgstudio.document import Document
    from mgstudio.document.examples import example_path

    doc = Document.load(example_path("expression.mgs"))
    win = MainWindow(document=doc, settings=StudioSettings())
    tools = install(win)
    ours = [
        (doc.events.values_changed, tools.stepper._on_edit),
        (doc.events.values_changed, tools.sweep._on_values),
        (doc.events.node_changed, tools.gradcheck.overlay.follow),
    ]
    assert all(slot in signal for signal, slot in ours)
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not any(slot in signal for signal, slot in ours)
