"""``export --to torch-module``: a trained document as a PyTorch module and the loop that
reproduces its run.

The module (``document/code_export_torch.py``) is ``class Net`` with the document's current
parameters. Under ``if __name__ == "__main__":`` this adds the run's training samples (the
document's dataset, split as the run split it), the run's initial parameters (its step 0),
and the same SGD as the ``Trainer``: the loss of ``losses.TORCH_LOSSES`` (+ the L2 term), the
rate schedule of ``optim.LearningRate`` written with the same float operations, the same
mini-batches (numpy's generator seeded as the Trainer seeds its own), ``zero_grad`` or not,
and ``p -= lr * p.grad``; it prints ``step K loss L`` (``L`` a full ``repr``) per step, the
loss before that step's update as mgstudio records it. The run used is the document's
position's (else its last); without a run, the loop trains from the current parameters
with the document's settings (what ``train --document`` would do next). What cannot be
reproduced (no dataset, a run whose parameters are gone) gives the module alone with a note.
"""

from __future__ import annotations

import textwrap

import numpy as np

from mgstudio.document import Document
from mgstudio.document.code_export_torch import (
    ModuleCode,
    TorchExportError,
    comment,
    number_list,
    torch_module,
    torch_number,
)
from mgstudio.document.training_state import RunRecord, TrainingState, TrainSettings

from .datasets import Dataset
from .document_model import DocumentModel, compile_document
from .document_training import config_of, dataset_from_state, split_dataset
from .errors import TrainingError
from .losses import TORCH_L2, TORCH_LOSSES

__all__ = ["MAX_NUMBERS", "TorchExportError", "export_torch_module"]

#: the most numbers (parameters twice, the samples' cells) a readable script holds
MAX_NUMBERS = 1_000_000


def export_torch_module(doc: Document) -> str:
    """The module and its training loop (see the module docstring); ``TorchExportError``
    with a sentence when the document is no model (no features, no prediction, an op
    PyTorch lacks) or too large to write."""
    state = doc.training
    run = current_run(state)
    model, note = _model(doc, run)
    code = torch_module(doc, model.features, model.prediction, model.params)
    if note is None:
        lines, note = _main(doc, state, run, model, code)
    else:
        lines = []
    if note is not None:
        wrapped = textwrap.wrap(f"No training loop: {comment(note, 400)}", 90)
        lines = ["", "", *(f"# {line}" for line in wrapped)]
    return "\n".join([*code.lines, *lines]) + "\n"


def current_run(state: TrainingState) -> RunRecord | None:
    """The run at the document's position, else its last run, else None."""
    if state.position is not None and 0 <= state.position[0] < len(state.runs):
        return state.runs[state.position[0]]
    return state.runs[-1] if state.runs else None


def _model(doc: Document, run: RunRecord | None) -> tuple[DocumentModel, str | None]:
    """The run's features and prediction when its nodes are all still there, else the
    document's roles (then the run cannot be reproduced: the note says why)."""
    note = None
    if run is not None:
        kept = all(nid in doc for nid in (*run.features, run.prediction, *run.params))
        if kept:
            try:
                model = compile_document(doc, run.features, run.prediction)
            except TrainingError:
                pass
            else:
                if set(model.params) == set(run.params):
                    return model, None
        note = (
            f"the document changed since its run {run.name!r} (nodes it trained are gone "
            "or new ones joined), so that run cannot be replayed; train it again first"
        )
    try:
        return compile_document(doc), note
    except TrainingError as exc:
        raise TorchExportError(str(exc)) from None  # compile_document's sentence


def _main(
    doc: Document,
    state: TrainingState,
    run: RunRecord | None,
    model: DocumentModel,
    code: ModuleCode,
) -> tuple[list[str], str | None]:
    """The ``__main__`` block, or a note saying why there is none."""
    settings = run.settings if run is not None else state.settings
    try:
        config = config_of(settings)
        data = dataset_from_state(state)
    except TrainingError as exc:
        return [], str(exc)
    m = len(model.features)
    if m > data.n_inputs:
        return [], f"the model has {m} features but its dataset only {data.n_inputs} columns"
    train, test = split_dataset(_first_columns(data, m), state.test_ratio, settings.seed)
    numbers = 2 * len(model.params) + train.X.size + train.y.size
    if numbers > MAX_NUMBERS:
        raise TorchExportError(
            f"the parameters and samples make {numbers:,} numbers; a readable script holds "
            f"at most {MAX_NUMBERS:,}"
        )
    if run is not None:
        initial = dict(zip(run.params, (float(x) for x in run.initial)))
        steps = run.steps
        start = f"the run {comment(run.name, 40)!r} started from (its step 0)"
    else:
        initial = {nid: float(doc.node(nid).value or 0.0) for nid in model.params}
        steps = config.steps
        start = "the document's parameters now (no run saved: this is the next run)"
    held = f"; {test.n_samples} held out for the test loss" if test is not None else ""
    lines = [
        "",
        "",
        'if __name__ == "__main__":',
        f"    # the samples the run trains on: {train.n_samples} of the document's dataset "
        f"{comment(data.name, 30)!r}{held}",
        *_tensor("X_train", train.X),
        *_tensor("y_train", train.y),
        "",
        f"    # the parameters {start}",
        *("    " + line for line in code.state_lines("INITIAL", initial)),
        "    net = Net()",
        "    net.load_state_dict(as_tensors(INITIAL))",
        "",
        *_loop(settings, config.steps, steps, train.n_samples),
    ]
    return lines, None


def _first_columns(data: Dataset, m: int) -> Dataset:
    """The first ``m`` feature columns, as ``DocumentRun`` keeps them."""
    if m == data.n_inputs:
        return data
    return Dataset(data.name, data.X[:, :m], data.y, data.task, data.feature_names[:m], data.notes)


def _tensor(name: str, array: np.ndarray) -> list[str]:
    """``NAME = torch.tensor(numbers, dtype=torch.float64)`` inside the main block: a vector,
    or a matrix one row (wrapped if long) to a line."""
    head, tail = [f"    {name} = torch.tensor("], ["        dtype=torch.float64,", "    )"]
    if array.ndim == 1:
        body = number_list(array.tolist(), "        ")
        if len(body) == 1:
            return [f"    {name} = torch.tensor({body[0]}, dtype=torch.float64)"]
        return [*head, "        " + body[0], *body[1:-1], body[-1] + ",", *tail]
    rows = []
    for row in array.tolist():
        body = number_list(row, "            ")
        rows += ["            " + body[0], *body[1:-1]] + ([body[-1]] if len(body) > 1 else [])
        rows[-1] += ","
    return [*head, "        [", *rows, "        ],", *tail]


def _loop(settings: TrainSettings, schedule_steps: int, steps: int, n_samples: int) -> list[str]:
    """The SGD loop, as the Trainer steps (see the module docstring)."""
    lines = []
    if settings.lr_final is not None:
        span = max(schedule_steps, 1)
        lines += [
            f"    # the rate decays linearly from {settings.lr!r} toward {settings.lr_final!r}"
            f" over {span} steps",
            "    # (mgstudio's schedule, written with the same float operations)",
            f"    LR, LR_FINAL, DECAY_STEPS = {settings.lr!r}, {settings.lr_final!r}, {span}",
            "",
            "    def learning_rate(k):",
            "        if k >= DECAY_STEPS:",
            "            return LR_FINAL",
            "        return LR - (LR - LR_FINAL) * k / DECAY_STEPS",
            "",
        ]
    batch = settings.batch_size
    if batch is not None:
        lines += [
            "    # mini-batches as mgstudio draws them: numpy's generator seeded with the run's",
            "    # seed, a permutation per step, its first batch_size samples",
            "    import numpy as np",
            "",
            f"    rng = np.random.RandomState({settings.seed})",
        ]
    loss = TORCH_LOSSES[settings.loss]
    penalty = TORCH_L2.format(alpha=settings.l2) if settings.l2 else None
    lr = "learning_rate(k)" if settings.lr_final is not None else torch_number(settings.lr)
    lines += [
        f"    # {settings.loss} loss"
        + (f" + L2 ({settings.l2!r})" if settings.l2 else "")
        + f", {steps} steps of SGD"
        + ("" if settings.zero_grad else ", gradients accumulating (no zero_grad)"),
        f"    for k in range({steps}):",
        f"        lr = {lr}",
    ]
    if batch is not None:
        lines += [
            f"        idx = torch.from_numpy(rng.permutation({n_samples})[:{batch}])",
            "        x, y = X_train[idx], y_train[idx]",
        ]
    else:
        lines.append("        x, y = X_train, y_train")
    lines += [
        "        scores = net(x)",
        f"        loss = {loss}",
        *([f"        loss = loss + {penalty}"] if penalty else []),
        *(["        net.zero_grad()"] if settings.zero_grad else []),
        "        loss.backward()",
        "        with torch.no_grad():  # SGD: p.data -= lr * p.grad, as micrograd",
        "            for p in net.parameters():",
        "                p -= lr * p.grad",
        '        print(f"step {k} loss {loss.item()!r}")',
    ]
    return lines
