"""Is one contact in a segment now? (templates' `in_segment('VIP')`, profiles)

Contract: `is_member(session, contact_id, name, now)` evaluates the segment's rules for
that one contact with the per-contact rules of engine/runtime/conditions.py (so it is
current to the moment, not to the last refresh); an unknown name raises SegmentNotFound.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.batch import CONTACT_COLUMNS, Batch
from engine.runtime.conditions import condition_holds
from engine.segments.store import get_segment
from engine.settings import load_settings


def is_member(session: Session, contact_id: int, name: str, now: datetime,
              batch: Batch | None = None) -> bool:
    condition = get_segment(session, name).condition
    row = session.execute(select(*CONTACT_COLUMNS).where(CONTACT_COLUMNS[0] == contact_id)
                          ).mappings().first()
    if row is None:
        return False
    facts = batch or Batch(session, now, load_settings(session))
    return condition_holds(condition, dict(row), facts, now, (name,))
