"""A journey's results, read from the rollups (docs/analytics.md).

Contract: `journey_report(session, journey_id, name, start, end) -> dict` is the JSON object
of `report --json`: {"journey", "from", "to", "entered", "in_progress", "converted",
"conversion_rate", "revenue", "orders_without_revenue", "emails": [...], "steps": [...],
"paths": [...], "tracking", "untracked_sent"}. The period is whole UTC days from `start`'s day to `end`'s day
(inclusive; None: no bound; "from"/"to" echo them as ISO 8601 or null). Rates are
fractions 0–1 and 0 when their denominator is 0 (never a division error); money is a
number rounded to cents. `in_progress` and each step's `waiting` are now, whatever the
period. The reports of `report` and `simulate`, with the A/B tests and the holdout, are
engine/reports/journey_reports.py's `reports` (above analytics and experiments).
`has_data(report)` tells "no data yet" apart from zeros.

Tracking (docs/tracking.md): each email row has "untracked", how many of its sent emails
went out with tracking off (no open pixel, links as written); the report's
"untracked_sent" is their sum and "tracking" is false when there is any — its opens and
clicks were then not measured for those emails. Opens and clicks recorded anyway
(imported, scripted, simulated events) stay numbers. `tracking_note(report)` says so in
words (None when everything was tracked).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import (
    AnalyticsEmailDay, AnalyticsJourneyDay, AnalyticsPathDay, AnalyticsStepDay, Contact, Enrollment,
    EnrollmentStatus, JourneyRow,
)


def rate(part: float, whole: float) -> float:
    return round(part / whole, 6) if whole else 0.0


def money(value) -> float:
    return float(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def in_days(query, column, start: datetime | None, end: datetime | None):
    if start is not None:
        query = query.where(column >= start.date().isoformat())
    if end is not None:
        query = query.where(column <= end.date().isoformat())
    return query


def _node_order(session: Session, journey_id: int) -> dict[str, int]:
    draft = session.scalar(select(JourneyRow.draft).where(JourneyRow.id == journey_id)) or {}
    nodes = draft.get("nodes", []) if isinstance(draft, dict) else []
    return {n.get("id"): i for i, n in enumerate(nodes) if isinstance(n, dict)}


def journey_report(session: Session, journey_id: int, name: str, start: datetime | None = None,
                   end: datetime | None = None) -> dict:
    J, S, E, P = AnalyticsJourneyDay, AnalyticsStepDay, AnalyticsEmailDay, AnalyticsPathDay
    totals = session.execute(in_days(
        select(func.coalesce(func.sum(J.entered), 0), func.coalesce(func.sum(J.converted), 0),
               func.coalesce(func.sum(J.revenue), 0),
               func.coalesce(func.sum(J.orders_without_revenue), 0))
        .where(J.journey_id == journey_id), J.day, start, end)).one()
    entered, converted, revenue, without = totals
    waiting = dict(session.execute(
        select(Enrollment.node_id, func.count())
        .join(Contact, Contact.id == Enrollment.contact_id)
        .where(Enrollment.journey_id == journey_id, Enrollment.status == EnrollmentStatus.ACTIVE,
               Contact.is_test.is_(False))
        .group_by(Enrollment.node_id)).all())
    order = _node_order(session, journey_id)

    def place(node: str):
        return (order.get(node, len(order)), node)

    emails = []
    for row in session.execute(in_days(
            select(E.node_id, E.template, *[func.sum(getattr(E, c)) for c in (
                "sent", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
                "complaints", "revenue", "untracked")])
            .where(E.journey_id == journey_id), E.day, start, end)
            .group_by(E.node_id, E.template)).all():
        (node, template, sent, bounced, opens, clicks, unsubs, complaints, email_revenue,
         untracked) = row
        delivered = sent - bounced
        emails.append({
            "step": node, "template": template, "sent": sent, "delivered": delivered,
            "bounced": bounced, "unique_opens": opens, "unique_clicks": clicks,
            "open_rate": rate(opens, delivered), "click_rate": rate(clicks, delivered),
            "click_to_open": rate(clicks, opens), "unsubscribes": unsubs,
            "complaints": complaints, "revenue": money(email_revenue), "untracked": untracked})
    emails.sort(key=lambda e: (place(e["step"]), e["template"]))
    steps = []
    for node, reached, dropped, completed, conv in session.execute(in_days(
            select(S.node_id, func.sum(S.reached), func.sum(S.dropped), func.sum(S.completed),
                   func.sum(S.converted)).where(S.journey_id == journey_id), S.day, start, end)
            .group_by(S.node_id)).all():
        now_waiting = waiting.get(node, 0)
        steps.append({"step": node, "reached": reached,
                      "passed": max(0, reached - now_waiting - dropped - completed - conv),
                      "waiting": now_waiting, "dropped": dropped})
    steps.sort(key=lambda s: place(s["step"]))
    paths = []
    for node, port, took, conv, path_revenue in session.execute(in_days(
            select(P.node_id, P.port, func.sum(P.entered), func.sum(P.converted),
                   func.sum(P.revenue)).where(P.journey_id == journey_id), P.day, start, end)
            .group_by(P.node_id, P.port)).all():
        paths.append({"step": node, "port": port, "entered": took, "converted": conv,
                      "conversion_rate": rate(conv, took), "revenue": money(path_revenue)})
    paths.sort(key=lambda p: (place(p["step"]), p["port"]))
    return {
        "journey": name,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "entered": entered,
        "in_progress": sum(waiting.values()),
        "converted": converted,
        "conversion_rate": rate(converted, entered),
        "revenue": money(revenue),
        "orders_without_revenue": without,
        "emails": emails,
        "steps": steps,
        "paths": paths,
        "tracking": not any(e["untracked"] for e in emails),
        "untracked_sent": sum(e["untracked"] for e in emails),
    }


def tracking_note(report: dict) -> str | None:
    """'Opens and clicks not tracked' in words, or None when every email was tracked."""
    untracked = report.get("untracked_sent", 0)
    if not untracked:
        return None
    sent = sum(e["sent"] for e in report["emails"])
    share = "all" if untracked >= sent else f"{untracked:,} of {sent:,}"
    return (f"opens and clicks are not tracked for {share} emails sent: no public URL had "
            "passed its self-test (Settings ▸ Tracking, docs/tracking.md); opens and clicks "
            "shown come from recorded events only")


def has_data(report: dict) -> bool:
    return bool(report["entered"] or report["in_progress"] or report["emails"] or report["steps"])
