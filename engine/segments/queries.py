"""What the segment builder and the contacts workspace ask about segments.

Contract (all read-only, time passed in):
- `segment_counts(session)`: `[(name, size, computed_at)]` of every saved segment, by name;
- `segment_member_ids(session, name, now)`: the ids of a segment's contacts — the stored
  membership, or computed now when the segment was never computed;
- `count_condition` / `sample_members`: an unsaved condition's size and a few members;
- `event_name_counts` / `property_name_counts`: names seen in the data with how often,
  for suggestions (an unknown name is one not in the list);
- `used_by(session, name)`: the journeys whose draft or live version uses the segment (a
  trigger, a rule, or `in_segment('name')` in one of their emails).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.conditions.sets import matching_ids
from engine.db.models import Contact, Event, JourneyRow, JourneyVersion, Segment, SegmentMember
from engine.nodes.common import Condition
from engine.segments.store import segment_row


def segment_counts(session: Session) -> list[tuple[str, int | None, datetime | None]]:
    return [tuple(row) for row in session.execute(
        select(Segment.name, Segment.size, Segment.computed_at).order_by(Segment.name))]


def segment_member_ids(session: Session, name: str, now: datetime) -> list[int]:
    row = segment_row(session, name)
    if row.computed_at is None:
        return sorted(matching_ids(session, Condition.model_validate(row.condition), now))
    return list(session.scalars(select(SegmentMember.contact_id)
                                .where(SegmentMember.segment_id == row.id)
                                .order_by(SegmentMember.contact_id)))


def count_condition(session: Session, condition: Condition, now: datetime) -> int:
    return len(matching_ids(session, condition, now))


def sample_members(session: Session, condition: Condition, now: datetime,
                   limit: int = 10) -> tuple[int, list[tuple[int, str]]]:
    """(count, the first `limit` members as (id, email), newest contacts first)."""
    ids = matching_ids(session, condition, now)
    newest = sorted(ids, reverse=True)[:limit]
    emails = dict(session.execute(select(Contact.id, Contact.email)
                                  .where(Contact.id.in_(newest))).all()) if newest else {}
    return len(ids), [(cid, emails.get(cid, "")) for cid in newest]


def event_name_counts(session: Session, limit: int = 200) -> list[tuple[str, int]]:
    return [tuple(row) for row in session.execute(
        select(Event.name, func.count()).group_by(Event.name)
        .order_by(func.count().desc(), Event.name).limit(limit))]


def property_name_counts(session: Session, event: str, sample: int = 2000
                         ) -> list[tuple[str, int]]:
    """Top-level property names of the latest `sample` events of that name, with counts."""
    counts: Counter[str] = Counter()
    for properties in session.scalars(select(Event.properties).where(Event.name == event)
                                      .order_by(Event.occurred_at.desc()).limit(sample)):
        counts.update((properties or {}).keys())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _mentions(node_or_doc, name: str) -> bool:
    if isinstance(node_or_doc, dict):
        if node_or_doc.get("kind") == "segment" and node_or_doc.get("segment") == name:
            return True
        if node_or_doc.get("segment") == name:  # the "entered segment" trigger
            return True
        return any(_mentions(value, name) for value in node_or_doc.values())
    if isinstance(node_or_doc, list):
        return any(_mentions(value, name) for value in node_or_doc)
    if isinstance(node_or_doc, str):
        return f"in_segment('{name}')" in node_or_doc or f'in_segment("{name}")' in node_or_doc
    return False


def used_by(session: Session, name: str) -> list[str]:
    users = []
    for journey_id, journey, draft in session.execute(
            select(JourneyRow.id, JourneyRow.name, JourneyRow.draft).order_by(JourneyRow.name)):
        live = session.scalar(select(JourneyVersion.document)
                              .where(JourneyVersion.journey_id == journey_id)
                              .order_by(JourneyVersion.number.desc()).limit(1))
        if _mentions(draft, name) or _mentions(live, name):
            users.append(journey)
    return users


def size_history(session: Session, name: str) -> list[tuple[str, int]]:
    """(day, size) of every day the segment was computed, oldest first."""
    from engine.db.models import SegmentSize

    row = segment_row(session, name)
    return [tuple(r) for r in session.execute(
        select(SegmentSize.day, SegmentSize.size).where(SegmentSize.segment_id == row.id)
        .order_by(SegmentSize.day))]
