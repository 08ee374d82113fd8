"""Scanned triggers on a virtual clock: inactivity, segment entry, date fields."""

from datetime import datetime, timedelta, timezone

import pytest

from engine.journey.model import Journey
from tests.engine.harness import Harness

D = timedelta(days=1)


@pytest.fixture
def h(db, clock):
    # scanning daily (the app scans every few minutes): date triggers still start on time,
    # because a scan enrolls what falls due before the next one, due at its moment
    return Harness(db, clock, scan_interval=D)


def scanned(name, trigger, config, **settings):
    journey = Journey(name)
    if settings:
        journey.set_settings(settings)
    journey.add_node(trigger, node_id="t", config=config)
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 1})
    journey.connect("t", "next", "s")
    return journey


def entries(h, email=None):
    return [(at, node) for at, node, kind, _ in h.timeline(email) if kind == "enter"]


def test_inactive_for_n_days_once_per_spell(h, clock):
    start = clock.now()
    h.contact("idle@example.com")
    h.contact("busy@example.com")
    h.publish(scanned("Winback", "trigger.inactive", {"days": 10}, re_entry={"mode": "always"}))
    for day in range(1, 13):
        clock.advance(D)
        h.event("busy@example.com", "page_viewed")
    assert [at for at, _ in entries(h, "idle@example.com")] == [start + 10 * D]
    assert entries(h, "busy@example.com") == []
    h.run_for(5 * D)
    assert len(entries(h, "idle@example.com")) == 1  # no second entry without new activity
    h.event("idle@example.com", "page_viewed")
    h.run_for(11 * D)
    assert len(entries(h, "idle@example.com")) == 2


def test_segment_entry_only_for_newcomers(h, clock):
    h.contact("already@example.com", attributes={"plan": "pro"})
    h.contact("later@example.com")
    h.publish(scanned("Pro", "trigger.segment_entered", {"condition": {"rules": [
        {"kind": "field", "field": "attributes.plan", "op": "equals", "value": "pro"}]}}))
    h.run_for(D)  # the first scan records who already matches
    h.contact("later@example.com", attributes={"plan": "pro"})
    h.run_for(D)
    assert [email for email in ("already@example.com", "later@example.com")
            if entries(h, email)] == ["later@example.com"]


def test_birthday_yearly_at_local_time(h, clock):
    h.contact("ana@example.com", timezone="Asia/Tokyo", attributes={"birthday": "1990-03-05"})
    h.contact("leap@example.com", attributes={"birthday": "2000-02-29"})
    h.publish(scanned("Birthday", "trigger.date_field",
                      {"field": "birthday", "time_of_day": "09:00", "repeat": "yearly"}))
    h.run_until(datetime(2027, 3, 10, tzinfo=timezone.utc), every=D)
    assert [at for at, _ in entries(h, "ana@example.com")] == [
        datetime(2026, 3, 5, 0, 0, tzinfo=timezone.utc),  # 09:00 in Tokyo
        datetime(2027, 3, 5, 0, 0, tzinfo=timezone.utc)]
    assert [at for at, _ in entries(h, "leap@example.com")] == [
        datetime(2027, 2, 28, 9, 0, tzinfo=timezone.utc)]


def test_once_only_and_offset(h, clock):
    clock.set(datetime(2026, 5, 1, tzinfo=timezone.utc))
    h.contact("renew@example.com", attributes={"renewal": "2026-06-15"})
    h.publish(scanned("Renewal", "trigger.date_field",
                      {"field": "renewal", "time_of_day": "10:00", "repeat": "once",
                       "offset_days": -7}))
    h.run_until(datetime(2027, 7, 1, tzinfo=timezone.utc), every=D)
    assert [at for at, _ in entries(h)] == [datetime(2026, 6, 8, 10, 0, tzinfo=timezone.utc)]


def test_list_joined_trigger_and_manual_enrollment(h, clock):
    h.publish(scanned("Joined", "trigger.list_joined", {"list": "Newsletter"}))
    h.publish(scanned("Manual", "trigger.manual", {}))
    source = Journey("Adder")
    source.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    source.add_node("action.list_add", node_id="l", config={"list": "Newsletter"})
    source.connect("t", "next", "l")
    h.publish(source)
    h.event("ana@example.com", "signed_up")
    h.engine.tick()
    assert [node for _, node in entries(h, "ana@example.com")] == ["t", "t"]
    h.contact("bob@example.com")
    assert h.engine.enroll("Manual", ["bob@example.com"]) == ["bob@example.com"]
    assert h.engine.enroll("Manual", ["bob@example.com"]) == []  # already active or done
    with pytest.raises(LookupError, match="no contact"):
        h.engine.enroll("Manual", ["nobody@example.com"])
