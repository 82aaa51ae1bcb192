"""``Tape``: a ``Value`` graph compiled into a flat numpy program, replayed over a batch.

Three parts, one job each: ``compiler.py`` turns the graph into an immutable ``Program``
(``program.py``: rows and ``steps.py``' numpy steps); this module is the runtime that replays a
program with its own buffers and its own parameter vector. A per-sample graph (say an MLP's
loss for one sample) is compiled once; ``forward`` and ``backward`` then run it for a whole
batch.

The numbers are the scalar engine's to rounding, with the same IEEE semantics (``inf``/``nan``
out, never an exception); numpy's warnings for them are silenced.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .compiler import compile_program
from .program import Program
from .steps import Array
from .value import Value

# evaluate()'s chunk: big enough to amortise the per-step overhead, small enough to stay in cache
# (200x200 grid, MLP(2,[16,16,1]): ~6 ms at 1024 samples a chunk, ~10 ms at 4096)
_CHUNK = 1024


class Tape:
    """A compiled graph and the state of its replays. Build it with :meth:`Tape.compile`."""

    def __init__(self, program: Program | None = None) -> None:
        if not isinstance(program, Program):
            raise TypeError("build a Tape with Tape.compile(outputs, inputs, params)")
        self.program = program
        self._C = program.coefs.copy()  # the parameters (then constants) this tape reads
        self._V: Array | None = None  # the last forward's rows, kept for backward
        self._G: Array | None = None
        self._forwarded = False

    @classmethod
    def compile(
        cls, outputs: Sequence[Value], inputs: Sequence[Value] = (), params: Sequence[Value] = ()
    ) -> Tape:
        """Compile the graph behind ``outputs``. ``inputs`` are leaves whose data varies per
        sample (the columns of ``X``), ``params`` are shared leaves read from
        ``params_array``; any other leaf is a constant (its ``.data`` now)."""
        return cls(compile_program(outputs, inputs, params))

    # --- what was compiled -----------------------------------------------------------------
    @property
    def inputs(self) -> list[Value]:
        return list(self.program.inputs)

    @property
    def params(self) -> list[Value]:
        return list(self.program.params)

    @property
    def outputs(self) -> list[Value]:
        return list(self.program.outputs)

    @property
    def n_inputs(self) -> int:
        return self.program.n_inputs

    @property
    def n_params(self) -> int:
        return self.program.n_params

    @property
    def n_outputs(self) -> int:
        return self.program.n_outputs

    @property
    def n_nodes(self) -> int:
        return self.program.n_nodes

    # --- parameters ------------------------------------------------------------------------
    @property
    def params_array(self) -> Array:
        """The parameters the tape reads, float64 ``(P,)`` (a view: update it in place)."""
        return self._C[: self.n_params]

    @params_array.setter
    def params_array(self, values: ArrayLike) -> None:
        self._C[: self.n_params] = values

    def load_params(self) -> None:
        """Copy each parameter Value's ``.data`` into ``params_array``."""
        self._C[: self.n_params] = [p.data for p in self.program.params]

    def store_params(self, grads: ArrayLike | None = None) -> None:
        """Copy ``params_array`` back into the parameter Values' ``.data`` (and ``grads``, if
        given, into their ``.grad``)."""
        for p, x in zip(self.program.params, self._C[: self.n_params].tolist()):
            p.data = x
        if grads is not None:
            for p, g in zip(self.program.params, np.asarray(grads, dtype=float).tolist()):
                p.grad = g

    # --- running ---------------------------------------------------------------------------
    def _batch(self, X: ArrayLike | None) -> Array:
        if X is None:
            if self.n_inputs:
                raise ValueError(f"X needs {self.n_inputs} columns, one per input")
            return np.empty((1, 0))
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (batch, {self.n_inputs}), not {X.shape}")
        return X

    def _buffer(self, B: int) -> Array:
        prog = self.program
        V = np.empty((prog.n_rows, B))
        V[0] = 1.0
        if prog.const_rows is not None:
            V[prog.const_rows] = prog.const_values[:, None]
        return V

    def _run_forward(self, V: Array, X: Array) -> None:
        if V.shape[1] == 0:
            return
        prog, C = self.program, self._C
        if prog.n_inputs:
            V[1 : 1 + prog.n_inputs] = X.T
        if prog.param_rows is not None:
            V[prog.param_rows] = C[prog.param_rows_coef][:, None]
        with np.errstate(all="ignore"):
            for step in prog.steps:
                step.forward(V, C)

    def forward(self, X: ArrayLike | None) -> Array:
        """Run the graph on each row of ``X`` ``(B, n_inputs)``; returns ``(B, n_outputs)``.
        Keeps what ``backward`` needs."""
        X = self._batch(X)
        B = X.shape[0]
        if self._V is None or self._V.shape[1] != B:
            self._V = self._buffer(B)
            self._G = np.empty_like(self._V)
        self._run_forward(self._V, X)
        self._forwarded = True
        out: Array = self._V[self.program.out_rows].T.copy()
        return out

    def evaluate(self, X: ArrayLike | None, chunk_size: int = _CHUNK) -> Array:
        """Forward only, for a large batch (a decision-boundary grid): runs in chunks with its
        own buffer and leaves the state ``backward`` uses alone."""
        X = self._batch(X)
        Y = np.empty((X.shape[0], self.n_outputs))
        V = None
        for start in range(0, X.shape[0], chunk_size):
            part = X[start : start + chunk_size]
            if V is None or V.shape[1] != part.shape[0]:
                V = self._buffer(part.shape[0])
            self._run_forward(V, part)
            Y[start : start + part.shape[0]] = V[self.program.out_rows].T
        return Y

    def backward(self, seed: ArrayLike | None = None) -> tuple[Array, Array]:
        """Backpropagate ``seed`` ``(B, n_outputs)`` (None: ones) from the last ``forward``.
        Returns ``(pgrad (P,), xgrad (B, n_inputs))``; ``pgrad`` is summed over the batch."""
        if not self._forwarded or self._V is None or self._G is None:
            raise RuntimeError("call forward(X) before backward()")
        prog, V, G, C = self.program, self._V, self._G, self._C
        B = V.shape[1]
        G.fill(0.0)
        seed = np.ones((B, self.n_outputs)) if seed is None else np.asarray(seed, dtype=float)
        if seed.shape != (B, self.n_outputs):
            raise ValueError(f"seed must have shape ({B}, {self.n_outputs}), not {seed.shape}")
        prog.out_scatter.add(G, seed.T)
        gC = np.zeros(len(C))
        with np.errstate(all="ignore"):
            for step in reversed(prog.steps if B else ()):
                step.backward(V, G, C, gC)
        pgrad = gC[: self.n_params].copy()
        if prog.param_rows is not None:
            pgrad[prog.param_rows_coef] += G[prog.param_rows].sum(axis=1)
        xgrad = G[1 : 1 + self.n_inputs].T.copy()
        return pgrad, xgrad

    def __repr__(self) -> str:
        return (
            f"Tape({self.n_nodes} nodes -> {len(self.program.steps)} steps, "
            f"{self.n_inputs} inputs, {self.n_params} params, {self.n_outputs} outputs)"
        )
