"""Folding the outbox into the email rollups (one chunk, in id order).

A journey email (journey set, not an internal team alert, not a test send, not to a test
contact) counts as **sent** once the SMTP server has answered for it: status `sent` or
`bounced`, at `sent_at`. In a simulation (`simulated=True`) every email put in the outbox
counts as sent at `queued_at` (nothing is delivered there). A counted email gets an
`analytics_message` row, which later events use to count each open, click, unsubscribe,
complaint and bounce once. Status `bounced` (refused at send time) counts as bounced.

An email still `queued` or `sending` when seen is kept in `analytics_pending` and looked
at again, by id, at every catch-up until it has settled (`fold_pending`). A status that
changes after an email settled is not seen: bounces reported later arrive as
`email_bounced` events naming the email, and count through them.

An email whose outbox headers say `"tracked": false` (sent while tracking was off: no
open pixel, links as written, docs/tracking.md) also counts as `untracked`; one without
the flag (sent before it existed) counts as tracked. In a simulation nothing counts as
untracked: its opens and clicks are scripted, not measured.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.analytics.deltas import Deltas
from engine.analytics.fold_steps import day_of, test_contacts
from engine.db.models import AnalyticsEmailDay, AnalyticsMessage, AnalyticsPending, Message
from engine.messaging.tokens import TEST_KEY_PREFIX

EMAIL = AnalyticsEmailDay.__table__

COUNTED = ("sent", "bounced")
COUNTED_SIMULATED = ("queued", "sending", "sent", "bounced", "uncertain")
UNSETTLED = ("queued", "sending")
_COLUMNS = (Message.id, Message.idempotency_key, Message.contact_id, Message.enrollment_id,
            Message.journey_id, Message.node_id, Message.template_key, Message.category,
            Message.status, Message.queued_at, Message.sent_at, Message.headers)


def _fold(session: Session, rows, deltas: Deltas, simulated: bool) -> list[int]:
    """Count the rows that are sent; returns the ids still unsettled."""
    counted = COUNTED_SIMULATED if simulated else COUNTED
    tests = test_contacts(session, (r.contact_id for r in rows if r.contact_id is not None))
    pending, new = [], []
    for r in rows:
        if (r.journey_id is None or r.contact_id is None or r.category == "internal"
                or r.contact_id in tests or r.idempotency_key.startswith(TEST_KEY_PREFIX)):
            continue
        if not simulated and r.status in UNSETTLED:
            pending.append(r.id)
            continue
        if r.status not in counted:
            continue
        bounced = r.status == "bounced"
        template, node = r.template_key or "", r.node_id or ""
        at = r.queued_at if simulated or r.sent_at is None else r.sent_at
        day = day_of(at)
        new.append({"message_id": r.id, "contact_id": r.contact_id,
                    "enrollment_id": r.enrollment_id, "journey_id": r.journey_id,
                    "node_id": node, "template": template, "day": day, "sent_at": at,
                    "bounced": bounced, "opened": False, "clicked": False,
                    "unsubscribed": False, "complained": False})
        untracked = not simulated and isinstance(r.headers, dict) and r.headers.get("tracked") is False
        deltas.add(EMAIL, (r.journey_id, node, template, day), sent=1, bounced=int(bounced),
                   untracked=int(untracked))
    if new:
        session.execute(AnalyticsMessage.__table__.insert(), new)
    return pending


def fold_messages(session: Session, after: int, limit: int, deltas: Deltas, *,
                  simulated: bool = False) -> int | None:
    """Fold up to `limit` outbox rows with id > `after`; the last id looked at, None if none."""
    rows = session.execute(select(*_COLUMNS).where(Message.id > after)
                           .order_by(Message.id).limit(limit)).all()
    if not rows:
        return None
    pending = _fold(session, rows, deltas, simulated)
    if pending:
        session.execute(AnalyticsPending.__table__.insert(), [{"message_id": i} for i in pending])
    return rows[-1].id


def fold_pending(session: Session, deltas: Deltas) -> int:
    """Fold the pending emails that have settled since; returns how many settled."""
    # an IN, not a join: as a join, SQLite read the whole outbox to find the few pending
    rows = session.execute(select(*_COLUMNS).where(
        Message.id.in_(select(AnalyticsPending.message_id)),
        Message.status.not_in(UNSETTLED))).all()
    if rows:
        _fold(session, rows, deltas, simulated=False)
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 900):
            session.execute(delete(AnalyticsPending)
                            .where(AnalyticsPending.message_id.in_(ids[start:start + 900])))
    # emails deleted from the outbox while pending (their contact was deleted) are dropped
    session.execute(delete(AnalyticsPending).where(~AnalyticsPending.message_id.in_(
        select(Message.id))))
    return len(rows)
