"""The groups of a program's document: one per instance call that made Values in the graph,
nested as the calls were, the weights several calls share in one ``parameters`` group, and
what follows the network (the squared errors and their sum) in one ``loss`` group.

Labels read as the learner wrote the program: ``MLP n (call 2)`` is the second call of ``n``
in this graph (the program's order: the second sample), its neurons ``Neuron L1.N0``
without a call number (their MLP's frame already says which call they belong to).
"""

from __future__ import annotations

import re

from mgstudio.engine import Value
from mgstudio.interpreter import CallGroup, Run

from ..groups import MAX_GROUPS, Group
from ..nodes import MAX_LABEL as _MAX_LABEL

#: a group's kind, by the class (or a base) it is an instance of
_KIND_OF_CLASS = (("Neuron", "neuron"), ("Layer", "layer"), ("MLP", "mlp"))
_SLUG = re.compile(r"[^A-Za-z0-9_]+")
#: this many calls of a network or more: its layers start collapsed, so that the calls (one
#: per sample) fit side by side at a zoom their rows read at
COLLAPSE_LAYERS_AT = 2


def program_groups(run: Run, order: list[Value], ids: list[str], loss_label: str) -> list[Group]:
    """The groups of the document whose nodes are ``order`` (ids ``ids``)."""
    index = {id(v): i for i, v in enumerate(order)}
    member: dict[int, CallGroup] = {}  # node index -> its call
    for i, v in enumerate(order):
        g = run.group_of(v)
        if g is not None:
            member[i] = g
    # a constant an op wrapped (x's 2.0 in w * 2.0) joins the call of the op using it
    users: dict[int, int] = {}
    for i, v in enumerate(order):
        for p in v._prev:
            users.setdefault(index[id(p)], i)
    for i, v in enumerate(order):
        if i not in member and v.op is None and not run.is_program_leaf(v):
            user = users.get(i)
            if user is not None and user in member:
                member[i] = member[user]
    used: dict[int, CallGroup] = {}
    for g in member.values():
        c: CallGroup | None = g
        while c is not None and id(c) not in used:
            used[id(c)] = c
            c = c.parent
    calls_per_instance: dict[int, list[CallGroup]] = {}
    for g in used.values():
        calls_per_instance.setdefault(id(g.instance), []).append(g)
    # a program's leaf (a weight) joins the call of the object holding it when that object
    # was called once in this graph; weights shared by several calls are kept together
    shared: list[int] = []
    for i, v in enumerate(order):
        if i in member or not run.is_program_leaf(v):
            continue
        owner = run.owner_of(v)
        if owner is None:
            continue
        calls = calls_per_instance.get(id(owner), [])
        if len(calls) == 1:
            member[i] = calls[0]
        elif calls:
            shared.append(i)
    if len(used) + 2 > MAX_GROUPS:
        return []
    loss = _loss_part(order, index, set(member) | set(shared)) if used else []
    numbers = _call_numbers(list(used.values()))
    paths = {id(g): run.path_of(g.instance) for g in used.values()}

    def reading_order(g: CallGroup) -> tuple[int, int, list[object], int]:
        # outer calls first; then by the call they are part of, and their place in the
        # program's objects (L0.N2 before L0.N10), so a layer's neurons stack in order
        top = g
        while top.parent is not None:
            top = top.parent
        return (_depth(g), top.index, _natural(paths[id(g)]), g.index)

    ordered = sorted(used.values(), key=reading_order)
    nodes_of: dict[int, list[str]] = {}
    for i, g in member.items():
        nodes_of.setdefault(id(g), []).append(ids[i])
    networks = sum(1 for g in ordered if g.parent is None and _kind(g) == "mlp")
    gid: dict[int, str] = {}
    taken: set[str] = set()
    out: list[Group] = []
    for g in ordered:
        kind = _kind(g)
        path = paths[id(g)]
        label = f"{g.instance.cls.name} {path}".strip()
        number = numbers.get(id(g))
        if number is not None:
            label += f" (call {number})"
        top = g
        while top.parent is not None:
            top = top.parent
        base = f"{path or g.instance.cls.name}-{numbers.get(id(top), 1)}"
        gid[id(g)] = _unique(_SLUG.sub("-", base), taken)
        parent = gid.get(id(g.parent)) if g.parent is not None else None
        members = tuple(sorted(nodes_of.get(id(g), []), key=lambda n: int(n[1:])))
        collapsed = kind == "neuron" or (kind == "layer" and networks >= COLLAPSE_LAYERS_AT)
        out.append(Group(gid[id(g)], kind, fit_label(label), members, parent, collapsed))
    if shared:
        members = tuple(ids[i] for i in shared)
        out.append(Group(_unique("parameters", taken), "group", "parameters", members, None, True))
    if loss:
        members = tuple(ids[i] for i in loss)
        label = fit_label(loss_label)
        out.append(Group(_unique("loss", taken), "group", label, members, None, True))
    return _drop_empty(out)


def _kind(g: CallGroup) -> str:
    cls = g.instance.cls
    return next((k for name, k in _KIND_OF_CLASS if cls.derives_from(name)), "group")


def _call_numbers(calls: list[CallGroup]) -> dict[int, int]:
    """id(call) -> its number among the calls of the same instance under the same parent
    call, for those with several (the program's order: the run's own call index)."""
    siblings: dict[tuple[int, int], list[CallGroup]] = {}
    for g in calls:
        siblings.setdefault((id(g.instance), id(g.parent)), []).append(g)
    out: dict[int, int] = {}
    for group in siblings.values():
        if len(group) > 1:
            for k, g in enumerate(sorted(group, key=lambda c: c.index), start=1):
                out[id(g)] = k
    return out


def _loss_part(order: list[Value], index: dict[int, int], grouped: set[int]) -> list[int]:
    """The nodes after the network: every op outside the groups that uses a grouped node or
    another such op (the errors, their squares, their sum), and the leaves only they use
    (the targets, ``sum``'s start 0)."""
    users: dict[int, list[int]] = {}
    operands: list[list[int]] = []
    for i, v in enumerate(order):
        operands.append([index[id(p)] for p in v._prev])
        for o in operands[-1]:
            users.setdefault(o, []).append(i)
    # what feeds a group stays out (a step between two networks is not their loss)
    feeds: set[int] = set()
    for i in range(len(order) - 1, -1, -1):
        if any(u in grouped or u in feeds for u in users.get(i, [])):
            feeds.add(i)
    after: set[int] = set()
    for i, v in enumerate(order):
        if i in grouped or i in feeds or v.op is None:
            continue
        if any(o in grouped or o in after for o in operands[i]):
            after.add(i)
    for i, v in enumerate(order):
        if i in grouped or i in feeds or v.op is not None:
            continue
        mine = users.get(i, [])
        if mine and all(u in after for u in mine):
            after.add(i)
    return sorted(after)


def _natural(text: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def _depth(g: CallGroup) -> int:
    d = 0
    p = g.parent
    while p is not None:
        d += 1
        p = p.parent
    return d


def _drop_empty(groups: list[Group]) -> list[Group]:
    """Groups with no members and no member groups (a call whose Values were elsewhere)."""
    keep = list(groups)
    while True:
        parents = {g.parent for g in keep if g.parent is not None}
        kept = [g for g in keep if g.nodes or g.id in parents]
        if len(kept) == len(keep):
            return kept
        keep = kept


def _unique(base: str, taken: set[str]) -> str:
    base = base.strip("-_") or "group"
    if not base[0].isalpha():
        base = "g" + base
    base = base[:56]
    name, k = base, 2
    while name in taken:
        name = f"{base}-{k}"
        k += 1
    taken.add(name)
    return name


def fit_label(label: str) -> str:
    """A label cut to what a node or group may hold."""
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"
