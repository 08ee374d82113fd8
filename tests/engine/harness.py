"""A test harness: a real database, a virtual clock and the real engine."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.db.models import Contact, Enrollment, Message, StepLog
from engine.intake.events import parse_event, record_events, record_contact_upsert
from engine.journey.model import Journey
from engine.journey.store import save_draft
from engine.runtime.engine import Engine
from engine.settings import AppSettings, load_settings, save_settings


class Harness:
    def __init__(self, db, clock, **engine_options):
        self.db, self.clock = db, clock
        self.engine = Engine(db, clock, **engine_options)

    def settings(self, **changes) -> AppSettings:
        with self.db.session() as session:
            settings = AppSettings.model_validate(load_settings(session).model_dump() | changes)
            save_settings(session, settings)
        return settings

    def publish(self, journey: Journey, **options) -> int:
        with self.db.session() as session:
            save_draft(session, journey.to_document(), now=self.clock.now(), replace=True)
        return self.engine.publish(journey.name, **options)

    def contact(self, email: str, **fields) -> int:
        with self.db.session() as session:
            return record_contact_upsert(session, {"email": email, **fields},
                                         now=self.clock.now(), source="test").contact_id

    def event(self, email: str, name: str, properties: dict | None = None,
              at: datetime | None = None) -> None:
        item = parse_event({"contact": email, "name": name, "properties": properties or {},
                            "at": at.isoformat() if at else None})
        with self.db.session() as session:
            record_events(session, [item], now=self.clock.now(), source="test")
        self.engine.tick()

    def run_for(self, delta: timedelta) -> None:
        self.run_until(self.clock.now() + delta)

    def run_until(self, end: datetime, every: timedelta | None = None) -> None:
        """Tick at every due time up to `end` (and every `every`, for scanned triggers)."""
        self.engine.tick()
        while True:
            moments = [m for m in (self.engine.next_due(),
                                   self.clock.now() + every if every else None) if m]
            due = min(moments) if moments else None
            if due is None or due > end:
                break
            if due > self.clock.now():
                self.clock.set(due)
            self.engine.tick()
        self.clock.set(end)
        self.engine.tick()

    def timeline(self, email: str | None = None) -> list[tuple]:
        """(at, node, kind, port or reason) for every step logged, oldest first."""
        with self.db.session() as session:
            query = select(StepLog.at, StepLog.node_id, StepLog.kind, StepLog.port,
                           StepLog.reason).order_by(StepLog.at, StepLog.id)
            if email:
                query = query.join(Contact, Contact.id == StepLog.contact_id).where(
                    Contact.email == email)
            return [(at, node, kind, port or reason) for at, node, kind, port, reason
                    in session.execute(query)]

    def messages(self) -> list[Message]:
        with self.db.session() as session:
            return list(session.scalars(select(Message).order_by(Message.id)))

    def enrollments(self) -> list[Enrollment]:
        with self.db.session() as session:
            return list(session.scalars(select(Enrollment).order_by(Enrollment.id)))
