"""Spike warnings (engine/analytics/spikes.py) and the report's tracking flag: each edge
of the definitions in docs/analytics.md, on emails and events written into the tables."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.analytics.catchup import catch_up
from engine.analytics.report import tracking_note
from engine.analytics.report_output import report_text
from engine.analytics.spikes import spike_warnings
from engine.db.models import Contact, Enrollment, Event, Message
from engine.reports.journey_reports import reports
from tests.engine.analytics_data import T0, journeys


def write_sends(db, journey: int, flags: list[str | None], *, start: int = 0,
                tracked: bool | None = None) -> None:
    """One sent email per entry of `flags`, an hour apart; a flag is the event it got
    ("unsubscribed", "spam_complaint") or None."""
    with db.session() as session:
        for n, flag in enumerate(flags, start):
            contact = Contact(email=f"j{journey}-{n}@example.com", created_at=T0, updated_at=T0)
            session.add(contact)
            session.flush()
            run = Enrollment(contact_id=contact.id, journey_id=journey, version_id=journey,
                             node_id="e1", entered_at=T0, status="completed")
            session.add(run)
            session.flush()
            at = T0 + timedelta(hours=n)
            key = f"j{journey}:{n}"
            session.add(Message(idempotency_key=key, contact_id=contact.id,
                                enrollment_id=run.id, journey_id=journey, node_id="e1",
                                template_key="tpl", to_address=contact.email, status="sent",
                                queued_at=at, sent_at=at,
                                headers={} if tracked is None else {"tracked": tracked}))
            if flag:
                session.add(Event(contact_id=contact.id, name=flag,
                                  properties={"message_key": key},
                                  occurred_at=at + timedelta(minutes=5),
                                  received_at=at + timedelta(minutes=5)))


def spikes(db, **kw):
    catch_up(db)
    with db.session() as session:
        return spike_warnings(session, **kw)


@pytest.fixture
def two(db):
    with db.session() as session:
        return journeys(session, 2)


def test_unsubscribe_spike_over_twice_the_usual_rate_and_the_floor(db, two):
    usual = [("unsubscribed" if n % 200 == 0 else None) for n in range(800)]  # 0.5 %
    recent = [("unsubscribed" if n % 50 == 0 else None) for n in range(200)]  # 2 %
    write_sends(db, two[0], usual)
    write_sends(db, two[0], recent, start=800)
    found = spikes(db)
    assert list(found) == [two[0]]
    (spike,) = found[two[0]]
    assert spike.kind == "unsubscribes" and (spike.recent, spike.recent_sends) == (4, 200)
    assert (spike.usual, spike.usual_sends) == (4, 800)
    assert "2.0% of the last 200 emails" in spike.words()


def test_below_the_floor_or_not_twice_is_no_spike(db, two):
    # 0.4 % recent against 0 % before: over twice, but under the 0.5 % floor
    write_sends(db, two[0], [None] * 300)
    write_sends(db, two[0], ["unsubscribed" if n < 1 else None for n in range(250)], start=300)
    # 3 % recent against 2 % before: over the floor, not twice
    write_sends(db, two[1], ["unsubscribed" if n % 50 == 0 else None for n in range(400)])
    write_sends(db, two[1], ["unsubscribed" if n % 33 == 0 else None for n in range(200)],
                start=400)
    assert spikes(db) == {}


def test_complaints_have_their_own_lower_floor(db, two):
    write_sends(db, two[0], [None] * 1000)
    write_sends(db, two[0], ["spam_complaint" if n == 0 else None for n in range(200)],
                start=1000)  # 0.5 % > 0.1 %, against 0 % before
    (spike,) = spikes(db)[two[0]]
    assert spike.kind == "complaints" and spike.words().startswith("Spam complaints")


def test_a_journey_with_no_sends_before_its_window_never_spikes(db, two):
    # 20 unsubscribes among the latest of 120 sends: 17 %, but all of them are the window
    write_sends(db, two[0], [None] * 100 + ["unsubscribed"] * 20)
    assert spikes(db) == {}
    # with a window of 20, the 100 before are its history (0 %): now it spikes
    (spike,) = spikes(db, window=20, journey_ids=[two[0]])[two[0]]
    assert (spike.recent, spike.recent_sends, spike.usual_sends) == (20, 20, 100)


def test_report_says_when_opens_and_clicks_were_not_tracked(db, two):
    write_sends(db, two[0], [None] * 3, tracked=False)
    write_sends(db, two[0], [None] * 1, start=3, tracked=True)
    write_sends(db, two[1], [None] * 2, start=10)  # sent before the flag existed: tracked
    # an open recorded anyway (imported) stays a number
    with db.session() as session:
        contact = session.query(Message).filter_by(idempotency_key=f"j{two[0]}:0").one()
        session.add(Event(contact_id=contact.contact_id, name="email_opened",
                          properties={"message_key": f"j{two[0]}:0"}, occurred_at=T0,
                          received_at=T0))
    first, second = reports(db)
    assert (first["tracking"], first["untracked_sent"]) == (False, 3)
    assert first["emails"][0]["untracked"] == 3 and first["emails"][0]["unique_opens"] == 1
    assert "3 of 4 emails sent" in tracking_note(first)
    assert "not tracked" in report_text(first)
    assert (second["tracking"], second["untracked_sent"]) == (True, 0)
    assert tracking_note(second) is None and "not tracked" not in report_text(second)
