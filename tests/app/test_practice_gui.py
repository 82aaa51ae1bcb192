"""Practice in a real window, driven by real key events: predict the neuron's grads (right,
wrong, Tab, F1, Esc), forward values, signs, hostile text, and the misconception replays."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mgstudio.app.canvas.number_mask import masked_ids
from mgstudio.app.practice import practice_for

pytestmark = pytest.mark.usefixtures("qtbot")


@pytest.fixture
def ids(open_example):
    return open_example("neuron.mgs")


def _grad_text(window, nid):
    return window.canvas.item_for(nid).texts()[2]


def _type(qtbot, panel, text):
    qtbot.keyClicks(panel.answer, text)
    qtbot.keyClick(panel.answer, Qt.Key.Key_Return)


def _start(window, action):
    window.named_actions[action].trigger()
    tools = practice_for(window)
    assert tools.session is not None, tools.panel.feedback.text()
    return tools


def test_menu_lists_the_modes_and_the_replays(window):
    menu = window.menus["practice"]
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:5] == [
        "Predict &Gradients",
        "Predict Gradients of &Selection",
        "Predict Gradients in &Two Steps",
        "Predict &Forward Values",
        "&Which Way?",
    ]
    replays = next(a.menu() for a in menu.actions() if a.text() == "&Misconceptions")
    assert len([a for a in replays.actions() if a.text()]) == 5


def test_predicting_the_neurons_grads_with_the_keyboard(window, qtbot, ids):
    backward_dock = window.backward_dock
    assert backward_dock.isVisible()
    tools = _start(window, "practice_grads")
    panel = tools.panel
    assert tools.dock.isVisible() and not backward_dock.isVisible()  # it would tell
    # every grad hidden on the canvas, the data shown
    assert all(_grad_text(window, nid) == "grad ?" for nid in ids.values())
    assert window.canvas.item_for(ids["x1"]).texts()[1] == "data 2.0000"
    assert panel.prompt.text() == "o.grad = ?"
    assert window.canvas.selected_ids() == [ids["o"]]  # the node asked about

    _type(qtbot, panel, "1")
    assert panel.feedback.text() == "Right: o.grad = 1 (the output: do/do = 1)"
    assert _grad_text(window, ids["o"]) == "grad 1.0000"  # revealed
    assert panel.prompt.text() == "n.grad = ?"
    _type(qtbot, panel, "0.4")
    assert panel.feedback.text().startswith("Not 0.4. Try again")
    assert _grad_text(window, ids["n"]) == "grad ?"
    _type(qtbot, panel, "0.5")
    assert panel.feedback.text() == "Right: n.grad = o.grad × 0.5 = 0.5"
    assert _grad_text(window, ids["n"]) == "grad 0.5000"
    assert panel.score.text() == "Score 1/2, 8 to go of 10"

    # Tab / Shift+Tab move between questions, the focus stays on the answer
    assert panel.prompt.text() == "b.grad = ?"
    qtbot.keyClick(panel.answer, Qt.Key.Key_Tab)
    assert panel.prompt.text() == "x1w1x2w2.grad = ?"
    qtbot.keyClick(panel.answer, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert panel.prompt.text() == "b.grad = ?"
    assert panel.answer.hasFocus()
    # F1 shows (unscored), Ctrl+H too
    qtbot.keyClick(panel.answer, Qt.Key.Key_F1)
    assert panel.feedback.text() == "Shown: b.grad = n.grad × 1 = 0.5"
    assert _grad_text(window, ids["b"]) == "grad 0.5000"
    qtbot.keyClick(panel.answer, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert panel.feedback.text() == "Shown: x1w1x2w2.grad = n.grad × 1 = 0.5"
    assert panel.score.text() == "Score 1/2, 2 shown, 6 to go of 10"
    # the walkthrough's numbers for the rest
    for prompt, answer in (
        ("x2w2.grad = ?", "0.5"),
        ("w2.grad = ?", "0"),
        ("x2.grad = ?", "0.5"),
        ("x1w1.grad = ?", "0.5"),
        ("w1.grad = ?", "1.0"),
        ("x1.grad = ?", "-1.5"),
    ):
        assert panel.prompt.text() == prompt
        _type(qtbot, panel, answer)
        assert panel.feedback.text().startswith("Right:"), panel.feedback.text()
    assert panel.feedback.text() == "Right: x1.grad = x1w1.grad × -3 = -1.5"
    assert panel.score.text() == "Score 7/8, 2 shown, 0 to go of 10 Done: Esc ends the session."
    assert masked_ids(window.canvas.canvas_scene) == {}

    qtbot.keyClick(panel.answer, Qt.Key.Key_Escape)
    assert tools.session is None and backward_dock.isVisible()
    assert panel.feedback.text() == "Session over. Score 7/8, 2 shown, 0 to go of 10."


def test_esc_brings_every_grad_back_and_the_document_never_changed(window, qtbot, ids):
    before = window.document.to_json()
    tools = _start(window, "practice_grads")
    _type(qtbot, tools.panel, "1")
    qtbot.keyClick(tools.panel.answer, Qt.Key.Key_Escape)
    assert masked_ids(window.canvas.canvas_scene) == {}
    assert _grad_text(window, ids["x1"]) == "grad -1.5000"
    assert window.document.to_json() == before
    assert not window.undo_stack.canUndo()


def test_hostile_typed_answers_get_a_plain_message_and_score_nothing(window, qtbot, ids):
    tools = _start(window, "practice_grads")
    panel = tools.panel
    for text in ("1/2", "__import__('os')", "nan", "0,5", "1e999", "１", "2**0", "\x00"):
        panel.answer.clear()
        if text.isascii() and text.isprintable():
            _type(qtbot, panel, text)
        else:  # QTest types ASCII keys only: the text arrives as a paste would bring it
            panel.answer.setText(text)
            qtbot.keyClick(panel.answer, Qt.Key.Key_Return)
        message = panel.feedback.text()
        assert message and "Traceback" not in message
        assert panel.score.text() == "Score 0/0, 10 to go of 10"
        assert panel.prompt.text() == "o.grad = ?"
    assert "decimal mark" in tools.session.answer("0,5").message
    long_text = "9" * 500
    panel.answer.setText(long_text)
    qtbot.keyClick(panel.answer, Qt.Key.Key_Return)
    assert "too long" in panel.feedback.text()


def test_two_part_mode(window, qtbot, ids):
    tools = _start(window, "practice_two_part")
    panel = tools.panel
    _type(qtbot, panel, "1")
    assert panel.prompt.text() == "do/dn = ?"
    _type(qtbot, panel, "0.5")
    assert "1 − tanh(a)²" in panel.feedback.text()
    assert _grad_text(window, ids["n"]) == "grad ?"  # the product is still to come
    _type(qtbot, panel, "0.5")
    assert panel.feedback.text() == "Right: n.grad = o.grad × 0.5 = 0.5"
    assert _grad_text(window, ids["n"]) == "grad 0.5000"


def test_forward_mode_hides_data_and_grads(window, qtbot, ids):
    tools = _start(window, "practice_forward")
    panel = tools.panel
    item = window.canvas.item_for(ids["x1w1"])
    assert item.texts()[1:] == ["data ?", "grad ?"]
    assert window.canvas.item_for(ids["x1"]).texts()[1:] == ["data 2.0000", "grad ?"]
    _type(qtbot, panel, "-6")
    assert panel.feedback.text() == "Right: x1w1 = x1 * w1 = 2 * -3 = -6"
    assert item.texts()[1:] == ["data -6.0000", "grad ?"]
    for answer in ("0", "-6", "0.88", "0.8814", "0.7071"):
        _type(qtbot, panel, answer)
    assert panel.score.text().startswith("Score 4/5")  # 0.88 is off by more than 0.001
    assert tools.session.done
    qtbot.keyClick(panel.answer, Qt.Key.Key_Escape)
    assert item.texts()[1:] == ["data -6.0000", "grad 0.5000"]


def test_which_way_sign_questions(window, qtbot, ids):
    tools = _start(window, "practice_signs")
    panel = tools.panel
    assert panel.signs.isVisibleTo(panel)
    assert panel.prompt.text() == "Nudge x1 up a little: does o go up, down or stay?"
    _type(qtbot, panel, "u")
    assert panel.feedback.text().startswith("Not up")
    _type(qtbot, panel, "d")
    assert panel.feedback.text() == "Right: do/dx1 = x1.grad = -1.5, so o goes down"
    assert _grad_text(window, ids["x1"]) == "grad -1.5000"
    assert _grad_text(window, ids["w1"]) == "grad ?"
    for answer in ("up", "+", "stay", "u"):
        _type(qtbot, panel, answer)
    assert tools.session.done
    assert panel.score.text().startswith("Score 4/5")


def test_selection_mode_and_its_refusal(window, qtbot, ids):
    window.canvas.canvas_scene.clearSelection()
    window.named_actions["practice_grads_selection"].trigger()
    tools = practice_for(window)
    assert tools.session is None and "Select the nodes" in tools.panel.feedback.text()
    for label in ("w1", "x1w1"):
        window.canvas.item_for(ids[label]).setSelected(True)
    tools = _start(window, "practice_grads_selection")
    assert [q.prompt for q in tools.session.questions] == ["x1w1.grad = ?", "w1.grad = ?"]
    assert set(masked_ids(window.canvas.canvas_scene)) == {ids["w1"], ids["x1w1"]}
    assert _grad_text(window, ids["x1"]) == "grad -1.5000"


def test_an_edit_of_the_graph_ends_the_session(window, qtbot, ids):
    tools = _start(window, "practice_grads")
    window.document.set_value(ids["x1"], 3.0)
    assert tools.session is None
    assert "graph changed" in tools.panel.feedback.text()
    assert masked_ids(window.canvas.canvas_scene) == {}


def test_closing_the_dock_ends_the_session(window, qtbot, ids):
    tools = _start(window, "practice_grads")
    tools.dock.close()
    assert tools.session is None
    assert masked_ids(window.canvas.canvas_scene) == {}
    assert window.backward_dock.isVisible()


def test_an_empty_document_is_refused_in_words(window):
    window.named_actions["practice_grads"].trigger()
    tools = practice_for(window)
    assert tools.session is None
    assert tools.panel.feedback.text().startswith("Practice cannot start: the graph is empty")


# --- replays ------------------------------------------------------------------------------------
def _replay(window, action):
    window.named_actions[action].trigger()
    view = practice_for(window).replays
    assert view is not None and view.isVisible()
    return view


def test_replay_add_twice_shows_1_against_2(window):
    view = _replay(window, "replay_add_twice")
    assert view.wrong.texts() == [("a", "3.0000", "1.0000"), ("b", "6.0000", "1.0000")]
    assert view.right.texts() == [("a", "3.0000", "2.0000"), ("b", "6.0000", "1.0000")]
    assert not view.player.isVisible()


def test_replay_backward_twice(window):
    view = _replay(window, "replay_backward_twice")
    wrong = {label: grad for label, _data, grad in view.wrong.texts()}
    right = {label: grad for label, _data, grad in view.right.texts()}
    assert (wrong["f"], right["f"]) == ("8.0000", "4.0000")


def test_replay_zero_grad_draws_two_curves(window):
    view = _replay(window, "replay_zero_grad")
    wrong_line = view.wrong.figure.axes[0].lines[0]
    right_line = view.right.figure.axes[0].lines[0]
    assert len(wrong_line.get_ydata()) == len(right_line.get_ydata()) == 50
    assert wrong_line.get_ydata()[-1] > 1.0 > 0.01 > right_line.get_ydata()[-1]
    assert view.wrong.note.text() == f"last loss {wrong_line.get_ydata()[-1]:.4f}"
    assert not view.wrong.table.isVisible()


def test_replay_recursion_steps_with_keys_and_plays_with_a_timer(window, qtbot):
    view = _replay(window, "replay_recursion")
    assert view.player.isVisible() and view.frame == 0
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.frame == 1
    assert view.wrong.note.text() == "step 2: c passes its grad -4 to a, b"
    assert view.right.note.text() == "step 2: d passes its grad -6 to c, a"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # past the end: stays on the last
    assert view.frame == 2
    wrong = {label: grad for label, _data, grad in view.wrong.texts()}
    right = {label: grad for label, _data, grad in view.right.texts()}
    assert (wrong["a"], right["a"]) == ("6.0000", "24.0000")
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.frame == 1
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.timer.isActive()
    view._tick()
    assert view.frame == 2 and not view.timer.isActive()  # stops at the end
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.frame == 0


def test_replay_output_or_input(window):
    view = _replay(window, "replay_output_or_input")
    wrong = {label: grad for label, _data, grad in view.wrong.texts()}
    right = {label: grad for label, _data, grad in view.right.texts()}
    assert (wrong["n"], right["n"]) == ("0.2232", "0.5000")
    assert (wrong["x"], right["x"]) == ("2.0000", "7.3891")
    # switching replays in the one window: the curve goes, the table comes back
    _replay(window, "replay_zero_grad")
    view = _replay(window, "replay_add_twice")
    assert view.wrong.table.isVisible() and not view.wrong.plot.isVisible()
