"""The report's experiment parts: `"experiments"` and `"holdout"` of `report --json`.

Contract: `experiment_parts(session, journey_id, start=None, end=None)` → {"experiments":
[...], "holdout": {...} | None} for one journey. Experiments are the A/B tests of the
journey's live version (engine/experiments/ab_tests.py), with figures counted now, whatever
the period (a test runs as contacts arrive), and the winner and `decided_at` stored when
the engine called one. The holdout (engine/experiments/holdout.py) compares the entrants
of the period, as of the latest moment recorded in the database (so a simulated run is
judged at its own end). A journey never published has no experiments and no holdout.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Event, ExperimentResult, JourneyRow, JourneyVersion, StepLog
from engine.experiments.ab_tests import as_json, evaluate, tests_of
from engine.experiments.holdout import holdout_report
from engine.journey.compiled import compile_document
from engine.journey.data import JourneyData


def latest_moment(session: Session) -> datetime | None:
    moments = [session.scalar(select(func.max(StepLog.at))),
               session.scalar(select(func.max(Event.occurred_at)))]
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def experiment_parts(session: Session, journey_id: int, start: datetime | None = None,
                     end: datetime | None = None) -> dict:
    version_id = session.scalar(select(JourneyRow.live_version_id).where(JourneyRow.id == journey_id))
    if version_id is None:
        return {"experiments": [], "holdout": None}
    version = session.get(JourneyVersion, version_id)
    document = JourneyData.model_validate(version.document)
    compiled = compile_document(document, version_id=version.id, journey_id=journey_id,
                                number=version.number, published_at=version.published_at)
    stored = {row.node_id: row for row in session.scalars(
        select(ExperimentResult).where(ExperimentResult.journey_id == journey_id))}
    experiments = []
    for test in tests_of(compiled):
        row = stored.get(test.node_id)
        experiments.append(as_json(test, evaluate(session, journey_id, test),
                                   row.winner if row else None, row.decided_at if row else None))
    holdout = holdout_report(session, journey_id, document.settings, start, end,
                             now=latest_moment(session))
    return {"experiments": experiments, "holdout": holdout}
