"""Creating and updating contacts in bulk: the one write path for imports, the API and events.

Contract: `apply_contact_changes(session, changes, now=...)` takes at most one
`ContactChange` per (already normalised) email and, inside the caller's transaction:
- creates the contacts that do not exist and updates those that do, with a handful of
  bulk statements per few thousand contacts (never one ORM round-trip per contact);
- sets only the fields a change names; merges attributes (a None value removes a key);
  raises `last_activity_at`, never lowers it;
- never moves a suppressed contact (unsubscribed, bounced, complained) back to a mailable
  status: that takes a deliberate act, not an import or an event; a new contact whose
  address was erased before (its hash is in the suppression list, `privacy.py`) is created
  unsubscribed and counted in `kept_suppressed`;
- appends consent rows, except one identical (granted, time, source) to the contact's latest,
  or one marked `only_if_changed` that agrees with it: re-importing a file or an export does
  not grow the consent history;
- leaves a contact untouched (updated_at included) when nothing about it changes.
Contacts already loaded in the session as ORM objects are not refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator, Sequence

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.contacts.privacy import suppressed_hashes
from engine.db.fastbulk import insert_rows, rows_where_in
from engine.db.models import Consent, Contact, ContactStatus

#: rows per statement and ids per IN list: well below SQLite's 32,766 and PostgreSQL's
#: 65,535 bound parameters, large enough that 100,000 contacts take few round-trips
CHUNK = 2000
CONSENT_PURPOSE = "email_marketing"

#: the columns a change may set
SETTABLE_FIELDS = (
    "first_name", "last_name", "timezone", "locale", "country", "lead_score", "status"
)
_TRACKED = (*SETTABLE_FIELDS, "attributes", "last_activity_at")
_DEFAULTS: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "timezone": None,
    "locale": None,
    "country": None,
    "lead_score": 0,
    "status": ContactStatus.ACTIVE,
}

_contact = Contact.__table__
_consent = Consent.__table__


@dataclass(slots=True)
class ConsentChange:
    granted: bool
    source: str
    recorded_at: datetime
    evidence: dict[str, Any]
    #: record it only if it changes the contact's consent (an undated "yes" in a file is not
    #: new evidence when the contact has already said yes)
    only_if_changed: bool = False


@dataclass(slots=True)
class ContactChange:
    email: str
    fields: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    activity_at: datetime | None = None
    consents: list[ConsentChange] = field(default_factory=list)


@dataclass(slots=True)
class ChangeOutcome:
    #: contact id of every email in the changes
    ids: dict[str, int]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: contacts whose suppressed status a change tried to lift
    kept_suppressed: int = 0


def merge_status(current: str, requested: str) -> str:
    """The status a contact ends with: suppression is never lifted by a change."""
    if current in ContactStatus.SUPPRESSED and requested not in ContactStatus.SUPPRESSED:
        return current
    return requested


def apply_contact_changes(
    session: Session, changes: Sequence[ContactChange], *, now: datetime
) -> ChangeOutcome:
    existing = _load_existing(session, [change.email for change in changes])
    latest_consent = _load_latest_consents(
        session, [existing[c.email]["id"] for c in changes if c.consents and c.email in existing]
    )
    outcome = ChangeOutcome(ids={})
    new_rows: list[dict[str, Any]] = []
    new_changes: list[ContactChange] = []
    updated_rows: list[dict[str, Any]] = []
    consent_rows: list[dict[str, Any]] = []

    for change in changes:
        current = existing.get(change.email)
        if current is None:
            new_rows.append(_new_row(change, now))
            new_changes.append(change)
            continue
        contact_id = current["id"]
        outcome.ids[change.email] = contact_id
        merged = _merged_row(current, change)
        if merged["status"] != change.fields.get("status", merged["status"]):
            outcome.kept_suppressed += 1
        consents = _consent_rows(contact_id, change.consents, latest_consent.get(contact_id))
        consent_rows.extend(consents)
        if consents or any(merged[name] != current[name] for name in _TRACKED):
            updated_rows.append({"b_id": contact_id, "updated_at": now, **merged})
        else:
            outcome.unchanged += 1

    if new_rows:
        erased_before = suppressed_hashes(session, [row["email"] for row in new_rows])
        for row in new_rows:
            if row["email"] in erased_before:
                row["status"] = merge_status(ContactStatus.UNSUBSCRIBED, row["status"])
                outcome.kept_suppressed += 1

    # Plain executemany, then the ids by email: INSERT … RETURNING in parameter order runs
    # row by row on SQLite, and the email is unique anyway. fastbulk writes what Core
    # would, without its per-value processing (a third of a sign-up's intake time).
    for chunk in _chunks(new_rows):
        insert_rows(session, _contact, chunk)
        outcome.ids.update((row["email"], row["id"]) for row in rows_where_in(
            session, _contact, ["email", "id"], "email", [row["email"] for row in chunk], CHUNK))
    for change in new_changes:
        consent_rows.extend(_consent_rows(outcome.ids[change.email], change.consents, None))

    if updated_rows:
        # The SET clause comes from the parameter keys: every tracked column, as merged.
        statement = update(_contact).where(_contact.c.id == bindparam("b_id"))
        for chunk in _chunks(updated_rows):
            session.execute(statement, chunk)
    for chunk in _chunks(consent_rows):
        session.execute(insert(_consent), chunk)

    outcome.created = len(new_rows)
    outcome.updated = len(updated_rows)
    return outcome


def _new_row(change: ContactChange, now: datetime) -> dict[str, Any]:
    return {
        "email": change.email,
        **_DEFAULTS,
        **change.fields,
        "attributes": {k: v for k, v in change.attributes.items() if v is not None},
        "last_activity_at": change.activity_at,
        "created_at": now,
        "updated_at": now,
    }


def _merged_row(current: dict[str, Any], change: ContactChange) -> dict[str, Any]:
    merged = {name: current[name] for name in _TRACKED}
    merged.update(change.fields)
    merged["status"] = merge_status(current["status"], merged["status"])
    if change.attributes:
        attributes = {**current["attributes"], **change.attributes}
        merged["attributes"] = {k: v for k, v in attributes.items() if v is not None}
    if change.activity_at is not None and (
        current["last_activity_at"] is None or change.activity_at > current["last_activity_at"]
    ):
        merged["last_activity_at"] = change.activity_at
    return merged


def _consent_rows(
    contact_id: int, consents: list[ConsentChange], latest: tuple | None
) -> list[dict[str, Any]]:
    rows = []
    for consent in consents:
        key = (consent.granted, consent.recorded_at, consent.source)
        if key == latest or (consent.only_if_changed and latest and latest[0] == consent.granted):
            continue
        latest = key
        rows.append(
            {
                "contact_id": contact_id,
                "purpose": CONSENT_PURPOSE,
                "granted": consent.granted,
                "recorded_at": consent.recorded_at,
                "source": consent.source,
                "evidence": consent.evidence,
            }
        )
    return rows


def _load_existing(session: Session, emails: list[str]) -> dict[str, dict[str, Any]]:
    return {row["email"]: row for row in rows_where_in(
        session, _contact, ["id", "email", *_TRACKED], "email", emails, CHUNK)}


def _load_latest_consents(session: Session, contact_ids: list[int]) -> dict[int, tuple]:
    """contact id → (granted, recorded_at, source) of its latest marketing consent row."""
    latest: dict[int, tuple] = {}
    for chunk in _chunks(contact_ids):
        rows = session.execute(
            select(
                _consent.c.contact_id, _consent.c.granted, _consent.c.recorded_at, _consent.c.source
            )
            .where(_consent.c.contact_id.in_(chunk), _consent.c.purpose == CONSENT_PURPOSE)
            .order_by(_consent.c.recorded_at, _consent.c.id)
        )
        for contact_id, granted, recorded_at, source in rows:
            latest[contact_id] = (granted, recorded_at, source)
    return latest


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
