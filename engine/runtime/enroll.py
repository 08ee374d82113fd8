"""Putting a contact into a journey version, under the journey's re-entry rule.

Contract: `enroll()` creates an enrollment at the trigger node, due now, or returns None
when the contact may not enter: already active in the journey (never two at once — the
database's unique key enforces it too), or the re-entry rule (`once`, `after` D since the
last entry, `always`) says no. The trigger step itself (logged `enter`) runs in the next
`advance`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine.db.models import Enrollment, EnrollmentStatus
from engine.journey.compiled import CompiledJourney
from engine.runtime.entry import EntryGate


def re_entry_allows(journey: CompiledJourney, *, active: bool, last_entry: datetime | None,
                    now: datetime, every_time: bool = False) -> bool:
    """The journey's re-entry rule, given what is known of the contact's past entries."""
    if active:
        return False
    if last_entry is None or every_time:
        return True
    re_entry = journey.settings.re_entry
    if re_entry.mode == "once":
        return False
    if re_entry.mode == "after":
        return now - last_entry >= re_entry.after.to_timedelta()
    return True


def may_enter(session: Session, journey: CompiledJourney, contact_id: int, now: datetime,
              *, every_time: bool = False) -> bool:
    last_entry, active = session.execute(
        select(func.max(Enrollment.entered_at),
               func.count().filter(Enrollment.status == EnrollmentStatus.ACTIVE))
        .where(Enrollment.contact_id == contact_id, Enrollment.journey_id == journey.journey_id)
    ).one()
    return re_entry_allows(journey, active=bool(active), last_entry=last_entry, now=now,
                           every_time=every_time)


def enroll(session: Session, journey: CompiledJourney, contact_id: int, now: datetime,
           context: dict[str, Any] | None = None, *, every_time: bool = False,
           due_at: datetime | None = None, gate: EntryGate | None = None) -> int | None:
    """`every_time`: ignore the re-entry rule (a yearly date trigger enters every year);
    `due_at`: when the trigger step runs (default now); `gate`: the canary share and the
    entry guard (engine/runtime/entry.py) — None when the caller has checked them."""
    if gate is not None and not gate.takes(journey, contact_id):
        return None
    if not may_enter(session, journey, contact_id, now, every_time=every_time):
        return None
    if gate is not None and not gate.admits(journey, contact_id):
        return None
    return session.execute(
        insert(Enrollment).values(
            contact_id=contact_id, journey_id=journey.journey_id, version_id=journey.version_id,
            active_journey_id=journey.journey_id, node_id=journey.trigger_id, state="ready",
            status=EnrollmentStatus.ACTIVE, due_at=due_at or now, entered_at=now, context=context or {},
            step_count=0,
        ).returning(Enrollment.id)
    ).scalar_one()
