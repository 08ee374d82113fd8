"""PostgreSQL: delivery workers share the outbox with FOR UPDATE SKIP LOCKED — two claims
in flight never overlap, and two workers draining at once send every email once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from engine.clock import SystemClock
from engine.db.models import Message
from engine.delivery import claims
from engine.settings import AppSettings, load_settings, save_settings
from tests.engine.mail_harness import worker_for
from tests.postgres_server import skip_reason
from tests.smtp_sink import SmtpSink

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")]
COUNT = 120


@pytest.fixture(scope="module")
def database(pg_url):
    from engine.db import open_database

    database = open_database(pg_url)
    yield database
    database.dispose()


def queue(database, count: int, clock) -> None:
    now = clock.now()
    with database.session() as session:
        session.execute(Message.__table__.delete())
        save_settings(session, AppSettings(sender_email="hello@shop.example"))
        session.execute(insert(Message), [
            {"idempotency_key": f"k{i}", "to_address": f"c{i}@example.com", "category": "marketing",
             "subject": "Hi", "html": "<p>Hi</p>", "text": "Hi", "status": "queued",
             "attempts": 0, "retry_at": now, "queued_at": now,
             "headers": {"list_unsubscribe": "https://x.example/u/t",
                         "list_unsubscribe_mailto": "mailto:hello@shop.example"}}
            for i in range(count)])


def test_claims_in_flight_never_overlap(database):
    clock = SystemClock()
    queue(database, 10, clock)
    lease = clock.now() + timedelta(minutes=15)
    first = database.sessions()
    second = database.sessions()
    try:
        with first.begin(), second.begin():
            mine, _ = claims.claim(first, clock.now(), 6, lease, load_settings(first))
            theirs, _ = claims.claim(second, clock.now(), 6, lease, load_settings(second))
            assert len(mine) == 6 and len(theirs) == 4  # the locked rows were skipped
            assert not {m.id for m in mine} & {m.id for m in theirs}
    finally:
        first.close()
        second.close()


def test_two_workers_send_every_email_once(database):
    clock = SystemClock()
    queue(database, COUNT, clock)
    with SmtpSink() as sink:
        workers = [worker_for(sink, database, clock, exclusive=False, batch_size=7, connections=2)
                   for _ in range(2)]
        reports = []
        threads = [threading.Thread(target=lambda w=w: reports.append(w.drain())) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        recipients = sorted(m.rcpt_tos[0] for m in sink.messages)
    assert recipients == sorted(f"c{i}@example.com" for i in range(COUNT))
    assert sum(report.sent for report in reports) == COUNT
    with database.session() as session:
        assert session.scalar(select(func.count()).where(Message.status == "sent")) == COUNT
