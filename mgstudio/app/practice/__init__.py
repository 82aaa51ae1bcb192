"""The window's Practice menu (issue 17): predict grads, forward values and signs on the
canvas, checked as typed; misconception replays side by side. The logic is Qt-free in
``mgstudio.practice``; this package is its dock, its canvas mask and its replay window."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QMenu

from .tools import PracticeTools

#: action name -> (mode, selection only) of a predict session
SESSIONS = {
    "practice_grads": ("grad", False),
    "practice_grads_selection": ("grad", True),
    "practice_two_part": ("two_part", False),
    "practice_forward": ("forward", False),
    "practice_signs": ("sign", False),
}
#: action name -> replay key (``mgstudio.practice.replays.REPLAYS``)
REPLAY_ACTIONS = {
    "replay_add_twice": "add_twice",
    "replay_zero_grad": "zero_grad",
    "replay_backward_twice": "backward_twice",
    "replay_recursion": "recursion",
    "replay_output_or_input": "output_or_input",
}


def practice_for(window) -> PracticeTools:
    """The window's practice tools, made on first use."""
    tools = window.findChild(PracticeTools, "practice_tools")
    return tools if tools is not None else PracticeTools(window)


def practice_slots(window) -> dict[str, Callable[[], object]]:
    """What the Practice actions do (for ``window_menus.slots``)."""
    out: dict[str, Callable[[], object]] = {}
    for name, (mode, selection) in SESSIONS.items():
        out[name] = partial(_start, window, mode, selection)
    for name, key in REPLAY_ACTIONS.items():
        out[name] = partial(_replay, window, key)
    return out


def _start(window, mode: str, selection: bool) -> object:
    return practice_for(window).start(mode, selection)


def _replay(window, key: str) -> object:
    return practice_for(window).replay(key)


def add_practice_menu(window, bar, actions) -> QMenu:
    """Practice ▸ the sessions, then Misconceptions ▸ the replays."""
    menu = bar.addMenu("&Practice")
    menu.addActions([actions[name] for name in SESSIONS])
    menu.addSeparator()
    replays = menu.addMenu("&Misconceptions")
    replays.addActions([actions[name] for name in REPLAY_ACTIONS])
    return menu
