"""PostgreSQL: the bulk contact and event paths behave as on SQLite (JSONB, RETURNING order)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from engine.db.models import Consent, Contact, Event
from tests.postgres_server import emptied_database, skip_reason

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
]
T0 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def pg(pg_url):
    yield from emptied_database(pg_url, "contact, list")


def test_import_update_and_round_trip(pg, clock, tmp_path):
    from engine.contacts.csv_export import export_contacts_csv
    from engine.contacts.csv_import import import_contacts_csv

    path = tmp_path / "in.csv"
    rows = "".join(f"user{i}@example.com,U{i},FR,yes,p{i % 3}\n" for i in range(4500))
    path.write_text("Email,First Name,Country,Consent,Plan\n" + rows + "bad,x,FR,yes,\n"
                    "USER7@example.com,Seven,,,\n", encoding="utf-8")
    report = import_contacts_csv(pg, path, list_name="All", now=clock.now())
    assert (report.created, report.merged_duplicates, len(report.rejected)) == (4500, 1, 1)
    assert report.added_to_list == 4500

    clock.advance(timedelta(hours=1))
    again = import_contacts_csv(pg, path, list_name="All", now=clock.now())
    assert (again.created, again.updated, again.unchanged, again.added_to_list) == (0, 0, 4500, 0)

    out = io.StringIO()
    export_contacts_csv(pg, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "email,first_name,last_name,timezone,locale,country,lead_score,status,consent,"
        "consent_date,plan"
    )
    with pg.session() as session:
        seven = session.scalars(select(Contact).where(Contact.email == "user7@example.com")).one()
        assert (seven.first_name, seven.attributes) == ("Seven", {"plan": "p1"})
        assert len(session.scalars(select(Consent)).all()) == 4500


def test_events_ids_in_order_and_reserved_names(pg, clock):
    from engine.intake.events import EventInput, record_contact_upsert, record_events

    items = [EventInput(f"c{i % 50}@example.com", f"e{i}", {"i": i}, T0) for i in range(3000)]
    items.append(EventInput("c1@example.com", "unsubscribed", {"source": "link"}, T0))
    with pg.session() as session:
        ids = record_events(session, items, now=clock.now(), source="api")
        record_contact_upsert(session, {"email": "c1@example.com", "attributes": {"vip": True}},
                              now=clock.now(), source="api")
    with pg.session() as session:
        names = dict(session.execute(select(Event.id, Event.name)).all())
        c1 = session.scalars(select(Contact).where(Contact.email == "c1@example.com")).one()
        [consent] = session.scalars(select(Consent)).all()
    assert [names[i] for i in ids] == [item.name for item in items]
    assert (c1.status, c1.attributes, c1.last_activity_at) == ("unsubscribed", {"vip": True}, T0)
    assert (consent.granted, consent.source) == (False, "link")


def test_workspace_reads_erase_and_no_resubscribe(pg, clock, tmp_path):
    from engine.contacts import directory
    from engine.contacts.csv_import import import_contacts_csv
    from engine.contacts.privacy import erase_contact

    with pg.engine.begin() as connection:
        connection.execute(text("TRUNCATE suppression"))
    path = tmp_path / "people.csv"
    path.write_text("Email,First Name,Lead Score\nAna@example.com,Ana,5\nbob@example.com,Bob,9\n",
                    encoding="utf-8")
    import_contacts_csv(pg, path, list_name="VIP", now=clock.now())
    with pg.session() as session:
        vip = next(s for s in directory.sidebar_sources(session) if s.kind == "list")
        assert vip.count == 2
        query = vip.query.with_(search="ANA", sort="lead_score")
        assert [r.email for r in directory.fetch_page(session, query, 0, 10)] == ["ana@example.com"]
        erase_contact(session, "ana@example.com", now=clock.now())
    import_contacts_csv(pg, path, now=clock.now())
    with pg.session() as session:
        statuses = dict(session.execute(select(Contact.email, Contact.status)).all())
    assert statuses["ana@example.com"] == "unsubscribed" and statuses["bob@example.com"] == "active"
