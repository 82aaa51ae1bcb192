"""The steps of a compiled program: each runs a block of nodes over the whole batch at once.

A step reads and writes rows of the value buffer ``V`` (rows: nodes, columns: samples) and the
grad buffer ``G``; ``C`` is the vector of coefficients (the parameters first) and ``gC`` its
grads. Steps are built once by the compiler and never changed after: the runtime (``Tape``)
only calls their ``forward``/``backward``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from .registry import OPS

Array = NDArray[np.float64]
Index = slice | NDArray[np.intp]

_SEQUENTIAL_MAX = 8  # up to this many terms, add them one by one (the scalar engine's order)
# OpenBLAS runs a matrix product single-threaded below m*n*k = 65536 * 4; stay under it
_BLAS_ONE_THREAD = 200_000


class Step(Protocol):
    def forward(self, V: Array, C: Array) -> None: ...

    def backward(self, V: Array, G: Array, C: Array, gC: Array) -> None: ...


# --- index helpers ----------------------------------------------------------------------------
def index(slots: Sequence[int] | NDArray[np.intp]) -> Index:
    """A slice when the rows are consecutive (a view, no copy), else an index array."""
    arr = np.asarray(slots, dtype=np.intp)
    if len(arr) and np.all(np.diff(arr) == 1):
        return slice(int(arr[0]), int(arr[-1]) + 1)
    return arr


class Scatter:
    """Adds a block of rows into ``G`` at given rows, which may repeat."""

    __slots__ = ("idx", "order", "uniq", "starts")

    def __init__(self, slots: Sequence[int] | NDArray[np.intp]) -> None:
        arr = np.asarray(slots, dtype=np.intp)
        self.idx: Index | None = None
        self.order: NDArray[np.intp] | None = None
        if len(np.unique(arr)) == len(arr):
            self.idx = index(arr)
        else:
            self.order = np.argsort(arr, kind="stable")
            self.uniq, self.starts = np.unique(arr[self.order], return_index=True)

    def add(self, G: Array, vals: Array) -> None:
        if self.order is None:
            G[self.idx] += vals
        else:
            G[self.uniq] += np.add.reduceat(vals[self.order], self.starts, axis=0)

    def add_scaled(self, G: Array, local: Any, g: Array) -> None:
        """``G[rows] += local * g``; a constant local derivative of ±1 costs no product."""
        if isinstance(local, float):
            if local == 1.0:
                self.add(G, g)
                return
            if local == -1.0:
                self.add(G, -g)
                return
        self.add(G, local * g)


# --- steps ------------------------------------------------------------------------------------
class Elementwise:
    """One op applied to a block of nodes: ``V[out] = op(V[a], V[b])``, with the registry's
    numpy rules (``Op.np_forward`` and ``Op.np_local``)."""

    def __init__(
        self,
        name: str,
        out: slice,
        a: Sequence[int],
        b: Sequence[int] | None,
        k: Sequence[float] | None,
    ) -> None:
        self.name, self.out = name, out
        self.op = OPS[name]
        self.a, self.sa = index(a), Scatter(a)
        self.b: Index | None = None
        self.sb: Scatter | None = None
        if b is not None:
            self.b, self.sb = index(b), Scatter(b)
        self.k = None if k is None else np.asarray(k, dtype=float)[:, None]

    def forward(self, V: Array, C: Array) -> None:
        B = None if self.b is None else V[self.b]
        self.op.np_forward(V[self.a], B, self.k, V[self.out])

    def backward(self, V: Array, G: Array, C: Array, gC: Array) -> None:
        g = G[self.out]
        B = None if self.b is None else V[self.b]
        local = self.op.np_local(V[self.a], B, V[self.out], self.k)
        self.sa.add_scaled(G, local[0], g)
        if self.sb is not None:
            self.sb.add_scaled(G, local[1], g)


class Sums:
    """A block of ``K`` n-ary sums of ``L`` terms each, ``sum_j C[c_kj] * V[x_kj]``, added in
    the order the scalar engine adds them."""

    def __init__(
        self,
        out: slice,
        cidx: Sequence[int],
        sign: Sequence[float],
        xidx: Sequence[int],
        K: int,
        L: int,
        n_coefs: int,
        n_params: int,
    ) -> None:
        self.out, self.K, self.L, self.n_coefs = out, K, L, n_coefs
        self.cidx = np.asarray(cidx, dtype=np.intp)
        self.has_params = bool((self.cidx < n_params).any())  # else no coefficient grads
        signs = np.asarray(sign, dtype=float)
        self.sign = None if np.all(signs == 1.0) else signs
        self.x, self.sx = index(xidx), Scatter(xidx)

    def _coefs(self, C: Array) -> Array:
        c = C[self.cidx]
        return c if self.sign is None else c * self.sign

    def forward(self, V: Array, C: Array) -> None:
        K, L, out = self.K, self.L, V[self.out]
        P = (self._coefs(C)[:, None] * V[self.x]).reshape(K, L, -1)
        if L == 1:
            out[...] = P[:, 0]
        elif L <= _SEQUENTIAL_MAX:
            np.add(P[:, 0], P[:, 1], out=out)
            for j in range(2, L):
                out += P[:, j]
        else:
            np.sum(P, axis=1, out=out)

    def backward(self, V: Array, G: Array, C: Array, gC: Array) -> None:
        K, L = self.K, self.L
        g = G[self.out][:, None, :]  # (K, 1, B): every term of a sum gets the sum's grad
        coefs = self._coefs(C)
        self.sx.add(G, (coefs.reshape(K, L, 1) * g).reshape(K * L, -1))
        if not self.has_params:
            return
        dc = (V[self.x].reshape(K, L, -1) * g).sum(axis=2).ravel()
        if self.sign is not None:
            dc *= self.sign
        gC += np.bincount(self.cidx, weights=dc, minlength=self.n_coefs)


class Dense:
    """A block of sums over the same operands, one matrix product: ``V[out] = W @ V[x]``.

    Products are cut into column chunks small enough that OpenBLAS stays on one thread: on a
    busy 2-core machine its threads made a 2000-sample step 20x slower (20 ms, not 0.9 ms)."""

    def __init__(
        self,
        out: slice,
        jmat: NDArray[np.intp],
        smat: Array,
        xidx: Sequence[int],
        n_coefs: int,
        n_params: int,
    ) -> None:
        self.out, self.n_coefs = out, n_coefs
        self.jmat = np.asarray(jmat, dtype=np.intp)
        self.has_params = bool((self.jmat < n_params).any())  # else no coefficient grads
        signs = np.asarray(smat, dtype=float)
        self.smat = None if np.all(signs == 1.0) else signs
        flat = self.jmat.ravel()
        self.unique_coefs = len(np.unique(flat)) == len(flat)
        self.x, self.sx = index(xidx), Scatter(xidx)
        self.cols = max(64, _BLAS_ONE_THREAD // self.jmat.size)

    def with_cols(self, cols: int) -> Dense:
        """The same step cut into chunks of ``cols`` samples (a copy: steps never change)."""
        other = copy.copy(self)
        other.cols = cols
        return other

    def _W(self, C: Array) -> Array:
        W = C[self.jmat]
        return W if self.smat is None else W * self.smat

    def forward(self, V: Array, C: Array) -> None:
        W, X, out, n = self._W(C), V[self.x], V[self.out], self.cols
        if X.shape[1] <= n:
            np.matmul(W, X, out=out)
            return
        for j in range(0, X.shape[1], n):
            np.matmul(W, X[:, j : j + n], out=out[:, j : j + n])

    def backward(self, V: Array, G: Array, C: Array, gC: Array) -> None:
        g, X, W, n = G[self.out], V[self.x], self._W(C), self.cols
        if X.shape[1] <= n:
            gX = W.T @ g
            dW = g @ X.T
        else:
            gX = np.empty_like(X)
            dW = np.zeros(W.shape)
            for j in range(0, X.shape[1], n):
                np.matmul(W.T, g[:, j : j + n], out=gX[:, j : j + n])
                dW += g[:, j : j + n] @ X[:, j : j + n].T
        self.sx.add(G, gX)
        if not self.has_params:
            return
        if self.smat is not None:
            dW *= self.smat
        if self.unique_coefs:
            gC[self.jmat] += dW
        else:
            gC += np.bincount(self.jmat.ravel(), weights=dW.ravel(), minlength=self.n_coefs)
