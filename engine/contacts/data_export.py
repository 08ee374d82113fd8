"""Everything Trellis holds on one person, as JSON (a data-access request).

Contract: `person_data(session, email)` returns a plain dict (JSON-ready: times as ISO 8601
UTC) with the contact's fields and custom fields, consent records with their evidence, lists,
ad audiences, events with their properties, journeys (each enrollment with its steps and
their reasons), messages (address, subject, status, times and bodies), coupons and webhook
calls made about them. An unknown address raises LookupError; a malformed one InputError.
`write_person_data(db, email, path)` writes it to `path` through a temporary file in the
same folder, so a failure leaves no half-written file (and an existing file untouched).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.contacts.emails import normalise_email
from engine.db.database import Database
from engine.db.models import (
    AudienceMember,
    Consent,
    Contact,
    ContactList,
    Coupon,
    Enrollment,
    Event,
    JourneyRow,
    ListMembership,
    Message,
    StepLog,
    WebhookCall,
)

FORMAT_VERSION = 1


def person_data(session: Session, email: str) -> dict[str, Any]:
    address = normalise_email(email, "the email address")
    contact = session.execute(select(Contact).where(Contact.email == address)).scalar()
    if contact is None:
        raise LookupError(f"there is no contact {address!r}")
    cid = contact.id
    journeys = dict(session.execute(select(JourneyRow.id, JourneyRow.name)).all())
    steps: dict[int, list[dict]] = {}
    for log in session.execute(
        select(StepLog).where(StepLog.contact_id == cid).order_by(StepLog.at, StepLog.id)
    ).scalars():
        steps.setdefault(log.enrollment_id, []).append(
            _row(log, "node_id", "kind", "port", "reason", "detail", "at")
        )
    return {
        "format": "trellis-person-data",
        "format_version": FORMAT_VERSION,
        "contact": _row(
            contact, "id", "email", "first_name", "last_name", "timezone", "locale",
            "country", "status", "lead_score", "attributes", "is_test", "created_at",
            "updated_at", "last_activity_at",
        ),
        "consents": [
            _row(c, "purpose", "granted", "recorded_at", "source", "evidence")
            for c in _all(session, select(Consent).where(Consent.contact_id == cid)
                          .order_by(Consent.recorded_at, Consent.id))
        ],
        "lists": [
            {"list": name, "added_at": _plain(added_at), "source": source}
            for name, added_at, source in session.execute(
                select(ContactList.name, ListMembership.added_at, ListMembership.source)
                .join(ListMembership, ListMembership.list_id == ContactList.id)
                .where(ListMembership.contact_id == cid).order_by(ContactList.name)
            )
        ],
        "audiences": [
            _row(a, "audience", "added_at")
            for a in _all(session, select(AudienceMember).where(AudienceMember.contact_id == cid))
        ],
        "events": [
            _row(e, "name", "properties", "occurred_at", "received_at", "source")
            for e in _all(session, select(Event).where(Event.contact_id == cid)
                          .order_by(Event.occurred_at, Event.id))
        ],
        "journeys": [
            {
                "journey": journeys.get(e.journey_id, f"journey #{e.journey_id}"),
                **_row(e, "status", "node_id", "entered_at", "ended_at", "end_reason",
                       "context"),
                "steps": steps.get(e.id, []),
            }
            for e in _all(session, select(Enrollment).where(Enrollment.contact_id == cid)
                          .order_by(Enrollment.entered_at, Enrollment.id))
        ],
        "messages": [
            _row(m, "to_address", "subject", "template_key", "category", "status",
                 "queued_at", "sent_at", "html", "text")
            for m in _all(session, select(Message).where(Message.contact_id == cid)
                          .order_by(Message.queued_at, Message.id))
        ],
        "coupons": [
            _row(c, "code", "percent", "created_at", "expires_at", "redeemed_at")
            for c in _all(session, select(Coupon).where(Coupon.contact_id == cid))
        ],
        "webhook_calls": [
            _row(w, "url", "method", "body", "status", "created_at", "sent_at")
            for w in _all(session, select(WebhookCall).where(WebhookCall.contact_id == cid))
        ],
    }


def write_person_data(db: Database, email: str, path: str | Path) -> dict[str, Any]:
    path = Path(path)
    with db.session() as session:
        data = person_data(session, email)
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return data


def _all(session: Session, statement) -> list:
    return list(session.execute(statement).scalars())


def _row(obj: Any, *names: str) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
