"""Folding step logs into the journey, step and path rollups (one chunk, in id order).

Per log (test contacts and version-migration logs left out, docs/analytics.md):
- the first log of an enrollment at a step: `reached` of that step on the log's day;
- `enter`: `entered` of the journey on that day;
- `branch` with a port, first time for that enrollment: the path's `entered` on that day
  (and the enrollment is remembered as a path member);
- `exit`: reason `goal` → converted (the step's, the journey's on the enrollment's entry
  day, `conversions` on the day, and every path the enrollment took); `completed` →
  completed; any other reason → dropped at that step and exited for the journey.
"""

from __future__ import annotations

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from engine.analytics.cohorts import COHORT, week_of
from engine.analytics.deltas import Deltas
from engine.db.models import (
    AnalyticsJourneyDay, AnalyticsPathDay, AnalyticsPathMember, AnalyticsReach, AnalyticsStepDay,
    Contact, Enrollment, StepLog,
)

JOURNEY = AnalyticsJourneyDay.__table__
STEP = AnalyticsStepDay.__table__
PATH = AnalyticsPathDay.__table__
MIGRATION = "version_migration"


def day_of(at) -> str:
    return at.date().isoformat()


def test_contacts(session: Session, ids) -> set[int]:
    ids = list(set(ids))
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        found.update(session.scalars(select(Contact.id).where(
            Contact.id.in_(ids[start:start + 900]), Contact.is_test.is_(True))))
    return found


def path_members(session: Session, enrollment_ids) -> dict[int, list[tuple[str, str, int, str]]]:
    """{enrollment: [(node, port, journey, day)]} of the paths they took."""
    ids = list(set(enrollment_ids))
    members: dict[int, list] = {}
    for start in range(0, len(ids), 900):
        for row in session.execute(select(AnalyticsPathMember).where(
                AnalyticsPathMember.enrollment_id.in_(ids[start:start + 900]))).scalars():
            members.setdefault(row.enrollment_id, []).append(
                (row.node_id, row.port, row.journey_id, row.day))
    return members


def fold_step_logs(session: Session, after: int, limit: int, deltas: Deltas) -> int | None:
    """Fold up to `limit` step logs with id > `after`; the last id folded, None if none."""
    rows = session.execute(
        select(StepLog.id, StepLog.enrollment_id, StepLog.contact_id, StepLog.journey_id,
               StepLog.node_id, StepLog.kind, StepLog.port, StepLog.reason, StepLog.at)
        .where(StepLog.id > after).order_by(StepLog.id).limit(limit)).all()
    if not rows:
        return None
    tests = test_contacts(session, (r.contact_id for r in rows))
    rows_kept = [r for r in rows if r.enrollment_id is not None and r.contact_id not in tests
                 and r.reason != MIGRATION]
    reached = set()
    pairs = list({(r.enrollment_id, r.node_id) for r in rows_kept})
    for start in range(0, len(pairs), 400):
        reached.update(session.execute(select(AnalyticsReach.enrollment_id, AnalyticsReach.node_id)
                                       .where(tuple_(AnalyticsReach.enrollment_id,
                                                     AnalyticsReach.node_id)
                                              .in_(pairs[start:start + 400]))).all())
    ended = [r.enrollment_id for r in rows_kept if r.kind in ("exit", "enter")]
    entry_days: dict[int, str] = {}
    entry_weeks: dict[int, str] = {}
    for start in range(0, len(ended), 900):
        for eid, at in session.execute(select(Enrollment.id, Enrollment.entered_at)
                                       .where(Enrollment.id.in_(ended[start:start + 900]))):
            entry_days[eid], entry_weeks[eid] = day_of(at), week_of(at)
    members = path_members(session, [r.enrollment_id for r in rows_kept
                                     if r.kind in ("exit", "branch")])
    new_reach, new_members = [], []
    for r in rows_kept:
        day = day_of(r.at)
        if (r.enrollment_id, r.node_id) not in reached:
            reached.add((r.enrollment_id, r.node_id))
            new_reach.append({"enrollment_id": r.enrollment_id, "node_id": r.node_id})
            deltas.add(STEP, (r.journey_id, r.node_id, day), reached=1)
        if r.kind == "enter":
            deltas.add(JOURNEY, (r.journey_id, day), entered=1)
            deltas.add(COHORT, (r.journey_id, entry_weeks.get(r.enrollment_id, week_of(r.at))),
                       entrants=1)
        elif r.kind == "branch" and r.port:
            taken = members.setdefault(r.enrollment_id, [])
            if not any(m[0] == r.node_id and m[1] == r.port for m in taken):
                taken.append((r.node_id, r.port, r.journey_id, day))
                new_members.append({"enrollment_id": r.enrollment_id, "node_id": r.node_id,
                                    "port": r.port, "journey_id": r.journey_id, "day": day})
                deltas.add(PATH, (r.journey_id, r.node_id, r.port, day), entered=1)
        elif r.kind == "exit":
            entry = entry_days.get(r.enrollment_id, day)
            if r.reason == "goal":
                deltas.add(STEP, (r.journey_id, r.node_id, day), converted=1)
                deltas.add(JOURNEY, (r.journey_id, entry), converted=1)
                deltas.add(JOURNEY, (r.journey_id, day), conversions=1)
                for node, port, journey, taken_day in members.get(r.enrollment_id, []):
                    deltas.add(PATH, (journey, node, port, taken_day), converted=1)
            elif r.reason == "completed":
                deltas.add(STEP, (r.journey_id, r.node_id, day), completed=1)
                deltas.add(JOURNEY, (r.journey_id, entry), completed=1)
            else:
                deltas.add(STEP, (r.journey_id, r.node_id, day), dropped=1)
                deltas.add(JOURNEY, (r.journey_id, entry), exited=1)
    if new_reach:
        session.execute(AnalyticsReach.__table__.insert(), new_reach)
    if new_members:
        session.execute(AnalyticsPathMember.__table__.insert(), new_members)
    return rows[-1].id
