"""What the contacts workspace and profile do to contacts, in the caller's transaction.

Contract (each takes contact ids, works in chunks, returns how many contacts changed):
- `remove_from_list(session, list_id, ids)` deletes those memberships.
- `unsubscribe(session, ids, now=..., source="manual")` sets the status to unsubscribed
  (bounced and complained stay as they are: they say more) and records a withdrawn
  marketing consent with `source`, so the profile shows who did it and when.
- `delete_contacts(session, ids)` deletes the contacts and, by the schema's cascades,
  their events, consents, memberships and enrollments; their sent messages stay, without
  a contact. (`privacy.erase_contact` is the way to forget a person but keep the counts.)
- `set_field(session, contact_id, name, value, now=...)` sets one editable field (a
  standard column or, with `attributes.KEY`, a custom one; None removes a custom one) after
  the same checks as an import, and returns the previous value. Errors are `InputError`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.contacts import fields as clean
from engine.contacts.store import CHUNK, CONSENT_PURPOSE
from engine.db.deletions import after_deleting
from engine.db.models import Consent, Contact, ContactStatus, ListMembership
from engine.errors import InputError

#: editable standard fields → the check an import applies (None: any text, "" allowed)
EDITABLE: dict[str, Any] = {
    "first_name": lambda raw: clean.clean_name(raw, "first name"),
    "last_name": lambda raw: clean.clean_name(raw, "last name"),
    "timezone": clean.clean_timezone,
    "locale": clean.clean_locale,
    "country": clean.clean_country,
    "lead_score": clean.clean_lead_score,
}
ATTRIBUTE_PREFIX = "attributes."


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def remove_from_list(session: Session, list_id: int, ids: Iterable[int]) -> int:
    removed = 0
    for chunk in _chunks(ids):
        removed += session.execute(delete(ListMembership).where(
            ListMembership.list_id == list_id, ListMembership.contact_id.in_(chunk))).rowcount
    return removed


def unsubscribe(session: Session, ids: Iterable[int], *, now: datetime,
                source: str = "manual") -> int:
    changed = 0
    for chunk in _chunks(ids):
        active = list(session.execute(select(Contact.id).where(
            Contact.id.in_(chunk), Contact.status.not_in(ContactStatus.SUPPRESSED))).scalars())
        if not active:
            continue
        session.execute(update(Contact).where(Contact.id.in_(active))
                        .values(status=ContactStatus.UNSUBSCRIBED, updated_at=now))
        session.execute(Consent.__table__.insert(), [
            {"contact_id": cid, "purpose": CONSENT_PURPOSE, "granted": False,
             "recorded_at": now, "source": source, "evidence": {"by": "trellis app"}}
            for cid in active])
        changed += len(active)
    return changed


def delete_contacts(session: Session, ids: Iterable[int]) -> int:
    deleted = 0
    for chunk in _chunks(ids):
        deleted += session.execute(delete(Contact).where(Contact.id.in_(chunk))).rowcount
    after_deleting(session)  # their events' and step logs' ids may be given again (SQLite)
    return deleted


def set_field(session: Session, contact_id: int, name: str, value: Any, *,
              now: datetime) -> Any:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise InputError(f"contact #{contact_id} no longer exists")
    if name.startswith(ATTRIBUTE_PREFIX):
        key = name[len(ATTRIBUTE_PREFIX):]
        clean.check_attribute_key(key)
        previous = contact.attributes.get(key)
        attributes = dict(contact.attributes)
        if value is None or value == "":
            attributes.pop(key, None)
        else:
            attributes[key] = value
        contact.attributes = attributes
    elif name in EDITABLE:
        previous = getattr(contact, name)
        text = value.strip() if isinstance(value, str) else value
        if text in ("", None):
            if name == "lead_score":
                raise InputError("lead score must be a whole number")
            text = "" if name in ("first_name", "last_name") else None
        else:
            text = EDITABLE[name](text)
        setattr(contact, name, text)
    else:
        raise InputError(f"{name!r} is not a field that can be edited")
    contact.updated_at = now
    return previous
