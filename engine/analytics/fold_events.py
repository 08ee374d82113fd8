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
- Cost: the database picks the chunk and leaves out every event whose email already
  carries its flag (a second open, a repeated click), so Python only sees the events that
  add something, the events naming no email, and the orders.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from bisect import bisect_right

from sqlalchemy import bindparam, case, false, func, select, update
from sqlalchemy.orm import Session, aliased

from engine.analytics.cohorts import fold_orders
from engine.analytics.deltas import Deltas
from engine.analytics.fold_messages import EMAIL
from engine.analytics.fold_steps import JOURNEY, PATH, day_of, path_members, test_contacts
from engine.analytics.settings import AnalyticsSettings
from engine.db.models import AnalyticsMessage, Event, Message
from engine.messaging.tokens import TEST_KEY_PREFIX

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


_ROW = (AnalyticsMessage.message_id, AnalyticsMessage.contact_id, AnalyticsMessage.enrollment_id,
        AnalyticsMessage.journey_id, AnalyticsMessage.node_id, AnalyticsMessage.template,
        AnalyticsMessage.day, AnalyticsMessage.sent_at, AnalyticsMessage.bounced,
        AnalyticsMessage.opened, AnalyticsMessage.clicked, AnalyticsMessage.unsubscribed,
        AnalyticsMessage.complained)
_FLAG_NAMES = ("bounced", "opened", "clicked", "unsubscribed", "complained")


#: the message_key property as text, read by the database (no JSON decoding here)
MESSAGE_KEY_VALUE = Event.properties["message_key"].as_string()
MESSAGE_KEY = MESSAGE_KEY_VALUE.label("key")


def _key(key) -> str | None:
    return key if isinstance(key, str) and key else None


class Resolver:
    """Which counted email an event is about. `load(events)` reads, in a few IN queries,
    the emails the events name and every counted email of the contacts of those that name
    none; `message(...)` then answers from memory."""

    def __init__(self, session: Session):
        self.session = session
        self.rows: dict[int, dict] = {}
        self.ids: dict[str, int | None] = {}
        #: contact → ([(sent_at, message_id)] sorted), for events naming no email
        self.sent: dict[int, list[tuple]] = {}

    def _keep(self, found) -> None:
        for values in found:
            row = dict(zip([c.key for c in _ROW], values))
            self.rows.setdefault(row["message_id"], row)

    def seed(self, rows) -> None:
        """Take the emails joined to the chunk's events (`m_*` columns)."""
        names = [c.key for c in _ROW]
        for r in rows:
            key = _key(r.key)
            if key is None or key in self.ids:
                continue
            if r.m_message_id is None:
                self.ids[key] = None  # unknown, or not counted as sent
                continue
            self.ids[key] = r.m_message_id
            if r.m_message_id not in self.rows:  # the m_* columns follow the event's five
                self.rows[r.m_message_id] = dict(zip(names, r[5:]))

    def load(self, events) -> None:
        keys = list({k for _c, key, _a in events if (k := _key(key)) and k not in self.ids
                     and not k.startswith(TEST_KEY_PREFIX)})
        for start in range(0, len(keys), 900):
            found = dict(self.session.execute(select(Message.idempotency_key, Message.id).where(
                Message.idempotency_key.in_(keys[start:start + 900]))).all())
            self.ids.update(found)
            wanted = [i for i in found.values() if i not in self.rows]
            if wanted:
                self._keep(self.session.execute(select(*_ROW).where(
                    AnalyticsMessage.message_id.in_(wanted))).all())
        for key in keys:
            self.ids.setdefault(key, None)
        contacts = list({c for c, key, _a in events if _key(key) is None and c not in self.sent})
        for start in range(0, len(contacts), 900):
            part = contacts[start:start + 900]
            for c in part:
                self.sent[c] = []
            found = self.session.execute(select(*_ROW).where(
                AnalyticsMessage.contact_id.in_(part))).all()
            self._keep(found)
            for values in found:
                self.sent[values[1]].append((values[7], values[0]))
            for c in part:
                self.sent[c].sort()

    def message(self, contact_id: int, key: str | None, at) -> dict | None:
        key = _key(key)
        if key is not None:
            if key.startswith(TEST_KEY_PREFIX):
                return None
            return self.rows.get(self.ids.get(key))
        sent = self.sent.get(contact_id, [])
        # the latest (sent_at, id) at or before `at`: ids never exceed this sentinel
        index = bisect_right(sent, (at, float("inf")))
        return self.rows.get(sent[index - 1][1]) if index else None


def _touches(session: Session, orders) -> dict[int, tuple]:
    """order event id → (contact, message_key, occurred_at) of the contact's last open or
    click at or before it (the window is checked by the caller)."""
    if not orders:
        return {}
    t = aliased(Event)
    last = (select(t.id).where(t.contact_id == Event.contact_id, t.name.in_(TOUCHES),
                               t.occurred_at <= Event.occurred_at)
            .order_by(t.occurred_at.desc(), t.id.desc()).limit(1).scalar_subquery())
    pairs = []
    ids = [r.id for r in orders]
    for start in range(0, len(ids), 900):
        pairs += session.execute(select(Event.id, last).where(
            Event.id.in_(ids[start:start + 900]))).all()
    touch_ids = [touch for _, touch in pairs if touch is not None]
    found = {}
    for start in range(0, len(touch_ids), 900):
        for row in session.execute(select(Event.id, Event.contact_id, MESSAGE_KEY,
                                          Event.occurred_at)
                                   .where(Event.id.in_(touch_ids[start:start + 900]))):
            found[row.id] = (row.contact_id, row.key, row.occurred_at)
    return {order: found.get(touch) for order, touch in pairs if touch is not None}


def _revenues(session: Session, ids: list[int], settings: AnalyticsSettings) -> dict[int, Any]:
    found = {}
    for start in range(0, len(ids), 900):
        for event_id, properties in session.execute(select(Event.id, Event.properties).where(
                Event.id.in_(ids[start:start + 900]))):
            if isinstance(properties, dict):
                found[event_id] = properties.get(settings.revenue_property)
    return found


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
    # `name || ''`: the id range must drive the scan, not the (name, occurred_at) index,
    # which would read every open ever recorded to find the few new ones
    counting = (Event.name + "").in_([*FLAGS, order_name])
    # The chunk is the next `limit` events that count; when fewer remain, it runs to the
    # newest event, so events that count for nothing are not read again.
    upper = session.scalar(select(Event.id).where(Event.id > after, Event.id <= newest, counting)
                           .order_by(Event.id).offset(limit - 1).limit(1))
    last = newest if upper is None else upper
    # Each event comes with the counted email it names, in the same query (index lookups
    # on message.idempotency_key and analytics_message's key). An event whose email
    # already carries its flag (a second open, a repeated click) changes nothing: the
    # database leaves it out, so only the events that add something reach Python.
    already = case({name: getattr(AnalyticsMessage, flag) for name, (flag, _c) in FLAGS.items()},
                   value=Event.name)
    rows = session.execute(
        select(Event.id, Event.contact_id, Event.name, MESSAGE_KEY, Event.occurred_at,
               *[c.label(f"m_{c.key}") for c in _ROW])
        .outerjoin(Message, Message.idempotency_key == MESSAGE_KEY_VALUE)
        .outerjoin(AnalyticsMessage, AnalyticsMessage.message_id == Message.id)
        .where(Event.id > after, Event.id <= last, counting,
               func.coalesce(already, false()) == false())
        .order_by(Event.id)).all()
    tests = test_contacts(session, (r.contact_id for r in rows))
    wanted = [r for r in rows if r.contact_id not in tests]
    orders = [r for r in wanted if r.name == order_name and r.name not in FLAGS]
    flagged = [r for r in wanted if r.name in FLAGS]
    window = timedelta(days=settings.attribution_days)
    touches = _touches(session, orders)
    chosen = []
    for r in orders:
        touch = touches.get(r.id)
        # the last touch at or before the order; outside the window, no touch counts
        chosen.append((r, touch if touch and touch[2] >= r.occurred_at - window else None))
    resolver = Resolver(session)
    resolver.seed(flagged)
    resolver.load([(r.contact_id, r.key, r.occurred_at) for r in flagged]
                  + [t for _, t in chosen if t])
    changed: dict[int, dict] = {}
    for r in flagged:
        row = resolver.message(r.contact_id, r.key, r.occurred_at)
        if row is None:
            continue
        flag, column = FLAGS[r.name]
        if not row[flag]:
            row[flag] = True
            changed[row["message_id"]] = row
            deltas.add(EMAIL, (row["journey_id"], row["node_id"], row["template"], row["day"]),
                       **{column: 1})
    if changed:
        table = AnalyticsMessage.__table__
        session.execute(
            update(table).where(table.c.message_id == bindparam("id"))
            .values({f: bindparam(f"set_{f}") for f in _FLAG_NAMES}),
            [{"id": i, **{f"set_{f}": row[f] for f in _FLAG_NAMES}} for i, row in changed.items()])
    revenue_of = _revenues(session, [r.id for r in orders], settings)
    fold_orders(session, [(r.contact_id, r.occurred_at, parse_revenue(revenue_of.get(r.id)))
                          for r in orders], deltas)
    credited = []
    for r, touch in chosen:
        row = resolver.message(*touch) if touch else None
        if row is None:
            continue
        credited.append((row, parse_revenue(revenue_of.get(r.id)), day_of(r.occurred_at)))
    members = path_members(session, [row["enrollment_id"] for row, _, _ in credited
                                     if row["enrollment_id"] is not None])
    for row, amount, day in credited:
        email_key = (row["journey_id"], row["node_id"], row["template"], row["day"])
        journey_key = (row["journey_id"], day)
        if amount is None:
            deltas.add(EMAIL, email_key, orders=1, orders_without_revenue=1)
            deltas.add(JOURNEY, journey_key, orders=1, orders_without_revenue=1)
            continue
        deltas.add(EMAIL, email_key, orders=1, revenue=amount)
        deltas.add(JOURNEY, journey_key, orders=1, revenue=amount)
        for node, port, journey, taken_day in members.get(row["enrollment_id"], []):
            deltas.add(PATH, (journey, node, port, taken_day), revenue=amount)
    return last
