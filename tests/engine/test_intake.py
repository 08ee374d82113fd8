"""engine.intake.events: parse_event's messages, record_events' effects, record_contact_upsert."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from engine.db.models import Consent, Contact, ContactStatus, Event
from engine.errors import InputError
from engine.intake.events import EventInput, parse_event, record_contact_upsert, record_events

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def contact(db, email: str) -> Contact | None:
    with db.session() as session:
        return session.scalars(select(Contact).where(Contact.email == email)).first()


def consents(db) -> list[Consent]:
    with db.session() as session:
        return list(session.scalars(select(Consent).order_by(Consent.id)))


def record(db, clock, *items: EventInput, source: str = "api") -> list[int]:
    with db.session() as session:
        return record_events(session, list(items), now=clock.now(), source=source)


# --- parse_event ------------------------------------------------------------------------------

def test_parse_event_normalises():
    parsed = parse_event(
        {"contact": " Ana@Example.com ", "name": " order_placed ", "properties": {"total": 42.5},
         "at": "2026-03-01T13:00:00+01:00"},
        "line 1",
    )
    assert parsed == EventInput("ana@example.com", "order_placed", {"total": 42.5}, T0)
    assert parsed.at.tzinfo == UTC


def test_parse_event_defaults():
    assert parse_event({"contact": "ana@example.com", "name": "visit"}) == EventInput(
        "ana@example.com", "visit", {}, None
    )
    assert parse_event({"contact": "a@example.com", "name": "v", "at": "2026-03-01T12:00:00Z"}).at == T0


@pytest.mark.parametrize(
    "obj, message",
    [
        ([], 'line 3: an event must be a JSON object like '
             '{"contact": "ana@example.com", "name": "order_placed"}'),
        ({"contact": "a@example.com"}, 'line 3: "name" is missing'),
        ({"name": "visit"}, 'line 3: "contact" is missing'),
        ({"contact": "a@example.com", "name": None}, 'line 3: "name" is missing'),
        ({"contact": "a@example.com", "name": "  "}, 'line 3: "name" must be a non-empty text'),
        ({"contact": "a@example.com", "name": 5}, 'line 3: "name" must be a non-empty text'),
        ({"contact": "a@example.com", "name": "x" * 101}, 'line 3: "name" is longer than 100 characters'),
        ({"contact": 7, "name": "visit"}, 'line 3: "contact" must be an email address in quotes'),
        ({"contact": "ana", "name": "visit"},
         'line 3: "contact" is not a valid email address: An email address must have an @-sign.'),
        ({"contact": "a@example.com", "name": "v", "properties": [1]},
         'line 3: "properties" must be a JSON object like {"total": 42}'),
        ({"contact": "a@example.com", "name": "v", "at": "yesterday"},
         'line 3: "at" is not an ISO 8601 time with a timezone '
         "(like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00)"),
        ({"contact": "a@example.com", "name": "v", "at": 1700000000},
         'line 3: "at" is not an ISO 8601 time with a timezone '
         "(like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00)"),
        ({"contact": "a@example.com", "name": "v", "at": "2026-03-01T12:00:00"},
         'line 3: "at" has no timezone: add Z (UTC) or an offset such as +01:00 '
         "(like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00)"),
        ({"contact": "a@example.com", "name": "v", "when": "now"},
         'line 3: "when" is not an event field (use at, contact, name, properties)'),
    ],
)
def test_parse_event_errors_name_the_field(obj, message):
    with pytest.raises(InputError) as caught:
        parse_event(obj, "line 3")
    assert str(caught.value) == message


# --- record_events ----------------------------------------------------------------------------

def test_events_are_stored_unprocessed_and_unknown_contacts_created(db, clock):
    ids = record(
        db, clock,
        EventInput("ana@example.com", "visit", {"page": "/"}, T0),
        EventInput("ana@example.com", "order_placed", {"total": 10}, None),
    )
    assert len(ids) == 2 and ids[0] < ids[1]
    with db.session() as session:
        rows = {e.id: e for e in session.scalars(select(Event))}
    visit, order = rows[ids[0]], rows[ids[1]]
    assert (visit.name, visit.properties, visit.occurred_at, visit.received_at, visit.source) == (
        "visit", {"page": "/"}, T0, clock.now(), "api"
    )
    assert visit.processed_at is None and order.processed_at is None
    assert order.occurred_at == clock.now()  # no "at": dated when recorded
    ana = contact(db, "ana@example.com")
    assert visit.contact_id == ana.id == order.contact_id
    assert (ana.status, ana.created_at, ana.last_activity_at) == ("active", clock.now(), clock.now())


def test_last_activity_only_moves_forward(db, clock):
    record(db, clock, EventInput("ana@example.com", "visit", {}, T0))
    record(db, clock, EventInput("ana@example.com", "visit", {}, T0 - timedelta(days=3)))
    assert contact(db, "ana@example.com").last_activity_at == T0
    record(db, clock, EventInput("ana@example.com", "visit", {}, T0 + timedelta(hours=1)))
    assert contact(db, "ana@example.com").last_activity_at == T0 + timedelta(hours=1)


def test_ids_follow_the_order_given(db, clock):
    items = [EventInput(f"c{i % 7}@example.com", f"e{i}", {}, T0 - timedelta(minutes=i)) for i in range(50)]
    ids = record(db, clock, *items)
    with db.session() as session:
        names = dict(session.execute(select(Event.id, Event.name)).all())
    assert [names[i] for i in ids] == [f"e{i}" for i in range(50)]


def test_unsubscribed_event(db, clock):
    properties = {"source": "one_click", "campaign": 7}
    record(db, clock, EventInput("ana@example.com", "unsubscribed", properties, T0))
    ana = contact(db, "ana@example.com")
    assert ana.status == ContactStatus.UNSUBSCRIBED
    [consent] = consents(db)
    assert (consent.contact_id, consent.granted, consent.source, consent.recorded_at, consent.evidence) == (
        ana.id, False, "one_click", T0, {"source": "one_click", "campaign": 7}
    )


def test_unsubscribed_without_a_source_uses_the_intake_source(db, clock):
    record(db, clock, EventInput("ana@example.com", "unsubscribed", {}, T0), source="webhook")
    assert consents(db)[0].source == "webhook"


@pytest.mark.parametrize(
    "properties, status",
    [
        ({}, ContactStatus.BOUNCED),
        ({"type": "hard"}, ContactStatus.BOUNCED),
        ({"type": "soft"}, ContactStatus.ACTIVE),
    ],
)
def test_email_bounced_event(db, clock, properties, status):
    record(db, clock, EventInput("ana@example.com", "email_bounced", properties, T0))
    assert contact(db, "ana@example.com").status == status
    assert consents(db) == []


def test_spam_complaint_event(db, clock):
    record(db, clock, EventInput("ana@example.com", "spam_complaint", {"feedback_id": "x1"}, T0))
    assert contact(db, "ana@example.com").status == ContactStatus.COMPLAINED
    [consent] = consents(db)
    assert (consent.granted, consent.source, consent.evidence) == (False, "api", {"feedback_id": "x1"})


def test_no_event_lifts_suppression(db, clock):
    record(db, clock, EventInput("ana@example.com", "unsubscribed", {}, T0))
    record(
        db, clock,
        EventInput("ana@example.com", "visit", {}, T0 + timedelta(hours=1)),
        EventInput("ana@example.com", "email_bounced", {"type": "soft"}, T0 + timedelta(hours=2)),
    )
    with db.session() as session:
        record_contact_upsert(
            session, {"email": "ana@example.com", "consent": {"granted": True}}, now=clock.now(), source="api"
        )
    assert contact(db, "ana@example.com").status == ContactStatus.UNSUBSCRIBED


def test_the_latest_status_event_of_a_batch_wins(db, clock):
    record(
        db, clock,
        EventInput("ana@example.com", "spam_complaint", {}, T0 + timedelta(minutes=5)),
        EventInput("ana@example.com", "unsubscribed", {}, T0),
    )
    assert contact(db, "ana@example.com").status == ContactStatus.COMPLAINED
    assert [c.recorded_at for c in consents(db)] == [T0, T0 + timedelta(minutes=5)]


def test_a_10k_batch_is_a_handful_of_statements(db, clock):
    items = [EventInput(f"c{i % 2500}@example.com", "visit", {"i": i}, T0) for i in range(10_000)]
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0])

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        ids = record(db, clock, *items)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    assert len(ids) == 10_000 and ids == list(range(ids[0], ids[0] + 10_000))
    # Contact lookups, inserts and id reads in chunks, one probe of the suppression list
    # (erased addresses) for the new contacts, then the events in one executemany and one
    # read of the last rowid.
    assert statements.count("SELECT") <= 6
    assert statements.count("INSERT") <= 4
    with db.session() as session:
        stored = dict(session.execute(select(Event.id, Event.properties)).all())
    assert [stored[i]["i"] for i in ids] == list(range(10_000))


def test_empty_batch(db, clock):
    assert record(db, clock) == []


# --- record_contact_upsert ----------------------------------------------------------------------

def upsert(db, clock, data, source="api"):
    with db.session() as session:
        return record_contact_upsert(session, data, now=clock.now(), source=source)


def test_upsert_creates_then_updates(db, clock):
    created = upsert(db, clock, {
        "email": "Ana@Example.com", "first_name": " Ana ", "last_name": "Silva",
        "timezone": "europe/lisbon", "locale": "pt_br", "country": "pt",
        "attributes": {"plan": "pro", "visits": 3},
        "consent": {"granted": True, "source": "signup_form", "evidence": {"ip": "192.0.2.1"}},
    })
    assert created.created is True
    ana = contact(db, "ana@example.com")
    assert (ana.first_name, ana.last_name, ana.timezone, ana.locale, ana.country, ana.attributes) == (
        "Ana", "Silva", "Europe/Lisbon", "pt-BR", "PT", {"plan": "pro", "visits": 3}
    )
    [consent] = consents(db)
    assert (consent.granted, consent.source, consent.evidence, consent.recorded_at) == (
        True, "signup_form", {"ip": "192.0.2.1"}, clock.now()
    )

    clock.advance(timedelta(minutes=1))
    updated = upsert(
        db, clock,
        {"email": "ana@example.com", "country": None, "attributes": {"plan": None, "vip": True}},
    )
    assert updated == (created.contact_id, False)
    ana = contact(db, "ana@example.com")
    assert (ana.first_name, ana.timezone, ana.country) == ("Ana", "Europe/Lisbon", None)
    assert ana.attributes == {"visits": 3, "vip": True}
    assert ana.updated_at == clock.now()


def test_upsert_consent_source_defaults_to_the_intake_source(db, clock):
    upsert(db, clock, {"email": "ana@example.com", "consent": {"granted": False}}, source="api")
    assert (consents(db)[0].source, consents(db)[0].evidence) == ("api", {})


@pytest.mark.parametrize(
    "data, message",
    [
        ("ana@example.com", 'a contact must be a JSON object like {"email": "ana@example.com"}'),
        ({}, '"email" is missing'),
        ({"email": 3}, "email: must be text"),
        ({"email": "ana"}, "email: An email address must have an @-sign."),
        ({"email": "a@example.com", "phone": "1"},
         '"phone" is not a contact field (use email, first_name, last_name, timezone, locale, '
         "country, attributes, consent)"),
        ({"email": "a@example.com", "first_name": 5}, "first_name: must be text"),
        ({"email": "a@example.com", "last_name": "x" * 201},
         "last_name: last name is longer than 200 characters"),
        ({"email": "a@example.com", "timezone": "Mars/Olympus"},
         'timezone: time zone "Mars/Olympus" is not known (use a name like Europe/Paris)'),
        ({"email": "a@example.com", "locale": "English"},
         'locale: language must be a code like en or pt-BR, not "English"'),
        ({"email": "a@example.com", "country": "France"},
         'country: country must be a 2-letter code like US or FR, not "France"'),
        ({"email": "a@example.com", "attributes": []},
         'attributes: must be a JSON object like {"plan": "pro"}'),
        ({"email": "a@example.com", "attributes": {"Plan Type": "x"}},
         'attributes: attribute name "Plan Type" must be lower-case words joined by underscores, '
         "like plan_type (at most 64 characters)"),
        ({"email": "a@example.com", "attributes": {"fname": "x"}},
         'attributes: "fname" is the name of a standard contact field; pick another attribute name'),
        ({"email": "a@example.com", "attributes": {"tags": ["a"]}},
         'attributes: "tags" must be text, a number, true/false or null'),
        ({"email": "a@example.com", "consent": True},
         'consent: must be a JSON object like {"granted": true}'),
        ({"email": "a@example.com", "consent": {"granted": "yes"}},
         'consent: "granted" must be true or false'),
        ({"email": "a@example.com", "consent": {"granted": True, "at": "x"}},
         'consent: "at" is not a consent field (use granted, source, evidence)'),
        ({"email": "a@example.com", "consent": {"granted": True, "source": ""}},
         'consent: "source" must be a non-empty text'),
        ({"email": "a@example.com", "consent": {"granted": True, "evidence": "x"}},
         'consent: "evidence" must be a JSON object'),
    ],
)
def test_upsert_errors_write_nothing(db, clock, data, message):
    with pytest.raises(InputError) as caught:
        upsert(db, clock, data)
    assert str(caught.value) == message
    with db.session() as session:
        assert session.scalars(select(Contact)).all() == []
