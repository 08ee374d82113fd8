"""The engine's guardrail watch: judge every live journey's recent sends, act on a trip.

Contract: `watch_guardrails(session, cache, now, simulated=False)` judges every live
journey (its canary first, when one runs) with the journey's guardrails
(engine/experiments/guardrails.py); a canary that trips is rolled back
(engine/runtime/canary.py), a journey that trips is paused. Returns the notices' details,
also recorded as `journey_notice` rows. `Engine.watch` calls it with the A/B test watch
(engine/experiments/watch.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import JourneyNotice, JourneyRow, JourneyStatus
from engine.experiments import guardrails
from engine.runtime import canary as canaries
from engine.runtime.release import canary_version_id


def watch_guardrails(session: Session, cache, now: datetime, *, simulated: bool = False
                     ) -> list[dict]:
    """Judge every live journey (its canary first, when one runs): a canary that trips is
    rolled back, a journey that trips is paused (engine/experiments/guardrails.py)."""
    found = []
    rows = session.scalars(select(JourneyRow).where(
        JourneyRow.status == JourneyStatus.LIVE, JourneyRow.live_version_id.is_not(None))).all()
    for row in rows:
        since = guardrails.last_resume(session, row.id)
        canary = canary_version_id(session, row.id)
        if canary is not None:
            settings = cache.get(session, canary).settings
            trip = guardrails.judge(session, row.id, settings.guardrails, since,
                                    version_id=canary, simulated=simulated)
            if trip is not None:
                canaries.rollback_canary(session, row, now=now,
                                         reason=f"guardrail: {trip.reason}")
                detail = {"journey": row.name, "reason": trip.reason,
                          "figures": trip.figures, "action": "rolled_back"}
                session.add(JourneyNotice(journey_id=row.id, kind=guardrails.PAUSED_NOTICE,
                                          at=now, detail=detail))
                found.append(detail)
                continue
        settings = cache.get(session, row.live_version_id).settings
        trip = guardrails.judge(session, row.id, settings.guardrails, since,
                                simulated=simulated)
        if trip is not None:
            found.append(guardrails.trip(session, row, trip, now, settings.owner_email))
    return found
