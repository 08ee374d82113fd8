"""Spike warnings: a journey whose latest emails make people unsubscribe or complain far
more than its own usual rate (too much, too often).

Contract: `spike_warnings(session, journey_ids=None, *, window=WINDOW) -> {journey_id:
[Spike]}` — only journeys with at least one spike are in the answer. For each journey
(all journeys with counted emails when `journey_ids` is None) and each kind
(`unsubscribes`, `complaints`), the **recent rate** is the share of its latest `window`
counted sends (`analytics_message`, newest `sent_at` first) that carry that event, and
the **usual rate** the share among all its sends before those. A kind spikes when the
recent rate is over twice the usual rate AND over its floor (`FLOORS`: 0.5 % for
unsubscribes, 0.1 % for complaints). A journey with no sends before its latest `window`
has no usual rate yet and never spikes (its first emails are its average). Rates are over
sends, the unit of the window; test contacts and test sends are not counted emails
(docs/analytics.md). Read from the rollups kept by the catch-up: two indexed queries per
journey, whatever the size of the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer as Integer_, func, select
from sqlalchemy.orm import Session

from engine.db.models import AnalyticsEmailDay, AnalyticsMessage

WINDOW = 200
#: the recent rate must also be over these (fractions) before it counts as a spike
FLOORS = {"unsubscribes": 0.005, "complaints": 0.001}
_FLAGS = {"unsubscribes": AnalyticsMessage.unsubscribed, "complaints": AnalyticsMessage.complained}
_WORDS = {"unsubscribes": "Unsubscribes", "complaints": "Spam complaints"}


@dataclass(frozen=True)
class Spike:
    journey_id: int
    kind: str
    recent: int
    recent_sends: int
    usual: int
    usual_sends: int

    @property
    def recent_rate(self) -> float:
        return self.recent / self.recent_sends if self.recent_sends else 0.0

    @property
    def usual_rate(self) -> float:
        return self.usual / self.usual_sends if self.usual_sends else 0.0

    def words(self) -> str:
        return (f"{_WORDS[self.kind]} are spiking: {self.recent_rate:.1%} of the last "
                f"{self.recent_sends:,} emails, against {self.usual_rate:.2%} before")


def _spikes(journey_id: int, recent: dict[str, int], sends: int, totals: dict[str, int],
            total_sends: int) -> list[Spike]:
    usual_sends = total_sends - sends
    found = []
    if sends <= 0 or usual_sends <= 0:
        return found
    for kind, floor in FLOORS.items():
        usual = max(0, totals[kind] - recent[kind])
        spike = Spike(journey_id, kind, recent[kind], sends, usual, usual_sends)
        if spike.recent_rate > floor and spike.recent_rate > 2 * spike.usual_rate:
            found.append(spike)
    return found


def spike_warnings(session: Session, journey_ids: list[int] | None = None, *,
                   window: int = WINDOW) -> dict[int, list[Spike]]:
    E, M = AnalyticsEmailDay, AnalyticsMessage
    query = select(E.journey_id, func.sum(E.sent), func.sum(E.unsubscribes),
                   func.sum(E.complaints)).group_by(E.journey_id)
    if journey_ids is not None:
        query = query.where(E.journey_id.in_(list(journey_ids)))
    answer: dict[int, list[Spike]] = {}
    for journey_id, sent, unsubscribes, complaints in session.execute(query).all():
        if not sent or sent <= 0:
            continue
        latest = (select(M.unsubscribed, M.complained).where(M.journey_id == journey_id)
                  .order_by(M.sent_at.desc(), M.message_id.desc()).limit(window).subquery())
        count, unsubs, complained = session.execute(select(
            func.count(), func.coalesce(func.sum(func.cast(latest.c.unsubscribed, Integer_)), 0),
            func.coalesce(func.sum(func.cast(latest.c.complained, Integer_)), 0))).one()
        found = _spikes(journey_id, {"unsubscribes": unsubs, "complaints": complained}, count,
                        {"unsubscribes": unsubscribes or 0, "complaints": complaints or 0}, sent)
        if found:
            answer[journey_id] = found
    return answer
