"""PostgreSQL: an erasure while a batch of events is matched waits for the batch (the
contacts' active enrollments are locked from the load to the commit), then erases what
the batch wrote; the woken enrollment does not keep the person's event data."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from engine.contacts.privacy import REASON_ERASED, erase_contact
from engine.db.models import Contact
from engine.runtime import matching
from tests.engine.test_matching_races import all_bought, before_each_write, waiting
from tests.postgres_server import skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


@pytest.fixture
def pg_db(pg_url):
    from engine.db import open_database

    database = open_database(pg_url)
    yield database
    database.dispose()


def waits_on_a_lock(db) -> bool:
    with db.engine.connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")))


def test_an_erasure_while_events_are_matched_waits_and_then_erases(pg_db, clock, monkeypatch):
    h, emails = waiting(pg_db, clock)
    with pg_db.session() as session:
        first_id = session.scalar(select(Contact.id).where(Contact.email == emails[0]))
    all_bought(h, emails)
    erasing = threading.Thread(target=lambda: _erase(pg_db, emails[0], clock.now()))

    def erase_meanwhile(n):
        if n == 0:
            erasing.start()
            deadline = time.monotonic() + 10
            while erasing.is_alive() and not waits_on_a_lock(pg_db):
                assert time.monotonic() < deadline, "the erasure neither ended nor waited"
                time.sleep(0.02)

    before_each_write(monkeypatch, erase_meanwhile)
    assert matching.process_events(pg_db, clock.now(), h.engine.cache) == len(emails)
    erasing.join(10)
    assert not erasing.is_alive()
    first = next(e for e in h.enrollments() if e.contact_id == first_id)
    assert (first.status, first.end_reason, first.due_at, first.context) == (
        "exited", REASON_ERASED, None, {})
    others = [e for e in h.enrollments() if e.id != first.id]
    assert {(e.status, e.due_at, e.context.get("resume_port")) for e in others} == {
        ("active", clock.now(), "event")}


def _erase(db, email, now) -> None:
    with db.session() as session:
        erase_contact(session, email, now=now)
