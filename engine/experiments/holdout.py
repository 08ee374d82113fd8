"""The holdout comparison: does the journey change what contacts do?

Contract: `holdout_report(session, journey_id, settings, start=None, end=None)` → the
report's `"holdout"` object, or None when the journey holds nobody out (its setting is 0
and nobody was ever held out). Entrants are the journey's enrollments of real (not test)
contacts that entered since the first contact was held out (before that there was no
comparison group), within the period when one is given; held out are those that exited
with the reason `holdout`, treated the rest — whether or not they are still in the journey.
- Conversion: the journey's goal event (its `goal_events`, filters included; without any,
  the analytics conversion event) within `conversion_window` after entry, for both groups.
- `lift` = treated rate − held-out rate (0: no effect) with Newcombe's hybrid score 95 %
  interval (`ci_low`, `ci_high`); `relative_lift` = treated / held-out rate − 1 (None when
  the held-out rate is 0).
- Revenue per contact: the orders (analytics conversion event and revenue property) within
  the window, over the group's size.
- `repeat_purchase`: for 30, 60 and 90 days, per group, the share that ordered within that
  many days of entering, among those who entered at least that long before `now` (`n` says
  how many; without `now`, nobody counts yet).
All reads are a few IN queries, never one per contact.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.analytics.fold_events import parse_revenue
from engine.analytics.settings import load_analytics_settings
from engine.conditions.evaluate import event_matches
from engine.db.models import Contact, Enrollment, Event
from engine.nodes.common import EventMatcher

HOLDOUT = "holdout"
HORIZONS = (30, 60, 90)
CHUNK = 900


def _rate(part: float, whole: float) -> float:
    return round(part / whole, 6) if whole else 0.0


def holdout_report(session: Session, journey_id: int, settings, start: datetime | None = None,
                   end: datetime | None = None, now: datetime | None = None) -> dict | None:
    from engine.experiments.stats import rate_difference  # scipy, only where needed

    first = session.scalar(select(Enrollment.entered_at).where(
        Enrollment.journey_id == journey_id, Enrollment.end_reason == HOLDOUT)
        .order_by(Enrollment.entered_at).limit(1))
    if first is None and not settings.holdout_percent:
        return None
    window = settings.conversion_window.to_timedelta()
    rows = []
    if first is not None:
        query = (select(Enrollment.contact_id, Enrollment.entered_at, Enrollment.end_reason)
                 .join(Contact, Contact.id == Enrollment.contact_id)
                 .where(Enrollment.journey_id == journey_id, Enrollment.entered_at >= first,
                        Contact.is_test.is_(False)))
        if start is not None:
            query = query.where(Enrollment.entered_at >= start)
        if end is not None:
            query = query.where(Enrollment.entered_at <= end)
        rows = session.execute(query).all()
    analytics = load_analytics_settings(session)
    goals = list(settings.goal_events) or [EventMatcher(event=analytics.conversion_event)]
    names = {g.event for g in goals} | {analytics.conversion_event}
    goal_times, orders = _events(session, {r.contact_id for r in rows}, names, goals, analytics)
    last_event = now
    groups = {True: _Group(), False: _Group()}
    for contact, entered, reason in rows:
        group = groups[reason == HOLDOUT]
        group.n += 1
        if _any_between(goal_times.get(contact, []), entered, entered + window):
            group.converted += 1
        for at, amount in orders.get(contact, []):
            if entered <= at <= entered + window:
                group.revenue += amount
        for days in HORIZONS:
            if last_event is not None and entered + timedelta(days=days) > last_event:
                continue  # not long enough ago to say
            group.matured[days] += 1
            horizon = entered + timedelta(days=days)
            if any(entered <= at <= horizon for at, _ in orders.get(contact, [])):
                group.ordered[days] += 1
    held, treated = groups[True], groups[False]
    lift, low, high = rate_difference((treated.n, treated.converted), (held.n, held.converted))
    held_rate, treated_rate = _rate(held.converted, held.n), _rate(treated.converted, treated.n)
    return {
        "percent": settings.holdout_percent,
        "conversion_window": str(settings.conversion_window),
        "held_out": held.n,
        "treated": treated.n,
        "held_out_conversions": held.converted,
        "treated_conversions": treated.converted,
        "held_out_conversion_rate": held_rate,
        "treated_conversion_rate": treated_rate,
        "lift": round(lift, 6),
        "ci_low": round(low, 6),
        "ci_high": round(high, 6),
        "relative_lift": round(treated_rate / held_rate - 1, 6) if held_rate else None,
        "held_out_revenue_per_contact": round(held.revenue / held.n, 2) if held.n else 0.0,
        "treated_revenue_per_contact": round(treated.revenue / treated.n, 2) if treated.n else 0.0,
        "repeat_purchase": [
            {"days": days,
             "held_out": _rate(held.ordered[days], held.matured[days]),
             "held_out_n": held.matured[days],
             "treated": _rate(treated.ordered[days], treated.matured[days]),
             "treated_n": treated.matured[days]}
            for days in HORIZONS],
    }


class _Group:
    def __init__(self) -> None:
        self.n = self.converted = 0
        self.revenue = 0.0
        self.matured: dict[int, int] = defaultdict(int)
        self.ordered: dict[int, int] = defaultdict(int)


def _any_between(times: list[datetime], low: datetime, high: datetime) -> bool:
    index = bisect_left(times, low)
    return index < len(times) and times[index] <= high


def _events(session: Session, contacts: set[int], names: set[str], goals, analytics):
    """({contact: sorted goal times}, {contact: [(order time, revenue)]})."""
    goal_times: dict[int, list[datetime]] = defaultdict(list)
    orders: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    ids = list(contacts)
    for start in range(0, len(ids), CHUNK):
        for contact, name, properties, at in session.execute(select(
                Event.contact_id, Event.name, Event.properties, Event.occurred_at).where(
                Event.contact_id.in_(ids[start:start + CHUNK]), Event.name.in_(names))):
            properties = properties or {}
            if any(event_matches(g, name, properties) for g in goals):
                goal_times[contact].append(at)
            if name == analytics.conversion_event:
                amount = parse_revenue(properties.get(analytics.revenue_property))
                orders[contact].append((at, float(amount) if amount is not None else 0.0))
    for times in goal_times.values():
        times.sort()
    return goal_times, orders
