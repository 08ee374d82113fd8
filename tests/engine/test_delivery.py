"""Delivery against a real SMTP server on loopback (aiosmtpd): the outbox state machine,
exact headers, retries on a virtual clock, bounces, suppression, the master switch,
crash recovery into `uncertain`, connection reuse, and a clean stop."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import insert, select

from engine.db.models import Consent, Contact, Event, Message
from engine.delivery import claims
from engine.delivery.pacing import Pacer
from engine.delivery.results import RETRY_DELAYS, classify, retry_delay
from engine.errors import TrellisError
from engine.intake.events import parse_event, record_events
from engine.journey.model import Journey
from engine.messaging.compose import message_id
from tests.engine.mail_harness import PUBLIC_URL, email_journey, mail_harness, queue_emails, worker_for
from tests.smtp_sink import SmtpSink

MINUTE = timedelta(minutes=1)
SENDER = "hello@shop.example"


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def h(db, clock):
    harness = mail_harness(db, clock)
    harness.settings(sender_name="Théière & Co", sender_email=SENDER)
    return harness


def message_to(h, address: str) -> Message:
    [row] = [m for m in h.messages() if m.to_address == address]
    return row


def headers_of(raw: bytes) -> dict[str, str]:
    """Raw header values by name, folding kept (CRLF + space) so it can be checked exactly."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    fields = re.split(r"\r\n(?![ \t])", head)
    return dict(field.split(": ", 1) for field in fields)


def lines(text: str) -> list[str]:
    return text.splitlines()  # the MIME part keeps CRLF line ends; the outbox row has LF


def test_email_arrives_with_exact_headers_and_both_parts(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"], first_name="Ana")

    report = worker_for(sink, db, clock).drain()

    assert (report.sent, report.handled) == (1, 1)
    [row] = h.messages()
    assert (row.status, row.attempts, row.sent_at, row.retry_at) == ("sent", 1, clock.now(), None)
    [got] = sink.messages
    assert got.mail_from == SENDER and got.rcpt_tos == ["ana@example.com"]
    headers = headers_of(got.content)
    assert headers["From"] == "=?utf-8?b?VGjDqWnDqHJl?= & Co <hello@shop.example>"
    assert headers["To"] == "ana@example.com"
    assert headers["Subject"] == "welcome: hello"
    assert headers["Date"] == format_datetime(clock.now())
    assert headers["Message-ID"] == message_id(row.idempotency_key, "shop.example")
    assert re.fullmatch(r"<[0-9a-f]{32}@shop\.example>", headers["Message-ID"])
    https, mailto = row.headers["list_unsubscribe"], row.headers["list_unsubscribe_mailto"]
    assert https.startswith(f"{PUBLIC_URL}/u/")
    assert mailto.startswith(f"mailto:{SENDER}?subject=unsubscribe%20")
    assert headers["List-Unsubscribe"] == f"<{https}>,\r\n <{mailto}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["MIME-Version"] == "1.0"

    parsed = got.parsed()
    assert parsed["From"].addresses[0].display_name == "Théière & Co"
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text["Content-Transfer-Encoding"] == html["Content-Transfer-Encoding"] == "quoted-printable"
    assert lines(text.get_content()) == lines(row.text) and "Hi Ana" in text.get_content()
    assert lines(html.get_content()) == lines(row.html) and "Hi Ana" in html.get_content()
    assert f"{PUBLIC_URL}/c/" in html.get_content()  # links go through the click redirect


def test_non_ascii_subject_and_from_name_are_encoded(h, db, clock, sink):
    journey = email_journey("greet", "hi", from_name="Zoë from Théière")
    journey.set_template({"key": "hi", "name": "hi", "subject": "Ça va, {{ contact.first_name }} ?",
                          "from_name": "Zoë from Théière", "body": "Bonjour"})
    h.publish(journey)
    queue_emails(h, "greet", ["jose@example.com"], first_name="José")
    worker_for(sink, db, clock).drain()
    [got] = sink.messages
    headers = headers_of(got.content)
    assert headers["Subject"].isascii() and "=?utf-8?" in headers["Subject"]
    assert headers["From"].isascii() and headers["From"].endswith(" <hello@shop.example>")
    parsed = got.parsed()
    assert parsed["Subject"] == "Ça va, José ?"
    assert parsed["From"].addresses[0].display_name == "Zoë from Théière"


def test_temporary_refusal_retries_with_backoff_on_the_virtual_clock(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["busy@example.com", "ok@example.com"])
    sink.defer.add("busy@example.com")
    worker = worker_for(sink, db, clock)

    report = worker.drain()
    assert (report.sent, report.retried) == (1, 1)
    busy = message_to(h, "busy@example.com")
    assert (busy.status, busy.attempts, busy.retry_at) == ("failed", 1, clock.now() + MINUTE)
    assert busy.last_error.startswith("temporarily refused at RCPT: 451 4.3.0")
    assert worker.drain().handled == 0  # not due before its retry time

    clock.advance(MINUTE)
    worker.drain()
    busy = message_to(h, "busy@example.com")
    assert (busy.status, busy.attempts, busy.retry_at) == ("failed", 2, clock.now() + 5 * MINUTE)

    sink.defer.clear()
    clock.advance(5 * MINUTE)
    assert worker.drain().sent == 1
    busy = message_to(h, "busy@example.com")
    assert (busy.status, busy.attempts, busy.last_error, busy.sent_at) == ("sent", 3, None, clock.now())
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == ["busy@example.com", "ok@example.com"]


def test_gives_up_after_the_last_retry(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["busy@example.com"])
    sink.defer.add("busy@example.com")
    worker = worker_for(sink, db, clock)
    for delay in RETRY_DELAYS:
        assert worker.drain().retried == 1
        clock.advance(delay)
    assert worker.drain().retried == 1
    [row] = h.messages()
    assert (row.status, row.retry_at, row.attempts) == ("failed", None, len(RETRY_DELAYS) + 1)
    assert row.last_error.startswith(f"gave up after {len(RETRY_DELAYS) + 1} attempts: ")
    clock.advance(timedelta(days=30))
    assert worker.drain().handled == 0 and sink.messages == []


def test_permanent_refusal_bounces_and_suppresses_only_that_contact(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    emails = ["ana@example.com", "gone@example.com", "zoe@example.com"]
    queue_emails(h, "welcome", emails)
    sink.bounce.add("gone@example.com")

    report = worker_for(sink, db, clock).drain()

    assert (report.sent, report.bounced) == (2, 1)
    gone = message_to(h, "gone@example.com")
    assert gone.status == "bounced" and gone.last_error.startswith("550 5.1.1")
    assert {m.to_address: m.status for m in h.messages()} == {
        "ana@example.com": "sent", "gone@example.com": "bounced", "zoe@example.com": "sent"}
    with db.session() as session:
        statuses = dict(session.execute(select(Contact.email, Contact.status)).all())
        [bounce] = session.scalars(select(Event).where(Event.name == "email_bounced")).all()
    assert statuses == {"ana@example.com": "active", "gone@example.com": "bounced",
                        "zoe@example.com": "active"}
    assert bounce.source == "delivery"
    assert bounce.properties["code"] == 550 and bounce.properties["type"] == "hard"
    assert bounce.properties["message_key"] == gone.idempotency_key
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == ["ana@example.com", "zoe@example.com"]


def test_bounce_reply_classification():
    assert classify(550, b"5.1.1 no such user", "rcpt").outcome == "bounced"
    assert classify(552, b"5.2.2 mailbox full", "rcpt").outcome == "bounced"
    assert classify(550, b"5.1.1 unknown user", "data").outcome == "bounced"
    assert classify(554, b"5.7.1 message refused as spam", "data").outcome == "failed"
    assert classify(553, b"5.7.1 sender not allowed", "mail").outcome == "retry"
    assert classify(421, b"4.7.0 try later", "data").outcome == "retry"
    assert [retry_delay(n) for n in range(1, 7)] == [*RETRY_DELAYS, None]


def test_contact_suppressed_after_queueing_gets_no_marketing_email(h, db, clock, sink):
    h.publish(email_journey("news", "issue1"))
    h.publish(email_journey("receipt", "thanks", transactional=True))
    queue_emails(h, "news", ["left@example.com", "ana@example.com"])
    queue_emails(h, "receipt", ["left@example.com", "gone@example.com"])
    with db.session() as session:  # after queueing: one unsubscribes, one bounces elsewhere
        record_events(session, [parse_event({"contact": "left@example.com", "name": "unsubscribed"}),
                                parse_event({"contact": "gone@example.com", "name": "email_bounced"})],
                      now=clock.now(), source="test")

    report = worker_for(sink, db, clock).drain()

    assert (report.sent, report.suppressed) == (2, 2)
    by_key = {(m.to_address, m.category): m for m in h.messages()}
    left_news = by_key["left@example.com", "marketing"]
    assert left_news.status == "suppressed" and "unsubscribed" in left_news.last_error
    assert by_key["left@example.com", "transactional"].status == "sent"  # receipts still go
    assert by_key["gone@example.com", "transactional"].status == "suppressed"  # bounced: nothing
    assert by_key["ana@example.com", "marketing"].status == "sent"
    assert sorted((m.rcpt_tos[0], m.parsed()["Subject"]) for m in sink.messages) == [
        ("ana@example.com", "news: issue1"), ("left@example.com", "receipt: thanks")]


def test_withdrawn_consent_after_queueing_suppresses_marketing(h, db, clock, sink):
    h.publish(email_journey("news", "issue1"))
    queue_emails(h, "news", ["ana@example.com"])
    with db.session() as session:
        contact_id = session.scalar(select(Contact.id))
        session.execute(insert(Consent).values(contact_id=contact_id, granted=False,
                                               recorded_at=clock.now(), source="form", evidence={}))
    assert worker_for(sink, db, clock).drain().suppressed == 1
    assert h.messages()[0].status == "suppressed" and sink.messages == []


def test_master_switch_stops_draining(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"])
    h.settings(sending_paused=True)
    worker = worker_for(sink, db, clock)
    report = worker.drain()
    assert report.paused and report.handled == 0
    assert h.messages()[0].status == "queued" and sink.messages == []
    h.settings(sending_paused=False)
    assert worker.drain().sent == 1


def test_crash_mid_send_leaves_uncertain_messages_that_are_never_resent(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", [f"c{i}@example.com" for i in range(4)])
    with db.session() as session:  # what a worker killed mid-send leaves: claimed, committed
        from engine.settings import load_settings

        claimed, _ = claims.claim(session, clock.now(), 2, clock.now() + timedelta(minutes=15),
                                  load_settings(session))
    interrupted = sorted(m.id for m in claimed)

    report = worker_for(sink, db, clock, exclusive=True).drain()  # the restart

    assert (report.uncertain, report.sent) == (2, 2)
    with db.session() as session:
        listed = claims.uncertain_messages(session)
        assert sorted(m.id for m in listed) == interrupted
        assert all(m.last_error == claims.INTERRUPTED for m in listed)
    delivered = {m.rcpt_tos[0] for m in sink.messages}
    assert delivered.isdisjoint({m.to_address for m in listed})

    clock.advance(timedelta(days=1))
    worker = worker_for(sink, db, clock)
    assert worker.drain().handled == 0  # never re-sent on its own
    with db.session() as session:
        claims.requeue(session, interrupted[0], clock.now())
        claims.dismiss(session, interrupted[1])
        with pytest.raises(TrellisError, match="not uncertain"):
            claims.requeue(session, interrupted[1], clock.now())
        with pytest.raises(LookupError):
            claims.dismiss(session, 999_999)
    assert worker.drain().sent == 1
    with db.session() as session:
        statuses = {m.id: (m.status, m.last_error) for m in session.scalars(
            select(Message).where(Message.id.in_(interrupted)))}
    assert statuses == {interrupted[0]: ("sent", None),
                        interrupted[1]: ("failed", claims.DISMISSED)}
    assert len(sink.messages) == 3


def test_shared_database_only_recovers_expired_leases(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"])
    with db.session() as session:
        from engine.settings import load_settings

        claims.claim(session, clock.now(), 10, clock.now() + timedelta(minutes=15),
                     load_settings(session))
    worker = worker_for(sink, db, clock, exclusive=False)  # another worker may be sending it
    assert worker.drain().uncertain == 0 and h.messages()[0].status == "sending"
    clock.advance(timedelta(minutes=16))  # its lease ran out: that worker died
    assert worker.drain().uncertain == 1 and h.messages()[0].status == "uncertain"
    assert sink.messages == []


def test_many_messages_over_few_reused_connections(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    emails = [f"c{i:02}@example.com" for i in range(24)]
    queue_emails(h, "welcome", emails)

    report = worker_for(sink, db, clock, connections=3, batch_size=4).drain()

    assert report.sent == 24
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == emails  # each exactly once
    ids = [m.parsed()["Message-ID"] for m in sink.messages]
    assert len(set(ids)) == 24
    assert sink.handler.sessions <= 3  # connections were reused across batches
    assert {m.status for m in h.messages()} == {"sent"}


def test_unreachable_server_claims_nothing(h, db, clock):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"])
    closed = SmtpSink()  # a free port with nobody listening
    report = worker_for(closed, db, clock).drain()
    assert report.error.startswith(f"cannot connect to 127.0.0.1:{closed.port}: connection refused")
    [row] = h.messages()
    assert (row.status, row.attempts) == ("queued", 0)


def test_stop_finishes_the_message_in_hand_and_releases_the_rest(h, db, clock, sink):
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", [f"c{i}@example.com" for i in range(6)])
    stop = threading.Event()
    sink.handler.on_message = lambda count: stop.set()

    report = worker_for(sink, db, clock, batch_size=10).drain(stop)

    assert (report.sent, report.released) == (1, 5)
    statuses = sorted(m.status for m in h.messages())
    assert statuses == ["queued"] * 5 + ["sent"]
    assert {m.attempts for m in h.messages() if m.status == "queued"} == {0}
    sink.handler.on_message = None
    assert worker_for(sink, db, clock).drain().sent == 5


def test_render_failures_and_final_failures_are_never_claimed(h, db, clock, sink):
    with db.session() as session:
        session.execute(insert(Message).values(
            idempotency_key="broken", to_address="ana@example.com", category="marketing",
            status="failed", retry_at=None, last_error="the body, line 1: x is not defined",
            queued_at=clock.now(), headers={}))
    assert worker_for(sink, db, clock).drain().handled == 0
    assert h.messages()[0].status == "failed" and sink.messages == []


def test_team_alert_is_plain_text_without_unsubscribe_headers(h, db, clock, sink):
    journey = Journey("alerts")
    journey.add_node("trigger.event", node_id="t", config={"event": "alerts_go"})
    journey.add_node("action.notify", node_id="n", config={
        "to": "team@shop.example", "subject": "Lead: {{ contact.email }}", "message": "Call them"})
    journey.connect("t", "next", "n")
    h.publish(journey)
    queue_emails(h, "alerts", ["ana@example.com"])
    assert worker_for(sink, db, clock).drain().sent == 1
    [got] = sink.messages
    parsed = got.parsed()
    assert got.rcpt_tos == ["team@shop.example"] and parsed["Subject"] == "Lead: ana@example.com"
    assert parsed.get_content_type() == "text/plain" and parsed.get_content().strip() == "Call them"
    assert "List-Unsubscribe" not in parsed


def test_pacer_spaces_sends_evenly_and_never_waits_once_stopped():
    now = [100.0]
    waits: list[float] = []

    class FakeStop:
        def is_set(self):
            return False

        def wait(self, seconds):
            waits.append(round(seconds, 6))
            now[0] += seconds
            return False

    pacer = Pacer(4, monotonic=lambda: now[0])
    assert all(pacer.wait(FakeStop()) for _ in range(4))
    assert waits == [0.25, 0.25, 0.25]  # the first goes at once, then every 1/4 s
    stopped = threading.Event()
    stopped.set()
    assert pacer.wait(stopped) is False
    assert Pacer(None).wait(threading.Event()) is True
