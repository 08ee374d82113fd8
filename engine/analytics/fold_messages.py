"""Folding the outbox into the email rollups (one chunk, in id order).

A journey email (journey set, not an internal team alert, not a test send, not to a test
contact) counts as **sent** once the SMTP server has answered for it: status `sent` or
`bounced`, at `sent_at`. In a simulation (`simulated=True`) every email put in the outbox
counts as sent at `queued_at` (nothing is delivered there). A counted email gets an
`analytics_message` row, which later events use to count each open, click, unsubscribe,
complaint and bounce once. Status `bounced` (refused at send time) counts as bounced.

Rows still `queued`/`sending` may change later, so the caller keeps its watermark at the
lowest such id and this module is asked again about them; an email already counted is
never counted twice (only a late `bounced` status is added).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.analytics.deltas import Deltas
from engine.analytics.fold_steps import day_of, test_contacts
from engine.db.models import AnalyticsEmailDay, AnalyticsMessage, Message

EMAIL = AnalyticsEmailDay.__table__
TEST_KEY_PREFIX = "test:"  # engine.delivery.trial_send.TEST_KEY_PREFIX (not imported: smtp deps)
COUNTED = ("sent", "bounced")
COUNTED_SIMULATED = ("queued", "sending", "sent", "bounced", "uncertain")
UNSETTLED = ("queued", "sending")


def fold_messages(session: Session, after: int, limit: int, deltas: Deltas, *,
                  simulated: bool = False) -> tuple[int, int | None] | None:
    """Fold up to `limit` outbox rows with id > `after`: (last id looked at, lowest id
    still unsettled or None), or None when there are none."""
    rows = session.execute(
        select(Message.id, Message.idempotency_key, Message.contact_id, Message.enrollment_id,
               Message.journey_id, Message.node_id, Message.template_key, Message.category,
               Message.status, Message.queued_at, Message.sent_at)
        .where(Message.id > after).order_by(Message.id).limit(limit)).all()
    if not rows:
        return None
    counted = COUNTED_SIMULATED if simulated else COUNTED
    tests = test_contacts(session, (r.contact_id for r in rows if r.contact_id is not None))
    ids = [r.id for r in rows]
    known = dict(session.execute(select(AnalyticsMessage.message_id, AnalyticsMessage.bounced)
                                 .where(AnalyticsMessage.message_id.between(ids[0], ids[-1]))).all())
    unsettled, new = None, []
    for r in rows:
        if (r.journey_id is None or r.contact_id is None or r.category == "internal"
                or r.contact_id in tests or r.idempotency_key.startswith(TEST_KEY_PREFIX)):
            continue
        if not simulated and r.status in UNSETTLED and unsettled is None:
            unsettled = r.id
        if r.status not in counted:
            continue
        bounced = r.status == "bounced"
        template, node = r.template_key or "", r.node_id or ""
        if r.id in known:
            if bounced and not known[r.id]:
                session.execute(AnalyticsMessage.__table__.update()
                                .where(AnalyticsMessage.message_id == r.id).values(bounced=True))
                row = session.get(AnalyticsMessage, r.id)
                deltas.add(EMAIL, (r.journey_id, node, template, row.day), bounced=1)
            continue
        at = r.queued_at if simulated or r.sent_at is None else r.sent_at
        day = day_of(at)
        new.append({"message_id": r.id, "contact_id": r.contact_id,
                    "enrollment_id": r.enrollment_id, "journey_id": r.journey_id,
                    "node_id": node, "template": template, "day": day, "sent_at": at,
                    "bounced": bounced, "opened": False, "clicked": False,
                    "unsubscribed": False, "complained": False})
        deltas.add(EMAIL, (r.journey_id, node, template, day), sent=1, bounced=int(bounced))
    if new:
        session.execute(AnalyticsMessage.__table__.insert(), new)
    return rows[-1].id, unsettled
