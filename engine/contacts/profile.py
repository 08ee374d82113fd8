"""A contact's profile: everything the profile window shows, read in one go.

Contract: `load_profile(session, contact_id, event_limit=500)` returns a `ContactProfile`
(or None for an unknown id) with the fields, custom fields, status, lead score, consent
records with their evidence, lists and segments, the latest events, every journey the contact was in
with each step in plain words — every hold, skip and exit with its reason, worded by
`engine.journey.step_words` — and every email received with its opens and clicks
(tracking events carry the message's key). Each part is one indexed query on the contact,
so opening a profile does not depend on how many contacts there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import (
    Consent, Contact, ContactList, Enrollment, Event, JourneyRow, JourneyVersion,
    ListMembership, Message, Segment, SegmentMember, StepLog,
)
from engine.journey.data import NodeData
from engine.journey.step_words import explain, step_title

OPENED, CLICKED = "email_opened", "email_clicked"


@dataclass(slots=True)
class StepLine:
    at: datetime
    step: str
    kind: str
    words: str


@dataclass(slots=True)
class JourneyTrip:
    journey_id: int
    journey: str
    status: str
    entered_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    steps: list[StepLine] = field(default_factory=list)


@dataclass(slots=True)
class EmailReceived:
    message_id: int
    subject: str
    status: str
    queued_at: datetime
    sent_at: datetime | None
    opens: int = 0
    clicks: int = 0


@dataclass(slots=True)
class ContactProfile:
    id: int
    email: str
    fields: dict[str, Any]
    attributes: dict[str, Any]
    status: str
    lead_score: int
    is_test: bool
    created_at: datetime
    consents: list[dict[str, Any]]
    lists: list[str]
    #: saved segments the contact is in, as last computed by the engine
    segments: list[str]
    events: list[dict[str, Any]]
    journeys: list[JourneyTrip]
    emails: list[EmailReceived]

    @property
    def name(self) -> str:
        return f"{self.fields['first_name']} {self.fields['last_name']}".strip()


def load_profile(session: Session, contact_id: int, *, event_limit: int = 500
                 ) -> ContactProfile | None:
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    cid = contact.id
    events = list(session.execute(
        select(Event.name, Event.properties, Event.occurred_at, Event.source)
        .where(Event.contact_id == cid).order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(event_limit)))
    return ContactProfile(
        id=cid, email=contact.email,
        fields={name: getattr(contact, name) for name in
                ("first_name", "last_name", "timezone", "locale", "country")},
        attributes=dict(contact.attributes or {}), status=contact.status,
        lead_score=contact.lead_score, is_test=contact.is_test, created_at=contact.created_at,
        consents=[
            {"granted": c.granted, "recorded_at": c.recorded_at, "source": c.source,
             "purpose": c.purpose, "evidence": c.evidence or {}}
            for c in session.execute(select(Consent).where(Consent.contact_id == cid)
                                     .order_by(Consent.recorded_at, Consent.id)).scalars()],
        lists=list(session.execute(
            select(ContactList.name).join(ListMembership, ListMembership.list_id == ContactList.id)
            .where(ListMembership.contact_id == cid).order_by(ContactList.name)).scalars()),
        segments=list(session.execute(
            select(Segment.name).join(SegmentMember, SegmentMember.segment_id == Segment.id)
            .where(SegmentMember.contact_id == cid).order_by(Segment.name)).scalars()),
        events=[{"name": e.name, "properties": e.properties or {}, "at": e.occurred_at,
                 "source": e.source} for e in events],
        journeys=_journeys(session, cid),
        emails=_emails(session, cid),
    )


def _journeys(session: Session, cid: int) -> list[JourneyTrip]:
    names = dict(session.execute(select(JourneyRow.id, JourneyRow.name)).all())
    enrollments = list(session.execute(select(Enrollment).where(Enrollment.contact_id == cid)
                                       .order_by(Enrollment.entered_at.desc())).scalars())
    versions = {e.version_id for e in enrollments}
    nodes: dict[int, dict[str, NodeData]] = {}
    for version in session.execute(select(JourneyVersion).where(JourneyVersion.id.in_(versions))
                                   ).scalars():
        nodes[version.id] = _nodes_of(version)
    steps: dict[int, list[StepLine]] = {}
    for log in session.execute(select(StepLog).where(StepLog.contact_id == cid)
                               .order_by(StepLog.at, StepLog.id)).scalars():
        node = nodes.get(log.version_id, {}).get(log.node_id)
        line = {**(log.detail or {}), "kind": log.kind, "reason": log.reason, "port": log.port}
        if log.kind == "email":
            words = f"Got the email “{line.get('subject') or line.get('template') or ''}”"
        else:
            words = explain(line, node)
        steps.setdefault(log.enrollment_id, []).append(
            StepLine(log.at, step_title(node) or log.node_id, log.kind, words))
    return [
        JourneyTrip(e.journey_id, names.get(e.journey_id, f"journey #{e.journey_id}"), e.status,
                    e.entered_at, e.ended_at, e.end_reason, steps.get(e.id, []))
        for e in enrollments
    ]


def _nodes_of(version: JourneyVersion) -> dict[str, NodeData]:
    document = version.document or {}
    found: dict[str, NodeData] = {}
    for raw in document.get("nodes", []):
        try:
            found[raw["id"]] = NodeData(id=raw["id"], type=raw.get("type", ""),
                                        title=raw.get("title", ""),
                                        config=raw.get("config", {}))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def _emails(session: Session, cid: int) -> list[EmailReceived]:
    messages = list(session.execute(
        select(Message.id, Message.idempotency_key, Message.subject, Message.status,
               Message.queued_at, Message.sent_at)
        .where(Message.contact_id == cid).order_by(Message.queued_at.desc())))
    by_key = {m.idempotency_key: EmailReceived(m.id, m.subject, m.status, m.queued_at, m.sent_at)
              for m in messages}
    for name, properties in session.execute(
            select(Event.name, Event.properties)
            .where(Event.contact_id == cid, Event.name.in_((OPENED, CLICKED)))):
        email = by_key.get((properties or {}).get("message_key"))
        if email is not None:
            if name == OPENED:
                email.opens += 1
            else:
                email.clicks += 1
    return list(by_key.values())


def message_as_sent(session: Session, message_id: int) -> tuple[str, str, str] | None:
    """(subject, html, text) of one message as it was sent."""
    row = session.execute(select(Message.subject, Message.html, Message.text)
                          .where(Message.id == message_id)).first()
    return tuple(row) if row else None
