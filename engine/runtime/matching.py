"""Matching stored events against live journeys: goals and exits, waits, entry triggers.

Contract: `process_events(database, now, cache)` takes unprocessed events (oldest first,
in batches; on PostgreSQL with SKIP LOCKED) and, per event, in this order:
1. ends the contact's active enrollments in journeys whose goal/exit events match (the
   "master pause": a purchase ends the abandoned-cart journey wherever the contact is);
2. wakes the contact's enrollments waiting for this event (their `event` port);
3. enrolls the contact in live journeys whose trigger matches — the event must have
   happened after the version was published, pass the property filters and the
   "at least N times within D" rule, and the journey's re-entry rule must allow it. The
   trigger is the one of the version the contact would enter (the live version's or,
   for a contact a canary takes, the canary's), and an entry guard may refuse the
   contact (engine/runtime/entry.py).
The event is marked processed in the same transaction as all of that.

On PostgreSQL the load locks the contacts' active enrollments until the batch commits.
On SQLite the load locks nothing, so ending and waking are written optimistically: a
row is updated only where it is still active and on the version loaded, and a wake only
where its journey is still as paused (or not) as it was loaded. When another connection
erased, ended, migrated or paused one meanwhile, the batch is rolled back
(`MovedMeanwhile`) and matched again from the events, at most MAX_MOVED_RETRIES times.

A batch first loads, in a few queries, everything its events can touch (the contacts'
active enrollments and their last entry per journey), works in memory, then writes with
bulk statements: matching costs the same few statements for 1 event or 1,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from engine.conditions.evaluate import MISSING, event_matches, filters_match, get_path
from engine.db.collector import paused_gc
from engine.db.database import Database
from engine.db.fastbulk import chunks, insert_rows, marks, read_rows, update_rows
from engine.db.models import (
    Enrollment,
    EnrollmentStatus,
    Event,
    JourneyRow,
    JourneyStatus,
)
from engine.journey.compiled import CompiledJourney, VersionCache
from engine.nodes import TriggerMatch
from engine.runtime.advance import MAX_MOVED_RETRIES, end_run
from engine.runtime.batch import Batch, MovedMeanwhile, Run
from engine.runtime.enroll import re_entry_allows
from engine.runtime.entry import EntryGate
from engine.settings import load_settings


#: the guards of the optimistic write (SQLite): the enrollment is still active, and a
#: woken one's journey is still as paused or not as loaded (a wake sets `due_at` or,
#: in a paused journey, `paused_due_at`)
STILL_ACTIVE = "status = 'active'"
PAUSED_JOURNEYS = "(SELECT id FROM journey WHERE status = 'paused')"
WAKE_GUARDS = {
    "due_at": f"{STILL_ACTIVE} AND journey_id NOT IN {PAUSED_JOURNEYS}",
    "paused_due_at": f"{STILL_ACTIVE} AND journey_id IN {PAUSED_JOURNEYS}",
}

#: the columns of an active enrollment matching reads
ACTIVE_NAMES = ["id", "contact_id", "journey_id", "version_id", "node_id", "state",
                "wait_event", "context", "step_count", "entered_at"]


@dataclass(frozen=True)
class StoredEvent:
    id: int
    contact_id: int
    name: str
    properties: dict[str, Any]
    occurred_at: datetime


@dataclass
class Active:
    """An active enrollment of one of the batch's contacts, as loaded."""

    run: Run
    paused: bool
    changed: dict[str, Any] = field(default_factory=dict)
    #: an enrollment this batch created and has not written yet
    pending: dict[str, Any] | None = None


class EventBatch:
    """The state a batch of events reads and changes, loaded once."""

    def __init__(self, session: Session, batch: Batch, contact_ids: set[int],
                 live: list[CompiledJourney]):
        self.session, self.batch = session, batch
        self.active: dict[int, list[Active]] = {cid: [] for cid in contact_ids}
        # (contact, journey) -> last entry time, for the re-entry rule
        self.last_entry: dict[tuple[int, int], datetime] = {}
        self.new_enrollments: list[dict[str, Any]] = []
        self.changed: dict[int, Active] = {}  # by enrollment id
        #: canary shares and entry guards (engine/runtime/entry.py); None: none apply
        self.gate: EntryGate | None = None
        journeys = {j.journey_id for j in live}
        if session.get_bind().dialect.name == "sqlite":
            self._load_sqlite(contact_ids, journeys)
            return
        for chunk in chunks(sorted(contact_ids), 900):
            rows = session.execute(
                select(Enrollment.id, Enrollment.contact_id, Enrollment.journey_id,
                       Enrollment.version_id, Enrollment.node_id, Enrollment.state,
                       Enrollment.wait_event, Enrollment.context, Enrollment.step_count,
                       Enrollment.entered_at, JourneyRow.status)
                .join(JourneyRow, JourneyRow.id == Enrollment.journey_id)
                .where(Enrollment.contact_id.in_(chunk),
                       Enrollment.status == EnrollmentStatus.ACTIVE)
                # locked until the batch commits, in one order (contacts, then ids) for
                # every runner: an erasure or a pause meanwhile waits for the batch
                .order_by(Enrollment.contact_id, Enrollment.id)
                .with_for_update(of=Enrollment))
            for r in rows:
                self._add_active(r._asdict(), r.status == JourneyStatus.PAUSED)
            if journeys:
                for cid, jid, last in session.execute(
                        select(Enrollment.contact_id, Enrollment.journey_id,
                               func.max(Enrollment.entered_at))
                        .where(Enrollment.contact_id.in_(chunk),
                               Enrollment.journey_id.in_(journeys))
                        .group_by(Enrollment.contact_id, Enrollment.journey_id)):
                    self.last_entry[(cid, jid)] = last

    def _load_sqlite(self, contact_ids: set[int], journeys: set[int]) -> None:
        """What __init__ loads, in plain driver rows: for a batch of sign-ups these
        queries find nothing, and SQLAlchemy's expanding of 900 ids cost more than that."""
        paused = {jid for jid, in self.session.execute(
            select(JourneyRow.id).where(JourneyRow.status == JourneyStatus.PAUSED))}
        table = Enrollment.__table__
        for chunk in chunks(sorted(contact_ids), 900):
            for row in read_rows(self.session, table, ACTIVE_NAMES,
                                 f"WHERE contact_id IN ({marks(chunk)}) AND status = ?",
                                 (*chunk, EnrollmentStatus.ACTIVE)):
                self._add_active(row, row["journey_id"] in paused)
            if journeys:
                for row in read_rows(self.session, table, ["contact_id", "journey_id", "entered_at"],
                                     # `+journey_id`: found by contact, never by journey
                                     # (SQLite's planner, without statistics, would read
                                     # every enrollment of the journey for each chunk)
                                     f"WHERE contact_id IN ({marks(chunk)}) AND +journey_id IN "
                                     f"({marks(journeys)})",
                                     (*chunk, *journeys)):
                    key = (row["contact_id"], row["journey_id"])
                    last = self.last_entry.get(key)
                    if last is None or row["entered_at"] > last:
                        self.last_entry[key] = row["entered_at"]

    def _add_active(self, r: dict[str, Any], paused: bool) -> None:
        run = Run(id=r["id"], contact_id=r["contact_id"], journey_id=r["journey_id"],
                  version_id=r["version_id"], node_id=r["node_id"], state=r["state"],
                  due_at=None, context=dict(r["context"] or {}), step_count=r["step_count"],
                  entered_at=r["entered_at"], wait_event=r["wait_event"])
        self.active[r["contact_id"]].append(Active(run, paused))

    def may_enter(self, journey: CompiledJourney, contact_id: int, now: datetime) -> bool:
        active = any(a.run.journey_id == journey.journey_id for a in self.active[contact_id])
        return re_entry_allows(journey, active=active, now=now,
                               last_entry=self.last_entry.get((contact_id, journey.journey_id)))

    def enroll(self, journey: CompiledJourney, event: StoredEvent, now: datetime) -> None:
        row = {
            "contact_id": event.contact_id, "journey_id": journey.journey_id,
            "version_id": journey.version_id, "active_journey_id": journey.journey_id,
            "node_id": journey.trigger_id, "state": "ready", "status": EnrollmentStatus.ACTIVE,
            "due_at": now, "paused_due_at": None, "wait_event": None, "entered_at": now,
            "ended_at": None, "end_reason": None,
            "context": {"event_name": event.name, "event": event.properties}, "step_count": 0,
        }
        self.new_enrollments.append(row)
        placeholder = Run(id=0, contact_id=event.contact_id, journey_id=journey.journey_id,
                          version_id=journey.version_id, node_id=journey.trigger_id,
                          state="ready", due_at=now, context=row["context"], step_count=0,
                          entered_at=now)
        self.active[event.contact_id].append(Active(placeholder, False, pending=row))
        self.last_entry[(event.contact_id, journey.journey_id)] = now

    def materialize(self, contact_id: int) -> None:
        """Write this contact's pending enrollments now (a later event of the same batch
        must be able to end them): rare, so one insert each is fine."""
        pending = [a for a in self.active[contact_id] if a.pending is not None]
        if pending:
            self._write_changes()
        for active in pending:
            if active.pending is not None:
                self.new_enrollments.remove(active.pending)
                active.run.id = self.session.execute(
                    insert(Enrollment.__table__).values(active.pending)
                    .returning(Enrollment.__table__.c.id)).scalar_one()
                active.pending = None

    def _write_changes(self) -> None:
        """Ended and woken enrollments first: an ended one frees its (contact, journey)
        slot for a new enrollment of the same batch. Guarded (module docstring): raises
        MovedMeanwhile when a row is no longer as loaded."""
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for run_id, active in self.changed.items():
            row = dict(active.changed, id=run_id, version_id=active.run.version_id)
            by_shape.setdefault(tuple(sorted(row)), []).append(row)
        for shape, rows in by_shape.items():
            ends = "status" in shape
            guard = STILL_ACTIVE if ends else WAKE_GUARDS[
                "paused_due_at" if "paused_due_at" in shape else "due_at"]
            updated = update_rows(self.session, Enrollment.__table__, rows,
                                  match=("version_id",), condition=guard)
            if updated is not None and updated < len(rows):
                raise MovedMeanwhile(
                    f"{len(rows) - updated} of the enrollments these events "
                    f"{'end' if ends else 'wake'} were changed meanwhile by another "
                    "connection (an erasure, a pause or a publish); matching them again")
        self.changed.clear()

    def flush(self) -> None:
        self._write_changes()
        insert_rows(self.session, Enrollment.__table__, self.new_enrollments)
        self.batch.flush([])


def process_events(database: Database, now: datetime, cache: VersionCache,
                   *, batch_size: int = 1000) -> int:
    """Match all pending events; returns how many were processed."""
    total = moved = 0
    postgres = database.engine.dialect.name == "postgresql"
    with paused_gc():  # engine/db/collector.py: 14% of matching a batch of sign-ups
        while True:
            try:
                with database.session() as session:
                    events = _unprocessed(session, batch_size, postgres)
                    if not events:
                        return total
                    _match_batch(session, events, cache, now)
                    total += len(events)
            except MovedMeanwhile:
                moved += 1  # rolled back whole: the same events are matched again
                if moved > MAX_MOVED_RETRIES:
                    raise


def _match_batch(session: Session, events: list[StoredEvent], cache: VersionCache,
                 now: datetime) -> None:
    batch = Batch(session, now, load_settings(session))
    gate = EntryGate(session, cache, now, batch)
    live = gate.entry_versions(cache.live(session))
    state = EventBatch(session, batch, {e.contact_id for e in events}, live)
    state.gate = gate
    gate.prepare({e.contact_id for e in events})
    for event in events:
        match_event(state, event, live, cache, now)
    state.flush()
    gate.flush()
    _mark_processed(session, events, now)


def _unprocessed(session: Session, limit: int, postgres: bool) -> list[StoredEvent]:
    """The oldest `limit` events not yet matched (on PostgreSQL, locked for this runner)."""
    names = ["id", "contact_id", "name", "properties", "occurred_at"]
    if session.get_bind().dialect.name == "sqlite":
        rows = read_rows(session, Event.__table__, names,
                         "WHERE processed_at IS NULL ORDER BY id LIMIT ?", (limit,))
    else:
        query = (select(*(Event.__table__.c[name] for name in names))
                 .where(Event.processed_at.is_(None)).order_by(Event.id).limit(limit))
        if postgres:
            query = query.with_for_update(skip_locked=True)
        rows = [row._asdict() for row in session.execute(query)]
    return [StoredEvent(r["id"], r["contact_id"], r["name"], r["properties"] or {},
                        r["occurred_at"]) for r in rows]


def _mark_processed(session: Session, events: list[StoredEvent], now: datetime) -> None:
    """On SQLite one driver statement per event (SQLAlchemy's expanding of a 1,000-id IN
    list cost more than the updates); elsewhere one statement for the batch."""
    if session.get_bind().dialect.name == "sqlite":
        update_rows(session, Event.__table__, [{"id": e.id, "processed_at": now} for e in events])
    else:
        session.execute(update(Event).where(Event.id.in_([e.id for e in events]))
                        .values(processed_at=now))


def match_event(state: EventBatch, event: StoredEvent, live: list[CompiledJourney],
                cache: VersionCache, now: datetime) -> None:
    _end_by_goal_or_exit(state, event, cache, now)
    _wake_waiting(state, event, cache, now)
    gate = state.gate
    for journey in live:  # live versions and canaries: each contact is taken by one of them
        if gate is not None and not gate.takes(journey, event.contact_id):
            continue
        if (_trigger_matches(state.session, journey, event)
                and state.may_enter(journey, event.contact_id, now)
                and (gate is None or gate.admits(journey, event.contact_id))):
            state.enroll(journey, event, now)


def _end_by_goal_or_exit(state: EventBatch, event: StoredEvent, cache: VersionCache,
                         now: datetime) -> None:
    state.materialize(event.contact_id)
    remaining = []
    for active in state.active[event.contact_id]:
        run = active.run
        settings = cache.get(state.session, run.version_id).settings
        if any(event_matches(m, event.name, event.properties) for m in settings.goal_events):
            status, reason = EnrollmentStatus.CONVERTED, "goal"
        elif any(event_matches(m, event.name, event.properties) for m in settings.exit_events):
            status, reason = EnrollmentStatus.EXITED, "exit_event"
        else:
            remaining.append(active)
            continue
        end_run(run, state.batch, run.node_id, status, reason, {"event": event.name})
        active.changed |= {"status": status, "end_reason": reason, "ended_at": now,
                           "due_at": None, "paused_due_at": None, "wait_event": None,
                           "active_journey_id": None}
        state.changed[run.id] = active
    state.active[event.contact_id] = remaining


def _wake_waiting(state: EventBatch, event: StoredEvent, cache: VersionCache,
                  now: datetime) -> None:
    for active in state.active[event.contact_id]:
        run = active.run
        if run.state != "waiting" or run.wait_event != event.name:
            continue
        node = cache.get(state.session, run.version_id).nodes.get(run.node_id)
        if node is None or not filters_match(event.properties, node.config.wait_for.filters):
            continue
        run.context["resume_port"] = "event"
        run.wait_event = None
        due = {"paused_due_at": now} if active.paused else {"due_at": now}
        active.changed |= {"context": run.context, "wait_event": None, **due}
        state.changed[run.id] = active


def _trigger_matches(session: Session, journey: CompiledJourney, event: StoredEvent) -> bool:
    if event.occurred_at < journey.published_at:
        return False  # history: it happened before this version went live
    trigger = journey.trigger
    config = trigger.config
    match = trigger.spec.match
    if match is TriggerMatch.LIST:
        return event.name == "list_joined" and event.properties.get("list") == config.list
    if match is TriggerMatch.SEGMENT:  # a saved segment, by name
        return (bool(config.segment) and event.name == "segment_entered"
                and event.properties.get("segment") == config.segment)
    if match is not TriggerMatch.EVENT or config.event != event.name:
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
