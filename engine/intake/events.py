"""The one way events and contact updates enter Trellis (CLI, HTTP server and GUI alike).

Contract:
- `parse_event(obj, where)` checks one decoded JSON object `{"contact": email, "name": text,
  "properties": {...}, "at": ISO 8601}` and returns an `EventInput`, or raises `InputError`
  naming the field (`line 3: "name" is missing`). `at` is optional (absent = when it is
  recorded) but, when given, must carry `Z` or an offset: a naive time is ambiguous across the
  contact's, the shop's and the server's time zones, so it is refused rather than guessed.
- `record_events(session, items, now=, source=)` stores the events in the caller's
  transaction with a few bulk statements per few thousand events, and returns their ids in
  the order given. An unknown email creates the contact. Events are stored unprocessed
  (`processed_at` NULL: the engine matches them later). Each contact's `last_activity_at`
  becomes the latest of its current value and its events' times. Reserved names change the
  contact: `unsubscribed` → unsubscribed + consent withdrawn; `email_bounced` (hard, the
  default `type`) → bounced; `spam_complaint` → complained + consent withdrawn. The
  withdrawal's source is `properties["source"]` or the intake source; its evidence is the
  event's properties. No event ever lifts a suppressed status.
- `record_contact_upsert(session, data, now=, source=)` creates or updates one contact from
  `{email, first_name, last_name, timezone, locale, country, attributes, consent: {granted,
  source, evidence}}`, checking fields exactly as the CSV import does. Absent keys leave a
  field alone; null clears it (attributes: removes that key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple, Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.db.collector import paused_gc
from engine.files import strict_json
from engine.contacts import fields as clean
from engine.contacts.columns import standard_field
from engine.contacts.emails import normalise_email
from engine.contacts.store import (
    CHUNK,
    ConsentChange,
    ContactChange,
    apply_contact_changes,
)
from engine.db.fastbulk import insert_rows
from engine.db.models import ContactStatus, Event
from engine.errors import InputError

UNSUBSCRIBED = "unsubscribed"
EMAIL_BOUNCED = "email_bounced"
SPAM_COMPLAINT = "spam_complaint"
RESERVED_EVENT_NAMES = (UNSUBSCRIBED, EMAIL_BOUNCED, SPAM_COMPLAINT)

EVENT_NAME_MAX_LENGTH = 100
MIN_EVENT_YEAR, MAX_EVENT_YEAR = 1900, 2999
SOURCE_MAX_LENGTH = 50
_EVENT_FIELDS = ("at", "contact", "name", "properties")
_CONTACT_FIELDS = (
    "email", "first_name", "last_name", "timezone", "locale", "country", "attributes", "consent"
)
_CONSENT_FIELDS = ("granted", "source", "evidence")
#: fields that may be empty (stored as NULL), with their shared checks
_OPTIONAL_FIELD_CLEANERS = {
    "timezone": clean.clean_timezone,
    "locale": clean.clean_locale,
    "country": clean.clean_country,
}
_event = Event.__table__


@dataclass(frozen=True, slots=True)
class EventInput:
    """A checked event: `contact` is a normalised email, `at` an aware UTC time or None."""

    contact: str
    name: str
    properties: dict[str, Any]
    at: datetime | None = None


class ContactUpsert(NamedTuple):
    contact_id: int
    created: bool


def parse_event(obj: Any, where: str = "") -> EventInput:
    if not isinstance(obj, Mapping):
        raise InputError(
            'an event must be a JSON object like {"contact": "ana@example.com", '
            '"name": "order_placed"}',
            where,
        )
    # The same rule for every way in (CLI file, HTTP, GUI): text the database can store as
    # UTF-8 (no NUL, no lone surrogate), numbers that are JSON numbers (no NaN, Infinity).
    found = strict_json.text_problem(dict(obj))
    if found is not None:
        raise InputError(f'"{found[0]}": {found[1]}', where)
    unknown = [key for key in obj if key not in _EVENT_FIELDS]
    if unknown:
        raise InputError(
            f'"{unknown[0]}" is not an event field (use {", ".join(_EVENT_FIELDS)})', where
        )
    for required in ("contact", "name"):
        if obj.get(required) is None:
            raise InputError(f'"{required}" is missing', where)
    contact = obj["contact"]
    if not isinstance(contact, str):
        raise InputError('"contact" must be an email address in quotes', where)
    try:
        contact = normalise_email(contact)
    except InputError as exc:
        raise InputError(f'"contact" is not a valid email address: {exc.reason}', where) from None
    name = obj["name"]
    if not isinstance(name, str) or not name.strip():
        raise InputError('"name" must be a non-empty text', where)
    name = name.strip()
    if len(name) > EVENT_NAME_MAX_LENGTH:
        raise InputError(f'"name" is longer than {EVENT_NAME_MAX_LENGTH} characters', where)
    properties = obj.get("properties")
    if properties is None:
        properties = {}
    elif not isinstance(properties, Mapping):
        raise InputError('"properties" must be a JSON object like {"total": 42}', where)
    # The same rule for every way in (CLI file, HTTP, GUI): text the database can store as
    # UTF-8, numbers that are JSON numbers.
    return EventInput(contact, name, dict(properties), _parse_time(obj.get("at"), where))


def _parse_time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    example = "like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00"
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
    if parsed is not None and parsed.tzinfo is not None:
        try:
            utc = parsed.astimezone(timezone.utc)
        except (OverflowError, ValueError):  # 9999-12-31T23:59:59-01:00 is year 10000 in UTC
            utc = None
        # Far dates are refused, not stored: the engine adds delays and windows to event
        # times, and year 9999 + 3 days would overflow inside a tick.
        if utc is None or not MIN_EVENT_YEAR <= utc.year <= MAX_EVENT_YEAR:
            raise InputError(f'"at" {str(value)[:40]} is outside the years {MIN_EVENT_YEAR}'
                             f"-{MAX_EVENT_YEAR} (UTC)", where)
        return utc
    if parsed is None:
        raise InputError(f'"at" is not an ISO 8601 time with a timezone ({example})', where)
    if parsed.tzinfo is None:
        raise InputError(
            f'"at" has no timezone: add Z (UTC) or an offset such as +01:00 ({example})', where
        )
    return parsed.astimezone(timezone.utc)


def record_events(
    session: Session, items: Sequence[EventInput], *, now: datetime, source: str
) -> list[int]:
    if not items:
        return []
    with paused_gc():  # engine/db/collector.py: a fifth of recording a batch of sign-ups
        return _record_events(session, items, now=now, source=source)


def _record_events(
    session: Session, items: Sequence[EventInput], *, now: datetime, source: str
) -> list[int]:
    changes: dict[str, ContactChange] = {}
    # Time order, so that the latest status-changing event of a batch is the one that holds.
    for item in sorted(items, key=lambda item: item.at or now):
        occurred = item.at or now
        change = changes.get(item.contact)
        if change is None:
            change = changes[item.contact] = ContactChange(email=item.contact)
        if change.activity_at is None or occurred > change.activity_at:
            change.activity_at = occurred
        _apply_reserved(change, item, occurred, source)
    ids = apply_contact_changes(session, list(changes.values()), now=now).ids

    rows = [
        {
            "contact_id": ids[item.contact],
            "name": item.name,
            "properties": item.properties,
            "occurred_at": item.at or now,
            "received_at": now,
            "source": source,
            "processed_at": None,
        }
        for item in items
    ]
    return _insert_events(session, rows)


def _insert_events(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert in bulk and return the new ids in order."""
    if session.get_bind().dialect.name == "sqlite":
        # One executemany inside our write transaction: SQLite hands out consecutive rowids,
        # so the ids are the last one and the n-1 before it.
        insert_rows(session, _event, rows)
        last = session.connection().exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        return list(range(last - len(rows) + 1, last + 1))
    event_ids: list[int] = []
    statement = insert(_event).returning(_event.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), CHUNK):
        event_ids.extend(session.execute(statement, rows[start : start + CHUNK]).scalars())
    return event_ids


def _apply_reserved(
    change: ContactChange, item: EventInput, occurred: datetime, source: str
) -> None:
    """What a reserved event name does to its contact (nothing for other names)."""
    if item.name == EMAIL_BOUNCED:
        if item.properties.get("type", "hard") == "hard":
            change.fields["status"] = ContactStatus.BOUNCED
        return
    if item.name == UNSUBSCRIBED:
        change.fields["status"] = ContactStatus.UNSUBSCRIBED
    elif item.name == SPAM_COMPLAINT:
        change.fields["status"] = ContactStatus.COMPLAINED
    else:
        return
    given = item.properties.get("source")
    consent_source = given[:SOURCE_MAX_LENGTH] if isinstance(given, str) and given else source
    change.consents.append(ConsentChange(False, consent_source, occurred, item.properties))


def record_contact_upsert(
    session: Session, data: Any, *, now: datetime, source: str
) -> ContactUpsert:
    change = _parse_contact(data, now=now, source=source)
    outcome = apply_contact_changes(session, [change], now=now)
    return ContactUpsert(outcome.ids[change.email], created=outcome.created == 1)


def _parse_contact(data: Any, *, now: datetime, source: str) -> ContactChange:
    if not isinstance(data, Mapping):
        raise InputError('a contact must be a JSON object like {"email": "ana@example.com"}')
    unknown = [key for key in data if key not in _CONTACT_FIELDS]
    if unknown:
        raise InputError(
            f'"{unknown[0]}" is not a contact field (use {", ".join(_CONTACT_FIELDS)})'
        )
    email = data.get("email")
    if email is None:
        raise InputError('"email" is missing')
    change = ContactChange(email=normalise_email(_text(email, "email"), "email"))
    for name in ("first_name", "last_name"):
        if name in data:
            value = (_text(data[name], name, nullable=True) or "").strip()
            change.fields[name] = _checked(clean.clean_name, value, name, name.replace("_", " "))
    for name, cleaner in _OPTIONAL_FIELD_CLEANERS.items():
        if name in data:
            value = (_text(data[name], name, nullable=True) or "").strip()
            change.fields[name] = _checked(cleaner, value, name) if value else None
    if data.get("attributes") is not None:
        change.attributes = _attributes(data["attributes"])
    if data.get("consent") is not None:
        change.consents.append(_consent(data["consent"], now=now, source=source))
    return change


def _checked(cleaner: Callable[..., Any], value: str, where: str, *args: Any) -> Any:
    """`cleaner(value, *args)`, its error re-raised as being about the field `where`."""
    try:
        return cleaner(value, *args)
    except InputError as exc:
        raise InputError(exc.reason, where) from None


def _text(value: Any, where: str, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise InputError("must be text", where)
    return value


def _attributes(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError('must be a JSON object like {"plan": "pro"}', "attributes")
    for key, item in value.items():
        if not isinstance(key, str):
            raise InputError("attribute names must be text", "attributes")
        _checked(clean.check_attribute_key, key, "attributes")
        if standard_field(key) is not None:
            raise InputError(
                f'"{key}" is the name of a standard contact field; pick another attribute name',
                "attributes",
            )
        if item is not None and not isinstance(item, (str, int, float, bool)):
            raise InputError(
                f'"{key}" must be text, a number, true/false or null', "attributes"
            )
    return dict(value)


def _consent(value: Any, *, now: datetime, source: str) -> ConsentChange:
    if not isinstance(value, Mapping):
        raise InputError('must be a JSON object like {"granted": true}', "consent")
    unknown = [key for key in value if key not in _CONSENT_FIELDS]
    if unknown:
        raise InputError(
            f'"{unknown[0]}" is not a consent field (use {", ".join(_CONSENT_FIELDS)})', "consent"
        )
    granted = value.get("granted")
    if not isinstance(granted, bool):
        raise InputError('"granted" must be true or false', "consent")
    given = value.get("source")
    if given is not None and (not isinstance(given, str) or not given.strip()):
        raise InputError('"source" must be a non-empty text', "consent")
    evidence = value.get("evidence")
    if evidence is not None and not isinstance(evidence, Mapping):
        raise InputError('"evidence" must be a JSON object', "consent")
    return ConsentChange(
        granted=granted,
        source=(given or source).strip()[:SOURCE_MAX_LENGTH],
        recorded_at=now,
        evidence=dict(evidence or {}),
    )
