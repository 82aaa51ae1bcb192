"""``Tape``: a ``Value`` graph compiled into a flat numpy program, replayed over a batch.

A per-sample graph (say an MLP's loss for one sample) is compiled once; ``forward`` and
``backward`` then run it for a whole batch with one numpy call per *group* of nodes instead of
one Python call per node and sample. How the work is batched:

* Every node that is kept gets a row of the value buffer ``V`` (rows: nodes, columns: samples).
  Rows are handed out level by level (a node's level is one more than its deepest operand's),
  and the nodes of one op at one level share a contiguous block, so most gathers are slices.
* Sums are flattened: a left-leaning chain of single-use ``+``/``-`` nodes (what ``sum()`` and a
  neuron build) becomes one n-ary sum, and a single-use ``w * x`` term whose ``w`` is a shared
  parameter or constant is folded into it as a coefficient. Sums whose terms cover the same
  operands form a matrix and run as one matmul (a whole layer of neurons); the others add their
  terms in the scalar engine's order.
* Parameters and constants used as coefficients are read from one vector (``params_array``
  first), so the tape never copies them across the batch.

The numbers are the scalar engine's to rounding, with the same IEEE semantics (``inf``/``nan``
out, never an exception); numpy's warnings for them are silenced.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .registry import OPS
from .value import Value, _topological_order, gc_paused

_SUMS = ("add", "sub")
_SEQUENTIAL_MAX = 8  # up to this many terms, add them one by one (the scalar engine's order)
_DENSE_MIN = 16  # matmul a block of sums once it has this many products (smaller: exact order)
# evaluate()'s chunk: big enough to amortise the per-step overhead, small enough to stay in cache
# (200x200 grid, MLP(2,[16,16,1]): ~6 ms at 1024 samples a chunk, ~10 ms at 4096)
_CHUNK = 1024
# OpenBLAS runs a matrix product single-threaded below m*n*k = 65536 * 4; stay under it
_BLAS_ONE_THREAD = 200_000


# --- index helpers ----------------------------------------------------------------------------
def _index(slots: Sequence[int]):
    """A slice when the rows are consecutive (a view, no copy), else an index array."""
    arr = np.asarray(slots, dtype=np.intp)
    if len(arr) and np.all(np.diff(arr) == 1):
        return slice(int(arr[0]), int(arr[-1]) + 1)
    return arr


class _Scatter:
    """Adds a block of rows into ``G`` at given rows, which may repeat."""

    __slots__ = ("idx", "order", "uniq", "starts")

    def __init__(self, slots: Sequence[int]):
        arr = np.asarray(slots, dtype=np.intp)
        if len(np.unique(arr)) == len(arr):
            self.idx, self.order = _index(arr), None
        else:
            self.idx = None
            self.order = np.argsort(arr, kind="stable")
            self.uniq, self.starts = np.unique(arr[self.order], return_index=True)

    def add(self, G: np.ndarray, vals: np.ndarray) -> None:
        if self.order is None:
            G[self.idx] += vals
        else:
            G[self.uniq] += np.add.reduceat(vals[self.order], self.starts, axis=0)


# --- steps ------------------------------------------------------------------------------------
class _Elementwise:
    """One op applied to a block of nodes: ``V[out] = op(V[a], V[b])``, with the registry's
    numpy rules (``Op.np_forward`` and ``Op.np_local``)."""

    def __init__(self, name: str, out: slice, a, b, k):
        self.name, self.out = name, out
        self.op = OPS[name]
        self.a, self.sa = _index(a), _Scatter(a)
        self.b = self.sb = None
        if b is not None:
            self.b, self.sb = _index(b), _Scatter(b)
        self.k = None if k is None else np.asarray(k, dtype=float)[:, None]

    def forward(self, V, C) -> None:
        B = None if self.b is None else V[self.b]
        self.op.np_forward(V[self.a], B, self.k, V[self.out])

    def backward(self, V, G, C, gC) -> None:
        g = G[self.out]
        B = None if self.b is None else V[self.b]
        local = self.op.np_local(V[self.a], B, V[self.out], self.k)
        _add_scaled(self.sa, G, local[0], g)
        if self.sb is not None:
            _add_scaled(self.sb, G, local[1], g)


def _add_scaled(scatter: _Scatter, G, local, g) -> None:
    """``G[rows] += local * g``; a constant local derivative of ±1 costs no product."""
    if isinstance(local, float):
        if local == 1.0:
            scatter.add(G, g)
            return
        if local == -1.0:
            scatter.add(G, -g)
            return
    scatter.add(G, local * g)


class _Sums:
    """A block of ``K`` n-ary sums of ``L`` terms each, ``sum_j C[c_kj] * V[x_kj]``, added in
    the order the scalar engine adds them."""

    def __init__(self, out: slice, cidx, sign, xidx, K: int, L: int, n_coefs: int, n_params: int):
        self.out, self.K, self.L, self.n_coefs = out, K, L, n_coefs
        self.cidx = np.asarray(cidx, dtype=np.intp)
        self.has_params = bool((self.cidx < n_params).any())  # else no coefficient grads
        sign = np.asarray(sign, dtype=float)
        self.sign = None if np.all(sign == 1.0) else sign
        self.x, self.sx = _index(xidx), _Scatter(xidx)

    def _coefs(self, C):
        c = C[self.cidx]
        return c if self.sign is None else c * self.sign

    def forward(self, V, C) -> None:
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

    def backward(self, V, G, C, gC) -> None:
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


class _Dense:
    """A block of sums over the same operands, one matrix product: ``V[out] = W @ V[x]``.

    Products are cut into column chunks small enough that OpenBLAS stays on one thread: on a
    busy 2-core machine its threads made a 2000-sample step 20x slower (20 ms, not 0.9 ms)."""

    def __init__(self, out: slice, jmat, smat, xidx, n_coefs: int, n_params: int):
        self.out, self.n_coefs = out, n_coefs
        self.jmat = np.asarray(jmat, dtype=np.intp)
        self.has_params = bool((self.jmat < n_params).any())  # else no coefficient grads
        smat = np.asarray(smat, dtype=float)
        self.smat = None if np.all(smat == 1.0) else smat
        flat = self.jmat.ravel()
        self.unique_coefs = len(np.unique(flat)) == len(flat)
        self.x, self.sx = _index(xidx), _Scatter(xidx)
        self.cols = max(64, _BLAS_ONE_THREAD // self.jmat.size)

    def _W(self, C):
        W = C[self.jmat]
        return W if self.smat is None else W * self.smat

    def forward(self, V, C) -> None:
        W, X, out, n = self._W(C), V[self.x], V[self.out], self.cols
        if X.shape[1] <= n:
            np.matmul(W, X, out=out)
            return
        for j in range(0, X.shape[1], n):
            np.matmul(W, X[:, j : j + n], out=out[:, j : j + n])

    def backward(self, V, G, C, gC) -> None:
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


# --- the tape ---------------------------------------------------------------------------------
class Tape:
    """A compiled graph. Build it with :meth:`Tape.compile`."""

    def __init__(self):
        raise TypeError("build a Tape with Tape.compile(outputs, inputs, params)")

    @classmethod
    def compile(
        cls, outputs: Sequence[Value], inputs: Sequence[Value] = (), params: Sequence[Value] = ()
    ) -> Tape:
        """Compile the graph behind ``outputs``. ``inputs`` are leaves whose data varies per
        sample (the columns of ``X``), ``params`` are shared leaves read from
        ``params_array``; any other leaf is a constant (its ``.data`` now)."""
        tape = object.__new__(cls)
        with gc_paused():  # compiling allocates no cycles; spare it the collector's scans
            _Compiler(tape, list(outputs), list(inputs), list(params)).run()
        return tape

    # --- parameters ------------------------------------------------------------------------
    @property
    def params_array(self) -> np.ndarray:
        """The parameters the tape reads, float64 ``(P,)`` (a view: update it in place)."""
        return self._C[: self.n_params]

    @params_array.setter
    def params_array(self, values) -> None:
        self._C[: self.n_params] = values

    def load_params(self) -> None:
        """Copy each parameter Value's ``.data`` into ``params_array``."""
        self._C[: self.n_params] = [p.data for p in self.params]

    def store_params(self, grads=None) -> None:
        """Copy ``params_array`` back into the parameter Values' ``.data`` (and ``grads``, if
        given, into their ``.grad``)."""
        for p, x in zip(self.params, self._C[: self.n_params].tolist()):
            p.data = x
        if grads is not None:
            for p, g in zip(self.params, np.asarray(grads, dtype=float).tolist()):
                p.grad = g

    # --- running ---------------------------------------------------------------------------
    def _batch(self, X) -> np.ndarray:
        if X is None:
            if self.n_inputs:
                raise ValueError(f"X needs {self.n_inputs} columns, one per input")
            return np.empty((1, 0))
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (batch, {self.n_inputs}), not {X.shape}")
        return X

    def _buffer(self, B: int) -> np.ndarray:
        V = np.empty((self._n_slots, B))
        V[0] = 1.0
        if self._const_slots is not None:
            V[self._const_slots] = self._const_values[:, None]
        return V

    def _run_forward(self, V, X) -> None:
        if V.shape[1] == 0:
            return
        if self.n_inputs:
            V[1 : 1 + self.n_inputs] = X.T
        C = self._C
        if self._param_slots is not None:
            V[self._param_slots] = C[self._param_slot_idx][:, None]
        with np.errstate(all="ignore"):
            for step in self._steps:
                step.forward(V, C)

    def forward(self, X) -> np.ndarray:
        """Run the graph on each row of ``X`` ``(B, n_inputs)``; returns ``(B, n_outputs)``.
        Keeps what ``backward`` needs."""
        X = self._batch(X)
        B = X.shape[0]
        if self._V is None or self._V.shape[1] != B:
            self._V = self._buffer(B)
            self._G = np.empty_like(self._V)
        self._run_forward(self._V, X)
        self._forwarded = True
        return self._V[self._out_slots].T.copy()

    def evaluate(self, X, chunk_size: int = _CHUNK) -> np.ndarray:
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
            Y[start : start + part.shape[0]] = V[self._out_slots].T
        return Y

    def backward(self, seed=None) -> tuple[np.ndarray, np.ndarray]:
        """Backpropagate ``seed`` ``(B, n_outputs)`` (None: ones) from the last ``forward``.
        Returns ``(pgrad (P,), xgrad (B, n_inputs))``; ``pgrad`` is summed over the batch."""
        if not self._forwarded:
            raise RuntimeError("call forward(X) before backward()")
        V, G, C = self._V, self._G, self._C
        B = V.shape[1]
        G.fill(0.0)
        if seed is None:
            seed = np.ones((B, self.n_outputs))
        seed = np.asarray(seed, dtype=float)
        if seed.shape != (B, self.n_outputs):
            raise ValueError(f"seed must have shape ({B}, {self.n_outputs}), not {seed.shape}")
        self._out_scatter.add(G, seed.T)
        gC = np.zeros(len(C))
        with np.errstate(all="ignore"):
            for step in reversed(self._steps if B else ()):
                step.backward(V, G, C, gC)
        pgrad = gC[: self.n_params].copy()
        if self._param_slots is not None:
            pgrad[self._param_slot_idx] += G[self._param_slots].sum(axis=1)
        xgrad = G[1 : 1 + self.n_inputs].T.copy()
        return pgrad, xgrad

    def __repr__(self) -> str:
        return (
            f"Tape({self.n_nodes} nodes -> {len(self._steps)} steps, "
            f"{self.n_inputs} inputs, {self.n_params} params, {self.n_outputs} outputs)"
        )


class _Compiler:
    """Turns a Value graph into a Tape's rows and steps (see the module docstring).

    Values are dict keys by identity (``Value`` defines no ``__eq__``); their hash spreads
    better than raw ``id()`` integers, which made big graphs crawl."""

    def __init__(self, tape: Tape, outputs, inputs, params):
        for what, vs in (("outputs", outputs), ("inputs", inputs), ("params", params)):
            for v in vs:
                if not isinstance(v, Value):
                    raise TypeError(f"{what} must be Values, not {type(v).__name__}")
        if len(set(inputs + params)) != len(inputs) + len(params):
            raise ValueError("a Value appears twice among inputs and params")
        self.tape, self.outputs, self.inputs, self.params = tape, outputs, inputs, params
        self.input_pos = {v: i for i, v in enumerate(inputs)}
        self.param_pos = {v: i for i, v in enumerate(params)}
        self.coef_index: dict = {}
        self.coef_tail: list[float] = []

    # --- graph helpers -------------------------------------------------------------------
    def _leaf(self, v) -> bool:
        return v in self.leaf_ids

    def _coefable(self, v) -> bool:
        """Shared parameters and constants can be coefficients of a sum's terms."""
        return v in self.leaf_ids and v not in self.input_pos

    def _is_sum(self, v) -> bool:
        return self.op_name.get(v) in _SUMS

    def _is_coef_product(self, v) -> bool:
        return self.op_name.get(v) == "mul" and (self._coefable(v._a) or self._coefable(v._b))

    def _topo(self) -> list:
        """Operands before results; fills ``leaf_ids`` (inputs and params count as leaves,
        even when they were computed) and ``op_name``."""
        leaf_ids = self.leaf_ids = set(self.input_pos) | set(self.param_pos)
        op_name = self.op_name = {}
        if all(v._a is None for v in leaf_ids):
            topo = _topological_order(self.outputs)  # the engine's own sort is the fastest
        else:
            topo = self._topo_cut(leaf_ids)
        for node in topo:
            if node in leaf_ids:
                continue
            if node._a is None:
                leaf_ids.add(node)
                continue
            op = node.op
            if op is None:
                raise ValueError(
                    f"cannot compile the hand-built node {node!r}: it has operands but no "
                    "engine op (build it with Value arithmetic instead)"
                )
            op_name[node] = op.name
        return topo

    def _topo_cut(self, leaf_ids) -> list:
        """Like the engine's sort, without descending below inputs and params."""
        topo, visited = [], set()
        for root in self.outputs:
            if root in visited:
                continue
            visited.add(root)
            stack = [(root, iter(() if root in leaf_ids else root._prev))]
            while stack:
                node, it = stack[-1]
                for c in it:
                    if c not in visited:
                        visited.add(c)
                        stack.append((c, iter(() if c in leaf_ids else c._prev)))
                        break
                else:
                    stack.pop()
                    topo.append(node)
        return topo

    def _find_absorbed(self, topo) -> set:
        """Nodes folded into their only consumer's sum: the left operand continuing a chain of
        sums, and ``coefficient * x`` terms."""
        leaf_ids, op_name = self.leaf_ids, self.op_name
        uses: dict = {}
        get = uses.get
        for v in topo:
            if v not in leaf_ids:
                for c in v._prev:
                    uses[c] = get(c, 0) + 1
        for v in self.outputs:
            uses[v] = get(v, 0) + 2  # an output always keeps its row
        absorbed = set()
        for v in topo:
            if op_name.get(v) not in _SUMS:
                continue
            a, b = v._a, v._b
            if uses[a] == 1 and op_name.get(a) in _SUMS:
                absorbed.add(a)
            if uses[a] == 1 and self._is_coef_product(a):
                absorbed.add(a)
            if uses[b] == 1 and self._is_coef_product(b):
                absorbed.add(b)
        return absorbed

    def _term(self, c):
        """``(row node or None for the row of ones, coefficient node or None for 1.0)``."""
        if c in self.absorbed:
            return (c._b, c._a) if self._coefable(c._a) else (c._a, c._b)
        if self._coefable(c):
            return None, c
        return c, None

    def _plan(self, v):
        """``('sum', rows, [(coef, sign)...])`` for sums and coefficient products, else
        ``(op name, operands)``."""
        if self._is_sum(v):
            rights = []
            node = v
            while True:  # walk down the left chain, collecting right operands
                rights.append((node._b, -1.0 if self.op_name[node] == "sub" else 1.0))
                a = node._a
                if a in self.absorbed and self._is_sum(a):
                    node = a
                    continue
                rights.append((a, 1.0))
                break
            xs, terms = [], []
            for operand, sign in reversed(rights):
                x, cv = self._term(operand)
                xs.append(x)
                terms.append((cv, sign))
            return ("sum", xs, terms)
        if self._is_coef_product(v):
            x, cv = (v._b, v._a) if self._coefable(v._a) else (v._a, v._b)
            return ("sum", [x], [(cv, 1.0)])
        return (self.op_name[v], list(v._prev))

    def _coef(self, v) -> int:
        """Index of a coefficient in the tape's vector ``C`` (params first, then the rest)."""
        if v is not None and v in self.param_pos:
            return self.param_pos[v]
        key = "one" if v is None else v
        if key not in self.coef_index:
            self.coef_index[key] = len(self.params) + len(self.coef_tail)
            self.coef_tail.append(1.0 if v is None else float(v.data))
        return self.coef_index[key]

    # --- compiling -----------------------------------------------------------------------
    def run(self) -> None:
        n_in, n_p = len(self.inputs), len(self.params)
        topo = self._topo()
        self.absorbed = self._find_absorbed(topo)
        kept = [v for v in topo if v not in self.absorbed]

        plans: dict = {}  # node -> its plan (see _plan)
        level: dict = {}  # node -> 1 + the deepest level among the rows it reads
        for v in kept:
            if self._leaf(v):
                continue
            plan = plans[v] = self._plan(v)
            level[v] = 1 + max((level.get(d, 0) for d in plan[1] if d is not None), default=0)

        # rows: 0 holds ones, then the inputs, then leaves that are operands or outputs
        slot: dict = {v: 1 + i for i, v in enumerate(self.inputs)}  # node -> its row
        row_leaves = []
        wanted = [d for v in kept if v in plans for d in plans[v][1]] + self.outputs
        for d in wanted:
            if d is not None and self._leaf(d) and d not in slot:
                slot[d] = 1 + n_in + len(row_leaves)
                row_leaves.append(d)
        n_rows = 1 + n_in + len(row_leaves)
        param_rows = [slot[v] for v in row_leaves if v in self.param_pos]
        param_idx = [self.param_pos[v] for v in row_leaves if v in self.param_pos]
        const_rows = [slot[v] for v in row_leaves if v not in self.param_pos]
        const_vals = [float(v.data) for v in row_leaves if v not in self.param_pos]

        def rows_for(nodes) -> slice:
            nonlocal n_rows
            for v in nodes:
                slot[v] = n_rows
                n_rows += 1
            return slice(n_rows - len(nodes), n_rows)

        by_level: dict[int, list] = {}
        for v in kept:
            if v in plans:
                by_level.setdefault(level[v], []).append(v)
        steps = []
        for lv in sorted(by_level):
            ops: dict[str, list] = {}
            dense: dict[tuple, list] = {}
            sums: dict[int, list] = {}
            for v in by_level[lv]:
                plan = plans[v]
                if plan[0] != "sum":
                    ops.setdefault(plan[0], []).append(v)
                    continue
                xs = [0 if x is None else slot[x] for x in plan[1]]
                xset = tuple(sorted(set(xs)))
                if len(xset) == len(xs) > 1:
                    dense.setdefault(xset, []).append((v, xs, plan[2]))
                else:
                    sums.setdefault(len(xs), []).append((v, xs, plan[2]))
            for xset, members in dense.items():
                if len(members) * len(xset) < _DENSE_MIN:
                    # too small to be worth a matmul: keep the scalar engine's order instead
                    for m in members:
                        sums.setdefault(len(xset), []).append(m)
                    continue
                out = rows_for([m[0] for m in members])
                col = {s: j for j, s in enumerate(xset)}
                jmat = np.zeros((len(members), len(xset)), dtype=np.intp)
                smat = np.ones((len(members), len(xset)))
                for r, (_v, xs, terms) in enumerate(members):
                    for s, (cv, sign) in zip(xs, terms):
                        jmat[r, col[s]] = self._coef(cv)
                        smat[r, col[s]] = sign
                steps.append(("dense", out, jmat, smat, list(xset)))
            for L, members in sums.items():
                out = rows_for([m[0] for m in members])
                cidx = [self._coef(cv) for _v, _xs, terms in members for cv, _s in terms]
                sign = [s for _v, _xs, terms in members for _cv, s in terms]
                xidx = [x for _v, xs, _terms in members for x in xs]
                steps.append(("sum", out, cidx, sign, xidx, len(members), L))
            for name, members in ops.items():
                members.sort(key=lambda v: slot[v._a])  # so operand blocks are slices
                out = rows_for(members)
                a = [slot[v._a] for v in members]
                b = [slot[v._b] for v in members] if members[0].op.arity == 2 else None
                k = [v.param for v in members] if name == "pow" else None
                steps.append(("op", name, out, a, b, k))

        C = np.array([float(p.data) for p in self.params] + self.coef_tail, dtype=float)
        built = []
        for s in steps:
            if s[0] == "op":
                built.append(_Elementwise(*s[1:]))
            elif s[0] == "dense":
                built.append(_Dense(*s[1:], len(C), n_p))
            else:
                built.append(_Sums(*s[1:], len(C), n_p))

        tape = self.tape
        tape.inputs, tape.params, tape.outputs = self.inputs, self.params, self.outputs
        tape.n_inputs, tape.n_params, tape.n_outputs = n_in, n_p, len(self.outputs)
        tape.n_nodes = len(topo)
        tape._C = C
        tape._steps = built
        tape._n_slots = n_rows
        tape._out_slots = np.array([slot[v] for v in self.outputs], dtype=np.intp)
        tape._out_scatter = _Scatter(tape._out_slots)
        tape._param_slots = np.array(param_rows, dtype=np.intp) if param_rows else None
        tape._param_slot_idx = np.array(param_idx, dtype=np.intp)
        tape._const_slots = np.array(const_rows, dtype=np.intp) if const_rows else None
        tape._const_values = np.array(const_vals, dtype=float)
        tape._V = tape._G = None
        tape._forwarded = False
