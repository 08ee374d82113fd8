"""Is one contact in a segment now? (templates' `in_segment('VIP')`, profiles)

Contract: `is_member(session, contact_id, name, now)` evaluates the segment's rules for
that one contact with the per-contact rules of engine/conditions/evaluate.py (so it is
current to the moment, not to the last refresh); an unknown name raises SegmentNotFound.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.conditions.evaluate import condition_holds
from engine.conditions.facts import CONTACT_COLUMNS, ContactFacts
from engine.segments.store import get_segment


def is_member(session: Session, contact_id: int, name: str, now: datetime,
              batch: ContactFacts | None = None) -> bool:
    condition = get_segment(session, name).condition
    row = session.execute(select(*CONTACT_COLUMNS).where(CONTACT_COLUMNS[0] == contact_id)
                          ).mappings().first()
    if row is None:
        return False
    facts = batch or ContactFacts(session, now)
    return condition_holds(condition, dict(row), facts, now, (name,))
