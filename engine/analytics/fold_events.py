"""Folding events into the email, journey and path rollups (one chunk, in id order).

- `email_opened`, `email_clicked`, `unsubscribed`, `spam_complaint`, `email_bounced` count
  for the email they name (`message_key`), or — without one (imported, scripted) — for
  the contact's most recent email counted as sent at or before the event. Each counts
  once per email (unique opens, unique clicks…); a click is never an open.
- The conversion event (setting, default `order_completed`) is an order. It is credited
  to the email of the contact's last open or click at most `attribution_days` before it
  (last touch, whatever the journey); its revenue property (setting, default `revenue`)
  adds to the email's, the journey's (on the order's day) and the paths' revenue of that
  email's enrollment. A missing, non-numeric, negative or non-finite revenue counts the
  order in `orders_without_revenue` instead. Orders with no touch in the window are
  credited to no journey.
- Events of test contacts and events naming a test send or an email not counted as sent
  count for nothing.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.analytics.deltas import Deltas
from engine.analytics.fold_messages import EMAIL, TEST_KEY_PREFIX
from engine.analytics.fold_steps import JOURNEY, PATH, day_of, path_members, test_contacts
from engine.analytics.settings import AnalyticsSettings
from engine.db.models import AnalyticsMessage, Event, Message

OPENED, CLICKED = "email_opened", "email_clicked"
TOUCHES = (OPENED, CLICKED)
#: event name → (flag on analytics_message, column of analytics_email_day)
FLAGS = {OPENED: ("opened", "unique_opens"), CLICKED: ("clicked", "unique_clicks"),
         "unsubscribed": ("unsubscribed", "unsubscribes"),
         "spam_complaint": ("complained", "complaints"), "email_bounced": ("bounced", "bounced")}


def parse_revenue(value: Any) -> Decimal | None:
    """A usable revenue: a JSON number or numeric string, finite and not negative."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        amount = Decimal(str(value))
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            return None
        if not amount.is_finite():
            return None
    else:
        return None
    return amount if amount >= 0 else None


class Resolver:
    """Which counted email an event is about (cached per chunk)."""

    def __init__(self, session: Session):
        self.session = session
        self.rows: dict[int, AnalyticsMessage] = {}
        self.ids: dict[str, int | None] = {}

    def prefetch(self, rows) -> None:
        """Load the emails the chunk's events name, in a few IN queries."""
        keys = list({k for r in rows if isinstance(r.properties, dict)
                     and isinstance(k := r.properties.get("message_key"), str) and k})
        for start in range(0, len(keys), 900):
            found = dict(self.session.execute(select(Message.idempotency_key, Message.id).where(
                Message.idempotency_key.in_(keys[start:start + 900]))).all())
            self.ids.update(found)
            for row in self.session.scalars(select(AnalyticsMessage).where(
                    AnalyticsMessage.message_id.in_(list(found.values())))):
                self.rows[row.message_id] = row
        for key in keys:
            self.ids.setdefault(key, None)

    def _row(self, message_id: int | None) -> AnalyticsMessage | None:
        if message_id is None:
            return None
        if message_id not in self.rows:
            self.rows[message_id] = self.session.get(AnalyticsMessage, message_id)
        return self.rows[message_id]

    def message(self, contact_id: int, properties: dict, at) -> AnalyticsMessage | None:
        key = properties.get("message_key") if isinstance(properties, dict) else None
        if isinstance(key, str) and key:
            if key.startswith(TEST_KEY_PREFIX):
                return None
            if key not in self.ids:
                self.ids[key] = self.session.scalar(
                    select(Message.id).where(Message.idempotency_key == key))
            return self._row(self.ids[key])
        return self._row(self.session.scalar(
            select(AnalyticsMessage.message_id)
            .where(AnalyticsMessage.contact_id == contact_id, AnalyticsMessage.sent_at <= at)
            .order_by(AnalyticsMessage.sent_at.desc(), AnalyticsMessage.message_id.desc())
            .limit(1)))


def last_touch(session: Session, contact_id: int, at, window: timedelta):
    return session.execute(
        select(Event.properties, Event.occurred_at)
        .where(Event.contact_id == contact_id, Event.name.in_(TOUCHES),
               Event.occurred_at <= at, Event.occurred_at >= at - window)
        .order_by(Event.occurred_at.desc(), Event.id.desc()).limit(1)).first()


def fold_events(session: Session, after: int, limit: int, deltas: Deltas,
                settings: AnalyticsSettings) -> int | None:
    """Fold up to `limit` events with id > `after`; the last id looked at, None if none."""
    order_name = settings.conversion_event
    # Only the events that count are read, up to the newest event when this chunk began;
    # when fewer than `limit` remain, the mark moves to that newest event, so events that
    # count for nothing are not read again.
    newest = session.scalar(select(func.max(Event.id)))
    if newest is None or newest <= after:
        return None
    rows = session.execute(
        select(Event.id, Event.contact_id, Event.name, Event.properties, Event.occurred_at)
        .where(Event.id > after, Event.id <= newest, Event.name.in_([*FLAGS, order_name]))
        .order_by(Event.id).limit(limit)).all()
    last = rows[-1].id if len(rows) == limit else newest
    wanted = rows
    tests = test_contacts(session, (r.contact_id for r in wanted))
    wanted = [r for r in wanted if r.contact_id not in tests]
    resolver = Resolver(session)
    resolver.prefetch(wanted)
    orders = []
    for r in wanted:
        if r.name == order_name and r.name not in FLAGS:
            orders.append(r)
            continue
        row = resolver.message(r.contact_id, r.properties or {}, r.occurred_at)
        if row is None:
            continue
        flag, column = FLAGS[r.name]
        if not getattr(row, flag):
            setattr(row, flag, True)  # written by the session's flush
            deltas.add(EMAIL, (row.journey_id, row.node_id, row.template, row.day), **{column: 1})
    window = timedelta(days=settings.attribution_days)
    credited = []
    for r in orders:
        touch = last_touch(session, r.contact_id, r.occurred_at, window)
        row = resolver.message(r.contact_id, touch.properties or {}, touch.occurred_at) if touch else None
        if row is None:
            continue
        amount = parse_revenue((r.properties or {}).get(settings.revenue_property))
        credited.append((row, amount, day_of(r.occurred_at)))
    members = path_members(session, [row.enrollment_id for row, _, _ in credited
                                     if row.enrollment_id is not None])
    for row, amount, day in credited:
        email_key = (row.journey_id, row.node_id, row.template, row.day)
        if amount is None:
            deltas.add(EMAIL, email_key, orders=1, orders_without_revenue=1)
            deltas.add(JOURNEY, (row.journey_id, day), orders=1, orders_without_revenue=1)
            continue
        deltas.add(EMAIL, email_key, orders=1, revenue=amount)
        deltas.add(JOURNEY, (row.journey_id, day), orders=1, revenue=amount)
        for node, port, journey, taken_day in members.get(row.enrollment_id, []):
            deltas.add(PATH, (journey, node, port, taken_day), revenue=amount)
    return last
