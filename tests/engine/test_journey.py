"""The journey graph: edit rules, events, undo data and documents."""

import pytest

from engine.errors import JourneyEditError, UnknownNodeType
from engine.journey.model import Journey
from tests.engine.journeys import abandoned_cart


def record(journey):
    events = []
    journey.subscribe(events.append)
    return events


def test_edits_emit_events_in_order():
    journey = Journey()
    events = record(journey)
    a = journey.add_node("trigger.event", config={"event": "signed_up"}, pos=(10, 20))
    b = journey.add_node("flow.delay", config={"duration": "2d"})
    journey.connect(a, "next", b)
    journey.set_config(b, {"duration": "3d"})
    journey.set_positions({a: (50, 60)})
    journey.disconnect(a, "next")
    journey.remove_node(b)
    assert [e.kind for e in events] == [
        "node_added", "node_added", "edge_added", "config_changed", "nodes_moved",
        "edge_removed", "node_removed",
    ]
    assert journey.node(a)["pos"] == (50.0, 60.0)


def test_bad_edits_change_nothing_and_say_why():
    journey, ids = abandoned_cart()
    before = journey.to_document()
    events = record(journey)
    cases = [
        (lambda: journey.connect(ids["email"], "next", ids["trigger"]), "nothing can lead into it"),
        (lambda: journey.connect(ids["wait"], "timeout", ids["goal"]), "already leads to"),
        (lambda: journey.connect(ids["email"], "yes", ids["goal"]), "has no output 'yes'"),
        (lambda: journey.connect(ids["goal"], "next", ids["email"]), "has no output"),
        (lambda: journey.connect(ids["email"], "next", ids["email"]), "cannot lead to itself"),
        (lambda: journey.set_config(ids["wait"], {"timeout": "forever"}), "not a duration"),
        (lambda: journey.add_node("flow.delay", node_id=ids["wait"]), "already exists"),
        (lambda: journey.remove_node("nope"), "no step 'nope'"),
    ]
    for edit, message in cases:
        with pytest.raises(JourneyEditError, match=message):
            edit()
    with pytest.raises(UnknownNodeType):
        journey.add_node("flow.nope")
    assert events == []
    assert journey.to_document() == before


def test_loop_needs_a_pause():
    journey = Journey()
    trigger = journey.add_node("trigger.manual")
    score = journey.add_node("action.adjust_score")
    email = journey.add_node("action.send_email", config={"template": "x"})
    delay = journey.add_node("flow.delay")
    journey.connect(trigger, "next", score)
    journey.connect(score, "next", email)
    verdict = journey.can_connect(email, "next", score)
    assert not verdict and "loop with no delay" in verdict.reason
    journey.connect(email, "next", delay)
    assert journey.can_connect(delay, "next", score)  # a loop through a delay is fine
    journey.connect(delay, "next", score)


def test_remove_and_restore_is_exact():
    journey, ids = abandoned_cart()
    before = journey.to_document()
    removed = journey.remove_node(ids["wait"])
    assert len(removed.edges) == 3
    journey.restore_node(removed)
    after = journey.to_document()
    assert sorted(after.nodes, key=lambda n: n.id) == sorted(before.nodes, key=lambda n: n.id)
    assert sorted(map(tuple, (e.model_dump().values() for e in after.edges))) == sorted(
        map(tuple, (e.model_dump().values() for e in before.edges)))


def test_config_change_drops_edges_of_vanished_ports():
    journey = Journey()
    trigger = journey.add_node("trigger.manual")
    split = journey.add_node("flow.random_split")
    a, b = journey.add_node("flow.exit"), journey.add_node("flow.goal")
    journey.connect(trigger, "next", split)
    journey.connect(split, "a", a)
    journey.connect(split, "b", b)
    dropped = journey.set_config(split, {"variants": [
        {"key": "a", "label": "Control", "percent": 70}, {"key": "c", "label": "C", "percent": 30}]})
    assert dropped == [(split, "b", b)]
    assert journey.target(split, "a") == a


def test_document_round_trip_and_load_resets():
    journey, ids = abandoned_cart()
    document = journey.to_document()
    copy = Journey.from_document(document)
    assert copy.to_document() == document
    other = Journey()
    events = record(other)
    other.load(document)
    assert [e.kind for e in events] == ["reset"]
    assert other.summary(ids["email"]) == "Send: You left something behind"
    assert other.new_node_id() not in document.model_dump()["nodes"]


def test_copy_nodes_takes_inner_edges_and_templates():
    journey, ids = abandoned_cart()
    clip = journey.copy_nodes([ids["wait"], ids["email"]])
    assert {n.id for n in clip.nodes} == {ids["wait"], ids["email"]}
    assert [(e.source, e.port, e.target) for e in clip.edges] == [(ids["wait"], "timeout", ids["email"])]
    assert [t.key for t in clip.templates] == ["cart-reminder"]


def test_new_ids_are_never_reused():
    journey = Journey()
    first = journey.add_node("flow.delay")
    journey.remove_node(first)
    ids = {journey.add_node("flow.delay") for _ in range(200)}
    assert first not in ids and len(ids) == 200
