"""Guards on every marketing email: suppression, consent, quiet hours, frequency cap across
journeys (with priority), catch-up after downtime, transactional bypass, render failures."""

from datetime import datetime, timedelta, timezone

import pytest

from engine.journey.model import Journey
from tests.engine.harness import Harness

H, D = timedelta(hours=1), timedelta(days=1)


def email_journey(name, *steps, settings=None, transactional=False, when_capped="postpone",
                  body="Hi {{ contact.first_name | default('there') }}"):
    """trigger(event=name) → for each step: ("delay", duration) or ("email", key)."""
    journey = Journey(name)
    if settings:
        journey.set_settings(settings)
    previous = journey.add_node("trigger.event", node_id="t", config={"event": f"{name}_go"})
    for index, (kind, value) in enumerate(steps):
        node_id = f"{kind}{index}"
        if kind == "delay":
            journey.add_node("flow.delay", node_id=node_id, config={"duration": value})
        else:
            journey.add_node("action.send_email", node_id=node_id, config={
                "template": value, "transactional": transactional, "when_capped": when_capped})
            if value not in journey.templates:
                journey.set_template({"key": value, "name": value, "subject": f"{name}: {value}",
                                      "body": body})
        journey.connect(previous, "next", node_id)
        previous = node_id
    return journey


@pytest.fixture
def h(db, clock):
    return Harness(db, clock)


def kinds(h, email=None):
    return [(at, node, kind, extra) for at, node, kind, extra in h.timeline(email)
            if kind in ("email", "hold", "skip")]


def test_email_goes_to_the_outbox_rendered(h, clock):
    h.publish(email_journey("welcome", ("email", "hello")))
    h.contact("ana@example.com", first_name="Ana")
    h.event("ana@example.com", "welcome_go")
    [message] = h.messages()
    assert message.status == "queued" and message.category == "marketing"
    assert message.subject == "welcome: hello" and "Hi Ana" in message.text
    assert "Hi Ana" in message.html
    # no public URL: no web link to this machine, a signed mailto unsubscribe instead
    assert message.headers["list_unsubscribe"] is None and message.headers["tracked"] is False
    assert "?subject=unsubscribe%20" in message.headers["list_unsubscribe_mailto"]


def test_unsubscribe_between_two_emails_skips_the_second(h, clock):
    start = clock.now()
    h.publish(email_journey("series", ("email", "one"), ("delay", "1 day"), ("email", "two")))
    h.event("ana@example.com", "series_go")
    clock.advance(H)
    h.event("ana@example.com", "unsubscribed")
    h.run_for(2 * D)
    assert kinds(h) == [(start, "email0", "email", None),
                        (start + D, "email2", "skip", "unsubscribed")]
    assert len(h.messages()) == 1


def test_transactional_goes_to_unsubscribed_but_not_bounced(h):
    h.publish(email_journey("receipt", ("email", "receipt"), transactional=True))
    h.contact("unsub@example.com")
    h.contact("gone@example.com")
    h.event("unsub@example.com", "unsubscribed")
    h.event("gone@example.com", "email_bounced", {"type": "hard"})
    h.event("unsub@example.com", "receipt_go")
    h.event("gone@example.com", "receipt_go")
    assert [m.to_address for m in h.messages()] == ["unsub@example.com"]
    assert h.messages()[0].category == "transactional"
    assert kinds(h, "gone@example.com")[0][2:] == ("skip", "bounced")


def test_quiet_hours_across_midnight_in_contact_timezone(h, clock):
    clock.set(datetime(2026, 3, 2, 21, 30, tzinfo=timezone.utc))  # 22:30 in Berlin
    h.settings(quiet_hours={"start": "21:00", "end": "08:00"})
    h.publish(email_journey("late", ("email", "hi")))
    h.contact("berlin@example.com", timezone="Europe/Berlin")
    h.contact("ny@example.com", timezone="America/New_York")  # 16:30 there
    h.event("berlin@example.com", "late_go")
    h.event("ny@example.com", "late_go")
    h.run_for(D)
    morning = datetime(2026, 3, 3, 7, 0, tzinfo=timezone.utc)  # 08:00 Berlin
    assert kinds(h, "berlin@example.com") == [
        (clock.now() - D, "email0", "hold", "quiet_hours"),
        (morning, "email0", "email", None)]
    assert [k[2] for k in kinds(h, "ny@example.com")] == ["email"]


def test_transactional_ignores_quiet_hours(h, clock):
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=timezone.utc))
    h.settings(quiet_hours={"start": "21:00", "end": "08:00"})
    h.publish(email_journey("order", ("email", "confirm"), transactional=True))
    h.event("ana@example.com", "order_go")
    assert [k[2] for k in kinds(h)] == ["email"]


def test_frequency_cap_across_two_journeys_priority_and_postpone(h, clock):
    start = clock.now()
    h.settings(frequency_cap={"count": 1, "within": "1 day"})
    h.publish(email_journey("low", ("email", "a"), settings={"priority": 0}))
    h.publish(email_journey("high", ("email", "b"), settings={"priority": 50}))
    h.contact("ana@example.com")
    # both due in the same tick: the high-priority journey gets the slot
    from engine.intake.events import parse_event, record_events
    with h.db.session() as session:
        record_events(session, [parse_event({"contact": "ana@example.com", "name": n})
                                for n in ("low_go", "high_go")], now=clock.now(), source="test")
    h.run_for(2 * D)
    assert kinds(h) == [
        (start, "email0", "email", None),          # high
        (start, "email0", "hold", "frequency_cap"),  # low waits for the slot
        (start + D, "email0", "email", None),
    ]
    subjects = [m.subject for m in h.messages()]
    assert subjects == ["high: b", "low: a"]


def test_frequency_cap_skip_option(h, clock):
    h.settings(frequency_cap={"count": 1, "within": "7 days"})
    h.publish(email_journey("one", ("email", "a")))
    h.publish(email_journey("two", ("email", "b"), when_capped="skip"))
    h.event("ana@example.com", "one_go")
    h.event("ana@example.com", "two_go")
    assert [k[2:] for k in kinds(h)] == [("email", None), ("skip", "frequency_cap")]


def test_catch_up_policies_after_downtime(h, clock):
    start = clock.now()
    for policy in ("send_late", "skip", "next_window"):
        h.publish(email_journey(policy, ("delay", "1 hour"), ("email", "x"),
                                settings={"catch_up": policy}))
        h.event(f"{policy}@example.com", f"{policy}_go")
    clock.advance(10 * H)  # the app was closed; the 1-hour delays are 9 hours overdue
    h.run_for(2 * D)
    assert [k[2:] for k in kinds(h, "send_late@example.com")] == [("email", None)]
    assert kinds(h, "send_late@example.com")[0][0] == start + 10 * H
    assert [k[2:] for k in kinds(h, "skip@example.com")] == [("skip", "overdue")]
    hold, sent = kinds(h, "next_window@example.com")
    assert hold[2:] == ("hold", "catch_up")
    assert sent[0] == start + D + H and sent[2] == "email"  # same time of day as planned


def test_render_failure_fails_one_message_not_the_batch(h):
    h.publish(email_journey("broken", ("email", "bad"), body="Hi {{ contact.attributes.plan }}"))
    h.contact("a@example.com", attributes={"plan": "Pro"})
    h.contact("b@example.com")
    h.event("a@example.com", "broken_go")
    h.event("b@example.com", "broken_go")
    by_to = {m.to_address: m for m in h.messages()}
    assert by_to["a@example.com"].status == "queued"
    assert by_to["b@example.com"].status == "failed"
    assert "plan" in by_to["b@example.com"].last_error


def test_consent_withdrawn_or_required(h):
    h.publish(email_journey("news", ("email", "n")))
    h.contact("withdrawn@example.com", consent={"granted": False, "source": "form"})
    h.contact("unknown@example.com")
    h.event("withdrawn@example.com", "news_go")
    h.event("unknown@example.com", "news_go")
    assert [k[2:] for k in kinds(h, "withdrawn@example.com")] == [("skip", "no_consent")]
    assert [k[2:] for k in kinds(h, "unknown@example.com")] == [("email", None)]
    h.settings(consent_required=True)
    h.contact("granted@example.com", consent={"granted": True, "source": "form"})
    h.contact("silent@example.com")
    h.event("granted@example.com", "news_go")
    h.event("silent@example.com", "news_go")
    assert [k[2:] for k in kinds(h, "granted@example.com")] == [("email", None)]
    assert [k[2:] for k in kinds(h, "silent@example.com")] == [("skip", "no_consent")]
