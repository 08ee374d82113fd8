"""Cross-journey totals (the home dashboard) and per-step figures of one journey (the
canvas overlay), read from the rollups. The catch-up is the caller's (report.reports runs
it; the app runs it on the engine's schedule).

Contract:
- `dashboard_totals(session, start, end) -> dict`: {"journeys": [{"journey_id", "revenue",
  "sent", "delivered", "unique_opens", "unique_clicks", "unsubscribes", "complaints"}],
  "sent", "delivered", "unique_opens", "unique_clicks", "unsubscribe_rate",
  "complaint_rate", "revenue"} over whole UTC days (None: no bound); rates over delivered,
  0 when nothing was delivered.
- `canvas_figures(session, journey_id, start, end) -> {node_id: {...}}`: per step
  `reached`, `dropped`, `dropped_rate`, `conversions` (goal steps); email steps also
  `sent`, `open_rate`, `click_rate`; steps with conversions also `revenue`, the journey's
  revenue of the period (revenue is credited to emails, the goal is where it shows);
  forks (branch, split, wait) also `ports` = {port: enrollments that took it}, which the
  canvas uses to draw links thicker where more contacts flowed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.analytics.report import in_days, money, rate
from engine.db.models import (
    AnalyticsEmailDay, AnalyticsJourneyDay, AnalyticsPathDay, AnalyticsStepDay,
)

E, J, S, P = AnalyticsEmailDay, AnalyticsJourneyDay, AnalyticsStepDay, AnalyticsPathDay
_EMAIL = ("sent", "bounced", "unique_opens", "unique_clicks", "unsubscribes", "complaints")


def dashboard_totals(session: Session, start: datetime | None = None,
                     end: datetime | None = None) -> dict:
    per: dict[int, dict] = {}
    for row in session.execute(in_days(
            select(E.journey_id, *[func.sum(getattr(E, c)) for c in _EMAIL]), E.day, start, end)
            .group_by(E.journey_id)).all():
        sent, bounced, opens, clicks, unsubs, complaints = row[1:]
        per[row[0]] = {"journey_id": row[0], "revenue": 0.0, "sent": sent,
                       "delivered": sent - bounced, "unique_opens": opens,
                       "unique_clicks": clicks, "unsubscribes": unsubs, "complaints": complaints}
    for journey_id, revenue in session.execute(in_days(
            select(J.journey_id, func.sum(J.revenue)), J.day, start, end)
            .group_by(J.journey_id)).all():
        per.setdefault(journey_id, {"journey_id": journey_id, **{k: 0 for k in (
            "sent", "delivered", "unique_opens", "unique_clicks", "unsubscribes",
            "complaints")}})["revenue"] = money(revenue)
    rows = sorted(per.values(), key=lambda r: (-r["revenue"], r["journey_id"]))
    total = {k: sum(r[k] for r in rows) for k in ("sent", "delivered", "unique_opens",
                                                   "unique_clicks", "unsubscribes", "complaints")}
    return {"journeys": rows, **total,
            "unsubscribe_rate": rate(total["unsubscribes"], total["delivered"]),
            "complaint_rate": rate(total["complaints"], total["delivered"]),
            "revenue": money(sum(r["revenue"] for r in rows))}


def canvas_figures(session: Session, journey_id: int, start: datetime | None = None,
                   end: datetime | None = None) -> dict[str, dict]:
    figures: dict[str, dict] = {}
    for node, reached, dropped, converted in session.execute(in_days(
            select(S.node_id, func.sum(S.reached), func.sum(S.dropped), func.sum(S.converted))
            .where(S.journey_id == journey_id), S.day, start, end).group_by(S.node_id)).all():
        figures[node] = {"reached": reached, "dropped": dropped, "dropped_rate":
                         rate(dropped, reached), "conversions": converted}
    for node, sent, bounced, opens, clicks in session.execute(in_days(
            select(E.node_id, func.sum(E.sent), func.sum(E.bounced), func.sum(E.unique_opens),
                   func.sum(E.unique_clicks)).where(E.journey_id == journey_id), E.day, start, end)
            .group_by(E.node_id)).all():
        figures.setdefault(node, {"reached": 0, "dropped": 0, "dropped_rate": 0.0,
                                  "conversions": 0}).update(
            sent=sent, open_rate=rate(opens, sent - bounced), click_rate=rate(clicks, sent - bounced))
    for node, port, took in session.execute(in_days(
            select(P.node_id, P.port, func.sum(P.entered)).where(P.journey_id == journey_id),
            P.day, start, end).group_by(P.node_id, P.port)).all():
        figures.setdefault(node, {"reached": 0, "dropped": 0, "dropped_rate": 0.0,
                                  "conversions": 0}).setdefault("ports", {})[port] = took
    if any(f["conversions"] for f in figures.values()):
        revenue = money(session.scalar(in_days(
            select(func.coalesce(func.sum(J.revenue), 0)).where(J.journey_id == journey_id),
            J.day, start, end)))
        for f in figures.values():
            if f["conversions"]:
                f["revenue"] = revenue
    return figures
