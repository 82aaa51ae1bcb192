"""Groups in the ``.mgs`` file (version 2's ``"groups"`` list): each group read and checked
field by field, then the whole set checked against the file's nodes (``groups.check_all``);
written one group per line in a fixed key order (see ``fileformat`` for the whole file)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import DocumentError, FileFormatError
from .groups import Group, check_all, check_group_id, check_group_kind
from .json_limits import unknown_fields
from .nodes import Node

GROUP_KEYS = ("id", "kind", "label", "parent", "collapsed", "nodes")


def parse_groups(raw: Any, nodes: Mapping[str, Node]) -> tuple[Group, ...]:
    if not isinstance(raw, list):
        raise FileFormatError('"groups" must be a list')
    groups: list[Group] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise FileFormatError(f"group {i} is not a JSON object")
        try:
            members = item.get("nodes", [])
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise FileFormatError('"nodes" must be a list of node ids')
            parent = item.get("parent")
            if parent is not None and not isinstance(parent, str):
                raise FileFormatError('"parent" must be a group id or null')
            collapsed = item.get("collapsed", False)
            if not isinstance(collapsed, bool):
                raise FileFormatError('"collapsed" must be true or false')
            label = item.get("label", "")
            groups.append(
                Group(
                    check_group_id(item.get("id")),
                    check_group_kind(item.get("kind")),
                    label,
                    tuple(members),
                    parent,
                    collapsed,
                    unknown_fields(item, GROUP_KEYS),  # (the except below says which group)
                )
            )
        except DocumentError as exc:
            raise FileFormatError(f"group {i}: {exc}") from None
    try:
        return check_all(groups, nodes)
    except DocumentError as exc:
        raise FileFormatError(f"the groups: {exc}") from None


def group_to_dict(group: Group) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": group.id,
        "kind": group.kind,
        "label": group.label,
        "parent": group.parent,
        "collapsed": group.collapsed,
        "nodes": list(group.nodes),
    }
    out.update((k, v) for k, v in group.extra.items() if k not in GROUP_KEYS)
    return out
