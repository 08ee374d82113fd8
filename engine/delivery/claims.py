"""The outbox as a work queue: claim due messages, settle what happened, recover crashes.

Contract (the states are DESIGN.md §5's):
- `claim(session, now, limit, lease_until, settings)` takes up to `limit` due messages —
  `failed` ones waiting for a retry (`retry_at` set and come) first, then `queued` ones
  whose `retry_at` has come (or is unset) — oldest due first, with UPDATE … RETURNING
  statements (their subqueries are `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers
  never share a message; SQLite runs each statement under its write lock). They become
  `sending`, `attempts` grows by one, and `retry_at` holds the claim's lease (below). The
  caller COMMITS before talking to SMTP, so a crash mid-send leaves `sending` rows behind.
  Messages whose contact became suppressed since they were queued (the rules of
  contacts/sendable.py, asked again) become `suppressed` with the reason instead, in the
  same transaction.
- `settle(session, results)` writes what happened to claimed messages: `sent` (sent_at),
  `failed` with the next retry time or for good (results.py decides), `bounced` (and an
  `email_bounced` event for the contact through `engine.intake.events.record_events`, which
  suppresses it: only when the address bounced is still the contact's), `uncertain`, or
  back to `queued` untouched (`release`: claimed but never handed to SMTP).
- `recover_interrupted(session, now, expired_only)` turns `sending` rows into
  `uncertain`: all of them at start-up when this process alone delivers for the database
  (the SQLite runner lock), else only those whose lease ran out (their worker died).
- `uncertain_messages`, `requeue(id)` and `dismiss(id)`: the list shown to the user and
  the two decisions they can take; nothing else ever sends an uncertain message again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from engine.contacts.sendable import consent_reason, suppression_reason
from engine.db.models import Consent, Contact, Message, MessageStatus
from engine.delivery.mime import Outgoing
from engine.delivery.results import SendResult, retry_delay
from engine.errors import TrellisError
from engine.intake.events import EMAIL_BOUNCED, EventInput, record_events
from engine.settings import AppSettings

_message = Message.__table__
_COLUMNS = (_message.c.id, _message.c.idempotency_key, _message.c.contact_id,
            _message.c.category, _message.c.to_address, _message.c.subject, _message.c.html,
            _message.c.text, _message.c.headers, _message.c.attempts)
INTERRUPTED = ("the app stopped while this message was being handed to the mail server: "
               "it may or may not have arrived, so it is not sent again unless you say so")
DISMISSED = "not sent again: dismissed after an interrupted send"


@dataclass(frozen=True, slots=True)
class Settled:
    message: Outgoing
    result: SendResult | None  # None: released (never handed to SMTP)
    at: datetime


def _due(now: datetime):
    return or_(
        and_(_message.c.status.in_((MessageStatus.QUEUED, MessageStatus.FAILED)),
             _message.c.retry_at <= now),
        and_(_message.c.status == MessageStatus.QUEUED, _message.c.retry_at.is_(None)),
    )


def has_due(session: Session, now: datetime) -> bool:
    return session.scalar(select(_message.c.id).where(_due(now)).limit(1)) is not None


def _claim_statement(status: str, due):
    """UPDATE … RETURNING for the due messages of one status, oldest first: one range of
    the (status, retry_at) index read in order, so a long queue costs no sort (an OR of
    both statuses would sort every due row on each claim)."""
    ids = (select(_message.c.id).where(_message.c.status == status, due)
           .order_by(_message.c.retry_at, _message.c.id).limit(bindparam("limit"))
           .with_for_update(skip_locked=True))
    return (update(_message).where(_message.c.id.in_(ids))
            .values(status=MessageStatus.SENDING, attempts=_message.c.attempts + 1,
                    retry_at=bindparam("lease_until", type_=_message.c.retry_at.type))
            .returning(*_COLUMNS))


_NOW = bindparam("now", type_=_message.c.retry_at.type)
# built once: building a statement costs more than running it here
_CLAIMS = (  # retries first: they have waited longest
    _claim_statement(MessageStatus.FAILED, _message.c.retry_at <= _NOW),
    _claim_statement(MessageStatus.QUEUED,
                     or_(_message.c.retry_at.is_(None), _message.c.retry_at <= _NOW)),
)
_SUPPRESS = (update(_message).where(_message.c.id == bindparam("b_id"))
             .values(status=MessageStatus.SUPPRESSED, retry_at=None,
                     attempts=_message.c.attempts - 1, last_error=bindparam("reason")))
_SETTLE = (update(_message).where(_message.c.id == bindparam("b_id")).values(
    status=bindparam("status"), retry_at=bindparam("retry_at"), last_error=bindparam("last_error"),
    sent_at=bindparam("sent_at"), attempts=bindparam("attempts")))


def claim(session: Session, now: datetime, limit: int, lease_until: datetime,
          settings: AppSettings) -> tuple[list[Outgoing], int]:
    """(the claimed messages to send, how many claimed ones became `suppressed`)"""
    claimed: list[Outgoing] = []
    for statement in _CLAIMS:
        wanted = limit - len(claimed)
        if wanted <= 0:
            break
        rows = session.execute(statement, {"now": now, "limit": wanted, "lease_until": lease_until})
        claimed.extend(Outgoing(*row) for row in rows)
    claimed.sort(key=lambda message: message.id)
    blocked = _blocked(session, claimed, settings)
    if blocked:
        session.execute(_SUPPRESS, [{"b_id": message_id, "reason": reason}
                                    for message_id, reason in blocked.items()])
    return [message for message in claimed if message.id not in blocked], len(blocked)


def _blocked(session: Session, claimed: list[Outgoing], settings: AppSettings) -> dict[int, str]:
    """Messages whose contact may no longer receive them: id → reason."""
    checked = [m for m in claimed if m.category != "internal" and m.contact_id is not None]
    if not checked:
        return {}
    ids = {m.contact_id for m in checked}
    status = dict(session.execute(select(Contact.id, Contact.status)
                                  .where(Contact.id.in_(ids))).all())
    latest: dict[int, bool] = {}
    marketing = {m.contact_id for m in checked if m.category == "marketing"}
    if marketing:
        rows = session.execute(select(Consent.contact_id, Consent.granted)
                               .where(Consent.contact_id.in_(marketing),
                                      Consent.purpose == "email_marketing")
                               .order_by(Consent.contact_id, Consent.recorded_at, Consent.id))
        latest = {contact_id: granted for contact_id, granted in rows}
    blocked = {}
    for message in checked:
        if message.contact_id not in status:
            continue  # the contact was deleted; the row keeps its address
        transactional = message.category == "transactional"
        reason = suppression_reason(status[message.contact_id], transactional)
        if reason is None and not transactional:
            reason = consent_reason(latest.get(message.contact_id), settings.consent_required)
        if reason is not None:
            blocked[message.id] = f"not sent: the contact is {reason.replace('_', ' ')} " \
                                  "since the email was queued"
    return blocked


def settle(session: Session, settled: Sequence[Settled]) -> None:
    if not settled:
        return
    rows, bounces = [], []
    for item in settled:
        message, result, at = item.message, item.result, item.at
        row = {"b_id": message.id, "status": MessageStatus.FAILED, "retry_at": None,
               "last_error": None, "sent_at": None, "attempts": message.attempts}
        if result is None:
            row |= {"status": MessageStatus.QUEUED, "retry_at": at,
                    "attempts": message.attempts - 1}
        elif result.outcome == "sent":
            row |= {"status": MessageStatus.SENT, "sent_at": at}
        elif result.outcome == "bounced":
            row |= {"status": MessageStatus.BOUNCED, "last_error": result.reason}
            bounces.append((message, result, at))
        elif result.outcome == "uncertain":
            row |= {"status": MessageStatus.UNCERTAIN, "last_error": result.reason}
        elif result.outcome == "retry":
            delay = retry_delay(message.attempts)
            if delay is None:
                row["last_error"] = f"gave up after {message.attempts} attempts: {result.reason}"
            else:
                row |= {"retry_at": at + delay, "last_error": result.reason}
        else:
            row["last_error"] = result.reason
        rows.append(row)
    if rows:
        session.execute(_SETTLE, rows)
    if bounces:
        _record_bounces(session, bounces)


def _record_bounces(session: Session, bounces: list[tuple[Outgoing, SendResult, datetime]]) -> None:
    ids = {m.contact_id for m, _, _ in bounces if m.contact_id is not None and m.category != "internal"}
    emails = dict(session.execute(select(Contact.id, Contact.email)
                                  .where(Contact.id.in_(ids))).all())
    events = [
        EventInput(emails[m.contact_id], EMAIL_BOUNCED, {
            "type": "hard", "code": result.code, "reason": result.reason,
            "message_key": m.key, "source": "smtp"}, at)
        for m, result, at in bounces
        # an old address bouncing says nothing about the contact's current one
        if emails.get(m.contact_id) == m.to_address
    ]
    if events:
        record_events(session, events, now=max(e.at for e in events), source="delivery")


def recover_interrupted(session: Session, now: datetime, *, expired_only: bool) -> int:
    condition = _message.c.status == MessageStatus.SENDING
    if expired_only:
        condition = and_(condition, _message.c.retry_at <= now)
    result = session.execute(update(_message).where(condition)
                             .values(status=MessageStatus.UNCERTAIN, retry_at=None,
                                     last_error=INTERRUPTED))
    return result.rowcount or 0


def uncertain_messages(session: Session) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.status == MessageStatus.UNCERTAIN)
                                .order_by(Message.queued_at, Message.id)))


def _uncertain(session: Session, message_id: int) -> Message:
    message = session.get(Message, message_id)
    if message is None:
        raise LookupError(f"there is no message {message_id}")
    if message.status != MessageStatus.UNCERTAIN:
        raise TrellisError(f"message {message_id} is {message.status}, not uncertain: "
                           "only uncertain messages wait for a decision")
    return message


def requeue(session: Session, message_id: int, now: datetime) -> None:
    """Send it again (the user checked it did not arrive)."""
    message = _uncertain(session, message_id)
    message.status, message.retry_at, message.last_error = MessageStatus.QUEUED, now, None


def dismiss(session: Session, message_id: int) -> None:
    """Never send it again (it arrived, or it no longer matters)."""
    message = _uncertain(session, message_id)
    message.status, message.retry_at, message.last_error = MessageStatus.FAILED, None, DISMISSED
