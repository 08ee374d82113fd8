"""export_contacts_csv: standard columns plus attributes, and an export re-imports unchanged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from engine.contacts.csv_export import export_contacts_csv
from engine.contacts.csv_import import import_contacts_csv
from engine.db import open_database
from engine.db.models import Consent, Contact
from engine.intake.events import record_contact_upsert

SOURCE_CSV = (
    "Email,First Name,Last Name,Timezone,Language,Country,Lead Score,Status,Consent,Consent Date,"
    "Plan,City,Notes\n"
    "ana@example.com,Ana,Silva,Europe/Lisbon,pt-BR,PT,12,active,yes,2024-05-31T14:00:00Z,pro,Porto,"
    '"likes ""quotes"", commas\nand lines"\n'
    "bob@example.com,Bob,,,,,,unsubscribed,no,,,Lyon,\n"
    "cy@example.com,,,,,,,,,,,,\n"
    "zoë@example.com,Zoë,Ünal,,de,DE,-2,inactive,,,basic,,=1+2\n"
)


def snapshot(db) -> dict:
    """Everything an export carries, keyed by email."""
    with db.session() as session:
        contacts = session.scalars(select(Contact)).all()
        latest = {}
        for consent in session.scalars(select(Consent).order_by(Consent.recorded_at, Consent.id)):
            latest[consent.contact_id] = (consent.granted, consent.recorded_at)
        return {
            c.email: (c.first_name, c.last_name, c.timezone, c.locale, c.country, c.lead_score,
                      c.status, c.attributes, latest.get(c.id))
            for c in contacts
        }


def test_columns_and_rows(db, clock, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(SOURCE_CSV, encoding="utf-8")
    import_contacts_csv(db, source, now=clock.now())

    out = io.StringIO()
    assert export_contacts_csv(db, out) == 4
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [
        "email", "first_name", "last_name", "timezone", "locale", "country", "lead_score",
        "status", "consent", "consent_date", "city", "notes", "plan",
    ]
    assert rows[1] == [
        "ana@example.com", "Ana", "Silva", "Europe/Lisbon", "pt-BR", "PT", "12", "active", "yes",
        "2024-05-31T14:00:00Z", "Porto", 'likes "quotes", commas\nand lines', "pro",
    ]
    assert rows[3] == ["cy@example.com", "", "", "", "", "", "0", "active", "", "", "", "", ""]


def test_round_trip_into_a_fresh_database(db, clock, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(SOURCE_CSV, encoding="utf-8")
    import_contacts_csv(db, source, now=clock.now())
    exported = tmp_path / "out.csv"
    export_contacts_csv(db, exported)
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8

    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        report = import_contacts_csv(fresh, exported, now=clock.now() + timedelta(days=1))
        assert report.rejected == [] and report.created == 4
        assert snapshot(fresh) == snapshot(db)
    finally:
        fresh.dispose()


def test_round_trip_into_the_same_database_changes_nothing(db, clock, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(SOURCE_CSV, encoding="utf-8")
    import_contacts_csv(db, source, now=clock.now())
    with db.session() as session:
        record_contact_upsert(
            session,
            {"email": "cy@example.com", "attributes": {"visits": 3, "vip": True}},
            now=clock.now(),
            source="api",
        )
    before = snapshot(db)
    with db.session() as session:
        consent_rows = len(session.scalars(select(Consent)).all())
    exported = tmp_path / "out.csv"
    export_contacts_csv(db, exported)

    clock.advance(timedelta(hours=1))
    report = import_contacts_csv(db, exported, now=clock.now())

    # Non-text attribute values come back as their text: the one documented difference.
    before["cy@example.com"][7].update(visits="3", vip="true")
    assert snapshot(db) == before
    assert report.created == 0 and report.updated == 1 and report.unchanged == 3
    with db.session() as session:
        assert len(session.scalars(select(Consent)).all()) == consent_rows


def test_empty_database_exports_the_header(db):
    out = io.StringIO()
    assert export_contacts_csv(db, out) == 0
    assert out.getvalue().strip() == (
        "email,first_name,last_name,timezone,locale,country,lead_score,status,consent,consent_date"
    )
