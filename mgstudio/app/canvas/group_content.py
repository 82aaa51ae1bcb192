"""What a collapsed group's block shows, worked out from the document alone: its title and
activation, the node whose numbers it shows, a layer's rows, and its ports (a neuron's
inputs one per weighted wire, with the weight leaf that multiplies each; other groups' one
per outside source drawn; more than MAX_PORTS on a side bundled into one)."""

from __future__ import annotations

from collections.abc import Mapping

from mgstudio.document.kinds import KINDS

from .group_items import MAX_PORTS, BlockContent, group_title, short_title


def block_content(
    doc, gid: str, hidden: Mapping[str, str] | None = None
) -> tuple[BlockContent, dict[tuple[str, str], int]]:
    """What a collapsed group's block shows, and the input slot of each wire coming in.
    ``hidden`` (node -> the block drawn for it): sources inside another block that draws
    its outputs as one bundled port come in at one port too (a program's 41 shared weights
    feed a layer at one port, not bundled with the neurons' outputs into one)."""
    hidden = hidden or {}
    one_port: dict[str, bool] = {}

    def drawn(src: str) -> str:
        block = hidden.get(src)
        if block is None:
            return src
        if block not in one_port:
            b = index.get(block)
            n = len(index.children(block)) if b.kind == "layer" else 0
            one_port[block] = (n or len(doc.group_ports(block).outputs)) > MAX_PORTS
        return block if one_port[block] else src

    index = doc.groups
    g = index.get(gid)
    members = set(index.members(gid))
    ports = doc.group_ports(gid)
    full = group_title(g.kind, g.label, gid)
    title = short_title(g.kind, g.label, gid) if g.kind == "neuron" else full
    content = BlockContent(g.kind, title, full if title != full else "")
    content.output = main_output(doc, gid)
    if g.kind == "group" and all(KINDS[doc.nodes[n].kind].is_leaf for n in members):
        # leaves only (a program's shared weights): no one of them is the group's output
        content.output = None
        content.summary = f"{len(members):,} leaves"
    if g.kind == "neuron" and content.output is not None:
        kind = KINDS[doc.nodes[content.output].kind]
        content.subtitle = kind.name if not kind.is_leaf and len(kind.inputs) == 1 else "linear"
    if g.kind == "layer":
        for child in index.children(gid):
            c = index.get(child)
            content.rows.append((short_title(c.kind, c.label, child), main_output(doc, child)))
    # inputs: a neuron's are its weighted wires, one each; others' their outside sources
    in_slots: dict[tuple[str, str], int] = {}
    if g.kind == "neuron":
        for i, w in enumerate(ports.inputs):
            in_slots[(w.dst, w.port)] = i
            content.weights.append(weight_of(doc, w, members))
        content.n_inputs = len(ports.inputs)
    else:
        sources: dict[str, int] = {}
        for w in ports.inputs:
            in_slots[(w.dst, w.port)] = sources.setdefault(drawn(w.src), len(sources))
        content.n_inputs = len(sources)
    if content.n_inputs > MAX_PORTS:
        in_slots = dict.fromkeys(in_slots, 0)
        content.n_inputs = 1
        content.weights = []
    # outputs: a layer's at its rows, others' main output first
    outs: dict[str, int] = {}
    if g.kind == "layer" and content.rows:
        for i, (_label, nid) in enumerate(content.rows):
            if nid is not None:
                outs[nid] = i
        for nid in ports.outputs:
            outs.setdefault(nid, len(content.rows) - 1)
        n_out = len(content.rows)
    else:
        order = [content.output] if content.output in ports.outputs else []
        order += [n for n in ports.outputs if n not in order]
        outs = {nid: i for i, nid in enumerate(order) if nid is not None}
        n_out = len(outs)
    if n_out > MAX_PORTS:
        outs = dict.fromkeys(outs, 0)
        n_out = 1
    content.outputs, content.n_outputs = outs, n_out
    return content, in_slots


def main_output(doc, gid: str) -> str | None:
    """The node whose numbers a group shows: the last member feeding a node outside it
    (else the last one feeding nothing)."""
    members = set(doc.groups.members(gid))
    outputs = doc.group_ports(gid).outputs
    leaving = [n for n in outputs if any(w.dst not in members for w in doc.consumers_of(n))]
    pick = leaving or list(outputs)
    return pick[-1] if pick else None


def weight_of(doc, wire, members: set[str]) -> str | None:
    """The leaf inside the neuron that multiplies this incoming wire (same mul node)."""
    dst = doc.nodes.get(wire.dst)
    if dst is None or dst.kind != "mul":
        return None
    for w in doc.inputs_of(wire.dst).values():
        if w != wire and w.src in members and KINDS[doc.nodes[w.src].kind].is_leaf:
            return w.src
    return None
