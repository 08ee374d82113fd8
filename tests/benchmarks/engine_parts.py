"""The engine benchmark's parts: the journeys, the data and each measurement.

Kept apart from `tests/benchmarks/engine.py` (the command) because render workers start
with *spawn* and import the command's module again: that one imports nothing heavy, so a
worker here weighs what a worker of `main.py run` weighs.
"""

from __future__ import annotations

import os
import time
from contextlib import nullcontext
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from engine.clock import VirtualClock
from engine.db import open_database
from engine.db.models import Contact, Enrollment, JourneyRow, Message
from engine.intake.events import EventInput, record_events
from engine.journey.model import Journey
from engine.journey.store import save_draft
from engine.runtime.engine import Engine
from engine.runtime.render_pool import RenderPool
from engine.runtime.services import EngineServices

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CHUNK = 20_000
BODY = ("Hi {{ contact.first_name | default('there') }},\n\nThanks for joining **Trellis Shop**. "
        "Here is [your account](https://example.com/account).\n\nSee you soon!")


def chain(name: str, steps: list[tuple[str, dict]], trigger=("trigger.manual", {})) -> Journey:
    journey = Journey(name)
    previous = journey.add_node(trigger[0], node_id="t", config=trigger[1])
    for index, (type_id, config) in enumerate(steps):
        node_id = f"s{index}"
        journey.add_node(type_id, node_id=node_id, config=config)
        journey.connect(previous, "next", node_id)
        previous = node_id
    for key in {c["template"] for t, c in steps if t == "action.send_email"}:
        journey.set_template({"key": key, "name": key, "subject": f"Welcome, {{{{ contact.first_name | default('friend') }}}} ({key})",
                              "preheader": "Good to have you", "body": BODY})
    return journey


def publish(engine: Engine, journey: Journey) -> JourneyRow:
    with engine.database.session() as session:
        save_draft(session, journey.to_document(), now=engine.clock.now())
    engine.publish(journey.name)
    with engine.database.session() as session:
        return session.scalar(select(JourneyRow).where(JourneyRow.name == journey.name))


def add_contacts(database, n: int, now: datetime) -> None:
    with database.session() as session:
        for start in range(0, n, CHUNK):
            session.execute(insert(Contact), [
                {"email": f"c{i}@example.com", "first_name": f"Name{i}", "last_name": "",
                 "status": "active", "lead_score": 0, "attributes": {}, "created_at": now,
                 "updated_at": now} for i in range(start, min(n, start + CHUNK))])


def enroll_all(database, row: JourneyRow, n: int, now: datetime) -> None:
    with database.session() as session:
        ids = session.scalars(select(Contact.id).order_by(Contact.id).limit(n)).all()
        for start in range(0, len(ids), CHUNK):
            session.execute(insert(Enrollment), [
                {"contact_id": cid, "journey_id": row.id, "version_id": row.live_version_id,
                 "active_journey_id": row.id, "node_id": "t", "state": "ready",
                 "status": "active", "due_at": now, "entered_at": now, "context": {},
                 "step_count": 0} for cid in ids[start:start + CHUNK]])


def measure_steps(folder: Path, n: int, measured=nullcontext) -> float:
    """Steps per second; `measured()` (a context manager) is entered around the timed part
    only, as for `measure_emails` (engine_instructions.py counts instructions there)."""
    database = open_database(f"sqlite:///{folder / 'steps.db'}")
    clock = VirtualClock(START)
    engine = Engine(database, clock)
    add_contacts(database, n, START)
    row = publish(engine, chain("Steps", [
        ("action.adjust_score", {"delta": 1}),
        ("action.update_field", {"field": "attributes.stage", "value": "warm"}),
        ("flow.delay", {"duration": "1 hour"}),
        ("action.adjust_score", {"delta": 2}),
        ("flow.goal", {}),
    ]))
    enroll_all(database, row, n, START)
    with measured():
        began = time.perf_counter()
        steps = engine.tick().steps
        clock.advance(timedelta(hours=1))
        steps += engine.tick().steps
        seconds = time.perf_counter() - began
    assert steps == 7 * n, steps
    database.dispose()
    return steps / seconds


def measure_split_steps(folder: Path, n: int) -> float:
    """`measure_steps`' kind of steps behind an A/B test on a random split."""
    import engine.experiments.stats  # noqa: F401  scipy's import is once per process, not per tick

    database = open_database(f"sqlite:///{folder / 'split.db'}")
    clock = VirtualClock(START)
    engine = Engine(database, clock)
    add_contacts(database, n, START)
    journey = Journey("Split")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("flow.random_split", node_id="split", config={"experiment": {
        "metric": "conversion", "min_per_variant": 500, "confidence": 0.95}})
    journey.connect("t", "next", "split")
    for side in ("a", "b"):
        previous = "split"
        for index, (type_id, config) in enumerate([
                ("action.adjust_score", {"delta": 1}),
                ("action.update_field", {"field": "attributes.stage", "value": side}),
                ("flow.delay", {"duration": "1 hour"}),
                ("action.adjust_score", {"delta": 2}),
                ("flow.goal", {})]):
            node_id = f"{side}{index}"
            journey.add_node(type_id, node_id=node_id, config=config)
            journey.connect(previous, side if previous == "split" else "next", node_id)
            previous = node_id
    row = publish(engine, journey)
    enroll_all(database, row, n, START)
    began = time.perf_counter()
    steps = engine.tick().steps
    clock.advance(timedelta(hours=1))
    steps += engine.tick().steps
    seconds = time.perf_counter() - began
    assert steps == 8 * n, steps
    database.dispose()
    return steps / seconds


class RenderFreePool:
    """A stand-in for RenderPool whose renders cost nothing: every job is answered at
    once with the first job's real render (rendered once, here). `measure_emails` with it
    times the engine process alone (claims, guards, outbox rows, step logs, bulk writes,
    commits): the ceiling a pool of render workers can approach, however many cores."""

    size = 1

    def __init__(self):
        self._answers: dict[int, list] = {}
        self._answer = None

    def submit(self, jobs: list, common: tuple) -> int:
        from engine.runtime.render_job import render_job

        if self._answer is None and jobs:
            shop, now, links = common
            self._answer = render_job(jobs[0], shop=shop, now=now, links=links)
        chunk_id = len(self._answers) + 1
        self._answers[chunk_id] = [(job.id, self._answer) for job in jobs]
        return chunk_id

    def busy(self) -> bool:
        return False

    def collect(self, wanted, timeout: float | None = None) -> dict[int, list]:
        return {chunk: self._answers[chunk] for chunk in wanted}

    def forget(self, chunk_ids) -> None:
        pass

    def drain(self) -> None:
        pass


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of another process so far; None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> tuple[float, float | None]:
    others = [process_cpu_seconds(pid) for pid in pids]
    return time.process_time(), None if None in others else sum(others)


def measure_emails(folder: Path, n: int, pool: RenderPool | RenderFreePool | None,
                   cpu: dict | None = None, measured=nullcontext) -> float:
    """Emails per second; `cpu`, if given, receives the CPU time each email cost, in µs:
    `engine` (this process) and `workers` (the render pool's, None where not measurable);
    `measured` as for `measure_steps`."""
    database = open_database(f"sqlite:///{folder / f'emails-{id(pool)}.db'}")
    clock = VirtualClock(START)
    engine = Engine(database, clock, services=EngineServices(render_pool=pool))
    add_contacts(database, n, START)
    row = publish(engine, chain("Emails", [("action.send_email", {"template": "hello"})]))
    enroll_all(database, row, n, START)
    pids = list(getattr(pool, "pids", []))
    own_before, workers_before = _cpu_seconds(pids)
    with measured():
        began = time.perf_counter()
        engine.tick()
        seconds = time.perf_counter() - began
    own_after, workers_after = _cpu_seconds(pids)
    if cpu is not None:
        cpu["engine"] = round((own_after - own_before) / n * 1e6, 1)
        cpu["workers"] = (None if workers_before is None or workers_after is None
                          else round((workers_after - workers_before) / n * 1e6, 1))
    with database.session() as session:
        sent = session.scalar(select(func.count()).select_from(Message)
                              .where(Message.status == "queued"))
    assert sent == n, sent
    database.dispose()
    return n / seconds


def measure_welcome_series(folder: Path, n: int, pool: RenderPool | None) -> float:
    database = open_database(f"sqlite:///{folder / f'welcome-{id(pool)}.db'}")
    clock = VirtualClock(START)
    engine = Engine(database, clock, services=EngineServices(render_pool=pool))
    publish(engine, chain("Welcome", [
        ("action.send_email", {"template": "day-one"}),
        ("flow.delay", {"duration": "2 days"}),
        ("action.send_email", {"template": "day-three"}),
        ("flow.delay", {"duration": "4 days"}),
        ("action.send_email", {"template": "day-seven"}),
    ], trigger=("trigger.event", {"event": "signed_up"})))
    began = time.perf_counter()
    with database.session() as session:
        for start in range(0, n, CHUNK):
            record_events(session, [EventInput(f"w{i}@example.com", "signed_up", {}, START)
                                    for i in range(start, min(n, start + CHUNK))],
                          now=START, source="benchmark")
    engine.tick()
    for days in (2, 4, 1):
        clock.advance(timedelta(days=days))
        engine.tick()
    seconds = time.perf_counter() - began
    with database.session() as session:
        sent = session.scalar(select(func.count()).select_from(Message))
    assert sent == 3 * n, sent
    database.dispose()
    return seconds


def measure_naive_jobs(folder: Path, n: int) -> float:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{folder / 'jobs.db'}")},
        timezone=timezone.utc)
    scheduler.start(paused=True)
    due = START + timedelta(days=365)
    began = time.perf_counter()
    for i in range(n):
        scheduler.add_job(_naive_step, "date", run_date=due, args=[i], id=f"step-{i}")
    seconds = time.perf_counter() - began
    scheduler.shutdown(wait=False)
    return n / seconds


def _naive_step(contact_id: int) -> None:  # what each naive job would run
    return None
