"""Saved segments in the database: save, read, list, delete.

Contract: `save_segment(session, name, description, condition, now)` creates or replaces
the segment named `name`; a condition with no rules, or one that would make segments
refer to themselves (directly or through others), is refused with `SegmentError` naming
the cycle, and nothing is written (every segment's parsed condition, what the rule
`{"kind": "segment"}` reads, is engine/conditions/facts.py's `segment_conditions`). Unknown names raise
`SegmentNotFound` (a `LookupError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.conditions.facts import segment_conditions
from engine.db.models import Segment
from engine.errors import TrellisError
from engine.nodes.common import Condition
from engine.segments.cycles import describe_cycle, find_cycle


class SegmentError(TrellisError):
    """A segment that cannot be saved as asked."""


class SegmentNotFound(LookupError):
    pass


@dataclass(frozen=True)
class SegmentInfo:
    id: int
    name: str
    description: str
    condition: Condition
    size: int | None
    computed_at: datetime | None


def _info(row: Segment) -> SegmentInfo:
    return SegmentInfo(row.id, row.name, row.description, Condition.model_validate(row.condition),
                       row.size, row.computed_at)


def list_segments(session: Session) -> list[SegmentInfo]:
    return [_info(row) for row in session.scalars(select(Segment).order_by(Segment.name))]


def segment_row(session: Session, name: str) -> Segment:
    row = session.scalar(select(Segment).where(Segment.name == name))
    if row is None:
        known = session.scalars(select(Segment.name).order_by(Segment.name)).all()
        hint = f" (segments: {', '.join(known)})" if known else " (there are no segments yet)"
        raise SegmentNotFound(f"no segment named {name!r}{hint}")
    return row


def get_segment(session: Session, name: str) -> SegmentInfo:
    return _info(segment_row(session, name))


def check_segment(session: Session, name: str, condition: Condition) -> None:
    """Raise SegmentError when `condition` cannot be saved under `name`."""
    if not name.strip():
        raise SegmentError("a segment needs a name")
    if not condition.rules:
        raise SegmentError(f"segment {name!r} has no rules")
    others = {n: c for n, c in segment_conditions(session).items() if n != name}
    cycle = find_cycle(name, condition, others)
    if cycle:
        raise SegmentError(f"cannot save {name!r}: {describe_cycle(cycle)}")


def save_segment(session: Session, name: str, description: str, condition: Condition,
                 now: datetime) -> SegmentInfo:
    name = name.strip()
    check_segment(session, name, condition)
    row = session.scalar(select(Segment).where(Segment.name == name))
    data = condition.model_dump(mode="json")
    if row is None:
        row = Segment(name=name, description=description, condition=data, size=None,
                      computed_at=None, created_at=now, updated_at=now)
        session.add(row)
    else:
        row.description, row.condition, row.updated_at = description, data, now
    session.flush()
    return _info(row)


def delete_segment(session: Session, name: str) -> None:
    row = segment_row(session, name)
    session.execute(delete(Segment).where(Segment.id == row.id))
