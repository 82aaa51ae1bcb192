"""``mgstudio train --document FILE.mgs``: train the graph of a document (its feature leaves
fed the dataset's columns, its other input leaves trained), and ``--save`` the trained
document; also ``train --preset … --save OUT.mgs``, the settings' MLP saved as the grouped
network document with its run. The contract is docs/CONTRACTS.md, "Training a document"."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mgstudio.cli import UserError
from mgstudio.document import Document, DocumentError
from mgstudio.document.fileformat import MAX_FILE_BYTES, MAX_NODES, write_atomic
from mgstudio.document.training_state import (
    GeneratedData,
    RunRecord,
    TableData,
    TrainingState,
)
from mgstudio.training import Dataset, Trainer, TrainingError, load_csv, preset
from mgstudio.training.checkpoints import CheckpointLog
from mgstudio.training.datasets import REGRESSION
from mgstudio.training.document_training import (
    SETTINGS_FIELDS,
    DocumentRun,
    dataset_from_state,
    history_arrays,
    settings_of,
)
from mgstudio.training.network_doc import NetworkTooLarge, build_network_document

Number = Callable[..., float | None]


def table_of(data: Dataset) -> TableData:
    """A loaded CSV as the document's table (features, then the target)."""
    return TableData((*data.feature_names, "y"), np.column_stack([data.X, data.y]))


def _load(path: str) -> Document:
    try:
        return Document.load(path)
    except DocumentError as exc:
        raise UserError(" ".join(str(exc).split())) from None


def _by_label(doc: Document, label: str, option: str, inputs_only: bool) -> str:
    """The one node labelled ``label`` (an input, for --features)."""
    pool = [n for n in doc.nodes.values() if not inputs_only or n.kind == "input"]
    hits = [n.id for n in pool if n.label == label]
    if len(hits) == 1:
        return hits[0]
    labels = sorted({n.label for n in pool if n.label})
    shown = ", ".join(repr(x) for x in labels[:30]) + (", …" if len(labels) > 30 else "")
    what = "input" if inputs_only else "node"
    if not hits:
        raise UserError(
            f"{option}: no {what} is labelled {label!r}; the {what}s' labels are: "
            f"{shown or '(none)'}"
        )
    raise UserError(
        f"{option}: {len(hits)} {what}s are labelled {label!r} ({', '.join(hits)}); give "
        "them different labels first"
    )


def _state(
    args: argparse.Namespace, doc: Document, changes: dict[str, Any], number: Number
) -> TrainingState:
    """The document's training state changed by the options (``changes``: the settings the
    options give, by TrainConfig's field names)."""
    state = doc.training
    base = settings_of(preset(args.preset)) if args.preset is not None else state.settings
    given = {k: v for k, v in changes.items() if k in SETTINGS_FIELDS}
    settings = base.replace(**given) if given else base
    dataset = state.dataset
    if args.dataset is not None:
        n, noise = changes.get("samples", 100), changes.get("noise", 0.1)
        if not 2 <= n <= 10_000 or noise < 0:
            raise UserError("--samples must be between 2 and 10000 and --noise at least 0")
        dataset = GeneratedData(args.dataset, n, noise, settings.seed)
    elif args.csv is not None:
        dataset = table_of(load_csv(args.csv))
    ratio = state.test_ratio
    if args.test_ratio is not None:
        typed = number(args.test_ratio, "--test-ratio", float)
        assert typed is not None
        ratio = typed
        if not 0.0 <= ratio <= 0.9:
            raise UserError(f"--test-ratio must be between 0 and 0.9, not {ratio:g}")
    state = state.replace(dataset=dataset, settings=settings, test_ratio=ratio)
    if args.loss is None and settings.loss == "hinge":
        if dataset_from_state(state).task == REGRESSION:  # as train does for a CSV
            state = state.replace(settings=settings.replace(loss="mse"))
    return state


def run_document(
    args: argparse.Namespace,
    changes: dict[str, Any],
    number: Number,
    show: Callable[[dict[str, Any]], None],
    report: Callable[..., int],
) -> int:
    """``train --document``: ``changes`` are the settings the options give (TrainConfig's
    names), ``number`` parses an option's number, ``show(record)`` per step (unless --json),
    ``report(trainer, loss_name, seconds, notes, extra_json)`` prints what ``train`` prints."""
    doc = _load(args.document)
    features = None
    if args.features is not None:
        labels = [t.strip() for t in args.features.split(",")]
        if not labels or any(not t for t in labels):
            raise UserError("--features needs input labels separated by commas, e.g. x1,x2")
        features = [_by_label(doc, t, "--features", True) for t in labels]
        if len(set(features)) != len(features):
            raise UserError("--features names the same input twice")
    prediction = None
    if args.prediction is not None:
        prediction = _by_label(doc, args.prediction, "--prediction", False)
    try:
        state = _state(args, doc, changes, number)
        if features is not None:  # the options' roles replace the saved ones (and are saved)
            with doc.batch():
                for ids in doc.feature_ids().values():
                    for nid in ids:
                        doc.set_feature(nid, None)
                for k, nid in enumerate(features):
                    doc.set_feature(nid, k)
        if prediction is not None:
            doc.set_prediction(prediction)
        job = DocumentRun(doc, state)
    except (TrainingError, DocumentError) as exc:
        raise UserError(str(exc)) from None
    notes = [*job.dataset.notes, *job.notes]
    for note in notes:
        print(f"{args.document}: {note}", file=sys.stderr)
    start = time.perf_counter()
    try:
        job.run(callback=None if args.json else show)
    except TrainingError as exc:
        raise UserError(str(exc)) from None
    seconds = time.perf_counter() - start
    model = job.model
    names = {nid: doc.node(nid).label or nid for nid in doc.nodes}
    extra = {
        "model": {
            "features": [names[f] for f in model.features],
            "prediction": names[model.prediction],
            "parameters": len(model.params),
        }
    }
    code = report(job.trainer, job.settings.loss, seconds, notes, extra)
    if args.save:
        doc.set_values(job.values())
        doc.set_training(job.state())
        _save(doc, args.save)
    return code


class PresetRecorder:
    """For ``train --preset … --save``: records the trainer's run (made before it runs);
    ``save(path)`` writes the settings' MLP as the grouped network document with the run."""

    def __init__(self, trainer: Trainer, args: argparse.Namespace) -> None:
        self.trainer = trainer
        self.csv = bool(args.csv)
        self.initial = trainer.snapshot().params
        self.log = CheckpointLog(len(self.initial))

    def wrap(self, show: Callable[[dict[str, Any]], None] | None) -> Callable[[Any], None]:
        """A step callback that keeps the parameters, then calls ``show``."""
        trainer, log = self.trainer, self.log

        def after(record: dict[str, Any]) -> None:
            log.add(record["step"] + 1, trainer.engine.params())
            if show is not None:
                show(record)

        return after

    def save(self, path: str) -> None:
        trainer = self.trainer
        cfg = trainer.config
        try:
            net = build_network_document(trainer, 0, limit=MAX_NODES)
        except NetworkTooLarge as exc:
            raise UserError(f"cannot save the network: {exc}") from None
        doc = net.document
        with doc.batch():
            for k, nid in enumerate(net.input_ids):
                doc.set_feature(nid, k)
            doc.set_prediction(net.score_id)
        steps, checkpoints = self.log.arrays()
        history = trainer.history
        loss, accuracy, _ = history_arrays(history)
        record = RunRecord(
            name="run 1",
            params=tuple(net.param_ids),
            initial=self.initial,
            settings=settings_of(cfg),
            features=tuple(net.input_ids),
            prediction=net.score_id,
            checkpoint_steps=steps,
            checkpoints=checkpoints,
            loss=loss,
            accuracy=accuracy,
        )
        dataset: GeneratedData | TableData
        if self.csv:
            dataset = table_of(trainer.dataset)
        else:
            dataset = GeneratedData(cfg.dataset, cfg.samples, cfg.noise, cfg.seed)
        state = TrainingState(dataset, 0.0, settings_of(cfg), (record,), (0, len(history)))
        doc.set_training(state)
        _save(doc, path)


def _save(doc: Document, path: str) -> None:
    """Write atomically, refusing a file mgstudio could not open again."""
    text = doc.to_json()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"cannot save {os.path.basename(path)}: the trained document would be "
            f"{size / 1e6:.1f} MB, more than the {MAX_FILE_BYTES / 1e6:g} MB mgstudio opens "
            "(train fewer steps, or start from a document with fewer runs)"
        )
    try:
        write_atomic(path, text)
    except (DocumentError, OSError) as exc:
        raise UserError(f"cannot save {os.path.basename(path)}: {exc}") from None
