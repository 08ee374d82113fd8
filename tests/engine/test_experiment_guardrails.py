"""Guardrails on the real engine, a virtual clock and a real SMTP server: unsubscribes over
the limit pause the journey by itself (reason and figures stored, a notice, an email to the
owner), steps that then fall due are held with the reason `guardrail` until the marketer
resumes, judging restarts after the resume, too few sends judge nothing, and a canary is
rolled back instead of pausing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import (
    Contact, JourneyGuardrail, JourneyNotice, JourneyRow, Message, StepLog,
)
from engine.experiments.guardrails import judge
from engine.intake.events import parse_event, record_contact_upsert, record_events
from engine.journey.model import Journey
from engine.nodes.experiment_keys import Guardrails
from engine.runtime.release import release_state
from tests.engine.mail_harness import mail_harness, worker_for
from tests.smtp_sink import SmtpSink

M, D = timedelta(minutes=1), timedelta(days=1)
OWNER = "owner@shop.example"


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def h(db, clock):
    harness = mail_harness(db, clock)
    harness.settings(sender_name="Tea Shop", sender_email="hello@shop.example")
    return harness


def series(owner: str = OWNER, guardrails: dict | None = None, second: str = "two") -> Journey:
    journey = Journey("Series")
    settings = {"owner_email": owner}
    if guardrails is not None:
        settings["guardrails"] = guardrails
    journey.set_settings(settings)
    journey.add_node("trigger.event", node_id="t", config={"event": "go"})
    journey.add_node("action.send_email", node_id="first", config={"template": "one"})
    journey.add_node("flow.delay", node_id="wait", config={"duration": "1 day"})
    journey.add_node("action.send_email", node_id="second", config={"template": second})
    journey.connect("t", "next", "first")
    journey.connect("first", "next", "wait")
    journey.connect("wait", "next", "second")
    for key in ("one", "two", "three"):
        journey.set_template({"key": key, "name": key, "subject": f"Email {key}",
                              "body": "Hello from the tea shop."})
    return journey


def go(h, emails: list[str]) -> None:
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=h.clock.now(), source="test")
        record_events(session, [parse_event({"contact": e, "name": "go", "properties": {},
                                             "at": None}) for e in emails],
                      now=h.clock.now(), source="test")
    h.engine.tick()


def unsubscribe(h, emails: list[str], keys: dict[str, str], with_key: bool = True) -> None:
    with h.db.session() as session:
        record_events(session, [parse_event({
            "contact": e, "name": "unsubscribed",
            "properties": {"message_key": keys[e]} if with_key else {},
            "at": None}) for e in emails], now=h.clock.now(), source="test")


def keys_of(h) -> dict[str, str]:
    return {m.to_address: m.idempotency_key for m in h.messages() if m.node_id == "first"}


def test_unsubscribes_pause_the_journey_hold_steps_and_resume(h, db, clock, sink):
    h.publish(series())
    emails = [f"c{i}@example.com" for i in range(100)]
    go(h, emails)
    worker_for(sink, db, clock).drain()
    assert len(sink.messages) == 100
    clock.advance(M)
    keys = keys_of(h)
    unsubscribe(h, emails[:2], keys)  # naming their email
    unsubscribe(h, emails[2:3], keys, with_key=False)  # counts for their latest email
    h.engine.tick()  # 3 / 100 = 3 % > 2 %
    with db.session() as session:
        row = session.scalar(select(JourneyRow))
        stored = session.get(JourneyGuardrail, row.id)
        notices = session.scalars(select(JourneyNotice)).all()
        assert row.status == "paused"
        assert stored.reason == ("the unsubscribe rate reached 3 % over the last 100 emails "
                                 "(limit 2 %)")
        assert stored.figures["unsubscribes"] == 3 and stored.figures["sends"] == 100
        assert stored.tripped_at == clock.now() and stored.resumed_at is None
        assert [(n.kind, n.detail["action"]) for n in notices] == [("guardrail_paused", "paused")]
    # the owner is told, by a real email
    worker_for(sink, db, clock).drain()
    [owner_mail] = [m for m in sink.messages if m.rcpt_tos == [OWNER]]
    assert "Trellis paused" in owner_mail.parsed()["Subject"]
    assert "3 unsubscribes" in owner_mail.parsed().get_body(("plain",)).get_content()

    # a day later the second emails fall due: held, not sent
    clock.advance(D)
    h.engine.tick()
    held = [r for r in h.timeline("c50@example.com") if r[2] == "hold"]
    assert held == [(clock.now(), "wait", "hold", "guardrail")]
    assert not [m for m in h.messages() if m.node_id == "second"]
    clock.advance(D)
    h.engine.tick()  # held once, not once per tick
    assert len([r for r in h.timeline("c50@example.com") if r[2] == "hold"]) == 1

    # the marketer resumes: the held steps run, judging starts again from the resume
    h.engine.resume("Series")
    h.engine.tick()
    seconds = [m for m in h.messages() if m.node_id == "second"]
    assert len(seconds) == 97  # three unsubscribed contacts get no more marketing email
    with db.session() as session:
        assert session.scalar(select(JourneyRow.status)) == "live"
        assert session.get(JourneyGuardrail, row.id).resumed_at == clock.now()


def test_too_few_sends_judge_nothing_and_rates_count_once(h, db, clock, sink):
    h.publish(series())
    emails = [f"f{i}@example.com" for i in range(40)]
    go(h, emails)
    worker_for(sink, db, clock).drain()
    clock.advance(M)
    keys = keys_of(h)
    unsubscribe(h, emails[:10], keys)
    h.engine.tick()
    with db.session() as session:
        assert session.scalar(select(JourneyRow.status)) == "live"
        journey_id = session.scalar(select(JourneyRow.id))
    go(h, [f"g{i}@example.com" for i in range(20)])  # 60 sends now: 10 / 60 trips
    worker_for(sink, db, clock).drain()
    unsubscribe(h, emails[:3], keys)  # the same emails again: counted once
    with h.db.session() as session:
        record_events(session, [parse_event({"contact": emails[0], "name": "spam_complaint",
                                             "properties": {}, "at": None})],
                      now=clock.now(), source="test")
    with db.session() as session:
        found = judge(session, journey_id, Guardrails())
        assert found.figures["unsubscribes"] == 10 and found.figures["sends"] == 60
        assert found.figures["complaints"] == 1  # no key: their most recent email
        assert found.figures["tripped"] == "unsubscribe_rate"
        off = judge(session, journey_id, Guardrails(enabled=False))
    assert off is None


def test_a_canary_is_rolled_back_instead(h, db, clock, sink):
    h.publish(series())
    go(h, [f"old{i}@example.com" for i in range(10)])
    with h.db.session() as session:
        from engine.journey.store import save_draft
        save_draft(session, series(second="three").to_document(), now=clock.now(), replace=True)
    h.engine.publish("Series", canary=50)
    clock.advance(M)
    emails = [f"n{i}@example.com" for i in range(240)]
    go(h, emails)
    worker_for(sink, db, clock).drain()
    with db.session() as session:
        journey_id = session.scalar(select(JourneyRow.id))
        canary = release_state(session, journey_id).canary_version
    clock.advance(M)
    keys = keys_of(h)
    on_canary = [e for e in emails if _version(h, e) == canary]
    unsubscribe(h, on_canary[:10], keys)
    h.engine.tick()
    with db.session() as session:
        state = release_state(session, journey_id)
        assert session.scalar(select(JourneyRow.status)) == "live"
        notices = session.scalars(select(JourneyNotice)).all()
    assert state.canary_version is None
    assert state.last_canary["outcome"] == "rolled_back"
    assert state.last_canary["reason"].startswith("guardrail: the unsubscribe rate")
    assert [n.detail["action"] for n in notices] == ["rolled_back"]


def _version(h, email: str) -> int:
    from engine.db.models import Enrollment, JourneyVersion
    with h.db.session() as session:
        return session.scalar(select(JourneyVersion.number)
                              .join(Enrollment, Enrollment.version_id == JourneyVersion.id)
                              .join(Contact, Contact.id == Enrollment.contact_id)
                              .where(Contact.email == email))


def test_simulate_applies_guardrails():
    from datetime import datetime, timezone

    from engine.intake.events import EventInput
    from engine.simulation.simulate import Scenario, run_scenario

    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    emails = [f"s{i}@example.com" for i in range(60)]
    events = [EventInput(e, "go", {}, start) for e in emails]
    events += [EventInput(e, "unsubscribed", {}, start + timedelta(hours=1)) for e in emails[:5]]
    timeline = run_scenario(Scenario(
        start=start, until=start + 3 * D, documents=[series(owner="").to_document()],
        contacts=[{"email": e} for e in emails], events=events))
    holds = [line for line in timeline if line["kind"] == "hold"]
    assert len(holds) == 60 and {line["reason"] for line in holds} == {"guardrail"}
    assert all(line["node"] == "wait" for line in holds)
    assert not [line for line in timeline if line["kind"] == "email" and line["node"] == "second"]


def test_the_cli_lists_a_guardrail_pause_and_resumes_it(h, db, db_url, clock, capsys):
    from app.cli import main
    from engine.experiments.guardrails import Trip, trip

    h.publish(series())
    with db.session() as session:
        row = session.scalar(select(JourneyRow))
        trip(session, row, Trip("the bounce rate reached 6 % over the last 100 emails "
                                "(limit 5 %)", {"sends": 100}), clock.now())
    assert main(["--db", db_url, "journeys", "list"]) == 0
    out = capsys.readouterr().out
    assert ("Series: paused by a guardrail: the bounce rate reached 6 % over the last 100 "
            "emails (limit 5 %) (trellis journeys resume 'Series')") in out
    assert main(["--db", db_url, "journeys", "resume", "Series"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "journeys", "list"]) == 0
    assert "guardrail" not in capsys.readouterr().out
    with db.session() as session:
        assert session.get(JourneyGuardrail, row.id).resumed_at is not None
