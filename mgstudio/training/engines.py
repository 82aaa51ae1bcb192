"""The two ways a Trainer computes a step, with one interface.

``ScalarEngine`` builds micrograd's ``Value`` graph every step, exactly as the demo notebook
does: slow, but it is the reference. ``TapeEngine`` compiles the model once for one sample with
``mgstudio.engine.tape.Tape`` and replays it on the whole batch with numpy; the loss, its
gradient and the update are plain array arithmetic. Both keep micrograd's semantics: without
``zero_grad`` the gradients of the previous steps are added to this step's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

import numpy as np

from mgstudio.engine import MLP, Value

from .losses import array_loss, l2_penalty, value_loss
from .optim import sgd_update

#: ``(loss, scores, finish)``: the forward half of a step; ``finish()`` runs backward and the
#: update (the Trainer skips it when the loss diverged)
StepResult = tuple[float, np.ndarray, Callable[[], None]]


class Engine(Protocol):
    """What the Trainer needs of an engine."""

    name: ClassVar[str]

    def step(self, X: np.ndarray, y: np.ndarray, lr: float, zero_grad: bool) -> StepResult: ...
    def params(self) -> np.ndarray: ...
    def grads(self) -> np.ndarray: ...
    def load(self, params: np.ndarray, grads: np.ndarray | None = None) -> None: ...
    def predict(self, X: np.ndarray) -> np.ndarray: ...
    def sync_model(self) -> None: ...


class ScalarEngine:
    name: ClassVar[str] = "scalar"

    def __init__(self, model: MLP, loss: str, alpha: float):
        self.model = model
        self.loss = loss
        self.alpha = alpha
        self._params = model.parameters()

    def step(self, X: np.ndarray, y: np.ndarray, lr: float, zero_grad: bool) -> StepResult:
        """The forward half: ``(loss, scores, finish)``; calling ``finish()`` runs backward and
        the update (the Trainer skips it when the loss diverged)."""
        inputs = [list(map(Value, row)) for row in X]
        scores = [_one(self.model(row)) for row in inputs]
        total = value_loss(self.loss, scores, y, self._params, self.alpha)
        out = np.array([s.data for s in scores], dtype=np.float64)
        return float(total.data), out, _Pending(self, total, lr, zero_grad)

    def params(self) -> np.ndarray:
        return np.array([p.data for p in self._params], dtype=np.float64)

    def grads(self) -> np.ndarray:
        return np.array([p.grad for p in self._params], dtype=np.float64)

    def load(self, params: np.ndarray, grads: np.ndarray | None = None) -> None:
        for i, p in enumerate(self._params):
            p.data = float(params[i])
            if grads is not None:
                p.grad = float(grads[i])

    def predict(self, X: np.ndarray) -> np.ndarray:
        out = np.empty(X.shape[0])
        for i, row in enumerate(X):
            out[i] = _one(self.model([Value(float(v)) for v in row])).data
        return out

    def sync_model(self) -> None:
        """The Values are the state: nothing to copy."""


class _Pending:
    """The backward + update half of a scalar step, run only if the loss was acceptable."""

    __slots__ = ("engine", "total", "lr", "zero_grad")

    def __init__(self, engine: ScalarEngine, total: Value, lr: float, zero_grad: bool):
        self.engine, self.total, self.lr, self.zero_grad = engine, total, lr, zero_grad

    def __call__(self) -> None:
        if self.zero_grad:
            self.engine.model.zero_grad()
        self.total.backward()
        lr = self.lr
        for p in self.engine._params:
            p.data -= lr * p.grad


class TapeEngine:
    name: ClassVar[str] = "tape"

    def __init__(self, model: MLP, loss: str, alpha: float, n_inputs: int):
        xs = [Value(0.0, label=f"x{i + 1}") for i in range(n_inputs)]
        self._compile(_one(model(xs)), xs, model.parameters(), loss, alpha)
        self.model: MLP | None = model

    @classmethod
    def of_graph(
        cls, output: Value, inputs: list[Value], params: list[Value], loss: str, alpha: float
    ) -> TapeEngine:
        """An engine of any graph: ``output`` per sample, ``inputs`` fed the columns of X,
        ``params`` shared and trained (a document's, see ``document_model``); the Values are
        the caller's own, and ``sync_model`` writes the parameters back into them."""
        engine = cls.__new__(cls)
        engine._compile(output, inputs, params, loss, alpha)
        engine.model = None
        return engine

    def _compile(
        self, output: Value, inputs: list[Value], params: list[Value], loss: str, alpha: float
    ) -> None:
        from mgstudio.engine.tape import Tape

        self.loss = loss
        self.alpha = alpha
        self._values = params
        self.tape = Tape.compile(outputs=[output], inputs=inputs, params=params)
        self.tape.load_params()
        self._grads = np.zeros(len(params))
        self._dirty = False

    def step(self, X: np.ndarray, y: np.ndarray, lr: float, zero_grad: bool) -> StepResult:
        with np.errstate(all="ignore"):
            scores = self.tape.forward(X)[:, 0]
            loss, dscores = array_loss(self.loss, scores, y)
            params = self.tape.params_array
            reg, dreg = l2_penalty(params, self.alpha)
        # a copy: the tape may reuse its buffers in backward
        return loss + reg, scores.copy(), _TapeUpdate(self, dscores, dreg, lr, zero_grad)

    def params(self) -> np.ndarray:
        return self.tape.params_array.copy()

    def grads(self) -> np.ndarray:
        return self._grads.copy()

    def load(self, params: np.ndarray, grads: np.ndarray | None = None) -> None:
        self.tape.params_array[:] = params
        self._grads[:] = 0.0 if grads is None else grads
        self._dirty = True

    def predict(self, X: np.ndarray) -> np.ndarray:
        # forward-only replay in chunks (bounded memory on large grids) that leaves the state
        # backward uses alone
        return self.tape.evaluate(X)[:, 0]

    def sync_model(self) -> None:
        """Copy the tape's parameters and gradients into the model's Values."""
        if self._dirty:
            self.tape.store_params(self._grads)
            self._dirty = False


class _TapeUpdate:
    __slots__ = ("engine", "dscores", "dreg", "lr", "zero_grad")

    def __init__(
        self,
        engine: TapeEngine,
        dscores: np.ndarray,
        dreg: np.ndarray,
        lr: float,
        zero_grad: bool,
    ):
        self.engine, self.dscores, self.dreg = engine, dscores, dreg
        self.lr, self.zero_grad = lr, zero_grad

    def __call__(self) -> None:
        eng = self.engine
        with np.errstate(all="ignore"):
            pgrad, _ = eng.tape.backward(self.dscores[:, None])
            g = pgrad + self.dreg
            if self.zero_grad:
                eng._grads = g
            else:
                eng._grads = eng._grads + g
            sgd_update(eng.tape.params_array, eng._grads, self.lr)
        eng._dirty = True


def _one(out: Value | list[Value]) -> Value:
    """The model's one score (the trainer's MLPs end in a single neuron, see config.py)."""
    if isinstance(out, Value):
        return out
    raise ValueError(f"the model gives {len(out)} outputs; training needs one score")
