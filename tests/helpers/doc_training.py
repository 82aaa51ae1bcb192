"""The walkthrough neuron set up to be trained as a document (issue 16): x1 and x2 are
features x0 and x1, the settings are micrograd's moons demo with ``samples`` samples."""

from __future__ import annotations


def featured_neuron(ctl, window, open_example, samples: int) -> dict[str, str]:
    """Open neuron.mgs in ``window``, make x1, x2 features; returns label -> node id."""
    ids = open_example("neuron.mgs")
    doc = window.document
    doc.set_feature(ids["x1"], 0)
    doc.set_feature(ids["x2"], 1)
    ctl.panel.preset.setCurrentText("micrograd-demo")
    ctl.panel.samples.setValue(samples)
    return ids
