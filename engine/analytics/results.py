"""Everything the Results view of one journey shows, in one read (off the GUI thread).

Contract:
- `Period(start, end)`: whole UTC days, both inclusive (None: no bound); `period_for(choice,
  today, first=None, last=None)` makes one from a choice of `PERIODS` ("7", "30", "90":
  the last N days ending today; "all": no bounds; "custom": `first`..`last`, ValueError
  when they are missing or reversed). `Period.previous()` is the period of the same
  length just before it (None for all time); `Period.words()` names it.
- `journey_figures(session, journey_id, period, today) -> dict`: {"journey_id",
  "journey", "period" (words), "report" (engine.analytics.report.journey_report over the
  period), "previous" (the same report over `period.previous()`, or None), "kpis" ([{"key",
  "label", "value", "previous", "kind"}] kind: count/rate/money — the change is worked out
  by the view), "daily" ([{"day", "entered", "sent", "opens", "clicks", "conversions",
  "revenue"}] one row per day of the period, zeros included; all time: from the first day
  with figures to `today`), "funnel" ([{"step", "title", "reached", "dropped", "drop_off"}]
  along the main path (drop_off: the share of the step before that did not reach this
  one, None for the first step): from the trigger, at every fork the path most contacts took),
  "cohorts" (engine.analytics.cohorts.cohort_rows), "titles" ({node_id: title}),
  "spikes" ([words] from engine.analytics.spikes), "tracking_note" (words or None),
  "currency" (shop_currency: the catalog's, else USD),
  "has_data" (anything happened in the period: else the view says "no data yet")}. Figures are the rollups' (the caller runs the catch-up on its schedule).
The Results view reads engine/reports/results_view.py's `journey_results`: these
figures plus the sections that need more than analytics (the A/B tests and holdout).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.analytics.cohorts import cohort_rows
from engine.analytics.report import in_days, journey_report, money, tracking_note
from engine.analytics.spikes import spike_warnings
from engine.db.models import AnalyticsEmailDay, AnalyticsJourneyDay, JourneyRow, Product

PERIODS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", "all": "All time",
           "custom": "Custom…"}


def _at(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=timezone.utc)


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def previous(self) -> "Period | None":
        if self.days is None:
            return None
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        return _at(self.start), _at(self.end)

    def words(self) -> str:
        if self.start is None and self.end is None:
            return "all time"
        return f"{self.start.isoformat() if self.start else 'the start'} – " \
               f"{self.end.isoformat() if self.end else 'today'}"


def period_for(choice: str, today: date, first: date | None = None,
               last: date | None = None) -> Period:
    if choice in ("7", "30", "90"):
        return Period(today - timedelta(days=int(choice) - 1), today)
    if choice == "all":
        return Period(None, None)
    if choice == "custom":
        if first is None or last is None:
            raise ValueError("a custom period needs a first and a last day")
        if last < first:
            raise ValueError(f"the period ends ({last.isoformat()}) before it starts "
                             f"({first.isoformat()})")
        return Period(first, last)
    raise ValueError(f"unknown period {choice!r}; choose from {', '.join(PERIODS)}")


def _draft(session: Session, journey_id: int) -> tuple[str, dict]:
    row = session.execute(select(JourneyRow.name, JourneyRow.draft)
                          .where(JourneyRow.id == journey_id)).one_or_none()
    if row is None:
        raise LookupError(f"there is no journey with id {journey_id}")
    return row.name, row.draft if isinstance(row.draft, dict) else {}


def _titles(draft: dict) -> dict[str, str]:
    return {n["id"]: n.get("title") or n["id"] for n in draft.get("nodes", [])
            if isinstance(n, dict) and "id" in n}


def main_path(draft: dict, paths: list[dict]) -> list[str]:
    """From the trigger, at every fork the port most contacts took (the first port wired
    when nobody took any): the steps of the journey's main path, each once."""
    edges = [e for e in draft.get("edges", []) if isinstance(e, dict)]
    ids = [n["id"] for n in draft.get("nodes", []) if isinstance(n, dict) and "id" in n]
    targets = {e.get("target") for e in edges}
    # nothing links into a trigger (a journey rule); the first step stands in otherwise
    starts = [n for n in ids if n not in targets] or ids[:1]
    took = {(p["step"], p["port"]): p["entered"] for p in paths}
    route, node = [], starts[0] if starts else None
    while node is not None and node not in route:
        route.append(node)
        out = [e for e in edges if e.get("source") == node]
        if not out:
            break
        best = max(out, key=lambda e: (took.get((node, e.get("port")), 0), -out.index(e)))
        node = best.get("target")
    return route


def _funnel(route: list[str], report: dict, titles: dict[str, str]) -> list[dict]:
    steps = {s["step"]: s for s in report["steps"]}
    rows, before = [], None
    for node in route:
        reached = steps.get(node, {}).get("reached", 0)
        # the first step has no step before it; a step after one nobody reached, 0
        drop = None if before is None else (
            round(max(0, before - reached) / before, 6) if before else 0.0)
        rows.append({"step": node, "title": titles.get(node, node), "reached": reached,
                     "dropped": steps.get(node, {}).get("dropped", 0), "drop_off": drop})
        before = reached
    return rows


def _daily(session: Session, journey_id: int, period: Period, today: date) -> list[dict]:
    J, E = AnalyticsJourneyDay, AnalyticsEmailDay
    start, end = period.bounds()
    days: dict[str, dict] = {}

    def day(key: str) -> dict:
        return days.setdefault(key, {"day": key, "entered": 0, "sent": 0, "opens": 0,
                                     "clicks": 0, "conversions": 0, "revenue": 0.0})

    for key, entered, conversions, revenue in session.execute(in_days(
            select(J.day, J.entered, J.conversions, J.revenue).where(J.journey_id == journey_id),
            J.day, start, end)):
        row = day(key)
        row.update(entered=row["entered"] + entered, conversions=row["conversions"] + conversions,
                   revenue=money(row["revenue"] + float(revenue or 0)))
    for key, sent, opens, clicks in session.execute(in_days(
            select(E.day, func.sum(E.sent), func.sum(E.unique_opens), func.sum(E.unique_clicks))
            .where(E.journey_id == journey_id), E.day, start, end).group_by(E.day)):
        day(key).update(sent=sent, opens=opens, clicks=clicks)
    first = period.start or (date.fromisoformat(min(days)) if days else today)
    last = period.end or max(today, date.fromisoformat(max(days)) if days else today)
    span = (last - first).days + 1
    return [day((first + timedelta(days=n)).isoformat()) for n in range(max(0, span))]


def _kpis(report: dict, previous: dict | None) -> list[dict]:
    def totals(r: dict | None) -> dict | None:
        if r is None:
            return None
        sent = sum(e["sent"] for e in r["emails"])
        delivered = sum(e["delivered"] for e in r["emails"])
        opens = sum(e["unique_opens"] for e in r["emails"])
        clicks = sum(e["unique_clicks"] for e in r["emails"])
        unsubs = sum(e["unsubscribes"] for e in r["emails"])
        share = (lambda part: round(part / delivered, 6) if delivered else 0.0)
        return {"entered": r["entered"], "converted": r["converted"],
                "conversion_rate": r["conversion_rate"], "revenue": r["revenue"],
                "sent": sent, "open_rate": share(opens), "click_rate": share(clicks),
                "unsubscribe_rate": share(unsubs)}

    now, before = totals(report), totals(previous)
    labels = [("entered", "Entered", "count"), ("converted", "Converted", "count"),
              ("conversion_rate", "Conversion rate", "rate"), ("revenue", "Revenue", "money"),
              ("sent", "Emails sent", "count"), ("open_rate", "Open rate", "rate"),
              ("click_rate", "Click rate", "rate"),
              ("unsubscribe_rate", "Unsubscribe rate", "rate")]
    return [{"key": k, "label": label, "kind": kind, "value": now[k],
             "previous": None if before is None else before[k]} for k, label, kind in labels]


def shop_currency(session: Session) -> str:
    """The currency money is shown in: the catalog's (the most common), else USD."""
    found = session.execute(select(Product.currency).group_by(Product.currency)
                            .order_by(func.count().desc(), Product.currency).limit(1)).scalar()
    return found or "USD"


def journey_figures(session: Session, journey_id: int, period: Period, today: date) -> dict:
    name, draft = _draft(session, journey_id)
    titles = _titles(draft)
    start, end = period.bounds()
    report = journey_report(session, journey_id, name, start, end)
    earlier = period.previous()
    previous = None if earlier is None else journey_report(session, journey_id, name,
                                                           *earlier.bounds())
    spikes = spike_warnings(session, [journey_id]).get(journey_id, [])
    result = {
        "journey_id": journey_id, "journey": name, "period": period.words(),
        "report": report, "previous": previous, "kpis": _kpis(report, previous),
        "daily": _daily(session, journey_id, period, today),
        "funnel": _funnel(main_path(draft, report["paths"]), report, titles),
        "cohorts": cohort_rows(session, journey_id, start, end), "titles": titles,
        "spikes": [s.words() for s in spikes], "tracking_note": tracking_note(report),
        # about the period: contacts in progress now are no figures of an empty period
        "currency": shop_currency(session),
        "has_data": bool(report["entered"] or report["emails"] or report["steps"]
                         or report["revenue"]),
    }
    return result
