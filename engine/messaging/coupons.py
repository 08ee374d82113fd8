"""Coupon codes: one per contact and email step, stored so the shop can import them.

Contract: `issue_coupon(session, ...)` returns the coupon of (contact, journey, node): the
stored one while it is valid, else a new one (created now, expiring `valid_days` later)
that replaces an expired one, so a contact who comes back through the journey a year
later gets a code that works. Codes look like `SAVE10-7KQ2-M9XD-C3PW`: the percent, then
three groups drawn by `secrets` from 32 letters and digits that cannot be misread
(no 0/O, 1/I). Three groups give 60 bits, where two would give 40: a shop checkout with no
rate limit can be probed about 10¹² times before a 40-bit code space is exhausted, which
is not enough once thousands of codes are live. Codes are unique (database constraint);
two workers issuing the same coupon at once end up with one row, and both read it.
The usual case, a first email, costs one INSERT.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from engine.db.inserts import insert_if_absent
from engine.db.models import Coupon
from engine.templating.templates import RenderError
from engine.templating.values import CouponView

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4
#: a new code colliding with a stored one is a 1-in-2⁶⁰ event; a few draws settle it
ATTEMPTS = 5

_STORED = select(Coupon.id, Coupon.code, Coupon.percent, Coupon.expires_at).where(
    Coupon.contact_id == bindparam("contact_id"),
    Coupon.journey_id == bindparam("journey_id"),
    Coupon.node_id == bindparam("node_id"),
)
# outside a journey (a test send) there is no unique constraint to lean on: NULLs differ
_STORED_OUTSIDE_JOURNEYS = select(Coupon.id, Coupon.code, Coupon.percent, Coupon.expires_at).where(
    Coupon.contact_id == bindparam("contact_id"),
    Coupon.journey_id.is_(None),
    Coupon.node_id == bindparam("node_id"),
)


def new_code(percent: int) -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return f"SAVE{percent}-" + "-".join(groups)


def issue_coupon(
    session: Session, *, contact_id: int, journey_id: int | None, node_id: str,
    percent: int, valid_days: int, now: datetime,
) -> CouponView:
    step = {"contact_id": contact_id, "journey_id": journey_id, "node_id": node_id}
    query = _STORED if journey_id is not None else _STORED_OUTSIDE_JOURNEYS
    look_first = journey_id is None
    for _ in range(ATTEMPTS):
        if look_first:
            stored = session.execute(query, step).first()
            if stored is not None and stored.expires_at > now:
                return CouponView(stored.code, stored.percent, stored.expires_at)
            if stored is not None:
                session.execute(delete(Coupon).where(Coupon.id == stored.id))
        coupon = CouponView(new_code(percent), percent, now + timedelta(days=valid_days))
        if insert_if_absent(session, Coupon, **step, code=coupon.code, percent=percent,
                            created_at=now, expires_at=coupon.expires_at):
            return coupon
        look_first = True  # this step has a coupon already (or, once in 2⁶⁰, the code does)
    # only reachable if the database refuses every insert: fail this email, not the batch
    raise RenderError("a coupon code could not be stored")
