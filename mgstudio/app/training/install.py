"""``install(window)``: the single call that adds training to a main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..host import WindowHost
    from .controller import TrainingController


def install(window: WindowHost) -> TrainingController:
    """Add training to a ``MainWindow`` (through Qt's public API only) and return its
    controller; the worker thread stops when the window closes or the application quits."""
    from .controller import TrainingController  # Qt widgets load only when asked for
    from .heatmaps import install_heatmaps
    from .timeline import install_timeline

    controller = TrainingController(window)
    install_heatmaps(window, controller)
    controller.timeline = install_timeline(window, controller)  # Reset goes to its step 0
    window.training = controller  # the Python side lives as long as the window
    return controller
