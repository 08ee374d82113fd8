"""Journey notices: what the engine found that needs a person, for the app to say once.

Contract: the engine writes `journey_notice` rows (engine/experiments/watch.py: a winner
called, a guardrail paused a journey or rolled its canary back). `take_notices(session,
now)` returns the ones not yet shown, oldest first, as {"id", "kind", "journey_id", "at",
**detail}, and stamps them `notified_at` in the same transaction: each is handed out once,
whichever app instance (or command) reads it. `recent_notices(session, journey_id,
limit)` lists a journey's notices, newest first (shown or not), for the editor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.db.models import JourneyNotice


def _as_dict(row: JourneyNotice) -> dict:
    return {"id": row.id, "kind": row.kind, "journey_id": row.journey_id,
            "at": row.at.isoformat(), **(row.detail or {})}


def take_notices(session: Session, now: datetime, limit: int = 50) -> list[dict]:
    rows = session.scalars(select(JourneyNotice).where(JourneyNotice.notified_at.is_(None))
                           .order_by(JourneyNotice.id).limit(limit)).all()
    if not rows:
        return []
    # Two readers can both find a notice unshown (the app's start and its first tick
    # run on two threads): the stamp is the claim, and a reader hands out only the
    # notices its own UPDATE stamped (the second one's UPDATE sees the first's commit).
    taken = set(session.scalars(
        update(JourneyNotice)
        .where(JourneyNotice.id.in_([r.id for r in rows]), JourneyNotice.notified_at.is_(None))
        .values(notified_at=now).returning(JourneyNotice.id)))
    return [_as_dict(row) for row in rows if row.id in taken]


def recent_notices(session: Session, journey_id: int, limit: int = 10) -> list[dict]:
    rows = session.scalars(select(JourneyNotice).where(JourneyNotice.journey_id == journey_id)
                           .order_by(JourneyNotice.id.desc()).limit(limit)).all()
    return [_as_dict(row) for row in rows]
