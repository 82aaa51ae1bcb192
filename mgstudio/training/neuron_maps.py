"""Each neuron's output over the input plane: the numbers behind TF Playground's neuron pictures,
computed on the learner's own graph (the document's Values), not on the trainer's model.

The document's graph is compiled once with the tape (``mgstudio.engine.tape``): the two
feature leaves (x1, x2) are the tape's inputs, every other leaf (weights, biases, constants)
is a parameter, and the outputs are the neuron groups' output nodes. A weight change is then a
new parameter vector and one batched forward over the grid's points; only a change of the
graph's structure (new Values, other groups) compiles again.

Two halves, for the app's threading: :meth:`NeuronMaps.prepare` reads the document (cheap; on
the thread that owns it, the GUI thread) into a frozen :class:`Frame`, and
:meth:`NeuronMaps.run` compiles (when needed) and evaluates it (anywhere, e.g. a worker
thread): it touches only the Values the frame holds, whose structure never changes (the
document builds new Values on a structural edit), and the numbers copied into the frame.
No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from mgstudio.document import Document
from mgstudio.engine import Value
from mgstudio.engine.tape import Tape

from .plot_limits import axis_limits

#: points per side of the grid: one per pixel of the canvas' heatmap (group_geometry's 64)
GRID_SIZE = 64
#: the margin around the dataset, as a fraction of its span (the decision-boundary plot's)
GRID_MARGIN = 0.25
#: the plane shown when there is no dataset to fit (a graph built by hand)
DEFAULT_EXTENT = (-2.0, 2.0, -2.0, 2.0)


class NeuronMapError(ValueError):
    """The document cannot be mapped over the input plane (the message says why)."""


@dataclass(frozen=True)
class Grid:
    """A ``rows`` x ``cols`` grid of the input plane. ``points`` ``(rows*cols, 2)`` are in
    image order: row 0 is the top (the largest x2), x1 grows to the right."""

    extent: tuple[float, float, float, float]  # x1 from, x1 to, x2 from, x2 to
    rows: int
    cols: int
    points: np.ndarray = field(repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)


def square_grid(
    extent: tuple[float, float, float, float] = DEFAULT_EXTENT, size: int = GRID_SIZE
) -> Grid:
    """``size`` x ``size`` points over ``extent`` (pixel centres would shift the edges by half
    a step; the ends of the axes are sampled, as the decision-boundary plot does)."""
    if not isinstance(size, int) or size < 2:
        raise NeuronMapError(f"a grid needs at least 2 points a side, not {size!r}")
    x0, x1, y0, y1 = (float(v) for v in extent)
    if not all(np.isfinite([x0, x1, y0, y1])) or x0 >= x1 or y0 >= y1:
        raise NeuronMapError(f"a grid needs a finite extent with from < to, not {extent!r}")
    xs = np.linspace(x0, x1, size)
    ys = np.linspace(y1, y0, size)  # top row first
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    return Grid((x0, x1, y0, y1), size, size, points)


def grid_over(X: ArrayLike, size: int = GRID_SIZE, margin: float = GRID_MARGIN) -> Grid:
    """The grid around a 2-input dataset's points with ``margin`` of the span each side (the
    overflow-safe limits of ``plot_limits``, as the decision-boundary plot uses)."""
    points = np.asarray(X, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise NeuronMapError(f"the points must have 2 columns (x1, x2), not shape {points.shape}")
    lx = axis_limits(points[:, 0], margin=margin)
    ly = axis_limits(points[:, 1], margin=margin)
    return square_grid((lx.lo, lx.hi, ly.lo, ly.hi), size)


@dataclass(frozen=True)
class Frame:
    """What one map needs of the document, read on the thread that owns it."""

    #: the neuron groups mapped, and for each its output node, its Value and the node's kind
    groups: tuple[str, ...]
    output_ids: tuple[str, ...]
    outputs: tuple[Value, ...] = field(repr=False)
    kinds: tuple[str, ...]
    #: the two feature leaves' Values, every other leaf upstream, and those leaves' numbers
    inputs: tuple[Value, Value] = field(repr=False)
    params: tuple[Value, ...] = field(repr=False)
    data: np.ndarray = field(repr=False, compare=False)
    #: the identity of the graph compiled (new Values or other groups: another key)
    key: tuple[int, ...] = field(repr=False)
    #: neuron groups left out: their output is incomplete (it has no Value)
    skipped: tuple[str, ...] = ()


def neuron_groups(doc: Document) -> list[str]:
    """The document's ``neuron`` groups, in the document's order."""
    return [g.id for g in doc.groups if g.kind == "neuron"]


def output_of(doc: Document, gid: str) -> str | None:
    """The node a group's picture shows: its one output (a member feeding the outside or
    nothing); of several, the one labelled like the group, else the last. None if none."""
    outs = doc.group_ports(gid).outputs
    if len(outs) <= 1:
        return outs[0] if outs else None
    label = doc.groups.get(gid).label
    named = [nid for nid in outs if doc.nodes[nid].label == label]
    return named[0] if named else outs[-1]


class NeuronMaps:
    """Maps the outputs of a document's neuron groups over a grid, with one compiled tape
    reused while the graph's structure stays the same.

    Not for two threads at once: call ``prepare`` on the document's thread and ``run`` on one
    worker at a time (the app's heatmap service keeps one computation in flight)."""

    def __init__(self) -> None:
        #: how many times a graph was compiled (tests count it: a weight change must not)
        self.compiles = 0
        self._leaves_key: tuple[int, ...] | None = None
        self._leaves: tuple[Value, ...] = ()
        self._tape_key: tuple[int, ...] | None = None
        self._tape: Tape | None = None

    # --- the document's thread ---------------------------------------------------------------
    def prepare(
        self, doc: Document, inputs: Sequence[str], groups: Iterable[str] | None = None
    ) -> Frame:
        """Read what a map of ``groups`` (default: every neuron group) needs; ``inputs`` are
        the node ids of the two feature leaves (x1, x2). Raises NeuronMapError."""
        input_values = self._input_values(doc, inputs)
        gids, out_ids, outs, kinds, skipped = [], [], [], [], []
        for gid in neuron_groups(doc) if groups is None else list(groups):
            if gid not in doc.groups:
                raise NeuronMapError(f"there is no group {gid!r} in this document")
            nid = output_of(doc, gid)
            v = doc.value_of(nid) if nid is not None else None
            if nid is None or v is None or any(v is x for x in input_values):
                skipped.append(gid)
                continue
            gids.append(gid)
            out_ids.append(nid)
            outs.append(v)
            kinds.append(doc.nodes[nid].kind)
        key = (*map(id, input_values), *map(id, outs))
        if key != self._leaves_key:
            self._leaves = _leaves_above(outs, input_values)
            self._leaves_key = key
        leaves = self._leaves
        data = np.fromiter((p.data for p in leaves), dtype=np.float64, count=len(leaves))
        return Frame(
            tuple(gids),
            tuple(out_ids),
            tuple(outs),
            tuple(kinds),
            input_values,
            leaves,
            data,
            key,
            tuple(skipped),
        )

    @staticmethod
    def _input_values(doc: Document, inputs: Sequence[str]) -> tuple[Value, Value]:
        ids = list(inputs)
        if len(ids) != 2 or ids[0] == ids[1]:
            raise NeuronMapError(f"a map needs two different input leaves (x1, x2), not {ids!r}")
        values = []
        for nid in ids:
            if nid not in doc:
                raise NeuronMapError(f"there is no node {nid!r} for an input of the map")
            v = doc.value_of(nid)
            if v is None or v._a is not None:
                raise NeuronMapError(
                    f"the map's input {doc.describe(nid)} must be a leaf (an input or constant)"
                )
            values.append(v)
        return values[0], values[1]

    # --- any one thread ----------------------------------------------------------------------
    def run(self, frame: Frame, grid: Grid) -> dict[str, np.ndarray]:
        """Each group's output over ``grid``: ``{group id: float array (rows, cols)}``, row 0
        at the top. Compiles only when the frame's graph is not the one compiled last."""
        if not frame.groups:
            return {}
        tape = self._tape
        if tape is None or frame.key != self._tape_key:
            tape = Tape.compile(
                outputs=list(frame.outputs), inputs=list(frame.inputs), params=list(frame.params)
            )
            self.compiles += 1
            self._tape, self._tape_key = tape, frame.key
        tape.params_array = frame.data
        Y = tape.evaluate(grid.points)
        return {gid: Y[:, j].reshape(grid.shape) for j, gid in enumerate(frame.groups)}


def _leaves_above(outputs: Sequence[Value], inputs: Sequence[Value]) -> tuple[Value, ...]:
    """Every leaf the outputs depend on, except the inputs (the tape's parameters), in the
    order a depth-first walk meets them (deterministic for one graph)."""
    stop = set(inputs)
    seen: set[Value] = set(stop)
    leaves: list[Value] = []
    stack = list(reversed(outputs))
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if v._a is None:
            leaves.append(v)
        else:
            stack.extend(reversed(v._prev))
    return tuple(leaves)


def neuron_maps(
    doc: Document, inputs: Sequence[str], grid: Grid, groups: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """One map of ``groups`` (default: every neuron group), with a fresh compile."""
    maps = NeuronMaps()
    return maps.run(maps.prepare(doc, inputs, groups), grid)
