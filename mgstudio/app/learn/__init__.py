"""Learning tools around the canvas: step-through backward, the derivative sweep, the gradient
check, the expression box and the lessons. ``install(window)`` adds them all to a MainWindow."""

from .install import LearnTools, install

__all__ = ["LearnTools", "install"]
