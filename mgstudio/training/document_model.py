"""Any document as a model: its feature leaves take a sample's columns, every other input leaf
is a shared parameter, and the prediction node's value is the sample's score.

``compile_document`` checks the roles and compiles fresh Values of the prediction's graph
(``Document.detached_values``: the document's own Values are never touched, so a run may go
on in a worker thread while the canvas shows the document) with the tape; the engine it
makes is the MLP trainer's ``TapeEngine`` over that graph, so the ``Trainer`` trains a
document exactly as it trains the settings' MLP (rate schedule, divergence checks, records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mgstudio.document import Document
from mgstudio.engine import Value

from .engines import TapeEngine
from .errors import TrainingError

__all__ = ["DocumentModel", "ModelError", "compile_document"]


class ModelError(TrainingError):
    """The document cannot be trained as it is (a sentence saying why and what to do)."""


@dataclass(frozen=True, eq=False)
class DocumentModel:
    """A document compiled for training (see the module docstring)."""

    #: the feature leaves, in column order
    features: tuple[str, ...]
    #: the parameter leaves the prediction depends on, in node order
    params: tuple[str, ...]
    prediction: str
    _output: Value
    _inputs: tuple[Value, ...]
    _params: tuple[Value, ...]

    def initial_params(self) -> np.ndarray:
        """The parameters' values when the model was compiled (the document's)."""
        return np.array([v.data for v in self._params], dtype=np.float64)

    def engine(self, loss: str, l2: float = 0.0) -> TapeEngine:
        """A fresh engine (its own tape and parameters, starting from ``initial_params``)."""
        for v, x in zip(self._params, self.initial_params()):
            v.data, v.grad = float(x), 0.0
        return TapeEngine.of_graph(self._output, list(self._inputs), list(self._params), loss, l2)


def compile_document(
    doc: Document,
    features: Sequence[str] | None = None,
    prediction: str | None = None,
) -> DocumentModel:
    """The document as a model; ``features``: input node ids in column order (None: the
    roles saved on the nodes), ``prediction``: a node id (None: ``doc.prediction_node()``).
    Raises ``ModelError`` with a sentence when the roles do not make a model."""
    pred = doc.prediction_node() if prediction is None else prediction
    if pred is None or pred not in doc:
        raise ModelError("the document has no prediction: build a graph with an output first")
    if doc.value_of(pred) is None:
        why = doc.why_incomplete(pred) or "it is incomplete"
        raise ModelError(f"the prediction {doc.describe(pred)} has no value yet: {why}")
    chosen = _features(doc) if features is None else tuple(features)
    if not chosen:
        raise ModelError(
            "no input is a feature: mark the inputs that take the dataset's columns "
            "(in the inspector, or with --features)"
        )
    if len(set(chosen)) != len(chosen):
        raise ModelError("the same input is named twice among the features")
    for nid in chosen:
        if nid not in doc or doc.node(nid).kind != "input":
            what = doc.describe(nid) if nid in doc else repr(nid)
            raise ModelError(f"{what} cannot be a feature: only input nodes take a column")
    values = doc.detached_values(pred)
    upstream = set(values)
    taken = set(chosen)
    params = tuple(
        nid
        for nid in values
        if nid not in taken and doc.node(nid).kind == "input" and values[nid] is not None
    )
    if not params:
        raise ModelError(
            f"{doc.describe(pred)} depends on no parameter: every input it uses is a "
            "feature, so there is nothing to train"
        )
    inputs = []
    for nid in chosen:
        # a feature the prediction does not use still takes its column (its value is then
        # read nowhere): a fresh Value of its own
        v = values.get(nid) if nid in upstream else None
        inputs.append(v if v is not None else Value(doc.node(nid).value or 0.0))
    out = values[pred]
    assert out is not None  # complete, checked above (and the copy is built as the original)
    return DocumentModel(
        chosen,
        params,
        pred,
        out,
        tuple(inputs),
        tuple(v for v in (values[nid] for nid in params) if v is not None),
    )


def _features(doc: Document) -> tuple[str, ...]:
    """The feature leaves by their saved roles: one per column, columns 0..m-1."""
    columns = doc.feature_ids()
    out: list[str] = []
    for expected, (column, ids) in enumerate(columns.items()):
        if column != expected:
            raise ModelError(
                f"no input takes dataset column {expected} (the features are columns 0, 1, "
                f"... in order), but {doc.describe(ids[0])} takes column {column}"
            )
        if len(ids) > 1:
            names = ", ".join(doc.describe(i) for i in ids)
            raise ModelError(f"dataset column {column} is taken by several inputs: {names}")
        out.append(ids[0])
    return tuple(out)
