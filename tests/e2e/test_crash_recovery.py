"""`main.py run` killed with SIGKILL in the middle of its work loses no step and runs no
step twice: steps and their effects commit together, and the restart picks up the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from engine.clock import SystemClock
from engine.db import open_database
from engine.db.models import Contact, Enrollment, JourneyRow, StepLog
from engine.journey.model import Journey
from engine.journey.store import save_draft
from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = 10_000


def start_runner(db_url: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "main.py", "--db", db_url, "run", "--interval", "0.2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count(database, query) -> int:
    with database.session() as session:
        return session.scalar(query)


def test_sigkill_mid_batch_loses_and_doubles_nothing(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    database = open_database(db_url)
    clock = SystemClock()
    journey = Journey("Crash")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 1})
    journey.add_node("action.list_add", node_id="l", config={"list": "Seen"})
    journey.connect("t", "next", "s")
    journey.connect("s", "next", "l")
    with database.session() as session:
        save_draft(session, journey.to_document(), now=clock.now())
    Engine(database, clock).publish("Crash")
    now = clock.now()
    with database.session() as session:
        ids = session.execute(insert(Contact).returning(Contact.id), [
            {"email": f"c{i}@example.com", "first_name": "", "last_name": "", "status": "active",
             "lead_score": 0, "attributes": {}, "created_at": now, "updated_at": now}
            for i in range(CONTACTS)]).scalars().all()
        row = session.scalar(select(JourneyRow))
        session.execute(insert(Enrollment), [
            {"contact_id": cid, "journey_id": row.id, "version_id": row.live_version_id,
             "active_journey_id": row.id, "node_id": "t", "state": "ready", "status": "active",
             "due_at": now, "entered_at": now, "context": {}, "step_count": 0}
            for cid in ids])

    runner = start_runner(db_url)
    logged = select(func.count()).select_from(StepLog)
    deadline = time.monotonic() + 60
    while count(database, logged) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    done_at_kill = count(database, select(func.count()).select_from(Enrollment)
                         .where(Enrollment.status != "active"))
    assert 0 < done_at_kill < CONTACTS, "the kill should land while work remains"

    runner = start_runner(db_url)
    try:
        active = select(func.count()).select_from(Enrollment).where(Enrollment.status == "active")
        deadline = time.monotonic() + 120
        while count(database, active) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert count(database, active) == 0
    finally:
        runner.send_signal(signal.SIGTERM)
        out, err = runner.communicate(timeout=30)
    assert runner.returncode == 0, err
    assert "stopped" in out

    with database.session() as session:
        per_enrollment = session.execute(
            select(StepLog.enrollment_id, func.count()).group_by(StepLog.enrollment_id)).all()
        scores = session.execute(select(Contact.lead_score, func.count())
                                 .group_by(Contact.lead_score)).all()
    assert len(per_enrollment) == CONTACTS
    assert {n for _, n in per_enrollment} == {4}  # enter, score, list, exit — exactly once
    assert scores == [(1, CONTACTS)]


def test_second_runner_on_same_sqlite_refuses(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'lock.db'}"
    open_database(db_url).dispose()
    first = start_runner(db_url)
    try:
        line = first.stdout.readline()
        assert "running" in line
        second = subprocess.run([sys.executable, "main.py", "--db", db_url, "run"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "already running on this database" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)
    assert first.returncode == 0
