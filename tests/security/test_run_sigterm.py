"""`main.py run` with a hostile template in a live journey: each email stops at the render
limit, no render holds the SQLite write lock, and SIGTERM ends the process within 5 s
even in the middle of a batch of slow renders (the batch is rolled back, to run again).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from engine.clock import SystemClock
from engine.db import open_database
from engine.db.models import Contact, Enrollment, JourneyRow, Message
from engine.journey.model import Journey
from engine.journey.store import save_draft
from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = 40
#: about two seconds of comparisons per render (each `t in s` scans a million characters),
#: after a coupon was issued: the render limit stops every email of this template
SLOW_BODY = ("Your code: {{ coupon(10, 7) }}\n\n{% set s = 'a' * 1000000 %}"
             "{% set t = 'a' * 500000 ~ 'b' %}{% for i in 'abcdefghij' %}{{ ["
             + "t in s, " * 100 + "] | length }}{% endfor %}")


def prepare(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "hostile.db"
    database = open_database(f"sqlite:///{path}")
    clock = SystemClock()
    journey = Journey("Hostile")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="mail", config={"template": "slow"})
    journey.connect("t", "next", "mail")
    journey.set_template({"key": "slow", "name": "Slow", "subject": "Hi", "body": SLOW_BODY})
    with database.session() as session:
        save_draft(session, journey.to_document(), now=clock.now())
    Engine(database, clock).publish("Hostile")  # no linter: as if published before the checks
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
    database.dispose()
    return f"sqlite:///{path}", path


def can_write(path: Path) -> bool:
    """Whether another connection gets the write lock at once (no busy wait)."""
    connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


def test_sigterm_mid_render_stops_within_5_s_and_renders_never_hold_the_write_lock(tmp_path):
    db_url, path = prepare(tmp_path)
    runner = subprocess.Popen(
        [sys.executable, "main.py", "--db", db_url, "run", "--interval", "0.2"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "engine running" in runner.stdout.readline()
        time.sleep(2.5)  # the first tick is rendering its batch: about a second per email
        assert runner.poll() is None
        probes = []
        for _ in range(6):  # across several renders, coupon inserts included
            probes.append(can_write(path))
            time.sleep(0.25)
        assert all(probes), probes
        sent_at = time.monotonic()
        runner.send_signal(signal.SIGTERM)
        out, err = runner.communicate(timeout=30)
        took = time.monotonic() - sent_at
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    assert runner.returncode == 0, err
    assert "Trellis engine stopped." in out
    assert took < 5, f"took {took:.1f} s to stop\n{out}\n{err}"
    assert "Traceback" not in err

    database = open_database(db_url)
    try:
        with database.session() as session:
            # the batch in progress was rolled back: every contact is still to be sent to
            waiting = session.scalar(select(func.count()).select_from(Enrollment)
                                     .where(Enrollment.status == "active"))
            messages = session.scalar(select(func.count()).select_from(Message))
        assert waiting == CONTACTS
        assert messages == 0
    finally:
        database.dispose()


def test_each_email_of_a_hostile_template_fails_with_its_reason(tmp_path):
    """One tick in process: every message fails 'took longer than 1 s', none is queued."""
    db_url, _ = prepare(tmp_path)
    database = open_database(db_url)
    try:
        engine = Engine(database, SystemClock(), batch_size=3)
        with database.session() as session:  # three contacts are enough to show it
            session.execute(Enrollment.__table__.update()
                            .where(Enrollment.contact_id > 3).values(due_at=None))
        engine.tick()
        with database.session() as session:
            rows = session.execute(select(Message.status, Message.last_error)).all()
        assert len(rows) == 3
        assert all(status == "failed" and "took longer than 1 s" in error
                   for status, error in rows), rows
    finally:
        database.dispose()
