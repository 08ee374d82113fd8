"""The engine's watch over running tests: call a winner once, as contacts arrive.

Contract: `watch_tests(session, cache, now)` evaluates every A/B test of every live
journey's live version that has no winner yet, stores its figures in `experiment_result`
(one row per journey and step), and when every variant has reached `min_per_variant` and
one's probability to be best reaches `confidence`, stores that variant as the winner with
`decided_at` = now — once: a decided test is not evaluated again here (the report reads
its figures fresh). Each call also records a `journey_notice` ("experiment_winner") for
the app to show. Returns the notices' details. With `auto_winner`, the executors send
later entrants down the winner's path (engine/runtime/executors.py, `Batch.winner_of`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import ExperimentResult, JourneyNotice
from engine.experiments.ab_tests import as_json, evaluate, tests_of

WINNER_NOTICE = "experiment_winner"


def watch_tests(session: Session, cache, now: datetime) -> list[dict]:
    decided = {(j, n) for j, n in session.execute(
        select(ExperimentResult.journey_id, ExperimentResult.node_id)
        .where(ExperimentResult.winner.is_not(None)))}
    notices = []
    for compiled in cache.live(session):
        for test in tests_of(compiled):
            if (compiled.journey_id, test.node_id) in decided:
                continue
            from engine.experiments.stats import decide_winner  # scipy, where a test runs

            stats = evaluate(session, compiled.journey_id, test)
            row = session.get(ExperimentResult, (compiled.journey_id, test.node_id))
            if row is None:
                row = ExperimentResult(journey_id=compiled.journey_id, node_id=test.node_id,
                                       metric=test.metric, figures={}, evaluated_at=now)
                session.add(row)
            row.metric, row.evaluated_at = test.metric, now
            row.figures = {"variants": as_json(test, stats, None, None)["variants"]}
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
