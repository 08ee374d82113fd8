"""The journeys list's figures: entered, conversion rate and revenue over the last 30 days.

Contract: `list_figures(session, today, days=30) -> {journey_id: ListFigures}` for every
journey with figures in the `days` whole UTC days ending `today` (others are absent:
zeros). `converted` counts on the entry day (docs/analytics.md), so the conversion rate
is of those who entered in the window; revenue on the order's day. One grouped query over
`analytics_journey_day` (its primary key starts with the journey; the day range is
narrow), whatever the size of the raw tables. The catch-up is the caller's.

`with_figures(session, journeys, today)` puts those figures, the spike warnings and the
shop's currency on `engine.journey.store.JourneySummary` rows (the journeys page).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.analytics.report import money, rate
from engine.db.models import AnalyticsJourneyDay

# not at run time: engine.journey.store loads the journey file format (about a second)
if TYPE_CHECKING:
    from engine.journey.store import JourneySummary


@dataclass(frozen=True, slots=True)
class ListFigures:
    entered: int = 0
    converted: int = 0
    revenue: float = 0.0

    @property
    def conversion_rate(self) -> float:
        return rate(self.converted, self.entered)


def list_figures(session: Session, today: date, days: int = 30) -> dict[int, ListFigures]:
    J = AnalyticsJourneyDay
    first = (today - timedelta(days=days - 1)).isoformat()
    rows = session.execute(
        select(J.journey_id, func.sum(J.entered), func.sum(J.converted), func.sum(J.revenue))
        .where(J.day >= first, J.day <= today.isoformat()).group_by(J.journey_id))
    return {journey_id: ListFigures(int(entered or 0), int(converted or 0), money(revenue))
            for journey_id, entered, converted, revenue in rows}


def with_figures(session: Session, journeys: list[JourneySummary],
                 today: date) -> list[JourneySummary]:
    """`journeys`, in the same order, with their figures of the 30 days ending `today`,
    their spike warnings in words and the shop's currency."""
    from engine.analytics.results import shop_currency
    from engine.analytics.spikes import spike_warnings

    figures = list_figures(session, today)
    spikes = spike_warnings(session, [j.id for j in journeys])
    currency = shop_currency(session)
    found = []
    for journey in journeys:
        f = figures.get(journey.id, ListFigures())
        found.append(replace(journey, entered_30=f.entered, conversion_rate_30=f.conversion_rate,
                             revenue_30=f.revenue, currency=currency,
                             warnings=tuple(s.words() for s in spikes.get(journey.id, []))))
    return found
