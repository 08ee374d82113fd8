"""Erasing one person's data, and the suppression list that remembers them anonymously.

Contract:
- `email_hash(email)` is the sha256 hex of the normalised address: what the suppression
  list keeps instead of the address.
- `erase_contact(session, email, now=...)` erases, in the caller's transaction, everything
  personal Trellis holds on the contact with that address, and returns an `ErasureReport`:
  - the contact row stays (so counts, revenue and journey statistics do not change) but its
    address becomes `erased-<id>@erased.invalid` (undeliverable by definition), its names,
    time zone, language, country and custom fields are cleared, its status becomes
    unsubscribed and its lead score 0;
  - events keep their name and time and only their number and yes/no properties (revenue,
    quantity): every text property (names, addresses, URLs, notes) is dropped;
  - consent rows keep what was agreed and when, not the evidence (IP address, user agent,
    file line);
  - messages keep their status and times; address, subject, bodies, headers and error are
    blanked; step logs keep what happened and why, not the email's (personalised) subject,
    a render error or a value an action wrote (`PERSONAL_STEP_KEYS`);
  - webhook calls lose their body, headers and response; running enrollments end with
    reason "erased" and every enrollment's context (trigger properties) is cleared;
  - list and ad-audience memberships are removed;
  - a `Suppression` row (hash, "erased", time, counts of what was erased, the contact id)
    is the anonymous audit record; `is_suppressed_hash` checks it, and the contact store
    creates any later contact with that address as unsubscribed.
  An unknown address raises LookupError naming it; a malformed one InputError.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.contacts.emails import normalise_email
from engine.db.fastbulk import rows_where_in
from engine.db.models import (
    AudienceMember,
    Consent,
    Contact,
    ContactStatus,
    Enrollment,
    EnrollmentStatus,
    Event,
    ListMembership,
    Message,
    StepLog,
    Suppression,
    WebhookCall,
)

ERASED_DOMAIN = "erased.invalid"
#: step log details that may repeat personal data
PERSONAL_STEP_KEYS = ("subject", "error", "value")
HASH_CHUNK = 30_000
REASON_ERASED = "erased"


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def is_erased_address(email: str) -> bool:
    return email.endswith("@" + ERASED_DOMAIN)


@dataclass(slots=True)
class ErasureReport:
    contact_id: int
    events: int = 0
    consents: int = 0
    messages: int = 0
    enrollments_ended: int = 0
    lists_left: int = 0
    webhook_calls: int = 0

    def summary(self) -> str:
        return (
            f"Contact #{self.contact_id} erased: {self.events:,} events stripped of personal "
            f"properties, {self.consents:,} consent records and {self.messages:,} messages "
            f"anonymised, {self.enrollments_ended:,} running journeys ended, "
            f"{self.lists_left:,} list memberships removed. The address is kept only as a "
            "hash in the suppression list, so no import can subscribe it again."
        )


def erase_contact(session: Session, email: str, *, now: datetime) -> ErasureReport:
    address = normalise_email(email, "the email address")
    contact = session.execute(select(Contact).where(Contact.email == address)).scalar()
    if contact is None:
        raise LookupError(f"there is no contact {address!r}")
    report = ErasureReport(contact_id=contact.id)
    cid = contact.id

    contact.email = f"erased-{cid}@{ERASED_DOMAIN}"
    contact.first_name = contact.last_name = ""
    contact.timezone = contact.locale = contact.country = None
    contact.attributes = {}
    contact.status = ContactStatus.UNSUBSCRIBED
    contact.lead_score = 0
    contact.is_test = False
    contact.updated_at = now

    for event in session.execute(select(Event).where(Event.contact_id == cid)).scalars():
        event.properties = _anonymous_properties(event.properties)
        report.events += 1
    report.consents = session.execute(
        update(Consent).where(Consent.contact_id == cid).values(evidence={})
    ).rowcount
    report.messages = session.execute(
        update(Message)
        .where(Message.contact_id == cid)
        .values(to_address=contact.email, subject="", html="", text="", headers={},
                last_error=None)
    ).rowcount
    for log in session.execute(select(StepLog).where(StepLog.contact_id == cid)).scalars():
        if any(key in (log.detail or {}) for key in PERSONAL_STEP_KEYS):
            log.detail = {k: v for k, v in log.detail.items() if k not in PERSONAL_STEP_KEYS}
    report.webhook_calls = session.execute(
        update(WebhookCall)
        .where(WebhookCall.contact_id == cid)
        .values(body={}, headers={}, response_body=None)
    ).rowcount
    report.enrollments_ended = session.execute(
        update(Enrollment)
        .where(Enrollment.contact_id == cid, Enrollment.status == EnrollmentStatus.ACTIVE)
        .values(status=EnrollmentStatus.EXITED, end_reason=REASON_ERASED, ended_at=now,
                due_at=None, paused_due_at=None, active_journey_id=None, wait_event=None)
    ).rowcount
    session.execute(update(Enrollment).where(Enrollment.contact_id == cid).values(context={}))
    report.lists_left = session.execute(
        delete(ListMembership).where(ListMembership.contact_id == cid)
    ).rowcount
    session.execute(delete(AudienceMember).where(AudienceMember.contact_id == cid))

    digest = email_hash(address)
    existing = session.get(Suppression, digest)
    if existing is None:
        session.add(Suppression(email_hash=digest, reason=REASON_ERASED, recorded_at=now,
                                detail=asdict(report)))
    else:  # erased before, imported again, erased again: keep one row, the latest audit
        existing.recorded_at, existing.detail = now, asdict(report)
    session.flush()
    return report


def suppressed_hashes(session: Session, emails: list[str]) -> set[str]:
    """The normalised addresses among `emails` whose hash is in the suppression list."""
    by_hash = {email_hash(email): email for email in emails}
    found: set[str] = set()
    keys = list(by_hash)
    # One statement for most batches: a cheap primary-key probe per hash, well under
    # SQLite's 32,766 bound parameters.
    for row in rows_where_in(session, Suppression.__table__, ["email_hash"], "email_hash",
                             keys, HASH_CHUNK):
        found.add(by_hash[row["email_hash"]])
    return found


def _anonymous_properties(properties: dict) -> dict:
    # Numbers and yes/no values describe what happened (revenue, quantity), not who.
    return {
        key: value
        for key, value in (properties or {}).items()
        if isinstance(value, (int, float, bool)) and key not in ("ip", "phone", "zip")
    }
