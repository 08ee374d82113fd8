"""Matching stored events against live journeys: goals and exits, waits, entry triggers.

Contract: `process_events(database, now, cache)` takes unprocessed events (oldest first,
in batches; on PostgreSQL with SKIP LOCKED) and, per event, in this order:
1. ends the contact's active enrollments in journeys whose goal/exit events match (the
   "master pause": a purchase ends the abandoned-cart journey wherever the contact is);
2. wakes the contact's enrollments waiting for this event (their `event` port);
3. enrolls the contact in live journeys whose trigger matches — the event must have
   happened after the version was published, pass the property filters and the
   "at least N times within D" rule, and the journey's re-entry rule must allow it.
The event is marked processed in the same transaction as all of that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.db.database import Database
from engine.db.models import Enrollment, EnrollmentStatus, Event, JourneyRow, JourneyStatus
from engine.runtime.compiled import CompiledJourney, VersionCache
from engine.runtime.conditions import event_matches, filters_match, get_path, MISSING
from engine.runtime.enroll import enroll
from engine.runtime.batch import Batch, Run
from engine.runtime.advance import end_run
from engine.settings import load_settings


@dataclass(frozen=True)
class StoredEvent:
    id: int
    contact_id: int
    name: str
    properties: dict[str, Any]
    occurred_at: datetime


def process_events(database: Database, now: datetime, cache: VersionCache,
                   *, batch_size: int = 1000) -> int:
    """Match all pending events; returns how many were processed."""
    total = 0
    postgres = database.engine.dialect.name == "postgresql"
    while True:
        with database.session() as session:
            query = (select(Event.id, Event.contact_id, Event.name, Event.properties,
                            Event.occurred_at)
                     .where(Event.processed_at.is_(None))
                     .order_by(Event.id).limit(batch_size))
            if postgres:
                query = query.with_for_update(skip_locked=True)
            events = [StoredEvent(r.id, r.contact_id, r.name, r.properties or {}, r.occurred_at)
                      for r in session.execute(query)]
            if not events:
                return total
            live = cache.live(session)
            batch = Batch(session, now, load_settings(session))
            for event in events:
                match_event(session, batch, event, live, cache, now)
            batch.flush([])
            session.execute(update(Event).where(Event.id.in_([e.id for e in events]))
                            .values(processed_at=now))
            total += len(events)


def match_event(session: Session, batch: Batch, event: StoredEvent,
                live: list[CompiledJourney], cache: VersionCache, now: datetime) -> None:
    _end_by_goal_or_exit(session, batch, event, cache, now)
    _wake_waiting(session, event, cache, now)
    for journey in live:
        if _trigger_matches(session, journey, event):
            enroll(session, journey, event.contact_id, now,
                   {"event_name": event.name, "event": event.properties})


def _active(session: Session, contact_id: int):
    return session.execute(
        select(Enrollment.id, Enrollment.journey_id, Enrollment.version_id, Enrollment.node_id,
               Enrollment.state, Enrollment.wait_event, Enrollment.context,
               Enrollment.step_count, Enrollment.entered_at)
        .where(Enrollment.contact_id == contact_id, Enrollment.status == EnrollmentStatus.ACTIVE)
    ).all()


def _end_by_goal_or_exit(session, batch: Batch, event: StoredEvent, cache, now) -> None:
    for row in _active(session, event.contact_id):
        settings = cache.get(session, row.version_id).settings
        if any(event_matches(m, event.name, event.properties) for m in settings.goal_events):
            status, reason = EnrollmentStatus.CONVERTED, "goal"
        elif any(event_matches(m, event.name, event.properties) for m in settings.exit_events):
            status, reason = EnrollmentStatus.EXITED, "exit_event"
        else:
            continue
        run = Run(id=row.id, contact_id=event.contact_id, journey_id=row.journey_id,
                  version_id=row.version_id, node_id=row.node_id, state=row.state, due_at=None,
                  context=dict(row.context or {}), step_count=row.step_count,
                  entered_at=row.entered_at)
        end_run(run, batch, row.node_id, status, reason, {"event": event.name})
        session.execute(update(Enrollment).where(Enrollment.id == row.id).values(
            status=status, end_reason=reason, ended_at=now, due_at=None, paused_due_at=None,
            wait_event=None, active_journey_id=None))


def _wake_waiting(session, event: StoredEvent, cache, now) -> None:
    rows = session.execute(
        select(Enrollment.id, Enrollment.version_id, Enrollment.node_id, Enrollment.context,
               JourneyRow.status)
        .join(JourneyRow, JourneyRow.id == Enrollment.journey_id)
        .where(Enrollment.contact_id == event.contact_id, Enrollment.wait_event == event.name,
               Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.state == "waiting")
    ).all()
    for row in rows:
        node = cache.get(session, row.version_id).nodes.get(row.node_id)
        if node is None or not filters_match(event.properties, node.config.wait_for.filters):
            continue
        context = dict(row.context or {}) | {"resume_port": "event"}
        due = {"paused_due_at": now} if row.status == JourneyStatus.PAUSED else {"due_at": now}
        session.execute(update(Enrollment).where(Enrollment.id == row.id).values(
            context=context, wait_event=None, **due))


def _trigger_matches(session: Session, journey: CompiledJourney, event: StoredEvent) -> bool:
    if event.occurred_at < journey.published_at:
        return False  # history: it happened before this version went live
    trigger = journey.trigger
    config = trigger.config
    if trigger.spec.type_id == "trigger.list_joined":
        return event.name == "list_joined" and event.properties.get("list") == config.list
    if trigger.spec.type_id != "trigger.event" or config.event != event.name:
        return False
    if not filters_match(event.properties, config.filters):
        return False
    if config.min_count <= 1:
        return True
    since = event.occurred_at - config.within.to_timedelta()
    rows = session.scalars(
        select(Event.properties).where(
            Event.contact_id == event.contact_id, Event.name == event.name,
            Event.occurred_at > since, Event.occurred_at <= event.occurred_at,
        )
    ).all()
    matching = [p or {} for p in rows if filters_match(p or {}, config.filters)]
    if config.same_property:
        value = get_path(event.properties, config.same_property)
        if value is MISSING:
            return False
        matching = [p for p in matching if get_path(p, config.same_property) == value]
    return len(matching) >= config.min_count
