"""Every journey's report, as `report` prints it and `simulate` ends with.

Contract: `reports(database, journey=None, start=None, end=None, *, simulated=False,
refresh=True, cohorts=False)` first runs the analytics catch-up (so a report is always
current; `refresh=False` skips it) and returns one report per journey (all journeys by
name when `journey` is None); an unknown journey raises LookupError naming it, a period
that ends before it starts ValueError. Each report is engine/analytics/report.py's
`journey_report` with "experiments" and "holdout" (engine/experiments/report.py); with
`cohorts=True` also "cohorts" (engine/analytics/cohorts.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.analytics.catchup import catch_up
from engine.analytics.cohorts import cohort_rows
from engine.analytics.report import journey_report
from engine.db.database import Database
from engine.db.models import JourneyRow
from engine.experiments.report import experiment_parts


def reports(database: Database, journey: str | None = None, start: datetime | None = None,
            end: datetime | None = None, *, simulated: bool = False,
            refresh: bool = True, cohorts: bool = False) -> list[dict]:
    if start is not None and end is not None and end < start:
        raise ValueError(f"the period ends ({end.isoformat()}) before it starts "
                         f"({start.isoformat()})")
    if refresh:
        catch_up(database, simulated=simulated)
    with database.session() as session:
        query = select(JourneyRow.id, JourneyRow.name).order_by(JourneyRow.name)
        if journey is not None:
            query = query.where(JourneyRow.name == journey)
        rows = session.execute(query).all()
        if journey is not None and not rows:
            raise LookupError(f"there is no journey {journey!r}")
        found = [journey_report(session, jid, name, start, end) for jid, name in rows]
        for (jid, _), report in zip(rows, found):
            report.update(experiment_parts(session, jid, start, end))
        if cohorts:
            for (jid, _), report in zip(rows, found):
                report["cohorts"] = cohort_rows(session, jid, start, end)
        return found
