"""Exporting issued coupon codes for the shop system to honour.

Contract: `export_coupons_csv(db, path, include_expired=False, now=...)` writes one row per
coupon — code, percent, expires_at (ISO 8601 UTC), email, journey, step, created_at,
redeemed_at — oldest first, and returns the count. Expired codes are left out unless asked
for, since a shop usually imports only the codes it must still accept.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from engine.db.database import Database
from engine.db.models import Contact, Coupon, JourneyRow

COLUMNS = ("code", "percent", "expires_at", "email", "journey", "step", "created_at",
           "redeemed_at")


def export_coupons_csv(db: Database, path: str | Path, *, now: datetime,
                       include_expired: bool = False) -> int:
    query = (select(Coupon, Contact.email, JourneyRow.name)
             .join(Contact, Contact.id == Coupon.contact_id)
             .outerjoin(JourneyRow, JourneyRow.id == Coupon.journey_id)
             .order_by(Coupon.created_at, Coupon.id))
    if not include_expired:
        query = query.where(Coupon.expires_at > now)
    with db.session() as session:
        rows = session.execute(query).all()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for coupon, email, journey in rows:
            writer.writerow([
                coupon.code, coupon.percent, coupon.expires_at.isoformat(), email, journey or "",
                coupon.node_id, coupon.created_at.isoformat(),
                coupon.redeemed_at.isoformat() if coupon.redeemed_at else "",
            ])
    return len(rows)
