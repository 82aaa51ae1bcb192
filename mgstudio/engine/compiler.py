"""The compiler: a ``Value`` graph -> an immutable ``Program`` of batched numpy steps.

How the work is batched, so a per-sample graph runs for a whole batch with one numpy call per
*group* of nodes instead of one Python call per node and sample:

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
* Every other op runs as one ``Elementwise`` step per op and level, with the op registry's
  numpy rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeAlias

import numpy as np

from .program import Program
from .registry import OPS
from .steps import Dense, Elementwise, Scatter, Step, Sums
from .value import Value, _topological_order, gc_paused

_SUMS = ("add", "sub")
_DENSE_MIN = 16  # matmul a block of sums once it has this many products (smaller: exact order)

#: ``('sum', rows, [(coef, sign)...])`` for sums and coefficient products, else
#: ``(op name, operands)``; a row of None is the row of ones, a coef of None is 1.0
Plan: TypeAlias = tuple[Any, ...]
#: a sum waiting for its step: (node, its terms' rows, its terms' (coef, sign))
_Member: TypeAlias = tuple[Value, list[int], list[tuple["Value | None", float]]]


def _ready(step: Step) -> Callable[[int, int], Step]:
    return lambda _n_coefs, _n_params: step


def compile_program(
    outputs: Sequence[Value], inputs: Sequence[Value] = (), params: Sequence[Value] = ()
) -> Program:
    """Compile the graph behind ``outputs`` (see ``Tape.compile`` for the arguments)."""
    with gc_paused():  # compiling allocates no cycles; spare it the collector's scans
        return _Compiler(list(outputs), list(inputs), list(params)).run()


class _Compiler:
    """Turns a Value graph into a ``Program``'s rows and steps (see the module docstring).

    Values are dict keys by identity (``Value`` defines no ``__eq__``); their hash spreads
    better than raw ``id()`` integers, which made big graphs crawl."""

    def __init__(self, outputs: list[Value], inputs: list[Value], params: list[Value]) -> None:
        for what, vs in (("outputs", outputs), ("inputs", inputs), ("params", params)):
            for v in vs:
                if not isinstance(v, Value):
                    raise TypeError(f"{what} must be Values, not {type(v).__name__}")
        if len(set(inputs + params)) != len(inputs) + len(params):
            raise ValueError("a Value appears twice among inputs and params")
        self.outputs, self.inputs, self.params = outputs, inputs, params
        self.input_pos = {v: i for i, v in enumerate(inputs)}
        self.param_pos = {v: i for i, v in enumerate(params)}
        self.coef_index: dict[Value | str, int] = {}
        self.coef_tail: list[float] = []
        self.leaf_ids: set[Value] = set()
        self.op_name: dict[Value, str] = {}
        self.absorbed: set[Value] = set()

    # --- graph helpers -------------------------------------------------------------------
    def _leaf(self, v: Value) -> bool:
        return v in self.leaf_ids

    def _coefable(self, v: Value) -> bool:
        """Shared parameters and constants can be coefficients of a sum's terms."""
        return v in self.leaf_ids and v not in self.input_pos

    def _is_sum(self, v: Value) -> bool:
        return self.op_name.get(v) in _SUMS

    def _is_coef_product(self, v: Value) -> bool:
        return self.op_name.get(v) == "mul" and (self._coefable(v._a) or self._coefable(v._b))

    def _topo(self) -> list[Value]:
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

    def _topo_cut(self, leaf_ids: set[Value]) -> list[Value]:
        """Like the engine's sort, without descending below inputs and params."""
        topo: list[Value] = []
        visited: set[Value] = set()
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

    def _find_absorbed(self, topo: list[Value]) -> set[Value]:
        """Nodes folded into their only consumer's sum: the left operand continuing a chain of
        sums, and ``coefficient * x`` terms."""
        leaf_ids, op_name = self.leaf_ids, self.op_name
        uses: dict[Value, int] = {}
        get = uses.get
        for v in topo:
            if v not in leaf_ids:
                for c in v._prev:
                    uses[c] = get(c, 0) + 1
        for v in self.outputs:
            uses[v] = get(v, 0) + 2  # an output always keeps its row
        absorbed: set[Value] = set()
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

    def _term(self, c: Value) -> tuple[Value | None, Value | None]:
        """``(row node or None for the row of ones, coefficient node or None for 1.0)``."""
        if c in self.absorbed:
            return (c._b, c._a) if self._coefable(c._a) else (c._a, c._b)
        if self._coefable(c):
            return None, c
        return c, None

    def _plan(self, v: Value) -> Plan:
        """``('sum', rows, [(coef, sign)...])`` for sums and coefficient products, else
        ``(op name, operands)``."""
        if self._is_sum(v):
            rights: list[tuple[Value, float]] = []
            node = v
            while True:  # walk down the left chain, collecting right operands
                rights.append((node._b, -1.0 if self.op_name[node] == "sub" else 1.0))
                a = node._a
                if a in self.absorbed and self._is_sum(a):
                    node = a
                    continue
                rights.append((a, 1.0))
                break
            xs: list[Value | None] = []
            terms: list[tuple[Value | None, float]] = []
            for operand, sign in reversed(rights):
                x, cv = self._term(operand)
                xs.append(x)
                terms.append((cv, sign))
            return ("sum", xs, terms)
        if self._is_coef_product(v):
            x, cv = (v._b, v._a) if self._coefable(v._a) else (v._a, v._b)
            return ("sum", [x], [(cv, 1.0)])
        return (self.op_name[v], list(v._prev))

    def _coef(self, v: Value | None) -> int:
        """Index of a coefficient in the tape's vector ``C`` (params first, then the rest)."""
        if v is not None and v in self.param_pos:
            return self.param_pos[v]
        key: Value | str = "one" if v is None else v
        if key not in self.coef_index:
            self.coef_index[key] = len(self.params) + len(self.coef_tail)
            self.coef_tail.append(1.0 if v is None else float(v.data))
        return self.coef_index[key]

    # --- compiling -----------------------------------------------------------------------
    def run(self) -> Program:
        n_in, n_p = len(self.inputs), len(self.params)
        topo = self._topo()
        self.absorbed = self._find_absorbed(topo)
        kept = [v for v in topo if v not in self.absorbed]

        plans: dict[Value, Plan] = {}  # node -> its plan (see _plan)
        level: dict[Value, int] = {}  # node -> 1 + the deepest level among the rows it reads
        for v in kept:
            if self._leaf(v):
                continue
            plan = plans[v] = self._plan(v)
            level[v] = 1 + max((level.get(d, 0) for d in plan[1] if d is not None), default=0)

        # rows: 0 holds ones, then the inputs, then leaves that are operands or outputs
        slot: dict[Value, int] = {v: 1 + i for i, v in enumerate(self.inputs)}  # node -> row
        row_leaves: list[Value] = []
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

        def rows_for(nodes: list[Value]) -> slice:
            nonlocal n_rows
            for v in nodes:
                slot[v] = n_rows
                n_rows += 1
            return slice(n_rows - len(nodes), n_rows)

        by_level: dict[int, list[Value]] = {}
        for v in kept:
            if v in plans:
                by_level.setdefault(level[v], []).append(v)
        # each makes its step from (len(C), n_params), known once every coefficient is placed
        pending: list[Callable[[int, int], Step]] = []
        for lv in sorted(by_level):
            ops: dict[str, list[Value]] = {}
            dense: dict[tuple[int, ...], list[_Member]] = {}
            sums: dict[int, list[_Member]] = {}
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
                pending.append(partial(Dense, out, jmat, smat, list(xset)))
            for L, block in sums.items():
                out = rows_for([m[0] for m in block])
                cidx = [self._coef(cv) for _v, _xs, terms in block for cv, _s in terms]
                signs = [sg for _v, _xs, terms in block for _cv, sg in terms]
                xidx = [x for _v, xs, _terms in block for x in xs]
                pending.append(partial(Sums, out, cidx, signs, xidx, len(block), L))
            for name, nodes in ops.items():
                nodes.sort(key=lambda v: slot[v._a])  # so operand blocks are slices
                out = rows_for(nodes)
                a = [slot[v._a] for v in nodes]
                b = [slot[v._b] for v in nodes] if OPS[name].arity == 2 else None
                k = [v._param for v in nodes] if OPS[name].uses_param else None
                pending.append(_ready(Elementwise(name, out, a, b, k)))

        C = np.array([float(p.data) for p in self.params] + self.coef_tail, dtype=float)
        built = [make(len(C), n_p) for make in pending]

        out_rows = np.array([slot[v] for v in self.outputs], dtype=np.intp)
        return Program(
            inputs=tuple(self.inputs),
            params=tuple(self.params),
            outputs=tuple(self.outputs),
            n_nodes=len(topo),
            coefs=C,
            steps=tuple(built),
            n_rows=n_rows,
            out_rows=out_rows,
            out_scatter=Scatter(out_rows),
            param_rows=np.array(param_rows, dtype=np.intp) if param_rows else None,
            param_rows_coef=np.array(param_idx, dtype=np.intp),
            const_rows=np.array(const_rows, dtype=np.intp) if const_rows else None,
            const_values=np.array(const_vals, dtype=float),
        )
