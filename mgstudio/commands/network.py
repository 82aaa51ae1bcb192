"""``mgstudio network --inputs N --hidden W1,W2,… -o OUT.mgs``: write the grouped network
document the training pane shows on the canvas, for an MLP whose weights come from a seed.

``random.seed(S)`` then ``MLP(N, [W1, W2, …, 1])``: the weights are drawn in micrograd's order
(``random.uniform(-1, 1)``, biases 0), so PyPI micrograd seeded the same way has the same
model. The document is ``network_doc.model_document``'s: the MLP on one sample and its squared
error, neurons grouped in layers in the mlp, laid out in columns, after a backward pass.

Bad arguments are refused as argparse refuses them (usage, one ``error:`` line, exit 2)."""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from typing import TYPE_CHECKING

from mgstudio.cli import UserError
from mgstudio.commands.check import json_number
from mgstudio.document import DocumentError
from mgstudio.document.fileformat import MAX_NODES
from mgstudio.engine import MLP
from mgstudio.engine.nn import ACTIVATIONS
from mgstudio.training.config import MAX_LAYERS, MAX_WIDTH, TrainConfig
from mgstudio.training.network_doc import NetworkDocument, model_document, node_count

if TYPE_CHECKING:
    from mgstudio.cli import Subparsers

#: the training pane's defaults (``TrainConfig``'s): relu hidden layers, seed 1337
DEFAULT_ACTIVATION = TrainConfig.activation
DEFAULT_SEED = TrainConfig.seed
DEFAULT_TARGET = 1.0
#: each input of the sample, unless --sample gives them (1, not 0: zero inputs would leave
#: every weight's grad 0 and every relu at its kink)
DEFAULT_INPUT = 1.0
LOSS = "mse"


def _inputs(text: str) -> int:
    return _whole(text, 1, MAX_WIDTH)


def _whole(text: str, lo: int, hi: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"needs a whole number, not {text!r}") from None
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"must be between {lo} and {hi}, not {value}")
    return value


def _hidden(text: str) -> tuple[int, ...]:
    """``16,16`` -> (16, 16); empty: no hidden layer (a single linear neuron's network)."""
    parts = [t.strip() for t in text.split(",")]
    if parts == [""]:
        return ()
    widths = tuple(_whole(t, 1, MAX_WIDTH) for t in parts)
    if len(widths) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"takes at most {MAX_LAYERS} layers, not {len(widths)}")
    return widths


def _finite(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"needs a number, not {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"needs a finite number, not {text!r}")
    return value


def _sample(text: str) -> tuple[float, ...]:
    return tuple(_finite(t) for t in text.split(","))


def _target(text: str) -> float:
    return _finite(text)


def _seed(text: str) -> int:
    return _whole(text, 0, 2**32 - 1)


def add_parser(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "network",
        help="write an MLP's grouped network document (as the canvas shows it)",
        description="Write the network document 'Show Network on Canvas' makes: an MLP on one "
        "sample and its squared error, each neuron (its weights, bias, products, sums and "
        "activation) a group inside its layer's group inside the mlp's group, neurons "
        "collapsed, laid out in columns. The weights come from random.seed(SEED) then "
        "MLP(N, [W1, ..., 1]) in micrograd's order: uniform(-1, 1) weights, biases 0.",
    )
    p.add_argument("--inputs", required=True, type=_inputs, metavar="N", help="number of inputs")
    p.add_argument(
        "--hidden",
        required=True,
        type=_hidden,
        metavar="W1,W2,…",
        help="hidden layer widths, input side first, e.g. 4,4 (the output layer is 1 neuron; "
        "'' for none)",
    )
    p.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default=DEFAULT_ACTIVATION,
        help="the hidden neurons' nonlinearity (default: %(default)s); the output neuron is "
        "linear after relu, as in micrograd, and uses the same one otherwise",
    )
    p.add_argument(
        "--sample",
        type=_sample,
        metavar="x1,x2,…",
        help="the sample the network is drawn on, N numbers (default: all "
        f"{DEFAULT_INPUT:g}); write --sample=-1,2 when the first is negative",
    )
    p.add_argument(
        "--target",
        type=_target,
        default=DEFAULT_TARGET,
        metavar="Y",
        help="the sample's target; the loss is (score - Y)**2 (default: %(default)g)",
    )
    p.add_argument(
        "--seed",
        type=_seed,
        default=DEFAULT_SEED,
        metavar="S",
        help="seed of Python's random for the weights (default: %(default)s)",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT.mgs", help="the document to write")
    p.add_argument(
        "--json",
        action="store_true",
        help='print a JSON summary {"file", "nodes", "groups", "parameters", "score", '
        '"loss"} instead of a line',
    )
    p.set_defaults(network_parser=p)


def build(args: argparse.Namespace) -> NetworkDocument:
    """The document for parsed arguments (``sample`` already checked against ``inputs``)."""
    sample = args.sample if args.sample is not None else (DEFAULT_INPUT,) * args.inputs
    random.seed(args.seed)
    model = MLP(args.inputs, [*args.hidden, 1], activation=args.activation)
    return model_document(model, sample, args.target, LOSS)


def run(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.network_parser
    if args.sample is not None and len(args.sample) != args.inputs:
        parser.error(
            f"argument --sample: needs {args.inputs} numbers (one per input), "
            f"not {len(args.sample)}"
        )
    count = node_count(args.inputs, args.hidden, args.activation, None, LOSS)
    if count > MAX_NODES:
        parser.error(
            f"this network would have {count:,} nodes; a document holds at most "
            f"{MAX_NODES:,}: try fewer inputs or narrower layers"
        )
    net = build(args)
    doc = net.document
    try:
        doc.save(args.output)
    except DocumentError as exc:
        raise UserError(" ".join(str(exc).split())) from None
    score, loss = doc.value_of(net.score_id), doc.value_of(net.loss_id)
    assert score is not None and loss is not None  # every node of a built network computes
    if args.json:
        summary = {
            "file": str(args.output),
            "nodes": len(doc.nodes),
            "groups": len(doc.groups),
            "parameters": len(net.param_ids),
            "score": json_number(score.data),
            "loss": json_number(loss.data),
        }
        print(json.dumps(summary, indent=2))
    else:
        mlp = next(g for g in doc.groups if g.kind == "mlp")
        print(
            f"wrote {args.output}: {mlp.label}, {len(doc.nodes)} nodes, "
            f"{len(doc.groups)} groups; score {score.data:.4f}, loss {loss.data:.4f}",
            file=sys.stdout,
        )
    return 0
