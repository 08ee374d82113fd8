"""PostgreSQL: the engine's bulk writer (COPY … FROM STDIN) stores exactly what
SQLAlchemy Core stores, for every kind of value the engine writes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from tests.postgres_server import emptied_database, skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")
NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone.utc)
#: what COPY's text format must escape: tabs, newlines, backslashes, \N, quotes
AWKWARD = 'Zoë\t"tab"\nline\\N \\ back\\slash \r end'


@pytest.fixture
def pg(pg_url):
    yield from emptied_database(pg_url, "contact, webhook_call")


def _contacts(prefix: str) -> list[dict]:
    return [{"email": f"{prefix}{i}@example.com", "first_name": AWKWARD, "last_name": "",
             "status": "active", "lead_score": -i,
             "attributes": {"plan": AWKWARD, "tags": ["a", None, 1.5, True],
                            "nested": {"k": [{}]}} if i else {},
             "created_at": NOW, "updated_at": NOW + timedelta(hours=i),
             "last_activity_at": None if i else NOW.astimezone(timezone(timedelta(hours=5)))}
            for i in range(3)]


def _stored(session, model, key):
    columns = [c for c in model.__table__.columns if c.name not in ("id", key)]
    rows = session.execute(select(getattr(model, key), *columns).order_by(model.id)).all()
    return [tuple(row[1:]) for row in rows]


def test_copy_stores_what_core_stores(pg):
    from engine.db.fastbulk import insert_rows
    from engine.db.models import Contact

    with pg.session() as session:
        session.execute(insert(Contact), _contacts("core"))
        insert_rows(session, Contact.__table__, _contacts("copy"))
    with pg.session() as session:
        stored = _stored(session, Contact, "email")
    assert stored[:3] == stored[3:]
    assert stored[3][0] == AWKWARD  # first_name, every character kept
    with pg.session() as session:
        contact = session.scalar(select(Contact).where(Contact.email == "copy2@example.com"))
        assert contact.attributes["plan"] == AWKWARD
        assert contact.updated_at == NOW + timedelta(hours=2)
        first = session.scalar(select(Contact).where(Contact.email == "copy0@example.com"))
        assert first.last_activity_at == NOW and first.attributes == {}


def test_copy_applies_python_defaults_and_numbers(pg):
    from engine.db.fastbulk import insert_rows
    from engine.db.models import WebhookCall

    row = {"node_id": "n", "url": "https://example.com/h?a=1&b=\\x", "created_at": NOW,
           "timeout_seconds": Decimal("2.50")}
    with pg.session() as session:
        session.execute(insert(WebhookCall), [{**row, "idempotency_key": "core"}])
        insert_rows(session, WebhookCall.__table__, [{**row, "idempotency_key": "copy"}])
    with pg.session() as session:
        core, copied = _stored(session, WebhookCall, "idempotency_key")
        assert core == copied
        call = session.scalar(select(WebhookCall).where(WebhookCall.idempotency_key == "copy"))
        assert (call.attempts, call.status, call.method, call.headers, call.body,
                call.timeout_seconds) == (0, "queued", "POST", {}, {}, Decimal("2.50"))


def test_copy_is_part_of_the_transaction(pg):
    from engine.db.fastbulk import insert_rows
    from engine.db.models import Contact

    with pytest.raises(RuntimeError), pg.session() as session:
        insert_rows(session, Contact.__table__, _contacts("gone"))
        raise RuntimeError("the batch fails after its insert")
    with pg.session() as session:
        assert session.scalars(select(Contact.email)).all() == []


def test_a_bad_row_fails_the_insert_and_writes_nothing(pg):
    from sqlalchemy.exc import IntegrityError

    from engine.db.fastbulk import insert_rows
    from engine.db.models import Contact

    rows = _contacts("dup")
    rows[2]["email"] = rows[0]["email"]  # unique email: the whole COPY is refused
    with pytest.raises(IntegrityError, match="duplicate key"), pg.session() as session:
        insert_rows(session, Contact.__table__, rows)  # as Core raises it
    with pg.session() as session:
        assert session.scalars(select(Contact.email)).all() == []


def test_rows_where_in_reads_by_key_in_chunks(pg):
    from engine.db.fastbulk import insert_rows, rows_where_in
    from engine.db.models import Contact

    with pg.session() as session:
        insert_rows(session, Contact.__table__, [
            {"email": f"k{i}@example.com", "first_name": "", "last_name": "", "status": "active",
             "lead_score": i, "attributes": {"i": i}, "created_at": NOW, "updated_at": NOW}
            for i in range(5)])
    with pg.session() as session:
        found = rows_where_in(session, Contact.__table__, ["email", "lead_score", "attributes"],
                              "email", ["k4@example.com", "k1@example.com", "none@example.com"],
                              size=2)
    assert sorted((r["email"], r["lead_score"], r["attributes"]) for r in found) == [
        ("k1@example.com", 1, {"i": 1}), ("k4@example.com", 4, {"i": 4})]
