"""``Program``: what the compiler makes of a ``Value`` graph, and all the runtime reads.

Immutable: the compiler builds it once (its arrays are made read-only), and any number of
``Tape`` runtimes replay it with their own buffers and their own parameter vector.

Row layout of the value buffer ``V``: row 0 holds ones, rows ``1 .. n_inputs`` the inputs (the
columns of ``X``), then the leaves that are operands or outputs (parameters and constants),
then every kept node, level by level (see ``compiler.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .steps import Array, Scatter, Step
from .value import Value

Rows = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Program:
    inputs: tuple[Value, ...]  # leaves whose data varies per sample
    params: tuple[Value, ...]  # shared leaves, read from the coefficient vector
    outputs: tuple[Value, ...]
    n_nodes: int  # nodes of the graph behind the outputs
    coefs: Array  # the coefficient vector at compile time: params' data, then constants
    steps: tuple[Step, ...]  # run in order forward, in reverse backward
    n_rows: int  # rows of the value buffer
    out_rows: Rows
    out_scatter: Scatter  # adds a seed into the outputs' rows (they may repeat)
    param_rows: Rows | None  # rows of parameters used as operands (not as coefficients) ...
    param_rows_coef: Rows  # ... and where each one's value is in the coefficient vector
    const_rows: Rows | None  # rows of constant leaves ...
    const_values: Array  # ... and their values

    def __post_init__(self) -> None:
        arrays = (self.coefs, self.out_rows, self.param_rows_coef, self.const_values)
        for arr in (*arrays, self.param_rows, self.const_rows):
            if arr is not None:
                arr.flags.writeable = False

    @property
    def n_inputs(self) -> int:
        return len(self.inputs)

    @property
    def n_params(self) -> int:
        return len(self.params)

    @property
    def n_outputs(self) -> int:
        return len(self.outputs)
