"""Keeping segment membership current: who entered, who left, the size per day.

Contract: `refresh_segment(session, name, now)` computes the segment's members with the
set-based rules (engine/conditions/sets.py), stores the difference with what was
stored, and records one reserved event per change — `segment_entered` /
`segment_exited` with `{"segment": name}` — unprocessed, so the event matching enrolls
contacts into journeys triggered by "entered segment" (once per entry). The first
computation of a segment records who already matches without events: they did not enter,
they were there. Each refresh sets the segment's size and computed time and the size of
the day (`segment_size`, one row per day, the latest computation winning).
`refresh_all` refreshes every segment; `refresh_due_segments` does so when the last full
refresh is older than `REFRESH_EVERY` (the engine's scan calls it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine.conditions.sets import SetFacts, matching_ids
from engine.db.fastbulk import insert_rows
from engine.db.fastbulk import chunks
from engine.db.models import Event, Segment, SegmentMember, SegmentSize, Setting
from engine.nodes.common import Condition
from engine.segments.store import segment_row

ENTERED, EXITED = "segment_entered", "segment_exited"
RESERVED_EVENTS = (ENTERED, EXITED)
REFRESH_EVERY = timedelta(minutes=15)
REFRESHED_KEY = "segments_refreshed_at"


@dataclass(frozen=True)
class Refreshed:
    name: str
    size: int
    entered: int
    exited: int


def refresh_segment(session: Session, name: str, now: datetime,
                    facts: SetFacts | None = None) -> Refreshed:
    return _refresh(session, segment_row(session, name), now, facts or SetFacts(session, now))


def refresh_all(session: Session, now: datetime) -> list[Refreshed]:
    facts = SetFacts(session, now)  # segments used by others are computed once
    rows = session.scalars(select(Segment).order_by(Segment.name)).all()
    return [_refresh(session, row, now, facts) for row in rows]


def refresh_due_segments(session: Session, now: datetime,
                         every: timedelta = REFRESH_EVERY) -> list[Refreshed]:
    stamp = session.get(Setting, REFRESHED_KEY)
    if stamp is not None and now - datetime.fromisoformat(stamp.value) < every:
        return []
    if session.scalar(select(Segment.id).limit(1)) is None:
        return []
    done = refresh_all(session, now)
    if stamp is None:
        session.add(Setting(key=REFRESHED_KEY, value=now.isoformat()))
    else:
        stamp.value = now.isoformat()
    return done


def _refresh(session: Session, row: Segment, now: datetime, facts: SetFacts) -> Refreshed:
    condition = Condition.model_validate(row.condition)
    members = matching_ids(session, condition, now, facts)
    stored = set(session.scalars(select(SegmentMember.contact_id)
                                 .where(SegmentMember.segment_id == row.id)))
    entered, exited = sorted(members - stored), sorted(stored - members)
    insert_rows(session, SegmentMember.__table__,
                [{"segment_id": row.id, "contact_id": cid, "entered_at": now} for cid in entered])
    for chunk in chunks(exited, 900):
        session.execute(delete(SegmentMember).where(SegmentMember.segment_id == row.id,
                                                    SegmentMember.contact_id.in_(chunk)))
    if row.computed_at is not None:  # the first computation only records who is there
        properties = {"segment": row.name}
        insert_rows(session, Event.__table__, [
            {"contact_id": cid, "name": name, "properties": properties, "occurred_at": now,
             "received_at": now, "source": "segments", "processed_at": None}
            for name, ids in ((ENTERED, entered), (EXITED, exited)) for cid in ids])
    row.size, row.computed_at = len(members), now
    day = now.date().isoformat()
    session.execute(delete(SegmentSize).where(SegmentSize.segment_id == row.id,
                                              SegmentSize.day == day))
    session.execute(insert(SegmentSize).values(segment_id=row.id, day=day, size=len(members)))
    session.flush()
    return Refreshed(row.name, len(members), len(entered), len(exited))
