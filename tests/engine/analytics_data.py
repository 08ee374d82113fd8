"""Random but consistent journey data written straight into the raw tables, for checking
the analytics rollups against plain queries: contacts (some test), enrollments with their
step logs (enter → maybe a branch → emails → goal/exit/completed/still waiting), outbox
rows in every status, and events (opens with and without message_key, clicks without
opens, unsubscribes, complaints, bounces, orders with good and bad revenue, test sends)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from engine.db.models import (
    Contact, Enrollment, Event, JourneyRow, JourneyVersion, Message, StepLog,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NODES = ["t", "b", "e1", "e2", "w", "g", "x"]


def journeys(session, count: int = 2) -> list[int]:
    ids = []
    for n in range(count):
        journey = JourneyRow(name=f"journey {n}", draft={"nodes": [{"id": i} for i in NODES]},
                             status="live", created_at=T0, updated_at=T0)
        session.add(journey)
        session.flush()
        session.add(JourneyVersion(journey_id=journey.id, number=1, document={},
                                   published_at=T0))
        ids.append(journey.id)
    session.flush()
    return ids


class Maker:
    def __init__(self, session, seed: int, journey_ids: list[int]):
        self.session, self.rng, self.journeys = session, random.Random(seed), journey_ids
        self.versions = {j: session.query(JourneyVersion.id).filter_by(journey_id=j).scalar()
                         for j in journey_ids}
        self.key = 0
        self.messages: list[Message] = []

    def contact(self, n: int, test: bool = False) -> Contact:
        c = Contact(email=f"c{n}@example.com", created_at=T0, updated_at=T0, is_test=test)
        self.session.add(c)
        self.session.flush()
        return c

    def enrollment(self, contact: Contact, journey_id: int, start: datetime) -> None:
        rng = self.rng
        fate = rng.choice(["converted", "exited", "completed", "active"])
        e = Enrollment(contact_id=contact.id, journey_id=journey_id,
                       version_id=self.versions[journey_id], node_id="t", status="active",
                       entered_at=start, step_count=0)
        self.session.add(e)
        self.session.flush()
        at = start
        logs = [("t", "enter", None, None)]
        route = []
        if rng.random() < 0.7:
            logs.append(("b", "branch", rng.choice(["yes", "no"]), None))
            if rng.random() < 0.2:  # a loop: the same branch again, the same path or not
                logs.append(("b", "branch", rng.choice(["yes", "no"]), None))
        for node in rng.sample(["e1", "e2"], rng.randint(0, 2)):
            logs.append((node, "email", None, None))
            route.append(node)
        if rng.random() < 0.1:  # a version migration: neither an exit nor an entry
            logs.append(("w", "exit", None, "version_migration"))
        last = logs[-1][0]
        if fate == "converted":
            logs.append(("g", "exit", None, "goal"))
        elif fate == "exited":
            logs.append((rng.choice(["x", last]), "exit", None, rng.choice(["exit", "exit_event"])))
        elif fate == "completed":
            logs.append((last, "exit", None, "completed"))
        else:
            logs.append(("w", "wait", None, None))
        for node, kind, port, reason in logs:
            at += timedelta(hours=rng.randint(0, 30))
            self.session.add(StepLog(enrollment_id=e.id, contact_id=contact.id,
                                     journey_id=journey_id, version_id=e.version_id,
                                     node_id=node, kind=kind, port=port, reason=reason, at=at))
            if kind == "email":
                self.message(contact, e, node, at)
        e.node_id = logs[-1][0]
        if fate != "active":
            e.status, e.ended_at, e.active_journey_id = fate, at, None
        else:
            e.active_journey_id = journey_id
        self.session.flush()

    def message(self, contact, enrollment, node, at) -> None:
        rng = self.rng
        self.key += 1
        status = rng.choice(["sent"] * 6 + ["bounced", "queued", "failed", "suppressed"])
        key = ("test:" if rng.random() < 0.03 else "") + f"k{self.key}"
        # tracked, untracked (tracking off), or sent before the flag existed
        headers = rng.choice([{"tracked": True}, {"tracked": False}, {}])
        m = Message(idempotency_key=key, contact_id=contact.id, enrollment_id=enrollment.id,
                    journey_id=enrollment.journey_id, node_id=node, template_key=f"tpl-{node}",
                    category=rng.choice(["marketing"] * 9 + ["internal"]),
                    to_address=contact.email, status=status, queued_at=at, headers=headers,
                    sent_at=at + timedelta(minutes=1) if status in ("sent", "bounced") else None)
        self.session.add(m)
        self.messages.append(m)

    def events(self, contact: Contact, start: datetime, count: int) -> None:
        rng = self.rng
        # an email still queued has reached nobody: no event can name it yet
        mine = [m for m in self.messages if m.contact_id == contact.id and m.status != "queued"]
        at = start
        for _ in range(count):
            at += timedelta(hours=rng.randint(1, 40))
            name = rng.choice(["email_opened"] * 4 + ["email_clicked"] * 3 + [
                "unsubscribed", "spam_complaint", "email_bounced", "order_completed",
                "order_completed", "order_completed", "page_viewed"])
            props: dict = {}
            if name == "order_completed":
                props["revenue"] = rng.choice([12.5, 40, 99.99, "25.10", -5, "lots", None, 0])
                if props["revenue"] is None:
                    del props["revenue"]
            elif mine and rng.random() < 0.6:
                props["message_key"] = rng.choice(mine).idempotency_key
            elif rng.random() < 0.05:
                props["message_key"] = "nobody-sent-this"
            self.session.add(Event(contact_id=contact.id, name=name, properties=props,
                                   occurred_at=at, received_at=at, source="test"))
        self.session.flush()


def populate(session, maker: Maker, first: int, count: int) -> None:
    rng = maker.rng
    for n in range(first, first + count):
        contact = maker.contact(n, test=rng.random() < 0.1)
        start = T0 + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        for journey_id in rng.sample(maker.journeys, rng.randint(1, len(maker.journeys))):
            maker.enrollment(contact, journey_id, start)
        maker.events(contact, start, rng.randint(0, 12))
