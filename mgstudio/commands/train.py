"""``mgstudio train``: train an MLP headless and print the loss per step (micrograd demo's
format), the final loss, optionally a JSON summary or a loss/accuracy figure.

The dataset's task decides the metrics: classification prints accuracy as micrograd's demo
does; regression (a CSV whose targets are not two classes) prints the rmse instead and never an
accuracy, trains with mse unless ``--loss`` says otherwise, and its JSON carries
``"accuracy": null`` (the field stays, so readers of the old shape do not break) and ``rmse``."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from mgstudio.cli import UserError
from mgstudio.engine.nn import ACTIVATIONS
from mgstudio.training import (
    DATASETS,
    LOSSES,
    PRESETS,
    Trainer,
    TrainingDiverged,
    TrainingError,
    load_csv,
    preset,
)
from mgstudio.training.config import ENGINES, TrainConfig
from mgstudio.training.datasets import REGRESSION
from mgstudio.training.metrics import default_loss
from mgstudio.training.plot_limits import axis_limits, masked, top_limit

from .train_document import PresetRecorder, run_document

if TYPE_CHECKING:
    from mgstudio.cli import Subparsers


def add_parser(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "train",
        help="train an MLP on a dataset and print the loss per step",
        description="Train an MLP with SGD, one line per step as micrograd's demo prints. "
        "Settings start from --preset (default: micrograd-demo, which reproduces the demo "
        "notebook's numbers); any other option changes that setting.",
    )
    p.add_argument(
        "--preset",
        choices=tuple(PRESETS),
        help="the starting settings (default: micrograd-demo; with --document: the "
        "document's saved settings)",
    )
    p.add_argument(
        "--document",
        metavar="FILE",
        help="train this .mgs document's graph: its feature inputs take the dataset's "
        "columns, its other inputs are trained",
    )
    p.add_argument(
        "--features",
        metavar="L1,L2",
        help="with --document: the input labels that take the dataset's columns, in order "
        "(overrides the roles saved in the file)",
    )
    p.add_argument(
        "--prediction",
        metavar="LABEL",
        help="with --document: the node compared with the target (default: the saved one, "
        "else the output)",
    )
    p.add_argument(
        "--test-ratio",
        metavar="R",
        help="with --document: the fraction of samples held out for a test loss (0..0.9)",
    )
    p.add_argument(
        "--save",
        metavar="OUT.mgs",
        help="save the trained document (dataset, settings, run and the new parameters); "
        "without --document, the settings' MLP as a network document",
    )
    p.add_argument("--dataset", choices=DATASETS, help="a built-in dataset")
    p.add_argument("--csv", metavar="FILE", help="train on rows x1,...,xn,y of a CSV file")
    p.add_argument("--samples", metavar="N", help="number of samples to generate")
    p.add_argument("--noise", metavar="X", help="Gaussian noise added to the points")
    p.add_argument("--hidden", metavar="W1,W2", help="hidden layer widths, e.g. 16,16")
    p.add_argument("--activation", choices=ACTIVATIONS, help="the neurons' nonlinearity")
    p.add_argument("--loss", choices=LOSSES, help="the loss to minimise")
    p.add_argument("--l2", metavar="ALPHA", help="L2 penalty alpha * sum(p*p) (0: none)")
    p.add_argument("--lr", metavar="X", help="learning rate (at the first step)")
    p.add_argument(
        "--lr-final",
        metavar="X",
        help="decay the rate linearly toward this over the steps ('none': constant)",
    )
    p.add_argument("--steps", metavar="N", help="number of SGD steps")
    p.add_argument(
        "--batch-size", metavar="N", help="random mini-batch per step ('none': the whole dataset)"
    )
    p.add_argument("--seed", metavar="N", help="seed for numpy and random (micrograd's order)")
    p.add_argument(
        "--no-zero-grad",
        action="store_true",
        help="keep adding gradients across steps (the lecture's bug)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        help="'tape' (fast), 'scalar' (micrograd's Value graph) or 'auto'",
    )
    p.add_argument("--plot", metavar="PNG", help="save a loss and accuracy figure")
    p.add_argument(
        "--json",
        action="store_true",
        help="print only a JSON summary: steps, final (the loss and accuracy "
        "after the last update; for regression accuracy is null and rmse is given),"
        " seconds (the training loop), task, loss_function and notes",
    )


def _number(
    text: str, option: str, kind: Callable[[str], float] = float, allow_none: bool = False
) -> float | None:
    if allow_none and text.strip().lower() == "none":
        return None
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise UserError(f"{option} needs {what}, not {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise UserError(f"{option} needs a finite number, not {text!r}")
    return value


def _hidden(text: str) -> tuple[int, ...]:
    parts = [t.strip() for t in text.split(",")]
    if parts == [""]:
        return ()
    widths: list[int] = []
    for t in parts:
        width = _number(t, "--hidden", int)
        assert isinstance(width, int)  # int() made it
        widths.append(width)
    return tuple(widths)


#: option -> (TrainConfig field, parser, 'none' allowed)
_NUMBERS = (
    ("samples", "--samples", int, False),
    ("noise", "--noise", float, False),
    ("l2", "--l2", float, False),
    ("lr", "--lr", float, False),
    ("lr_final", "--lr-final", float, True),
    ("steps", "--steps", int, False),
    ("batch_size", "--batch-size", int, True),
    ("seed", "--seed", int, False),
)


def option_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the options give, by TrainConfig's field names (not the dataset)."""
    changes: dict[str, Any] = {}
    for field, option, kind, allow_none in _NUMBERS:
        text = getattr(args, field)
        if text is not None:
            changes[field] = _number(text, option, kind, allow_none)
    if args.hidden is not None:
        changes["hidden"] = _hidden(args.hidden)
    for field in ("activation", "loss", "engine"):
        if getattr(args, field) is not None:
            changes[field] = getattr(args, field)
    if args.no_zero_grad:
        changes["zero_grad"] = False
    return changes


def config_from_args(args: argparse.Namespace, task: str | None = None) -> TrainConfig:
    """The preset changed by the options; ``task`` (the CSV's) picks the loss when --loss
    does not."""
    changes = option_changes(args)
    if args.dataset is not None:
        changes["dataset"] = args.dataset
    if task == REGRESSION and args.loss is None:
        changes["loss"] = default_loss(task)
    return preset(args.preset or "micrograd-demo", **changes)


#: options that shape the settings' MLP, meaningless for a document's own graph
_MLP_ONLY = ("hidden", "activation", "engine")
_DOCUMENT_ONLY = ("features", "prediction", "test_ratio")


def run(args: argparse.Namespace) -> int:
    if args.csv and args.dataset:
        raise UserError("use either --dataset or --csv, not both")
    if args.document is not None:
        given = [f"--{o.replace('_', '-')}" for o in _MLP_ONLY if getattr(args, o) is not None]
        if given:
            raise UserError(
                f"{', '.join(given)}: these shape the settings' MLP; a document is its own graph"
            )
        try:
            return run_document(
                args, option_changes(args), _number, print_step, partial(report, args)
            )
        except TrainingError as exc:
            raise UserError(str(exc)) from None
    given = [f"--{o.replace('_', '-')}" for o in _DOCUMENT_ONLY if getattr(args, o) is not None]
    if given:
        raise UserError(f"{', '.join(given)} need --document FILE.mgs")
    try:
        dataset = load_csv(args.csv) if args.csv else None
        config = config_from_args(args, dataset.task if dataset is not None else None)
        trainer = Trainer(config, dataset=dataset)
    except TrainingError as exc:
        raise UserError(str(exc)) from None
    notes = list(trainer.dataset.notes)
    for note in notes:  # stderr: stdout stays the demo's lines (or only the JSON)
        print(f"{trainer.dataset.name}: {note}", file=sys.stderr)

    recorder = PresetRecorder(trainer, args) if args.save else None
    show = None if args.json else print_step
    start = time.perf_counter()
    try:
        trainer.run(callback=recorder.wrap(show) if recorder is not None else show)
    except TrainingDiverged as exc:
        raise UserError(str(exc)) from None
    seconds = time.perf_counter() - start
    code = report(args, trainer, config.loss, seconds, notes)
    if recorder is not None:
        recorder.save(args.save)
    return code


def report(
    args: argparse.Namespace,
    trainer: Trainer,
    loss_name: str,
    seconds: float,
    notes: list[str],
    extra: dict[str, Any] | None = None,
) -> int:
    """The end of a run: the plot, then the JSON summary or the final line."""
    final = trainer.evaluate()
    if not math.isfinite(final["loss"]):
        raise UserError(
            f"training diverged after the last step: the loss became "
            f"{final['loss']}. Try a smaller learning rate."
        )

    if args.plot:
        title = args.document if args.document else _title(trainer)
        save_plot(trainer.history, args.plot, title=title)
    regression = trainer.task == REGRESSION
    if args.json:
        keys = ("step", "loss", "accuracy", "rmse") if regression else ("step", "loss", "accuracy")
        summary = {
            "steps": [{k: r[k] for k in keys} for r in trainer.history],
            "final": {k: final[k] for k in keys if k != "step"},
            "seconds": seconds,
            "task": trainer.task,
            "loss_function": loss_name,
            "notes": notes,
            **(extra or {}),
        }
        json.dump(summary, sys.stdout)
        sys.stdout.write("\n")
    elif regression:
        print(
            f"final loss {final['loss']}, rmse {final['rmse']} after {trainer.step_count} "
            f"steps ({seconds:.3f} s, {trainer.engine_name} engine, regression, "
            f"{loss_name} loss)"
        )
    else:
        print(
            f"final loss {final['loss']}, accuracy {final['accuracy'] * 100}% after "
            f"{trainer.step_count} steps ({seconds:.3f} s, {trainer.engine_name} engine)"
        )
    return 0


def print_step(record: dict[str, Any]) -> None:
    if record["accuracy"] is None:  # regression: no accuracy to speak of
        print(f"step {record['step']} loss {record['loss']}, rmse {record['rmse']}")
        return
    print(f"step {record['step']} loss {record['loss']}, accuracy {record['accuracy'] * 100}%")


def _title(trainer: Trainer) -> str:
    cfg = trainer.config
    hidden = ",".join(map(str, cfg.hidden)) or "none"
    lr = f"{cfg.lr:g}" if cfg.lr_final is None else f"{cfg.lr:g} -> {cfg.lr_final:g}"
    return f"{trainer.dataset.name}: MLP hidden {hidden} {cfg.activation}, {cfg.loss}, lr {lr}"


def save_plot(history: list[dict[str, Any]], path: str, title: str = "") -> None:
    """Loss (left axis) and, for classification, accuracy (right axis) per step, drawn with
    Agg, no pyplot; limits from ``plot_limits`` so no loss, however large, breaks it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    steps = [r["step"] for r in history]
    losses = [r["loss"] for r in history]
    fig = Figure(figsize=(7, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(steps, masked(losses), color="tab:blue", label="loss")
    ax.set_xlabel("step")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("loss", color="tab:blue")
    lim = axis_limits(losses)
    ax.set_ylim(0.0, top_limit(losses))  # losses are >= 0
    if steps:
        ax.set_xlim(0, max(steps[-1], 1))
    if lim.left_out:
        ax.text(0.5, 0.5, lim.note("losses"), transform=ax.transAxes, ha="center", parse_math=False)
    if history and history[0].get("accuracy") is not None:
        acc = ax.twinx()
        acc.plot(
            steps, [r["accuracy"] * 100 for r in history], color="tab:orange", label="accuracy"
        )
        acc.set_ylabel("accuracy (%)", color="tab:orange")
        acc.set_ylim(0, 105)
    if title:
        ax.set_title(title, fontsize=10, parse_math=False)
    import io
    import os

    from mgstudio.document import DocumentError
    from mgstudio.document.fileio import write_atomic

    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    try:
        # drawn in memory, then written by the one atomic writer (savefig to a path would
        # leave half a picture behind on a full disk)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt)
        write_atomic(path, buf.getvalue())
    except (OSError, ValueError, DocumentError) as exc:
        raise UserError(f"cannot save the plot to {path}: {exc}") from None
