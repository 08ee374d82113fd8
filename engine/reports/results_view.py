"""Everything the Results view of one journey shows, in one read (off the GUI thread).

Contract: `journey_results(session, journey_id, period, today) -> dict` is
engine/analytics/results.py's `journey_figures` (see there for its keys) plus one key per
entry of `SECTION_DATA`: readers `(key, function(session, journey_id, period))` whose
answers land in the result under `key` — one line adds data for one more section of the
Results view. Today: "experiments", the A/B tests and the holdout
(engine/experiments/report.py: {"experiments": [...], "holdout": ...}).
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from sqlalchemy.orm import Session

from engine.analytics.results import Period, journey_figures
from engine.experiments.report import experiment_parts


def _experiments(session: Session, journey_id: int, period: Period) -> dict:
    """The A/B tests and the holdout (engine/experiments/report.py), for their section."""
    return experiment_parts(session, journey_id, *period.bounds())


SECTION_DATA: list[tuple[str, Callable]] = [("experiments", _experiments)]


def journey_results(session: Session, journey_id: int, period: Period, today: date) -> dict:
    result = journey_figures(session, journey_id, period, today)
    for key, read in SECTION_DATA:
        result[key] = read(session, journey_id, period)
    return result
