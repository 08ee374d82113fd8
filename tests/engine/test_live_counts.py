"""Live counts per step: exact on a small journey run by the real engine, and answered from
the indexes alone (no table rows read), whatever the data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from engine.analytics.live_counts import node_counts
from engine.analytics.outbox import queued_messages
from tests.engine.harness import Harness
from tests.engine.journeys import abandoned_cart


def test_counts_are_exact(db, clock):
    h = Harness(db, clock)
    journey, ids = abandoned_cart()
    h.publish(journey)
    for email in ("ana@example.com", "ben@example.com", "cy@example.com"):
        h.contact(email)
        h.event(email, "added_to_cart")
    h.run_for(timedelta(hours=1))
    h.event("ben@example.com", "order_completed")
    with db.session() as session:
        counts = node_counts(session, 1)
    # all three entered and started waiting; Ben bought, which woke his wait through its
    # "event" port to the goal step; the other two still wait
    assert counts == {ids["trigger"]: (0, 3), ids["wait"]: (2, 3), ids["goal"]: (0, 1)}

    h.run_for(timedelta(hours=4))  # the wait times out: Ana and Cy get the email and end
    with db.session() as session:
        counts = node_counts(session, 1)
        assert queued_messages(session) == 2
    assert counts == {ids["trigger"]: (0, 3), ids["wait"]: (0, 3), ids["goal"]: (0, 1),
                      ids["email"]: (0, 2)}
    with db.session() as session:
        assert node_counts(session, 99) == {}


def test_answered_from_the_indexes(db):
    statements = [
        "SELECT node_id, count(*) FROM enrollment WHERE journey_id = 1 AND status = 'active'"
        " GROUP BY node_id",
        "SELECT node_id, count(DISTINCT enrollment_id) FROM step_log WHERE journey_id = 1"
        " GROUP BY node_id",
    ]
    with db.engine.connect() as connection:
        plans = [" ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {s}")))
                 for s in statements]
    assert "COVERING INDEX ix_enrollment_journey_id_status_node_id" in plans[0]
    assert "COVERING INDEX ix_step_log_journey_id_node_id_enrollment_id" in plans[1]
    assert all("TEMP B-TREE" not in plan for plan in plans)
