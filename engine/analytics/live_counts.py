"""How many contacts wait at each step of a journey, and how many have passed through it.

Contract: `node_counts(session, journey_id) -> {node_id: (waiting, passed)}` where
`waiting` = active enrollments whose current step is that node, and `passed` = distinct
enrollments with at least one `step_log` row at that node (every step a contact takes
logs at least one row there, whatever the version). Nodes nobody has reached are absent;
callers treat them as (0, 0). Two aggregate queries, whatever the size of the tables.

Speed: both queries are answered from indexes alone (no table rows are read), so they
stay fast at 1,000,000 step logs (see tests/benchmarks/live_counts.py):
- waiting: `ix_enrollment_journey_id_status_node_id` (journey, status, node) — a range
  scan of the journey's active enrollments, already grouped by node;
- passed: `ix_step_log_journey_id_node_id_enrollment_id` — a range scan of the journey's
  rows in (node, enrollment) order, so grouping and DISTINCT need no sort and no temporary
  table.
"""

from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from engine.db.models import Enrollment, EnrollmentStatus, StepLog


def node_counts(session: Session, journey_id: int) -> dict[str, tuple[int, int]]:
    waiting = session.execute(
        select(Enrollment.node_id, func.count())
        .where(Enrollment.journey_id == journey_id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.node_id)
    ).all()
    passed = session.execute(
        select(StepLog.node_id, func.count(distinct(StepLog.enrollment_id)))
        .where(StepLog.journey_id == journey_id)
        .group_by(StepLog.node_id)
    ).all()
    counts = {node: (0, n) for node, n in passed}
    for node, n in waiting:
        counts[node] = (n, counts.get(node, (0, 0))[1])
    return counts
