"""Email variants on a send-email step: each contact gets one version (sticky), the emails
really go out over SMTP, clicks count for the version the contact got, and once a winner
is called later sends get it, with the timeline saying why. Bad variant configs are
problems with their place."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import Contact, ExperimentResult, Message, StepLog
from engine.intake.events import parse_event, record_contact_upsert, record_events
from engine.journey.file_format import parse_journey_text
from engine.journey.model import Journey
from tests.engine.mail_harness import mail_harness, worker_for
from tests.smtp_sink import SmtpSink

M = timedelta(minutes=1)


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def h(db, clock):
    harness = mail_harness(db, clock)
    harness.settings(sender_name="Tea Shop", sender_email="hello@shop.example")
    return harness


def tea_journey() -> Journey:
    journey = Journey("Tea launch")
    journey.set_settings({"re_entry": {"mode": "always"}})
    journey.add_node("trigger.event", node_id="t", config={"event": "go"})
    journey.add_node("action.send_email", node_id="mail", config={
        "template": "tea",
        "variants": [{"key": "plain", "label": "Plain", "percent": 50},
                     {"key": "offer", "label": "Offer", "subject": "Tea — 20 % off today",
                      "percent": 50}],
        "experiment": {"metric": "click", "min_per_variant": 50, "confidence": 0.95}})
    journey.connect("t", "next", "mail")
    journey.set_template({"key": "tea", "name": "Tea", "subject": "Our new tea",
                          "body": "Hello, see [the tea](https://shop.example/tea)."})
    return journey


def go(h, emails: list[str]) -> None:
    now = h.clock.now()
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=now, source="test")
        record_events(session, [parse_event({"contact": e, "name": "go", "properties": {},
                                             "at": None}) for e in emails],
                      now=now, source="test")
    h.engine.tick()


def test_variants_go_out_clicks_count_and_the_winner_takes_over(h, db, clock, sink):
    h.publish(tea_journey())
    emails = [f"t{i}@example.com" for i in range(150)]
    go(h, emails)
    worker_for(sink, db, clock).drain()
    got = {m.rcpt_tos[0]: m.parsed()["Subject"] for m in sink.messages}
    assert len(got) == 150 and set(got.values()) == {"Our new tea", "Tea — 20 % off today"}
    with db.session() as session:
        variant_of = {email: detail["variant"] for email, detail in session.execute(
            select(Contact.email, StepLog.detail).join(Contact, Contact.id == StepLog.contact_id)
            .where(StepLog.kind == "email"))}
        keys = {m.to_address: m.idempotency_key for m in session.scalars(select(Message))}
    for email, subject in got.items():  # each contact got the version it was given
        assert (subject == "Our new tea") == (variant_of[email] == "plain")

    # the offer gets clicked by every other contact, the plain email by nobody
    clock.advance(M)
    offer = sorted(e for e, v in variant_of.items() if v == "offer")
    with db.session() as session:
        record_events(session, [parse_event({
            "contact": e, "name": "email_clicked",
            "properties": {"message_key": keys[e], "url": "https://shop.example/tea"},
            "at": None}) for e in offer[::2]], now=clock.now(), source="test")
    h.engine.tick()
    with db.session() as session:
        stored = session.scalar(select(ExperimentResult))
    figures = {v["key"]: v for v in stored.figures["variants"]}
    assert figures["offer"]["successes"] == len(offer[::2]) and figures["plain"]["successes"] == 0
    assert stored.winner == "offer" and stored.decided_at == clock.now()

    clock.advance(M)
    late = [f"late{i}@example.com" for i in range(10)]
    go(h, late)
    with db.session() as session:
        rows = session.execute(select(Message.subject, StepLog.reason, StepLog.detail)
                               .join(Contact, Contact.id == Message.contact_id)
                               .join(StepLog, (StepLog.contact_id == Message.contact_id)
                                     & (StepLog.kind == "email"))
                               .where(Contact.email.in_(late))).all()
    assert len(rows) == 10
    assert {(s, r, d["variant"]) for s, r, d in rows} == {
        ("Tea — 20 % off today", "winner", "offer")}


@pytest.mark.parametrize("config, words", [
    ({"variants": [{"key": "a", "percent": 60}, {"key": "b", "percent": 30}]}, "90%"),
    ({"variants": [{"key": "a", "percent": 100}]}, "2 to 4 variants"),
    ({"experiment": {"metric": "click"}}, "needs 2 to 4 variants"),
    ({"variants": [{"key": "a", "percent": 50}, {"key": "b", "percent": 50}],
      "experiment": {"metric": "click", "min_per_variant": 20}}, "min_per_variant"),
    ({"variants": [{"key": "a", "percent": 50}, {"key": "b", "percent": 50}],
      "experiment": {"metric": "revenue"}}, "metric"),
])
def test_bad_variant_configs_are_problems_with_their_place(config, words):
    import json

    text = json.dumps({"schema_version": 2, "name": "Bad", "nodes": [
        {"id": "t", "type": "trigger.event", "config": {"event": "go"}},
        {"id": "mail", "type": "action.send_email", "config": {"template": "tea", **config}}],
        "edges": [{"source": "t", "target": "mail"}],
        "templates": [{"key": "tea", "name": "Tea", "subject": "Tea", "body": "x"}]})
    loaded = parse_journey_text(text)
    messages = [str(p) for p in loaded.problems]
    assert any(words in m and "mail" in m for m in messages), messages
