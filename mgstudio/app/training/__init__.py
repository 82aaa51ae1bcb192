"""Training in the studio window: a toolbar, settings and plot docks, a Training menu, a
worker thread running ``mgstudio.training.Trainer`` and the MLP shown on the canvas.

The one entry point is ``install(window) -> TrainingController``."""

from .install import install

__all__ = ["install"]
