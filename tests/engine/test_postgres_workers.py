"""PostgreSQL: the migrations run, and two `main.py run` workers share one due queue
without executing any step twice (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from tests.postgres_server import skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")
ROOT = Path(__file__).resolve().parents[2]
CONTACTS = 3000


def test_models_and_migrations_agree_on_postgres(pg_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from engine.db import open_database
    from engine.db.models import Base

    database = open_database(pg_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    database.dispose()


def test_two_workers_never_run_a_step_twice(pg_url):
    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.db.models import Contact, Enrollment, StepLog
    from engine.journey.model import Journey
    from engine.journey.store import save_draft
    from engine.runtime.engine import Engine

    database = open_database(pg_url)
    clock = SystemClock()
    journey = Journey("Workers")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 1})
    journey.add_node("action.update_field", node_id="f",
                     config={"field": "attributes.seen", "value": "yes"})
    journey.connect("t", "next", "s")
    journey.connect("s", "next", "f")
    with database.session() as session:
        save_draft(session, journey.to_document(), now=clock.now())
    engine = Engine(database, clock)
    engine.publish("Workers")
    now = clock.now()
    with database.session() as session:
        ids = session.execute(insert(Contact).returning(Contact.id), [
            {"email": f"w{i}@example.com", "first_name": "", "last_name": "", "status": "active",
             "lead_score": 0, "attributes": {}, "created_at": now, "updated_at": now}
            for i in range(CONTACTS)]).scalars().all()
    with database.session() as session:
        from engine.db.models import JourneyRow
        row = session.scalar(select(JourneyRow))
        session.execute(insert(Enrollment), [
            {"contact_id": cid, "journey_id": row.id, "version_id": row.live_version_id,
             "active_journey_id": row.id, "node_id": "t", "state": "ready", "status": "active",
             "due_at": now, "entered_at": now, "context": {}, "step_count": 0}
            for cid in ids])
    env = os.environ | {"TRELLIS_DB": pg_url}
    workers = [subprocess.Popen([sys.executable, "main.py", "run", "--interval", "0.2"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with database.session() as session:
                left = session.scalar(select(func.count()).select_from(Enrollment)
                                      .where(Enrollment.status == "active"))
            if left == 0:
                break
            time.sleep(0.3)
        assert left == 0, "the workers did not finish"
    finally:
        for worker in workers:
            worker.terminate()
        errors = [w.communicate(timeout=30)[1] for w in workers]
    assert all(w.returncode == 0 for w in workers), errors
    with database.session() as session:
        per_enrollment = session.execute(
            select(StepLog.enrollment_id, func.count()).group_by(StepLog.enrollment_id)).all()
        scores = session.scalars(select(Contact.lead_score)).all()
    assert len(per_enrollment) == CONTACTS
    assert {count for _, count in per_enrollment} == {4}  # enter, score, field, exit: once each
    assert set(scores) == {1}
    database.dispose()
