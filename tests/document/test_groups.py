"""Groups in the document (no Qt): the rules of grouping a selection, ungroup, rename and
collapse with their events, ``restore_groups`` as the exact inverse of each edit, ports
derived from the wires crossing a boundary, and removal, copy and paste keeping groups."""

from __future__ import annotations

import pytest

from mgstudio.document import Document, DocumentError, UnknownNodeError, Wire
from mgstudio.document.clipboard import neuron_fragment
from mgstudio.document.groups import GroupError, UnknownGroupError


def chain_doc() -> tuple[Document, list[str]]:
    """``a*b -> tanh -> +c -> relu``: ``[a, b, m, t, c, s, r]``."""
    doc = Document()
    a = doc.add_node("input", label="a", value=1.0)
    b = doc.add_node("input", label="b", value=-2.0)
    m = doc.add_node("mul", label="m")
    doc.connect(a, m, "a")
    doc.connect(b, m, "b")
    t = doc.add_node("tanh", label="t")
    doc.connect(m, t, "a")
    c = doc.add_node("constant", label="c", value=0.5)
    s = doc.add_node("add", label="s")
    doc.connect(t, s, "a")
    doc.connect(c, s, "b")
    r = doc.add_node("relu", label="r")
    doc.connect(s, r, "a")
    return doc, [a, b, m, t, c, s, r]


def record(doc: Document) -> list[tuple[str, ...]]:
    seen: list[tuple[str, ...]] = []
    doc.events.groups_changed.connect(seen.append)
    return seen


# --- group_nodes ----------------------------------------------------------------------------
def test_grouping_a_selection_makes_one_top_level_group_in_selection_order():
    doc, (a, b, m, *_) = chain_doc()
    seen = record(doc)
    gid = doc.group_nodes([m, a, b, a], kind="neuron", label="N1")
    g = doc.groups.get(gid)
    assert (g.kind, g.label, g.nodes, g.parent, g.collapsed) == (
        "neuron",
        "N1",
        (m, a, b),
        None,
        False,
    )
    assert seen == [(gid,)]
    assert doc.groups.group_of(a) == gid and doc.groups.group_of("n99") is None
    assert doc.groups.top_level() == [gid] and doc.groups.depth(gid) == 0


def test_whole_groups_in_the_selection_nest_inside_the_new_group():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    n1 = doc.group_nodes([a, b, m], kind="neuron")
    n2 = doc.group_nodes([c, s], kind="neuron")
    seen = record(doc)
    layer = doc.group_nodes([a, b, m, c, s, t], kind="layer")
    idx = doc.groups
    assert idx.get(n1).parent == layer and idx.get(n2).parent == layer
    assert idx.get(layer).nodes == (t,)  # only the nodes no inner group holds
    assert idx.children(layer) == [n1, n2]
    assert set(idx.members(layer)) == {a, b, m, c, s, t}
    assert idx.descendants(layer) == [layer, n1, n2]
    assert idx.ancestors(n1) == [n1, layer] and idx.chain(a) == [n1, layer] and idx.chain(r) == []
    assert idx.depth(n2) == 1 and idx.top_level() == [layer]
    assert len(seen) == 1 and set(seen[0]) == {layer, n1, n2}


def test_a_selection_inside_one_group_makes_a_child_of_it():
    doc, (a, b, m, t, *_) = chain_doc()
    outer = doc.group_nodes([a, b, m, t], kind="neuron")
    inner = doc.group_nodes([a, b])
    idx = doc.groups
    assert idx.get(inner).parent == outer
    assert idx.get(outer).nodes == (m, t) and idx.get(inner).nodes == (a, b)
    # deeper still: inside the child
    deepest = doc.group_nodes([b])
    assert idx.get(deepest).parent == inner and idx.depth(deepest) == 2
    assert idx.get(inner).nodes == (a,)


def test_a_selection_taking_part_of_a_group_is_refused_with_a_sentence():
    doc, (a, b, m, t, *_) = chain_doc()
    gid = doc.group_nodes([a, b, m], kind="neuron", label="N1")
    before = doc.to_json()
    seen = record(doc)
    with pytest.raises(GroupError) as err:
        doc.group_nodes([m, t])
    assert str(err.value) == (
        "the selection takes part of neuron 'N1' and leaves the rest; select all of it, or "
        "only nodes inside it"
    )
    assert doc.to_json() == before and seen == [] and doc.groups.ids() == [gid]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda d, ids: d.group_nodes([]), GroupError, "choose the nodes to group first"),
        (lambda d, ids: d.group_nodes(["zz"]), UnknownNodeError, "zz"),
        (lambda d, ids: d.group_nodes(ids[:1], kind="blob"), DocumentError, "kind is one of"),
        (lambda d, ids: d.group_nodes(ids[:1], label="a\nb"), DocumentError, "one line"),
        (lambda d, ids: d.group_nodes(ids[:1], group_id="1bad"), DocumentError, "short name"),
    ],
)
def test_bad_group_requests_change_nothing(call, error, words):
    doc, ids = chain_doc()
    doc.group_nodes(ids[:3], group_id="g1")
    before, state = doc.to_json(), doc.groups.state()
    seen = record(doc)
    with pytest.raises(error) as err:
        call(doc, ids)
    assert words in str(err.value)
    assert doc.to_json() == before and doc.groups.state() == state and seen == []


def test_a_taken_group_id_is_refused_and_a_given_one_is_used():
    doc, ids = chain_doc()
    doc.group_nodes(ids[:3], group_id="mine")
    with pytest.raises(GroupError, match="there is a group 'mine' already"):
        doc.group_nodes(ids[3:5], group_id="mine")
    assert doc.groups.ids() == ["mine"]


def test_a_refused_grouping_does_not_use_up_a_fresh_id():
    # the next group made gets the id the refused one would have had: a redo that makes
    # the group again finds the same id (later commands name it)
    doc, (a, b, m, t, *_) = chain_doc()
    first = doc.group_nodes([a, b])
    with pytest.raises(GroupError):
        doc.group_nodes([b, m])
    second = doc.group_nodes([m, t])
    assert (first, second) == ("g1", "g2")


# --- ungroup, rename, collapse ----------------------------------------------------------------
def test_ungroup_moves_members_and_children_up_one_level():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    n1 = doc.group_nodes([a, b], kind="neuron")
    mid = doc.group_nodes([a, b, m, t], kind="layer")
    top = doc.group_nodes([a, b, m, t, c], kind="mlp")
    seen = record(doc)
    doc.ungroup(mid)
    idx = doc.groups
    assert mid not in idx and idx.ids() == [n1, top]
    assert idx.get(n1).parent == top
    assert idx.get(top).nodes == (c, m, t)
    assert len(seen) == 1 and set(seen[0]) == {mid, n1, top}
    doc.ungroup(top)
    assert idx.get(n1).parent is None and idx.ids() == [n1]
    assert idx.group_of(m) is None and idx.group_of(a) == n1
    with pytest.raises(UnknownGroupError, match="there is no group 'g99'"):
        doc.ungroup("g99")


def test_rename_and_collapse_return_the_old_value_and_announce_once():
    doc, ids = chain_doc()
    gid = doc.group_nodes(ids[:3], label="old")
    seen = record(doc)
    assert doc.set_group_label(gid, "new") == "old"
    assert seen == [(gid,)]
    assert doc.set_group_label(gid, "new") == "new"  # nothing changes: nothing announced
    assert doc.set_group_collapsed(gid, True) is False
    assert doc.set_group_collapsed(gid, True) is True
    assert seen == [(gid,), (gid,)]
    g = doc.groups.get(gid)
    assert (g.label, g.collapsed) == ("new", True)
    with pytest.raises(UnknownGroupError):
        doc.set_group_collapsed("nope", True)
    with pytest.raises(DocumentError, match="at most 200"):
        doc.set_group_label(gid, "x" * 201)
    assert doc.groups.get(gid).label == "new" and len(seen) == 2


def test_group_events_come_after_the_change_and_in_a_batch_once():
    doc, ids = chain_doc()
    gid = doc.group_nodes(ids[:3])
    states: list[object] = []
    doc.events.groups_changed.connect(lambda _: states.append(doc.groups.get(gid).collapsed))
    doc.set_group_collapsed(gid, True)
    assert states == [True]  # handlers read the new state


# --- restore_groups: the inverse of every edit ------------------------------------------------
EDITS = {
    "group": lambda d, ids, g: d.group_nodes(ids[3:5], kind="layer", label="L"),
    "group around": lambda d, ids, g: d.group_nodes(ids[:5], kind="mlp"),
    "group inside": lambda d, ids, g: d.group_nodes(ids[:1]),
    "ungroup": lambda d, ids, g: d.ungroup(g),
    "rename": lambda d, ids, g: d.set_group_label(g, "renamed"),
    "collapse": lambda d, ids, g: d.set_group_collapsed(g, True),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_restore_groups_is_the_exact_inverse_of_each_edit(edit):
    doc, ids = chain_doc()
    gid = doc.group_nodes(ids[:3], kind="neuron", label="N")
    doc.group_nodes(ids[5:7])
    start, before = doc.to_json(), doc.groups.state()
    EDITS[edit](doc, ids, gid)
    assert doc.to_json() != start
    after = doc.groups.state()
    seen = record(doc)
    doc.restore_groups(before)
    assert doc.to_json() == start and doc.groups.state() == before
    assert len(seen) == 1
    doc.restore_groups(before)  # already so: nothing announced
    assert len(seen) == 1
    doc.restore_groups(after)  # and redo
    assert doc.groups.state() == after


def test_restore_groups_checks_everything_and_changes_nothing_on_a_bad_state():
    doc, ids = chain_doc()
    gid = doc.group_nodes(ids[:3])
    state = doc.groups.state()
    g = state[0]
    from mgstudio.document.groups import replace_group

    for bad, words in [
        ((g, replace_group(g, id="g2", nodes=(ids[0],))), "a node is in one group at most"),
        ((replace_group(g, nodes=("zz",)),), "not a node"),
        ((replace_group(g, parent="g7"),), "not a group"),
        ((replace_group(g, nodes=()),), "holds no nodes"),
        ((replace_group(g, kind="cluster"),), "kind is one of"),
        ((g, g), "two groups have the id"),
    ]:
        with pytest.raises(DocumentError, match=words):
            doc.restore_groups(bad)
        assert doc.groups.state() == state and doc.groups.group_of(ids[0]) == gid


def test_a_reorder_alone_is_a_change():
    doc, ids = chain_doc()
    g1 = doc.group_nodes(ids[:2])
    g2 = doc.group_nodes(ids[3:5])
    seen = record(doc)
    doc.restore_groups(tuple(reversed(doc.groups.state())))
    assert doc.groups.ids() == [g2, g1] and seen == [(g2, g1)]


# --- ports ----------------------------------------------------------------------------------
def test_ports_follow_wires_added_and_removed_across_the_boundary():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    gid = doc.group_nodes([m, t], kind="neuron")
    ports = doc.group_ports(gid)
    assert ports.inputs == (Wire(a, m, "a"), Wire(b, m, "b"))
    assert ports.outputs == (t,)
    doc.disconnect(Wire(b, m, "b"))
    assert doc.group_ports(gid).inputs == (Wire(a, m, "a"),)
    doc.connect(c, m, "b")
    assert doc.group_ports(gid).inputs == (Wire(a, m, "a"), Wire(c, m, "b"))
    # a second consumer outside makes m an output as well
    e = doc.add_node("exp", label="e")
    doc.connect(m, e, "a")
    assert doc.group_ports(gid).outputs == (m, t)
    doc.disconnect(Wire(m, e, "a"))
    assert doc.group_ports(gid).outputs == (t,)
    # a member feeding nothing at all is an output too; a wire wholly inside is no port
    doc.disconnect(Wire(t, s, "a"))
    assert doc.group_ports(gid).outputs == (t,)
    doc.disconnect(Wire(m, t, "a"))
    assert doc.group_ports(gid).outputs == (m, t)
    doc.connect(m, t, "a")
    assert doc.group_ports(gid).outputs == (t,)


def test_ports_are_derived_once_until_a_wire_or_a_member_changes():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    gid = doc.group_nodes([m, t], kind="neuron")
    first = doc.group_ports(gid)
    assert doc.group_ports(gid) is first  # asked again: not walked again
    doc.set_group_collapsed(gid, True)
    doc.set_value(a, 3.0)
    doc.move_node(m, (10.0, 10.0))
    assert doc.group_ports(gid) is first  # a flag, a value, a place: same ports
    doc.disconnect(Wire(b, m, "b"))
    assert doc.group_ports(gid).inputs == (Wire(a, m, "a"),)
    doc.connect(b, m, "b")
    again = doc.group_ports(gid)
    assert again == first and again is not first
    doc.group_nodes([s])  # another group: the members of this one may have moved
    assert doc.group_ports(gid) is not again
    rec = doc.remove_nodes([t])
    assert doc.group_ports(gid).outputs == (m,)
    doc.restore_nodes(rec)
    assert doc.group_ports(gid) == first


def test_ports_of_a_nested_group_count_its_children_inside():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    inner = doc.group_nodes([a, b, m], kind="neuron")
    outer = doc.group_nodes([a, b, m, t], kind="layer")
    assert doc.group_ports(outer).inputs == ()  # a and b are inside
    assert doc.group_ports(outer).outputs == (t,)
    assert doc.group_ports(inner).outputs == (m,)
    assert doc.group_ports(inner).inputs == ()


def test_ports_when_a_node_is_removed_and_restored():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    gid = doc.group_nodes([t, s], kind="group")
    assert doc.group_ports(gid).inputs == (Wire(m, t, "a"), Wire(c, s, "b"))
    rec = doc.remove_nodes([c])
    assert doc.group_ports(gid).inputs == (Wire(m, t, "a"),)
    doc.restore_nodes(rec)
    assert doc.group_ports(gid).inputs == (Wire(m, t, "a"), Wire(c, s, "b"))


# --- removal --------------------------------------------------------------------------------
def test_removing_nodes_drops_them_from_groups_and_restore_puts_them_back():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    n1 = doc.group_nodes([a, b, m], kind="neuron")
    n2 = doc.group_nodes([c, s], kind="neuron")
    layer = doc.group_nodes([a, b, m, c, s, t], kind="layer", collapsed=True)
    start, state = doc.to_json(), doc.groups.state()
    seen = record(doc)
    rec = doc.remove_nodes([b, c, s])  # n2 goes empty: it goes
    idx = doc.groups
    assert idx.ids() == [n1, layer] and idx.get(n1).nodes == (a, m)
    assert rec.groups == state
    assert len(seen) == 1 and set(seen[0]) == {n1, n2}
    doc.restore_nodes(rec)
    assert doc.to_json() == start and doc.groups.state() == state
    assert len(seen) == 2


def test_removing_every_node_of_nested_groups_drops_the_parents_left_empty():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    doc.group_nodes([a, b], kind="neuron")
    doc.group_nodes([a, b, m], kind="layer")
    outer = doc.group_nodes([a, b, m, t], kind="mlp")
    inner_only = doc.group_nodes([c])
    start = doc.to_json()
    rec = doc.remove_nodes([a, b, m])
    assert doc.groups.ids() == [outer, inner_only]
    assert doc.groups.get(outer).nodes == (t,)
    doc.restore_nodes(rec)
    assert doc.to_json() == start


def test_a_group_left_with_only_a_nested_group_stays_and_goes_with_it():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    top = doc.group_nodes([a, b, m, t, c], kind="mlp")
    mid = doc.group_nodes([a, b, m], kind="layer")  # inside top
    low = doc.group_nodes([a, b], kind="neuron")  # inside mid
    assert doc.groups.get(mid).nodes == (m,)
    start = doc.to_json()
    rec = doc.remove_nodes([m])  # mid holds nothing of its own now, but still holds low
    assert doc.groups.ids() == [top, mid, low] and doc.groups.get(mid).nodes == ()
    assert doc.groups.get(low).parent == mid and doc.groups.get(mid).parent == top
    rec2 = doc.remove_nodes([a])
    assert doc.groups.get(low).nodes == (b,)
    rec3 = doc.remove_nodes([b])  # low goes empty, and mid with it; top keeps t and c
    assert doc.groups.ids() == [top]
    for r_ in (rec3, rec2, rec):
        doc.restore_nodes(r_)
    assert doc.to_json() == start


def test_removing_ungrouped_nodes_keeps_no_group_record():
    doc, ids = chain_doc()
    doc.group_nodes(ids[:2])
    seen = record(doc)
    rec = doc.remove_nodes([ids[-1]])
    assert rec.groups is None and seen == []


# --- copy and paste -------------------------------------------------------------------------
def test_a_copy_takes_whole_groups_only_and_a_paste_gives_fresh_ids():
    doc, (a, b, m, t, c, s, r) = chain_doc()
    n1 = doc.group_nodes([a, b, m], kind="neuron", label="N1", collapsed=True)
    layer = doc.group_nodes([a, b, m, t], kind="layer", label="L1")
    part = doc.group_nodes([c, s], label="part")
    frag = doc.fragment([a, b, m, t, c])  # layer and n1 whole; "part" only in part
    assert frag["version"] == 2
    assert [g["id"] for g in frag["groups"]] == [n1, layer]
    new = doc.paste_fragment(frag, (0.0, 200.0))
    idx = doc.groups
    fresh = idx.ids()[3:]
    assert len(fresh) == 2 and not set(fresh) & {n1, layer, part}
    pn1, player = (idx.get(g) for g in fresh)
    assert pn1.parent == player.id and player.parent is None
    assert (pn1.label, pn1.collapsed, player.label) == ("N1", True, "L1")
    assert set(idx.members(player.id)) == set(new[:4]) and idx.group_of(new[4]) is None


def test_a_copied_group_whose_parent_stays_behind_becomes_top_level():
    doc, (a, b, m, t, *_) = chain_doc()
    n1 = doc.group_nodes([a, b, m], kind="neuron")
    doc.group_nodes([a, b, m, t], kind="layer")
    frag = doc.fragment([a, b, m])
    assert [(g["id"], g["parent"]) for g in frag["groups"]] == [(n1, None)]


def test_a_copy_without_whole_groups_is_a_version_1_fragment():
    doc, (a, b, m, *_) = chain_doc()
    doc.group_nodes([a, b, m])
    frag = doc.fragment([a, b])
    assert frag["version"] == 1 and "groups" not in frag


def test_paste_then_remove_is_the_identity_and_paste_twice_gives_two_groups():
    doc, ids = chain_doc()
    doc.group_nodes(ids[:3], kind="neuron")
    start = doc.to_json()
    frag = doc.fragment(ids[:3])
    first = doc.paste_fragment(frag, (0.0, 100.0))
    second = doc.paste_fragment(frag, (0.0, 200.0))
    assert len(doc.groups) == 3
    doc.remove_nodes(second)
    doc.remove_nodes(first)
    assert doc.to_json() == start


def test_a_fragment_with_bad_groups_pastes_nothing():
    doc, ids = chain_doc()
    start = doc.to_json()
    frag = doc.fragment(ids[:3])
    for bad, words in [
        ([{"id": "g1", "kind": "neuron", "nodes": ["n1", "zz"]}], "not a node"),
        ([{"id": "g1", "kind": "what", "nodes": ["n1"]}], "kind is one of"),
        ("nope", "must be a list"),
    ]:
        with pytest.raises(Exception, match=words):
            doc.paste_fragment({**frag, "version": 2, "groups": bad})
        assert doc.to_json() == start


def test_insert_neuron_makes_a_neuron_group_without_its_inputs():
    doc = Document()
    ids = doc.paste_fragment(neuron_fragment(2, "tanh"))
    (gid,) = doc.groups.ids()
    g = doc.groups.get(gid)
    labels = {doc.nodes[n].label for n in g.nodes}
    assert g.kind == "neuron" and not labels & {"x1", "x2"}
    assert {"w1", "w2", "b", "o"} <= labels
    assert len(g.nodes) == len(ids) - 2
    # its ports: the two inputs come in (into the products), the activation goes out
    ports = doc.group_ports(gid)
    assert {doc.nodes[w.src].label for w in ports.inputs} == {"x1", "x2"}
    assert [doc.nodes[n].label for n in ports.outputs] == ["o"]


def test_add_subgraph_with_groups_is_all_or_nothing():
    from mgstudio.document import Node
    from mgstudio.document.groups import Group

    doc, ids = chain_doc()
    doc.group_nodes(ids[:2], group_id="g1")
    start = doc.to_json()
    nodes = [Node("p1", "input", "p", 1.0), Node("p2", "exp", "e")]
    wires = [Wire("p1", "p2", "a")]
    with pytest.raises(GroupError, match="two groups have the id"):
        doc.add_subgraph(nodes, wires, [Group("g1", "group", "", ("p1",))])
    with pytest.raises(GroupError, match="in one group at most"):
        doc.add_subgraph(nodes, wires, [Group("g9", "group", "", ("p1", ids[0]))])
    assert doc.to_json() == start and "p1" not in doc
    added = doc.add_subgraph(nodes, wires, [Group("g9", "neuron", "", ("p1", "p2"))])
    assert doc.groups.get("g9").nodes == tuple(added)
    doc.remove_nodes(added)
    assert doc.to_json() == start


# --- work counted, not timed ----------------------------------------------------------------
def test_collapse_rename_and_their_undo_check_and_reindex_nothing_else(monkeypatch):
    # a document with thousands of groups (the 65,818-node loss graph has 3,436): a collapse
    # must not check every group against every node, nor rebuild the node -> group index
    from mgstudio.document import group_edits, groups

    doc, ids = chain_doc()
    gid = doc.group_nodes(ids[:3])
    doc.group_nodes(ids[3:5])
    calls = {"check_all": 0, "reindex": 0}
    real_check, real_reindex = group_edits.check_all, groups.GroupIndex._reindex

    def check_all(*args, **kwargs):
        calls["check_all"] += 1
        return real_check(*args, **kwargs)

    def reindex(self):
        calls["reindex"] += 1
        real_reindex(self)

    monkeypatch.setattr(group_edits, "check_all", check_all)
    monkeypatch.setattr(groups.GroupIndex, "_reindex", reindex)
    before = doc.groups.state()
    doc.set_group_collapsed(gid, True)
    doc.set_group_label(gid, "named")
    after = doc.groups.state()
    doc.restore_groups(before)
    doc.restore_groups(after)
    assert calls == {"check_all": 0, "reindex": 0}
    assert doc.groups.get(gid).label == "named" and doc.groups.get(gid).collapsed
    # a bad field is still refused on that path
    from mgstudio.document.groups import replace_group

    with pytest.raises(DocumentError, match="kind is one of"):
        doc.restore_groups([replace_group(after[0], kind="cluster"), after[1]])
    assert doc.groups.state() == after
    # a structural change checks everything, once
    doc.ungroup(gid)
    assert calls == {"check_all": 1, "reindex": 1}


def test_a_removal_restored_out_of_order_changes_nothing():
    # its groups name a node removed since: refused before any node comes back
    doc, (a, b, m, *_) = chain_doc()
    doc.group_nodes([a, b, m])
    first = doc.remove_nodes([a])
    doc.remove_nodes([b])
    text, state = doc.to_json(), doc.groups.state()
    with pytest.raises(DocumentError, match="'n2', which is not a node"):
        doc.restore_nodes(first)
    assert doc.to_json() == text and doc.groups.state() == state and a not in doc
