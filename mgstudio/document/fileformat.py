"""The ``.mgs`` file: versioned JSON, validated field by field, written byte-stably.

Reading never executes anything: the text goes through ``json`` and then every field is checked
(types, ids, kinds, ports, wires, cycles, sizes). Problems become ``FileFormatError`` with a
sentence a learner can act on. Fields this version does not know are kept and written back.

Unknown fields (of the document, a node or a wire) may hold any JSON up to ``MAX_DEPTH``
levels deep; the whole text is refused beyond ``MAX_FILE_BYTES`` or when Python's JSON reader
would run out of recursion (``load_json``: the limits every JSON input of mgstudio shares, from
a file, the clipboard or an autosave swap file).

Writing is deterministic (fixed key order, floats by ``repr``), one node or wire per line so
that files diff well; so save -> load -> save gives the same bytes.

Version 1, by example (``title``, ``description``, ``label``, ``value``, ``params`` and ``pos``
may be left out; leaves default to their kind's value, params to their defaults, and nodes
without ``pos`` are laid out on load, see ``placement``)::

    {
      "format": "mgstudio",
      "version": 1,
      "title": "A neuron",
      "description": "One or two sentences for the learner.",
      "nodes": [
        {"id": "n1", "kind": "input", "label": "x", "value": 2.0, "pos": [0.0, 0.0]},
        {"id": "n2", "kind": "pow", "label": "", "params": {"exponent": 2.0}, "pos": [400.0, 0.0]}
      ],
      "wires": [
        {"src": "n1", "dst": "n2", "port": "a"}
      ],
      "selected_output": null
    }

Version 2 adds ``groups`` (written only when a document has groups, so a document without
any stays a version-1 file that an older mgstudio opens; every version-1 file reads as it
always did)::

      "groups": [
        {"id": "g1", "kind": "neuron", "label": "L1.N1", "parent": "g5", "collapsed": true,
         "nodes": ["n4", "n5", "n6"]}
      ]

``kind`` is one of ``groups.GROUP_KINDS``; ``nodes`` lists the nodes the group holds directly
(a nested group names its ``parent``; a node is in one group at most); ``parent`` and
``collapsed`` may be left out (null, false). A group's ports are not stored: they follow from
the wires crossing its boundary.

Ids are short names (letters, digits, ``_``, ``-``); ``kind`` is a key of ``KINDS``; each wire
feeds ``src``'s output into the input ``port`` of ``dst`` (one wire per input, no cycles);
``selected_output`` is the node backward starts from, or null for automatic. Wires are written
ordered by target node, then port. Clipboard fragments use ``"format": "mgstudio-fragment"``
with only ``nodes`` and ``wires``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import fileio
from .errors import DocumentError, FileFormatError, NewerVersionError
from .graph import Graph, WireFault, describe, short_name, wire_fault
from .group_format import group_to_dict, parse_groups
from .groups import Group
from .training_format import parse_training, training_text
from .training_state import TableData, TrainingState

__all__ = [  # the names other modules import from here (the JSON limits live in json_limits)
    "MAX_FILE_BYTES",
    "check_acyclic",
    "describe",
    "load_json",
    "short_name",
]
from .json_limits import MAX_FILE_BYTES, load_json, too_big_message, unknown_fields
from .kinds import KINDS
from .nodes import (
    MAX_COORD,
    Node,
    Wire,
    check_feature,
    check_id,
    check_label,
    check_params,
    check_pos,
    check_value,
    checked_node,
    kind_named,
)
from .placement import place_missing

FORMAT = "mgstudio"
FRAGMENT_FORMAT = "mgstudio-fragment"
VERSION = 3
#: the version a document with groups (and no training fields) is written as
GROUPS_VERSION = 2
#: the version a document without groups is written as (readable by mgstudio 0.1)
PLAIN_VERSION = 1
MAX_NODES = 100_000
MAX_DESCRIPTION = 10_000
NODE_KEYS = ("id", "kind", "label", "value", "params", "pos", "feature")
TOP_KEYS = ("format", "version", "title", "description", "nodes", "wires", "selected_output")
WIRE_KEYS = ("src", "dst", "port")
_NODE_KEY_SET = frozenset(NODE_KEYS)
_NO_POS = (0.0, 0.0)  # where a node without "pos" stands until it is given a place


@dataclass
class Parsed:
    """A checked document, ready to bind."""

    nodes: list[Node]
    wires: list[Wire]
    title: str = ""
    description: str = ""
    selected_output: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: ids of the nodes that had no "pos" and were given one (see placement)
    laid_out: list[str] = field(default_factory=list)
    #: every id in dependency order (as ``Document.topological_ids``), None if not known
    order: list[str] | None = None
    #: the nodes and wires indexed (the document adopts it instead of indexing them again)
    graph: Graph | None = None
    groups: tuple[Group, ...] = ()
    prediction: str | None = None
    training: TrainingState = field(default_factory=TrainingState)


# --- reading --------------------------------------------------------------------------------
def parse(text: str | bytes, *, fragment: bool = False) -> Parsed:
    """Check a whole document (or a clipboard fragment, which may also be a whole document:
    then only its nodes and wires count) and return its parts."""
    data = load_json(text, MAX_FILE_BYTES)  # this module's limit (tests lower it)
    if not isinstance(data, dict):
        raise FileFormatError("this is not an mgstudio document (the file is not a JSON object)")
    expected = FRAGMENT_FORMAT if fragment else FORMAT
    fmt = data.get("format")
    if fmt != expected and not (fragment and fmt == FORMAT):  # a whole document pastes too
        what = "mgstudio clipboard data" if fragment else "an mgstudio document"
        raise FileFormatError(f'this is not {what} (its "format" is {fmt!r}, not {expected!r})')
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise FileFormatError('the file has no valid "version" number')
    if version > VERSION:
        raise NewerVersionError(
            f"this file was made by a newer mgstudio (version {version}); this one reads "
            f"version {VERSION}. Please update mgstudio to open it."
        )
    if version < 1:
        raise FileFormatError(f"version {version} is not a valid mgstudio file version")

    nodes = _parse_nodes(data.get("nodes", []))
    graph = Graph()  # the document's own index, built once (the wires are linked as checked)
    graph.insert_nodes(enumerate(nodes))
    ids = graph.nodes
    wires = _parse_wires(data.get("wires", []), graph)
    order = check_acyclic(graph)
    # nodes without "pos" get places now, instead of all stacking at 0,0
    missing = [n.id for n, raw in zip(nodes, data["nodes"]) if "pos" not in raw] if nodes else []
    if missing:
        spots = place_missing(nodes, wires, missing)
        # these Node objects were made just above and nothing else holds them yet: each is
        # given its place in itself, instead of being built again (100,000 of them in a
        # big positionless file); a Node is never hashed (its dicts make it unhashable)
        set_field = object.__setattr__
        for n in nodes:
            spot = spots.get(n.id)
            if spot is not None:
                set_field(n, "pos", spot)

    out = Parsed(nodes, wires, laid_out=missing, order=order, graph=graph)
    known: tuple[str, ...] = TOP_KEYS
    if version >= 2 or (fragment and "groups" in data):
        out.groups = parse_groups(data.get("groups", []), ids)
        known = (*TOP_KEYS, "groups")
    if not fragment:
        out.title = _text_field(data, "title")
        out.description = _text_field(data, "description")
        sel = data.get("selected_output")
        if sel is not None and (not isinstance(sel, str) or sel not in ids):
            raise FileFormatError(f'"selected_output" names {sel!r}, which is not a node')
        out.selected_output = sel
        if version >= 3:
            _parse_version_3(data, out, ids)
            known = (*known, "prediction", "training")
    out.extra = unknown_fields(data, known, "the document")
    return out


def _parse_version_3(data: Mapping[str, Any], out: Parsed, ids: Mapping[str, Node]) -> None:
    """The training fields: the prediction node and the training state (whose dataset's
    columns bound the features of the input leaves)."""
    pred = data.get("prediction")
    if pred is not None and (not isinstance(pred, str) or pred not in ids):
        raise FileFormatError(f'"prediction" names {pred!r}, which is not a node')
    out.prediction = pred
    if "training" in data:
        out.training = parse_training(data["training"])
    table = out.training.dataset
    if isinstance(table, TableData):
        for n in out.nodes:
            if n.feature is not None and n.feature >= table.n_features:
                raise FileFormatError(
                    f"node {n.id!r}: feature {n.feature} is not a column of the dataset, "
                    f"whose features are columns 0 to {table.n_features - 1}"
                )


def _text_field(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise FileFormatError(f'"{key}" must be text')
    if len(value) > MAX_DESCRIPTION:
        raise FileFormatError(f'"{key}" is longer than {MAX_DESCRIPTION} characters')
    return value


def _parse_nodes(raw: Any) -> list[Node]:
    if not isinstance(raw, list):
        raise FileFormatError('"nodes" must be a list')
    if len(raw) > MAX_NODES:
        raise FileFormatError(
            f"the document has {len(raw)} nodes; mgstudio opens documents of up to "
            f"{MAX_NODES:,} nodes"
        )
    nodes: list[Node] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise FileFormatError(f"node {i} is not a JSON object")
        nid = None
        try:
            if "id" not in item:
                raise FileFormatError('it has no "id"')
            nid = check_id(item["id"])
            if nid in seen:
                raise FileFormatError("this id is used by an earlier node too")
            seen.add(nid)
            if "kind" not in item:
                raise FileFormatError('it has no "kind"')
            kind = kind_named(item["kind"])
            label = item.get("label", "")
            if label != "":  # most nodes of a big file have none
                label = check_label(label)
            params = item.get("params")
            if params is None and not kind.params:
                params = {}  # what check_params gives, without building it per node
            else:
                params = check_params(kind, params)
            pos = item.get("pos", _NO_POS)
            # the common pair of finite floats within bounds, else the full check (messages)
            if pos is _NO_POS:
                pass  # laid out below (see placement)
            elif not (
                type(pos) is list
                and len(pos) == 2
                and type(pos[0]) is float
                and type(pos[1]) is float
                and abs(pos[0]) <= MAX_COORD
                and abs(pos[1]) <= MAX_COORD
            ):
                pos = check_pos(pos)
            else:
                pos = (pos[0], pos[1])
            node = checked_node(
                nid,
                kind.name,
                label,
                check_value(kind, item.get("value")),
                params,
                pos,
                # a node of known fields only has no extra (the usual case: no scan)
                {} if _NODE_KEY_SET.issuperset(item) else unknown_fields(item, NODE_KEYS),
                check_feature(kind, item["feature"]) if "feature" in item else None,
            )
        except DocumentError as exc:
            where = f"node {i}" if nid is None else f"node {i} ({nid!r})"
            raise FileFormatError(f"{where}: {exc}") from None
        nodes.append(node)
    return nodes


def _parse_wires(raw: Any, graph: Graph) -> list[Wire]:
    """The file's wires, checked, and linked into ``graph`` (which holds the file's nodes)
    in the same pass: a big file's wires are walked once."""
    if not isinstance(raw, list):
        raise FileFormatError('"wires" must be a list')
    wires: list[Wire] = []
    nodes, ins, outs = graph.nodes, graph.ins, graph.outs
    inputs_of = {name: kind.inputs for name, kind in KINDS.items()}
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise FileFormatError(f"wire {i} is not a JSON object")
        # fields a later version adds are kept, as for nodes and the document
        extra = unknown_fields(item, WIRE_KEYS, f"wire {i}") if len(item) != 3 else {}
        src: Any = item.get("src")
        dst: Any = item.get("dst")
        port: Any = item.get("port")
        # graph.wire_fault's tests, inlined for the usual wire (a big file has 100,000s);
        # the messages (and ``where``) only on a failure
        target = nodes.get(dst) if type(dst) is str else None
        into = ins.get(dst) if target is not None else None
        if (
            type(src) is not str
            or type(port) is not str
            or target is None
            or src not in nodes
            or port not in inputs_of[target.kind]
            or src == dst
            or (into is not None and port in into)
        ):
            _bad_wire(f"wire {i}", src, dst, port, graph)
        w = Wire(src, dst, port, extra) if extra else Wire(src, dst, port)
        wires.append(w)
        if into is None:
            into = ins[dst] = {}
        into[port] = w
        out = outs.get(src)
        if out is None:
            out = outs[src] = {}
        out[w] = None
    graph.changed()
    return wires


def _bad_wire(
    where: str,
    src: Any,
    dst: Any,
    port: Any,
    graph: Graph,
) -> None:
    """Raise the message for the first test a wire fails (``graph.wire_fault``: the same
    tests an edit's ``check_connect`` makes), worded for a file."""
    nodes = graph.nodes
    fault = wire_fault(nodes, src, dst, port, graph.taken)
    if fault is WireFault.NOT_TEXT:
        key = next(k for k, v in zip(WIRE_KEYS, (src, dst, port)) if type(v) is not str)
        raise FileFormatError(f'{where}: "{key}" must be text naming a node or input')
    if fault is WireFault.NO_SOURCE:
        raise FileFormatError(f"{where} comes from {src!r}, which is not a node")
    if fault is WireFault.NO_TARGET:
        raise FileFormatError(f"{where} goes into {dst!r}, which is not a node")
    target = nodes[dst]
    if fault is WireFault.NO_PORT:
        have = ", ".join(KINDS[target.kind].inputs) or "none: it is a leaf"
        raise FileFormatError(
            f"{where} goes into input {port!r} of {describe(target)}, which has no such "
            f"input (its inputs: {have})"
        )
    if fault is WireFault.SELF_LOOP:
        raise FileFormatError(f"{where} feeds {describe(target)} into itself")
    if fault is WireFault.PORT_TAKEN:
        raise FileFormatError(
            f"{where}: input {port!r} of {describe(target)} is wired twice; an input takes one wire"
        )
    raise AssertionError("a wire that passes every test")  # pragma: no cover


def check_acyclic(graph: Graph) -> list[str]:
    """Raise CycleError naming one cycle if the wires make a node depend on itself. Returns
    the ids in dependency order, the order ``Document.topological_ids`` gives (ties in node
    order; a node's consumers in wire order), so that a load need not sort them twice."""
    return graph.check_acyclic()


# --- writing --------------------------------------------------------------------------------
def node_to_dict(node: Node) -> dict[str, Any]:
    kind = KINDS[node.kind]
    out: dict[str, Any] = {"id": node.id, "kind": node.kind, "label": node.label}
    if kind.is_leaf:
        out["value"] = node.value
    if kind.params:
        out["params"] = {p.name: node.params.get(p.name, p.default) for p in kind.params}
    out["pos"] = [node.pos[0], node.pos[1]]
    if node.feature is not None:
        out["feature"] = node.feature
    out.update(node.extra)
    return out


def wire_to_dict(wire: Wire) -> dict[str, Any]:
    out: dict[str, Any] = {"src": wire.src, "dst": wire.dst, "port": wire.port}
    if wire.extra:
        out.update((k, v) for k, v in wire.extra.items() if k not in WIRE_KEYS)
    return out


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)  # one, not one per call


def _line(obj: Any) -> str:
    return _ENCODER.encode(obj)


def _list(items: list[Any]) -> str:
    if not items:
        return "[]"
    return "[\n" + ",\n".join("    " + _line(x) for x in items) + "\n  ]"


def dump(
    nodes: Iterable[Node],
    wires: Iterable[Wire],
    *,
    title: str = "",
    description: str = "",
    selected_output: str | None = None,
    extra: Mapping[str, Any] | None = None,
    fragment: bool = False,
    groups: Iterable[Group] = (),
    prediction: str | None = None,
    training: TrainingState | None = None,
) -> str:
    """The document as JSON text: one node, wire or group per line, stable key order; a
    document with training fields (a feature leaf, a prediction, a training state) is written
    as version 3, else one with groups as version 2, else as version 1."""
    group_list = list(groups)
    node_list = list(nodes)
    trained = training is not None and not training.is_empty and not fragment
    v3 = trained or (prediction is not None and not fragment)
    v3 = v3 or any(n.feature is not None for n in node_list)
    version = VERSION if v3 else GROUPS_VERSION if group_list else PLAIN_VERSION
    fields: list[tuple[str, str]] = [
        ("format", _line(FRAGMENT_FORMAT if fragment else FORMAT)),
        ("version", _line(version)),
    ]
    if title:
        fields.append(("title", _line(title)))
    if description:
        fields.append(("description", _line(description)))
    fields.append(("nodes", _list([node_to_dict(n) for n in node_list])))
    fields.append(("wires", _list([wire_to_dict(w) for w in wires])))
    if group_list:
        fields.append(("groups", _list([group_to_dict(g) for g in group_list])))
    if not fragment:
        fields.append(("selected_output", _line(selected_output)))
    if v3 and not fragment:
        fields.append(("prediction", _line(prediction)))
    if trained:
        assert training is not None
        fields.append(("training", training_text(training)))
    written = {k for k, _ in fields}
    for key, value in (extra or {}).items():
        if key not in TOP_KEYS and key not in written:
            fields.append((key, _line(value)))
    body = ",\n".join(f"  {_line(k)}: {v}" for k, v in fields)
    return escape_surrogates("{\n" + body + "\n}\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(json_text: str) -> str:
    """JSON text that can be written as UTF-8: a lone surrogate (from a "\\ud800" escape in a
    loaded file, or an undecodable byte of a file name) becomes its escape, which reads back
    as the same string."""
    return _SURROGATE.sub(_escape, json_text)


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


# --- files ----------------------------------------------------------------------------------
def read_file(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; a special file (FIFO, device), a folder or a huge file is refused
    before reading (``fileio.read_regular``)."""
    return fileio.read_regular(path, MAX_FILE_BYTES, too_big_message)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Save ``text`` so that ``path`` holds either the old or the new contents, never a mix
    (``fileio.write_atomic``: through symlinks, keeping the file's mode)."""
    fileio.write_atomic(path, text, verb="save")


_reason = fileio.reason
