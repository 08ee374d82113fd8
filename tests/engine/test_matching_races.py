"""What another connection changes while a batch of events is matched (SQLite, where the
load locks nothing): an erasure or a pause between loading the contacts' enrollments and
writing the ones the events end or wake. Matching must not write an erased person's
event data back, nor wake a contact in a journey paused meanwhile; it rolls the batch
back and matches the same events again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.contacts.privacy import REASON_ERASED, erase_contact
from engine.db.models import Contact
from engine.intake.events import parse_event, record_events
from engine.journey.model import Journey
from engine.runtime import matching
from tests.engine.harness import Harness

COUNT = 12


def waiting(db, clock) -> tuple[Harness, list[str]]:
    """COUNT contacts waiting (up to 3 days) for "bought"; "bought" adds 50 points."""
    h = Harness(db, clock)
    journey = Journey("Waits")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("flow.wait_event", node_id="w", config={
        "wait_for": {"event": "bought"}, "timeout": "3 days"})
    journey.add_node("action.adjust_score", node_id="b", config={"delta": 50})
    journey.add_node("action.adjust_score", node_id="late", config={"delta": 1})
    journey.connect("t", "next", "w")
    journey.connect("w", "event", "b")
    journey.connect("w", "timeout", "late")
    h.publish(journey)
    emails = [f"m{i}@example.com" for i in range(COUNT)]
    for email in emails:
        h.contact(email)
    h.engine.enroll("Waits", emails)
    h.engine.tick()
    assert {(e.node_id, e.wait_event) for e in h.enrollments()} == {("w", "bought")}
    return h, emails


def all_bought(h: Harness, emails: list[str]) -> None:
    """Record a "bought" for everyone, not matched yet."""
    with h.db.session() as session:
        record_events(session, [parse_event({"contact": e, "name": "bought"}) for e in emails],
                      now=h.clock.now(), source="test")


def before_each_write(monkeypatch, change) -> list[int]:
    """Run `change(n)` (in connections of its own) before the n-th write of ended and
    woken enrollments; returns the list of writes seen."""
    write, seen = matching.EventBatch._write_changes, []

    def write_after_the_change(self):
        if self.changed:
            change(len(seen))
            seen.append(len(self.changed))
        write(self)

    monkeypatch.setattr(matching.EventBatch, "_write_changes", write_after_the_change)
    return seen


def scores(h: Harness) -> dict[str, int]:
    with h.db.session() as session:
        return dict(session.execute(select(Contact.email, Contact.lead_score)).all())


def test_an_erasure_while_events_are_matched_is_not_undone(db, clock, monkeypatch):
    h, emails = waiting(db, clock)
    all_bought(h, emails)

    def erase_the_first(n):
        if n == 0:
            with db.session() as session:
                erase_contact(session, emails[0], now=clock.now())

    seen = before_each_write(monkeypatch, erase_the_first)
    h.engine.tick()
    assert seen == [COUNT, COUNT - 1]  # the batch was matched again, without the erased
    erased = [e for e in h.enrollments() if e.status != "completed"]
    assert [(e.status, e.end_reason, e.due_at, e.wait_event, e.context) for e in erased] == [
        ("exited", REASON_ERASED, None, None, {})]  # no event data written back
    points = scores(h)
    assert sorted(points.values()) == [0] + [50] * (COUNT - 1)
    h.run_for(timedelta(days=4))
    assert scores(h) == points


def test_a_pause_while_events_are_matched_holds_the_woken(db, clock, monkeypatch):
    h, emails = waiting(db, clock)
    all_bought(h, emails)
    woken_at = clock.now()

    def pause_first(n):
        if n == 0:
            h.engine.pause("Waits")

    seen = before_each_write(monkeypatch, pause_first)
    h.engine.tick()
    assert seen == [COUNT, COUNT]
    assert set(scores(h).values()) == {0}  # nobody moved on while paused
    assert {(e.status, e.node_id, e.due_at, e.paused_due_at, e.wait_event)
            for e in h.enrollments()} == {("active", "w", None, woken_at, None)}
    monkeypatch.undo()
    h.engine.resume("Waits")
    h.engine.tick()
    assert set(scores(h).values()) == {50}  # each took the event's path, once


def test_events_whose_enrollments_keep_changing_give_up_with_the_reason(
        db, clock, monkeypatch):
    """An erasure before every write: matched again MAX_MOVED_RETRIES times, then the tick
    fails with the reason and marks none of the events; left alone, the next tick
    matches them."""
    h, emails = waiting(db, clock)
    all_bought(h, emails)

    def erase_one(n):
        with db.session() as session:
            erase_contact(session, emails[n], now=clock.now())

    seen = before_each_write(monkeypatch, erase_one)
    with pytest.raises(matching.MovedMeanwhile, match="1 of the enrollments these events wake"):
        h.engine.tick()
    assert len(seen) == matching.MAX_MOVED_RETRIES + 1
    assert set(scores(h).values()) == {0}
    monkeypatch.undo()
    h.engine.tick()
    erased = len(seen)
    assert sorted(scores(h).values()) == [0] * erased + [50] * (COUNT - erased)
