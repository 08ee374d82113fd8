"""The home dashboard across journeys: revenue by journey, emails sent, opens, clicks,
unsubscribe and complaint rates, and list growth, for a period.

Contract: `home_dashboard(session, period, today) -> dict` (period:
engine.analytics.results.Period) = {"period" (words), "currency", "kpis" ([{"key", "label",
"kind", "value", "previous"}] as in results.py: revenue, emails sent, unique opens, unique
clicks, open rate, click rate, unsubscribe rate, complaint rate (rates over delivered),
new contacts), "journeys" ([{"journey_id", "journey", "revenue", "sent", "delivered",
"unique_opens", "unique_clicks", "open_rate", "click_rate", "unsubscribe_rate",
"complaint_rate"}] by revenue, highest first), "growth" ([{"day", "joined",
"unsubscribed", "contacts"}] per day: contacts created (test contacts left out), contacts
who unsubscribed (an `unsubscribed` event), and contacts at the end of the day; all time:
the last 90 days), "has_data"}. Email figures come from the rollups
(engine.analytics.dashboard.dashboard_totals); growth from the contact and event tables
through their indexes (is_test, created_at; name, occurred_at, contact_id).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from engine.analytics.dashboard import dashboard_totals
from engine.analytics.report import rate
from engine.analytics.results import Period, shop_currency
from engine.db.models import Contact, Event, JourneyRow

ALL_TIME_GROWTH_DAYS = 90


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _joined(session: Session, start: datetime, end: datetime | None = None) -> int:
    """Contacts (not test ones) created from `start` (None: the beginning) to before `end`,
    counted from the (is_test, created_at) index alone."""
    query = select(func.count()).select_from(Contact).where(Contact.is_test.is_(False))
    if start is not None:
        query = query.where(Contact.created_at >= start)
    if end is not None:
        query = query.where(Contact.created_at < end)
    return session.scalar(query) or 0


def _growth(session: Session, first: date, last: date) -> list[dict]:
    start, end = _at(first), _at(last + timedelta(days=1))
    joined: dict[str, int] = {}
    for (at,) in session.execute(select(Contact.created_at).where(
            Contact.is_test.is_(False), Contact.created_at >= start, Contact.created_at < end)):
        joined[at.date().isoformat()] = joined.get(at.date().isoformat(), 0) + 1
    # each contact once a day, grouped in SQL from the covering index (name, occurred_at,
    # contact_id); date() is SQLite's and PostgreSQL's (a cast there)
    day = func.date(Event.occurred_at)
    left = {str(d)[:10]: n for d, n in session.execute(
        select(day, func.count(distinct(Event.contact_id)))
        .where(Event.name == "unsubscribed", Event.occurred_at >= start, Event.occurred_at < end)
        .group_by(day))}
    total = _joined(session, None, start)
    rows = []
    for n in range((last - first).days + 1):
        key = (first + timedelta(days=n)).isoformat()
        total += joined.get(key, 0)
        rows.append({"day": key, "joined": joined.get(key, 0),
                     "unsubscribed": int(left.get(key, 0)), "contacts": total})
    return rows


def _kpis(now: dict, before: dict | None, growth: list[dict], before_joined: int | None):
    def figures(t: dict | None, joined: int | None) -> dict | None:
        if t is None:
            return None
        return {"revenue": t["revenue"], "sent": t["sent"], "unique_opens": t["unique_opens"],
                "unique_clicks": t["unique_clicks"],
                "open_rate": rate(t["unique_opens"], t["delivered"]),
                "click_rate": rate(t["unique_clicks"], t["delivered"]),
                "unsubscribe_rate": t["unsubscribe_rate"], "complaint_rate": t["complaint_rate"],
                "joined": joined}

    a = figures(now, sum(g["joined"] for g in growth))
    b = figures(before, before_joined)
    labels = [("revenue", "Revenue", "money"), ("sent", "Emails sent", "count"),
              ("unique_opens", "Opens", "count"), ("unique_clicks", "Clicks", "count"),
              ("open_rate", "Open rate", "rate"), ("click_rate", "Click rate", "rate"),
              ("unsubscribe_rate", "Unsubscribe rate", "rate"),
              ("complaint_rate", "Complaint rate", "rate"), ("joined", "New contacts", "count")]
    return [{"key": k, "label": label, "kind": kind, "value": a[k],
             "previous": None if b is None else b[k]} for k, label, kind in labels]


def home_dashboard(session: Session, period: Period, today: date) -> dict:
    start, end = period.bounds()
    totals = dashboard_totals(session, start, end)
    earlier = period.previous()
    previous = None if earlier is None else dashboard_totals(session, *earlier.bounds())
    names = dict(session.execute(select(JourneyRow.id, JourneyRow.name)).all())
    journeys = [{**row, "journey": names.get(row["journey_id"], f"#{row['journey_id']}"),
                 "open_rate": rate(row["unique_opens"], row["delivered"]),
                 "click_rate": rate(row["unique_clicks"], row["delivered"]),
                 "unsubscribe_rate": rate(row["unsubscribes"], row["delivered"]),
                 "complaint_rate": rate(row["complaints"], row["delivered"])}
                for row in totals["journeys"]]
    first = period.start or today - timedelta(days=ALL_TIME_GROWTH_DAYS - 1)
    growth = _growth(session, first, period.end or today)
    before_joined = None
    if earlier is not None:
        before_joined = _joined(session, _at(earlier.start), _at(earlier.end + timedelta(days=1)))
    return {"period": period.words(), "currency": shop_currency(session),
            "kpis": _kpis(totals, previous, growth, before_joined), "journeys": journeys,
            "growth": growth,
            "has_data": bool(journeys or any(g["joined"] or g["unsubscribed"] for g in growth))}
