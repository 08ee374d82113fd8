"""The engine's watch: call A/B test winners once, as contacts arrive; apply guardrails.

Contract: `watch_tests(session, cache, now)` evaluates every A/B test of every live
journey's live version that has no winner yet, stores its figures in `experiment_result`
(one row per journey and step), and when every variant has reached `min_per_variant` and
one's probability to be best reaches `confidence`, stores that variant as the winner with
`decided_at` = now — once: a decided test is not evaluated again here (the report reads
its figures fresh). A test whose journey logged no step and for which no event arrived
since its last evaluation (the ids are kept with its figures) is not read again. Each call also records a `journey_notice` ("experiment_winner") for
the app to show. Returns the notices' details. With `auto_winner`, the executors send
later entrants down the winner's path (engine/runtime/executors.py, `Batch.winner_of`).
Guardrails are judged by engine/runtime/guardrail_watch.py (it may roll a canary back,
which is the runtime's to do).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sqlalchemy import func

from engine.db.models import Event, ExperimentResult, JourneyNotice, StepLog
from engine.experiments.ab_tests import as_json, evaluate, tests_of

WINNER_NOTICE = "experiment_winner"


def watch_tests(session: Session, cache, now: datetime) -> list[dict]:
    decided = {(j, n) for j, n in session.execute(
        select(ExperimentResult.journey_id, ExperimentResult.node_id)
        .where(ExperimentResult.winner.is_not(None)))}
    notices = []
    last_event = session.scalar(select(func.max(Event.id))) or 0
    for compiled in cache.live(session):
        tests = [t for t in tests_of(compiled) if (compiled.journey_id, t.node_id) not in decided]
        if not tests:
            continue
        # nothing new in the journey's timeline nor among events since the last look:
        # the figures cannot have changed
        mark = [session.scalar(select(func.max(StepLog.id)).where(
            StepLog.journey_id == compiled.journey_id)) or 0, last_event]
        for test in tests:
            stored = session.get(ExperimentResult, (compiled.journey_id, test.node_id))
            if stored is not None and stored.figures.get("seen") == mark:
                continue
            from engine.experiments.stats import decide_winner  # scipy, where a test runs

            stats = evaluate(session, compiled.journey_id, test)
            row = session.get(ExperimentResult, (compiled.journey_id, test.node_id))
            if row is None:
                row = ExperimentResult(journey_id=compiled.journey_id, node_id=test.node_id,
                                       metric=test.metric, figures={}, evaluated_at=now)
                session.add(row)
            row.metric, row.evaluated_at = test.metric, now
            row.figures = {"variants": as_json(test, stats, None, None)["variants"], "seen": mark}
            index = decide_winner(stats, test.min_per_variant, test.confidence)
            if index is None:
                continue
            row.winner, row.decided_at = test.keys[index], now
            detail = {"journey": compiled.name, "step": test.node_id,
                      "winner": test.keys[index], "label": test.labels[index],
                      "metric": test.metric, "p_best": round(stats[index].p_best, 4),
                      "auto_winner": test.auto_winner}
            session.add(JourneyNotice(journey_id=compiled.journey_id, kind=WINNER_NOTICE,
                                      at=now, detail=detail))
            notices.append(detail)
    return notices
