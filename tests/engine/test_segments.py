"""Saved segments: the file, cycles, refresh with entry/exit events and history, journeys
that use them (trigger by name, branch rule, `in_segment` in an email)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import Event, Segment
from engine.journey.model import Journey
from engine.nodes.common import Condition
from engine.segments.file_format import SegmentFileError, read_segment_file, segment_file_data
from engine.segments.queries import (
    event_name_counts, segment_counts, segment_member_ids, size_history, used_by,
)
from engine.segments.refresh import refresh_all, refresh_segment
from engine.segments.starter import add_starter_segments, starter_segments
from engine.segments.store import SegmentError, save_segment
from tests.engine.harness import Harness

D = timedelta(days=1)
PRO = Condition.model_validate({"rules": [
    {"kind": "field", "field": "attributes.plan", "op": "equals", "value": "pro"}]})


@pytest.fixture
def h(db, clock):
    return Harness(db, clock, scan_interval=D)


def write(tmp_path, data, name="s.segment.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.mark.parametrize("data, message", [
    ("{nope", "not JSON (line 1, column 2"),
    ({"schema_version": 2, "name": "A", "condition": {}}, "schema_version must be 1, not 2"),
    ({"schema_version": 1, "name": "", "condition": {}}, "'name' must be a text"),
    ({"schema_version": 1, "name": "A", "condition": {}, "colour": "red"}, "unknown key 'colour'"),
    ({"schema_version": 1, "name": "A", "condition": {"rules": []}}, "condition has no rules"),
    ({"schema_version": 1, "name": "A", "condition": {"rules": [
        {"kind": "event", "event": "x"}, {"kind": "event", "event": "x", "within": "3 fortnights"}]}},
     "condition.rules[1].within:"),
    ({"schema_version": 1, "name": "A", "condition": {"rules": [
        {"kind": "event", "event": "x", "sum_property": "revenue"}]}}, "go together"),
])
def test_bad_files_say_what_and_where(tmp_path, data, message):
    with pytest.raises(SegmentFileError) as error:
        read_segment_file(write(tmp_path, data))
    assert message in str(error.value)


def test_file_round_trip_and_starters_are_valid(tmp_path):
    path = write(tmp_path, segment_file_data("Pro", "plan pro", PRO))
    loaded = read_segment_file(path)
    assert (loaded.name, loaded.description, loaded.condition) == ("Pro", "plan pro", PRO)
    assert [s.name for s in starter_segments()] == [
        "New", "Returning customers", "Active", "Inactive", "Engaged", "VIP", "At risk"]


def test_a_cycle_is_refused_with_its_path(db, clock):
    refer = lambda name: Condition.model_validate({"rules": [{"kind": "segment", "segment": name}]})
    with db.session() as session:
        with pytest.raises(SegmentError, match="'A' refers to itself"):
            save_segment(session, "A", "", refer("A"), clock.now())
        save_segment(session, "A", "", refer("B"), clock.now())
        save_segment(session, "B", "", refer("C"), clock.now())
        with pytest.raises(SegmentError, match="'C' → 'A' → 'B' → 'C'"):
            save_segment(session, "C", "", refer("A"), clock.now())
        assert session.scalar(select(Segment.id).where(Segment.name == "C")) is None


def test_refresh_records_entries_exits_and_the_size_per_day(h, db, clock):
    h.contact("a@example.com", attributes={"plan": "pro"})
    h.contact("b@example.com")
    with db.session() as session:
        save_segment(session, "Pro", "", PRO, clock.now())
        first = refresh_segment(session, "Pro", clock.now())
    assert (first.size, first.entered) == (1, 1)
    clock.advance(D)
    h.contact("b@example.com", attributes={"plan": "pro"})
    h.contact("a@example.com", attributes={"plan": "free"})
    with db.session() as session:
        [done] = refresh_all(session, clock.now())
        events = session.execute(select(Event.name, Event.properties, Event.contact_id)
                                 .where(Event.source == "segments")).all()
        ids = segment_member_ids(session, "Pro", clock.now())
        history = size_history(session, "Pro")
        counts = segment_counts(session)
    assert (done.entered, done.exited, done.size) == (1, 1, 1)
    # the first computation recorded who was there; only later changes are events
    assert sorted((n, p["segment"]) for n, p, _ in events) == [
        ("segment_entered", "Pro"), ("segment_exited", "Pro")]
    assert len(ids) == 1 and [day for day, _ in history] == [
        (clock.now() - D).date().isoformat(), clock.now().date().isoformat()]
    assert counts == [("Pro", 1, clock.now())]


def test_entered_segment_trigger_fires_once_per_entry(h, db, clock):
    with db.session() as session:
        save_segment(session, "Pro", "", PRO, clock.now())
    journey = Journey("Welcome pros")
    journey.set_settings({"re_entry": {"mode": "always"}})
    journey.add_node("trigger.segment_entered", node_id="t", config={"segment": "Pro"})
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 1})
    journey.connect("t", "next", "s")
    h.publish(journey)
    with db.session() as session:
        assert used_by(session, "Pro") == ["Welcome pros"]
    h.contact("early@example.com", attributes={"plan": "pro"})
    h.run_for(D)  # the first refresh records who is there already
    h.contact("late@example.com", attributes={"plan": "pro"})
    h.run_for(3 * D)  # later refreshes: still in, no second entry
    h.contact("late@example.com", attributes={"plan": "free"})
    h.run_for(D)
    h.contact("late@example.com", attributes={"plan": "pro"})
    h.run_for(D)
    entered = lambda email: [r for r in h.timeline(email) if r[2] == "enter"]
    assert entered("early@example.com") == []
    assert len(entered("late@example.com")) == 2  # entered, left, entered again


def test_branch_rule_and_in_segment_in_an_email(h, db, clock):
    with db.session() as session:
        save_segment(session, "Pro", "", PRO, clock.now())
    journey = Journey("Hello")
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    journey.add_node("flow.branch", node_id="b", config={"condition": {"rules": [
        {"kind": "segment", "segment": "Pro", "member": False}]}})
    journey.add_node("action.send_email", node_id="e", config={"template": "hi"})
    journey.add_node("flow.exit", node_id="x")
    journey.set_template({"key": "hi", "name": "hi", "subject": "Hi",
                          "body": "{% if in_segment('Pro') %}Pro news{% else %}Plain news{% endif %}"})
    journey.connect("t", "next", "b")
    journey.connect("b", "yes", "e")
    journey.connect("b", "no", "x")
    h.publish(journey)
    h.contact("pro@example.com", attributes={"plan": "pro"})
    h.contact("free@example.com")
    h.event("pro@example.com", "signed_up")
    h.event("free@example.com", "signed_up")
    ports = lambda email: [r[3] for r in h.timeline(email) if r[2] == "branch"]
    assert ports("pro@example.com") == ["no"] and ports("free@example.com") == ["yes"]
    [message] = h.messages()
    assert message.to_address == "free@example.com" and "Plain news" in message.text


def test_in_segment_of_an_unknown_segment_fails_that_email(h, clock):
    journey = Journey("Oops")
    journey.add_node("trigger.event", node_id="t", config={"event": "go"})
    journey.add_node("action.send_email", node_id="e", config={"template": "hi"})
    journey.set_template({"key": "hi", "name": "hi", "subject": "Hi",
                          "body": "{% if in_segment('Nobody') %}x{% endif %}y"})
    journey.connect("t", "next", "e")
    h.publish(journey)
    h.contact("a@example.com")
    h.event("a@example.com", "go")
    [message] = h.messages()
    assert message.status == "failed" and "no segment named 'Nobody'" in message.last_error


def test_starters_and_suggestions(db, clock):
    h = Harness(db, clock)
    h.contact("a@example.com")
    h.event("a@example.com", "order_completed", {"revenue": 250})
    h.event("a@example.com", "order_completed", {"revenue": 10})
    with db.session() as session:
        assert len(add_starter_segments(session, clock.now())) == 7
        assert add_starter_segments(session, clock.now()) == []
        sizes = {r.name: r.size for r in refresh_all(session, clock.now())}
        assert sizes["VIP"] == 1 and sizes["Returning customers"] == 1 and sizes["New"] == 1
        assert dict(event_name_counts(session))["order_completed"] == 2


def test_publishing_refuses_a_segment_that_does_not_exist(h, db, clock):
    from engine.runtime.publish import PublishRefused

    journey = Journey("Ghost")
    journey.add_node("trigger.segment_entered", node_id="t", config={"segment": "Ghosts"})
    journey.add_node("flow.branch", node_id="b", config={"condition": {"rules": [
        {"kind": "segment", "segment": "Spirits"}]}})
    journey.add_node("flow.exit", node_id="x")
    journey.add_node("flow.exit", node_id="y")
    journey.connect("t", "next", "b")
    journey.connect("b", "yes", "x")
    journey.connect("b", "no", "y")
    with pytest.raises(PublishRefused) as refused:
        h.publish(journey)
    assert "step t: no saved segment named 'Ghosts'" in str(refused.value)
    assert "step b: no saved segment named 'Spirits'" in str(refused.value)
    with db.session() as session:
        save_segment(session, "Ghosts", "", PRO, clock.now())
        save_segment(session, "Spirits", "", PRO, clock.now())
    h.publish(journey)
