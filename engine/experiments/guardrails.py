"""Guardrails: a journey whose emails draw unsubscribes, spam complaints or bounces pauses
itself (a canary is rolled back instead).

Contract:
- `judge(session, journey_id, guardrails, since=None, version_id=None, simulated=False)` →
  a `Trip` or None. It looks at the journey's last `window` emails counted as sent (sent or
  bounced, by `sent_at`; in a simulation every email put in the outbox, by `queued_at`),
  only those sent after `since` (the last resume) and, with `version_id`, only those of
  enrollments on that version (a canary). With fewer than `MIN_SENDS` it judges nothing.
  An `unsubscribed`, `spam_complaint` or `email_bounced` event counts for the email it
  names (`message_key`) or — naming none — for the contact's most recent email sent at or
  before it, as the analytics do; a bounced outbox row is a bounce. Each email counts once
  per kind. A rate above its limit trips; the first in the order unsubscribe, complaint,
  bounce gives the reason.
- `trip(session, row, trip, now, owner_email)` pauses a live journey without moving its
  timers: the engine holds each step as it falls due (timeline `hold`, reason
  `guardrail`, engine/runtime/advance.py) until the journey is resumed. It records the
  reason and figures (`journey_guardrail`), a `journey_notice` ("guardrail_paused") and,
  with an owner's address, an internal email to the owner.
- `paused_by_guardrail(session)` → ids of the journeys a guardrail holds now;
  `clear(session, journey_id, now)` (on resume) stamps `resumed_at`, so later judging
  starts from the resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import (
    Enrollment, Event, JourneyGuardrail, JourneyNotice, JourneyRow, JourneyStatus, Message,
    MessageStatus,
)
from engine.nodes.experiment_keys import MIN_SENDS, Guardrails

GUARDRAIL = "guardrail"
PAUSED_NOTICE = "guardrail_paused"
#: event name → the kind it counts as
KINDS = {"unsubscribed": "unsubscribes", "spam_complaint": "complaints",
         "email_bounced": "bounces"}
LIMITS = (("unsubscribes", "unsubscribe_rate", "unsubscribe"),
          ("complaints", "complaint_rate", "spam complaint"),
          ("bounces", "bounce_rate", "bounce"))
CHUNK = 900


@dataclass(frozen=True)
class Trip:
    reason: str
    figures: dict[str, Any]


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %".replace(".0 %", " %")


def judge(session: Session, journey_id: int, guardrails: Guardrails, since: datetime | None = None,
          version_id: int | None = None, simulated: bool = False) -> Trip | None:
    if not guardrails.enabled:
        return None
    statuses = [MessageStatus.SENT, MessageStatus.BOUNCED]
    moment = Message.sent_at
    if simulated:
        statuses.append(MessageStatus.QUEUED)
        moment = Message.queued_at
    query = (select(Message.id, Message.contact_id, Message.idempotency_key, Message.status,
                    moment.label("at"))
             # `moment IS NOT NULL`: the partial index of sends per journey (models/messages.py)
             # reads only the window, not every email the journey ever queued
             .where(Message.journey_id == journey_id, moment.is_not(None),
                    Message.status.in_(statuses),
                    Message.category != "internal", Message.contact_id.is_not(None))
             .order_by(moment.desc(), Message.id.desc()).limit(guardrails.window))
    if since is not None:
        query = query.where(moment > since)
    if version_id is not None:
        query = query.join(Enrollment, Enrollment.id == Message.enrollment_id).where(
            Enrollment.version_id == version_id)
    sends = session.execute(query).all()
    if len(sends) < MIN_SENDS:
        return None
    counted: dict[str, set[int]] = {kind: set() for kind in KINDS.values()}
    counted["bounces"].update(s.id for s in sends if s.status == MessageStatus.BOUNCED)
    in_window = {s.id for s in sends}
    by_key = {s.idempotency_key: s.id for s in sends}
    first = min(s.at for s in sends)
    contacts = list({s.contact_id for s in sends})
    history = _sent_history(session, contacts, first, simulated)
    for start in range(0, len(contacts), CHUNK):
        for contact, name, properties, at in session.execute(select(
                Event.contact_id, Event.name, Event.properties, Event.occurred_at).where(
                Event.contact_id.in_(contacts[start:start + CHUNK]), Event.name.in_(KINDS),
                Event.occurred_at >= first)):
            key = (properties or {}).get("message_key")
            if isinstance(key, str) and key:
                message = by_key.get(key)
            else:
                message = _latest_before(history.get(contact, []), at)
            if message in in_window:
                counted[KINDS[name]].add(message)
    figures: dict[str, Any] = {"sends": len(sends), "window": guardrails.window}
    for kind, limit, _ in LIMITS:
        figures[kind] = len(counted[kind])
        figures[limit] = round(len(counted[kind]) / len(sends), 6)
        figures[f"{limit}_limit"] = getattr(guardrails, limit)
    for kind, limit, words in LIMITS:
        if figures[limit] > getattr(guardrails, limit):
            reason = (f"the {words} rate reached {_percent(figures[limit])} over the last "
                      f"{len(sends)} emails (limit {_percent(getattr(guardrails, limit))})")
            return Trip(reason, figures | {"tripped": limit})
    return None


def _sent_history(session: Session, contacts: list[int], since: datetime,
                  simulated: bool) -> dict[int, list[tuple[datetime, int]]]:
    """Every email of these contacts counted as sent since `since`, any journey, by time."""
    moment = Message.queued_at if simulated else Message.sent_at
    statuses = [MessageStatus.SENT, MessageStatus.BOUNCED] + (
        [MessageStatus.QUEUED] if simulated else [])
    history: dict[int, list[tuple[datetime, int]]] = {}
    for start in range(0, len(contacts), CHUNK):
        # the status is checked here, not in SQL: with it there, SQLite looked the rows up
        # by the (status, retry_at) index, every email ever sent, instead of by contact
        for contact, message, at, status in session.execute(select(
                Message.contact_id, Message.id, moment, Message.status).where(
                Message.contact_id.in_(contacts[start:start + CHUNK]), moment >= since)):
            if status in statuses:
                history.setdefault(contact, []).append((at, message))
    for items in history.values():
        items.sort()
    return history


def _latest_before(items: list[tuple[datetime, int]], at: datetime) -> int | None:
    found = None
    for sent, message in items:
        if sent > at:
            break
        found = message
    return found


def trip(session: Session, row: JourneyRow, found: Trip, now: datetime,
         owner_email: str = "") -> dict:
    row.status, row.updated_at = JourneyStatus.PAUSED, now
    stored = session.get(JourneyGuardrail, row.id)
    if stored is None:
        stored = JourneyGuardrail(journey_id=row.id)
        session.add(stored)
    stored.reason, stored.figures = found.reason, found.figures
    stored.tripped_at, stored.resumed_at = now, None
    detail = {"journey": row.name, "reason": found.reason, "figures": found.figures,
              "action": "paused"}
    session.add(JourneyNotice(journey_id=row.id, kind=PAUSED_NOTICE, at=now, detail=detail))
    if owner_email:
        session.add(_owner_email(row, found, now, owner_email))
    return detail


def _owner_email(row: JourneyRow, found: Trip, now: datetime, to: str) -> Message:
    f = found.figures
    text = (f"Trellis paused the journey “{row.name}” at {now:%Y-%m-%d %H:%M} UTC: {found.reason}.\n\n"
            f"Over the last {f['sends']} emails: {f['unsubscribes']} unsubscribes, "
            f"{f['complaints']} spam complaints, {f['bounces']} bounces.\n\n"
            "Steps that fall due are held until you resume the journey in Trellis.")
    return Message(idempotency_key=f"guardrail:{row.id}:{now.isoformat()}", contact_id=None,
                   journey_id=None, category="internal", to_address=to,
                   subject=f"Trellis paused “{row.name}”", html="", text=text,
                   headers={"from_name": "Trellis"}, status=MessageStatus.QUEUED, attempts=0,
                   retry_at=now, queued_at=now)


def paused_by_guardrail(session: Session) -> set[int]:
    return set(session.scalars(
        select(JourneyGuardrail.journey_id).join(JourneyRow, JourneyRow.id == JourneyGuardrail.journey_id)
        .where(JourneyGuardrail.resumed_at.is_(None), JourneyRow.status == JourneyStatus.PAUSED)))


def clear(session: Session, journey_id: int, now: datetime) -> None:
    stored = session.get(JourneyGuardrail, journey_id)
    if stored is not None and stored.resumed_at is None:
        stored.resumed_at = now


def last_resume(session: Session, journey_id: int) -> datetime | None:
    """From when to judge: the last resume, or the last trip (a journey published again
    while paused by a guardrail is live without a resume: the emails before the trip were
    judged already)."""
    stored = session.get(JourneyGuardrail, journey_id)
    if stored is None:
        return None
    return stored.resumed_at or stored.tripped_at
