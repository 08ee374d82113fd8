"""The engine's bulk writer stores exactly what SQLAlchemy Core would."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from engine.db.fastbulk import insert_rows, rows_where_in, update_rows
from engine.db.models import Contact, WebhookCall

NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone.utc)


def test_insert_and_update_round_trip_through_the_models(db):
    rows = [{"email": f"c{i}@example.com", "first_name": "Zoë", "last_name": "",
             "status": "active", "lead_score": i,
             "attributes": {"plan": "pro", "tags": ["a", "b"]} if i else {},
             "created_at": NOW, "updated_at": NOW + timedelta(hours=i),
             "last_activity_at": None} for i in range(3)]
    with db.session() as session:
        insert_rows(session, Contact.__table__, rows)
    with db.session() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
        assert [c.attributes for c in contacts] == [{}, {"plan": "pro", "tags": ["a", "b"]}] * 1 + [
            {"plan": "pro", "tags": ["a", "b"]}]
        assert contacts[2].updated_at == NOW + timedelta(hours=2)
        assert contacts[0].created_at == NOW and contacts[0].last_activity_at is None
        assert contacts[1].first_name == "Zoë"
        ids = [c.id for c in contacts]
    with db.session() as session:
        update_rows(session, Contact.__table__, [
            {"id": ids[0], "lead_score": 40, "attributes": {"x": 1}, "updated_at": NOW},
            {"id": ids[2], "lead_score": 41, "attributes": {}, "updated_at": NOW}])
    with db.session() as session:
        scores = session.execute(select(Contact.lead_score, Contact.attributes)
                                 .order_by(Contact.id)).all()
        assert [tuple(r) for r in scores] == [(40, {"x": 1}), (1, {"plan": "pro", "tags": ["a", "b"]}), (41, {})]


def test_python_defaults_are_applied(db):
    with db.session() as session:
        insert_rows(session, WebhookCall.__table__, [{
            "idempotency_key": "k", "node_id": "n", "url": "https://example.com", "created_at": NOW}])
    with db.session() as session:
        call = session.scalar(select(WebhookCall))
        assert (call.attempts, call.status, call.method, call.headers, call.body) == (
            0, "queued", "POST", {}, {})


def test_add_to_column_increments(db):
    from engine.db.fastbulk import add_to_column

    with db.session() as session:
        insert_rows(session, Contact.__table__, [
            {"email": "a@example.com", "lead_score": 5, "created_at": NOW, "updated_at": NOW}])
        contact_id = session.scalar(select(Contact.id))
    later = NOW + timedelta(days=1)
    with db.session() as session:
        add_to_column(session, Contact.__table__, "lead_score", {contact_id: -7},
                      {"updated_at": later})
    with db.session() as session:
        contact = session.get(Contact, contact_id)
        assert (contact.lead_score, contact.updated_at) == (-2, later)


def test_rows_where_in_reads_what_core_reads(db):
    rows = [{"email": f"c{i}@example.com", "first_name": "Zoë", "last_name": "",
             "status": "active", "lead_score": i, "attributes": {"n": i, "tags": ["a"]} if i % 2 else {},
             "created_at": NOW, "updated_at": NOW,
             "last_activity_at": NOW + timedelta(days=i) if i % 3 else None} for i in range(7)]
    columns = ["id", "email", "first_name", "lead_score", "attributes", "last_activity_at"]
    wanted = [f"c{i}@example.com" for i in (6, 0, 3, 5, 4)] + ["nobody@example.com"]
    with db.session() as session:
        insert_rows(session, Contact.__table__, rows)
    with db.session() as session:
        # three values per query: the last chunk is short, and one value matches nothing
        found = rows_where_in(session, Contact.__table__, columns, "email", wanted, size=3)
        core = [r._asdict() for r in session.execute(
            select(*(Contact.__table__.c[name] for name in columns))
            .where(Contact.email.in_(wanted)))]
    assert sorted(found, key=lambda r: r["id"]) == sorted(core, key=lambda r: r["id"])
    assert len(found) == 5
    assert {r["email"]: r["attributes"] for r in found}["c5@example.com"] == {"n": 5, "tags": ["a"]}
    assert {r["email"]: r["last_activity_at"] for r in found}["c4@example.com"] == NOW + timedelta(days=4)
