"""Ad audiences: contacts a journey added to a named audience, exported for ad platforms.

Contract: `export_audience_csv(db, name, path)` writes one column `email` holding the
SHA-256 hex digest of each member's normalised (trimmed, lower-cased) email — the hashed
layout that Google Customer Match and Meta custom audiences accept — and returns the count.
Suppressed contacts (unsubscribed, bounced, complained) are left out. No plain email ever
leaves in this file.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from sqlalchemy import select

from engine.db.database import Database
from engine.db.models import AudienceMember, Contact, ContactStatus


def hashed_email(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def audience_names(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AudienceMember.audience).distinct()
                                    .order_by(AudienceMember.audience)))


def export_audience_csv(db: Database, name: str, path: str | Path) -> int:
    with db.session() as session:
        emails = session.scalars(
            select(Contact.email).join(AudienceMember, AudienceMember.contact_id == Contact.id)
            .where(AudienceMember.audience == name,
                   Contact.status.not_in(ContactStatus.SUPPRESSED))
            .order_by(Contact.id)).all()
    if not emails and name not in audience_names(db):
        raise LookupError(f"there is no audience named {name!r}")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email"])
        writer.writerows([hashed_email(e)] for e in emails)
    return len(emails)
