"""Cohorts by week of entry: entrants, the share who ordered within 30/60/90 days of
entering, and revenue per entrant (orders within 90 days), per journey.

Contract:
- `week_of(at) -> str`: the Monday (UTC) of `at`'s week, as YYYY-MM-DD.
- `fold_orders(session, orders, deltas)`: orders = [(contact_id, occurred_at, revenue or
  None)] of non-test contacts. For every enrollment of the contact that entered at most
  90 days before the order (and not after it): a usable revenue adds to `revenue_90` of
  its entry week; the enrollment's first order (`analytics_first_order`) adds it to
  `ordered_30/60/90` by how long after entering it came. An order that arrives after a
  later one was already counted does not move the first order.
- `cohort_rows(session, journey_id, start, end) -> list[dict]`: one row per week with
  entrants in the period (by week start): {"week", "entrants", "ordered_30", "ordered_60",
  "ordered_90", "rate_30", "rate_60", "rate_90", "revenue_per_entrant"}.
Entrants are added by fold_steps (each `enter` log, on its enrollment's entry week).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.analytics.deltas import Deltas
from engine.db.models import AnalyticsCohortWeek, AnalyticsFirstOrder, Enrollment

COHORT = AnalyticsCohortWeek.__table__
HORIZONS = (30, 60, 90)


def week_of(at: datetime) -> str:
    day = at.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def fold_orders(session: Session, orders: list[tuple], deltas: Deltas) -> None:
    if not orders:
        return
    contacts = list({contact for contact, _, _ in orders})
    since = min(at for _, at, _ in orders) - timedelta(days=HORIZONS[-1])
    runs: dict[int, list] = {}
    for start in range(0, len(contacts), 900):
        for row in session.execute(
                select(Enrollment.id, Enrollment.contact_id, Enrollment.journey_id,
                       Enrollment.entered_at)
                .where(Enrollment.contact_id.in_(contacts[start:start + 900]),
                       Enrollment.entered_at >= since)):
            runs.setdefault(row.contact_id, []).append(row)
    ids = [r.id for rows in runs.values() for r in rows]
    first: dict[int, datetime] = {}
    for start in range(0, len(ids), 900):
        first.update(session.execute(select(AnalyticsFirstOrder.enrollment_id,
                                            AnalyticsFirstOrder.ordered_at)
                                     .where(AnalyticsFirstOrder.enrollment_id.in_(
                                         ids[start:start + 900]))).all())
    new = {}
    for contact, at, amount in sorted(orders, key=lambda o: o[1]):
        for run in runs.get(contact, []):
            after = at - run.entered_at
            if after < timedelta(0) or after > timedelta(days=HORIZONS[-1]):
                continue
            key = (run.journey_id, week_of(run.entered_at))
            if amount is not None:
                deltas.add(COHORT, key, revenue_90=amount)
            if run.id in first:
                continue
            first[run.id] = new[run.id] = at
            deltas.add(COHORT, key, **{f"ordered_{h}": 1 for h in HORIZONS
                                       if after <= timedelta(days=h)})
    if new:
        session.execute(AnalyticsFirstOrder.__table__.insert(),
                        [{"enrollment_id": i, "ordered_at": at} for i, at in new.items()])


def cohort_rows(session: Session, journey_id: int, start: datetime | None = None,
                end: datetime | None = None) -> list[dict]:
    from engine.analytics.report import money, rate

    C = AnalyticsCohortWeek
    query = select(C.week, C.entrants, C.ordered_30, C.ordered_60, C.ordered_90, C.revenue_90
                   ).where(C.journey_id == journey_id, C.entrants > 0).order_by(C.week)
    if start is not None:
        query = query.where(C.week >= week_of(start))
    if end is not None:
        query = query.where(C.week <= end.date().isoformat())
    rows = []
    for week, entrants, o30, o60, o90, revenue in session.execute(query):
        rows.append({"week": week, "entrants": entrants, "ordered_30": o30, "ordered_60": o60,
                     "ordered_90": o90, "rate_30": rate(o30, entrants),
                     "rate_60": rate(o60, entrants), "rate_90": rate(o90, entrants),
                     "revenue_per_entrant": money(Decimal(str(revenue or 0)) / entrants)})
    return rows



