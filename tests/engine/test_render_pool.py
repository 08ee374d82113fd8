"""Emails rendered on every core: the pool renders exactly what the engine process would,
answers data calls (coupons, cart, segments) from the engine, fails one bad email alone,
and survives a worker killed for real — never a message twice, never one lost.

One pool of real spawned processes serves the whole module (starting one costs a second).
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from engine.db.models import Coupon, Message, Setting, StepLog
from engine.journey.model import Journey
from engine.journey.data import EmailTemplate
from engine.templating.values import ShopInfo
from engine.runtime import advance
from engine.runtime.render_job import LinkSpec, RenderJob
from engine.runtime.render_pool import RenderPool
from engine.runtime.services import EngineServices
from tests.engine.harness import Harness
from tests.postgres_server import skip_reason

SECRET_ROW = {"key": "link_secret", "value": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I"}


@pytest.fixture(scope="module")
def pool():
    pool = RenderPool(2).start()
    yield pool
    pool.close()


def send_journey(template: dict, *, trigger: str = "trigger.manual", event: str = "") -> Journey:
    journey = Journey("Pool")
    config = {"event": event} if event else {}
    journey.add_node(trigger, node_id="t", config=config)
    journey.add_node("action.send_email", node_id="e", config={"template": template["key"]})
    journey.add_node("action.update_field", node_id="f",
                     config={"field": "first_name", "value": "Changed"})
    journey.connect("t", "next", "e")
    journey.connect("e", "next", "f")
    journey.set_template(template)
    return journey


WELCOME = {"key": "welcome", "name": "Welcome",
           "subject": "Hi {{ contact.first_name }}",
           "body": "Hello **{{ contact.first_name }}** ({{ contact.plan | default('free') }}). "
                   "[Shop](https://shop.example.com/?a=1&b=2)"}


def run_welcome(db, clock, services: EngineServices, contacts: int) -> list[Message]:
    with db.session() as session:  # one secret for both runs: the links must match
        session.add(Setting(**SECRET_ROW))
    h = Harness(db, clock, services=services, batch_size=40)
    h.publish(send_journey(WELCOME))
    emails = [f"p{i}@example.com" for i in range(contacts)]
    for i, email in enumerate(emails):
        h.contact(email, first_name=f"Ann{i}", attributes={"plan": "pro"} if i % 2 else {})
    h.engine.enroll("Pool", emails)
    h.engine.tick()
    return h.messages()


def test_pooled_emails_are_the_in_process_ones(tmp_path, clock, pool):
    from engine.db import open_database

    rows = {}
    for name, services in (("pooled", EngineServices(public_url="https://t.example.com",
                                                     render_pool=pool)),
                           ("in_process", EngineServices(public_url="https://t.example.com"))):
        db = open_database(f"sqlite:///{tmp_path / name}.db")
        rows[name] = [(m.idempotency_key, m.status, m.subject, m.html, m.text, m.headers)
                      for m in run_welcome(db, clock, services, contacts=130)]
        db.dispose()
    assert len(rows["pooled"]) == 130
    assert rows["pooled"] == rows["in_process"]
    # the render saw the contact as it was at the email step, not after the next step
    assert all("Changed" not in html for _, _, _, html, _, _ in rows["pooled"])
    assert {status for _, status, *_ in rows["pooled"]} == {"queued"}
    assert "/c/" in rows["pooled"][0][3]  # links tracked in the worker


@pytest.mark.parametrize("pooled", [True, False])
def test_a_failed_data_call_fails_the_email_as_in_process(db, clock, pool, pooled):
    template = {"key": "seg", "name": "Seg", "subject": "Hello",
                "body": "Hi\n\n{% if in_segment('Nobody') %}x{% endif %}"}
    h = Harness(db, clock, services=EngineServices(render_pool=pool if pooled else None))
    h.publish(send_journey(template))
    h.contact("s@example.com")
    h.engine.enroll("Pool", ["s@example.com"])
    h.engine.tick()
    (message,) = h.messages()
    assert message.status == "failed"
    assert message.last_error.startswith("the body, line 3: in_segment:"), message.last_error
    assert "Nobody" in message.last_error


def test_cart_and_coupon_from_the_engine(db, clock, pool):
    template = {"key": "cart", "name": "Cart", "subject": "Your cart",
                "body": "{% for item in cart %}{{ item.quantity }} x {{ item.name }}; {% endfor %}"
                        "Code {{ coupon(15) }}, again {{ coupon(15).code }}."}
    h = Harness(db, clock, services=EngineServices(render_pool=pool))
    h.publish(send_journey(template, trigger="trigger.event", event="added_to_cart"))
    for i in range(4):
        h.contact(f"c{i}@example.com", first_name=f"C{i}")
        h.event(f"c{i}@example.com", "added_to_cart", {"sku": "mug", "name": "Blue mug",
                                                        "quantity": i + 1})
    with db.session() as session:
        codes = dict(session.execute(select(Coupon.contact_id, Coupon.code)).all())
    messages = h.messages()
    assert len(messages) == 4 and len(codes) == 4
    for i, message in enumerate(messages):
        assert message.status == "queued", message.last_error
        assert f"{i + 1} x Blue mug" in message.text
        code = codes[message.contact_id]
        assert message.text.count(code) == 2  # both calls: the same coupon


@pytest.mark.parametrize("pooled", [True, False])
def test_a_bad_email_fails_alone_with_its_reason(db, clock, pool, pooled):
    # (in-process too: a batch mixing failed and queued rows writes them all)
    template = {"key": "plan", "name": "Plan", "subject": "Plan",
                "body": "Your plan: {{ contact.plan }}"}
    h = Harness(db, clock, services=EngineServices(render_pool=pool if pooled else None))
    h.publish(send_journey(template))
    emails = [f"b{i}@example.com" for i in range(6)]
    for i, email in enumerate(emails):
        h.contact(email, attributes={"plan": "pro"} if i % 3 else {})
    h.engine.enroll("Pool", emails)
    h.engine.tick()
    statuses = [(m.to_address, m.status, m.last_error) for m in h.messages()]
    failed = [email for email, status, _ in statuses if status == "failed"]
    assert failed == ["b0@example.com", "b3@example.com"]
    assert all("contact.plan" in error for _, status, error in statuses if status == "failed")
    with db.session() as session:  # the step log says so too
        details = session.scalars(select(StepLog.detail).where(StepLog.kind == "email")).all()
    assert sorted(d["status"] for d in details) == ["failed"] * 2 + ["queued"] * 4
    assert all("contact.plan" in d["error"] for d in details if d["status"] == "failed")


def _job(i: int) -> RenderJob:
    template = EmailTemplate(key="k", name="k", subject="S {{ contact.first_name }}", body="B")
    return RenderJob(i, template, {"id": i, "email": f"j{i}@example.com", "first_name": f"J{i}"},
                     None, f"enrollment:{i}:e:1")


COMMON = (ShopInfo("Shop", "1 Street"), None, LinkSpec(None, b"s" * 32, "u@example.com"))


def test_a_killed_worker_fails_only_its_chunk_and_is_replaced():
    from datetime import datetime, timezone

    common = (COMMON[0], datetime(2026, 3, 2, tzinfo=timezone.utc), COMMON[2])
    pool = RenderPool(1).start()
    try:
        (victim,) = pool.pids
        os.kill(victim, signal.SIGSTOP)  # it holds the chunk and cannot answer
        chunk = pool.submit([_job(1), _job(2)], common)
        os.kill(victim, signal.SIGKILL)
        answers = pool.collect([chunk])[chunk]
        assert [job_id for job_id, _ in answers] == [1, 2]
        assert {kind for _, (kind, _) in answers} == {"crashed"}
        assert "exit code -9" in answers[0][1][1]
        assert pool.replaced == 1 and pool.pids != [victim]
        chunk = pool.submit([_job(3)], common)
        ((job_id, (kind, fields)),) = pool.collect([chunk])[chunk]
        assert (job_id, kind, fields["subject"]) == (3, "done", "S J3")
        assert pool.peak_rss_mb() > 10
    finally:
        pool.close()


def test_the_chunks_a_killed_worker_had_not_begun_go_to_its_replacement():
    from datetime import datetime, timezone

    common = (COMMON[0], datetime(2026, 3, 2, tzinfo=timezone.utc), COMMON[2])
    pool = RenderPool(1).start()
    try:
        (victim,) = pool.pids
        os.kill(victim, signal.SIGSTOP)
        chunks = [pool.submit([_job(i)], common) for i in (1, 2, 3)]
        os.kill(victim, signal.SIGKILL)
        answers = {}
        while len(answers) < 3:
            answers |= pool.collect(chunks, timeout=30)
        kinds = {chunk: answers[chunk][0][1][0] for chunk in chunks}
        # the first was the one it was rendering; the two it had not begun are rendered
        assert kinds == {chunks[0]: "crashed", chunks[1]: "done", chunks[2]: "done"}
        assert answers[chunks[2]][0][1][1]["subject"] == "S J3"
        assert pool.replaced == 1
    finally:
        pool.close()


def test_a_chunk_larger_than_a_workers_room_waits_for_answers_before_it_is_sent(monkeypatch):
    """A send must never block (the worker may be waiting for its answers to be read):
    a chunk that does not fit beside what is out is sent once the worker has answered."""
    from datetime import datetime, timezone

    from engine.runtime import render_pool

    monkeypatch.setattr(render_pool, "QUEUED_BYTES", 2000)
    monkeypatch.setattr(render_pool, "QUEUED_BYTES_WIDE", 2000)
    common = (COMMON[0], datetime(2026, 3, 2, tzinfo=timezone.utc), COMMON[2])
    pool = RenderPool(1).start()
    try:
        small = pool.submit([_job(1)], common)
        big_job = _job(2)
        big_job.contact["first_name"] = "x" * 5000
        big = pool.submit([big_job], common)
        assert small in pool._ready  # answered (and kept) before the big one went out
        answers = {}
        while len(answers) < 2:
            answers |= pool.collect([small, big], timeout=30)
        assert answers[big][0][1][1]["subject"] == "S " + "x" * 5000
    finally:
        pool.close()


def test_ctrl_c_leaves_the_workers_to_the_engine():
    """Ctrl+C in a terminal reaches every process of the group: a worker must not die of
    it (a traceback each, their chunks failed) but go on until the engine closes the pool."""
    from datetime import datetime, timezone

    common = (COMMON[0], datetime(2026, 3, 2, tzinfo=timezone.utc), COMMON[2])
    pool = RenderPool(1).start()
    try:
        chunk = pool.submit([_job(1)], common)  # answered: the worker is serving
        assert pool.collect([chunk])[chunk][0][1][0] == "done"
        (worker,) = pool.pids
        os.kill(worker, signal.SIGINT)
        chunk = pool.submit([_job(2)], common)
        ((job_id, (kind, fields)),) = pool.collect([chunk])[chunk]
        assert (job_id, kind, fields["subject"]) == (2, "done", "S J2")
        assert pool.replaced == 0 and pool.pids == [worker]
    finally:
        pool.close()


def test_killing_a_worker_mid_tick_loses_nothing_and_sends_nothing_twice(db, clock):
    pool = RenderPool(2).start()
    try:
        h = Harness(db, clock, services=EngineServices(render_pool=pool), batch_size=200)
        h.publish(send_journey(WELCOME))
        emails = [f"k{i}@example.com" for i in range(200)]
        for i, email in enumerate(emails):
            h.contact(email, first_name=f"K{i}", attributes={"plan": "pro"})
        h.engine.enroll("Pool", emails)
        victim = pool._workers[0]
        os.kill(victim.process.pid, signal.SIGSTOP)

        def kill_when_it_holds_work():
            deadline = time.monotonic() + 30
            while not victim.chunks and time.monotonic() < deadline:
                time.sleep(0.001)
            os.kill(victim.process.pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_when_it_holds_work)
        killer.start()
        h.engine.tick()
        killer.join()
        h.engine.tick()  # nothing is due again: no second message for anyone
        messages = h.messages()
        assert len(messages) == 200
        assert len({m.idempotency_key for m in messages}) == 200
        failed = [m for m in messages if m.status == "failed"]
        assert failed and len(failed) < 200
        assert all("render worker stopped" in m.last_error for m in failed)
        assert {m.status for m in messages} == {"queued", "failed"}
        assert pool.replaced == 1
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(StepLog)
                                  .where(StepLog.kind == "email")) == 200
    finally:
        pool.close()


def test_the_render_workers_setting(monkeypatch):
    from engine.runtime.services import configured_render_workers

    monkeypatch.delenv("TRELLIS_RENDER_WORKERS", raising=False)
    assert configured_render_workers() == (os.cpu_count() or 1)  # one per core
    monkeypatch.setenv("TRELLIS_RENDER_WORKERS", "3")
    assert configured_render_workers() == 3
    for bad in ("0", "two", "65"):
        monkeypatch.setenv("TRELLIS_RENDER_WORKERS", bad)
        with pytest.raises(ValueError, match="TRELLIS_RENDER_WORKERS must be a whole number"):
            configured_render_workers()
    assert EngineServices().pool() is None  # the default: in-process, no processes


def test_render_workers_count_the_engine_process():
    """N render workers: the engine renders too, so its pool has N - 1 processes (on two
    cores, the engine and one worker)."""
    assert EngineServices(render_workers=1).pool() is None
    services = EngineServices(render_workers=3)
    try:
        assert services.pool().size == 2 and len(services.pool().pids) == 2
    finally:
        services.close()
    assert services.render_pool is None


def test_answers_wait_for_the_caller_who_wants_them(pool):
    from datetime import datetime, timezone

    common = (COMMON[0], datetime(2026, 3, 2, tzinfo=timezone.utc), COMMON[2])
    first, second = pool.submit([_job(1)], common), pool.submit([_job(2)], common)
    while not pool.collect([first], timeout=5):
        pass
    # the second may have been read meanwhile: it must still be there for its caller
    answers = {}
    while second not in answers:
        answers |= pool.collect([second], timeout=5)
    ((job_id, (kind, fields)),) = answers[second]
    assert (job_id, kind, fields["subject"]) == (2, "done", "S J2")
    assert pool.collect([first], timeout=0) == {}  # answered once, never twice


# --- two batches at once: the next batch runs while the one ahead renders (advance.py) ---

def _sending_journey(name: str, template: dict, **email_config) -> Journey:
    journey = Journey(name)
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="e",
                     config={"template": template["key"], **email_config})
    journey.connect("t", "next", "e")
    journey.set_template(template)
    return journey


def _committed_messages(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Message))


def _enrolled(db, clock, pool, name: str, count: int, *, batch_size: int = 25):
    """A journey that sends WELCOME, `count` contacts enrolled in it and due now: the
    harness, its services and the contacts' addresses."""
    services = EngineServices(render_pool=pool)
    h = Harness(db, clock, services=services, batch_size=batch_size)
    h.publish(_sending_journey(name, WELCOME))
    emails = [f"{name.lower()}{i}@example.com" for i in range(count)]
    for i, email in enumerate(emails):
        h.contact(email, first_name=f"N{i}")
    h.engine.enroll(name, emails)
    return h, services, emails


def test_the_next_batch_runs_while_the_one_ahead_renders_and_each_email_is_written_once(
        db, clock, pool):
    h, services, emails = _enrolled(db, clock, pool, "Pipe", 130)
    compose, written_before = services.compose_email, []

    def compose_and_look(step, template, category):
        written_before.append(_committed_messages(db))
        return compose(step, template, category)

    services.compose_email = compose_and_look
    assert h.engine.tick().steps == 2 * 130
    # the second batch's first email was composed before the first batch was written
    assert written_before[25] == 0
    messages = h.messages()
    assert sorted(m.to_address for m in messages) == sorted(emails)
    assert {m.status for m in messages} == {"queued"}
    assert all(m.html and m.text and m.subject.startswith("Hi N") for m in messages)
    with db.session() as session:
        logs = session.scalars(select(StepLog).where(StepLog.kind == "email")).all()
    assert len(logs) == 130 and {log.detail["status"] for log in logs} == {"queued"}


def _first_commit_held(monkeypatch, then=lambda: None) -> list[bool]:
    """The first batch's commit (in its own thread) waits until the engine needs it done,
    at the next flush or claim from the start (at most 10 s), calls `then()` and commits.
    Returns the list into which that commit puts whether it was let go (True) or gave up
    waiting (False)."""
    wanted, let_go = threading.Event(), []
    commit, wait = advance._Started.commit, advance._Commit.wait

    def held_commit(self):
        if not let_go:
            let_go.append(wanted.wait(10))
            then()
        commit(self)

    def wait_and_say_so(self, **options):
        if self.batch is not None:  # a commit is in flight and the engine wants it done
            wanted.set()
        wait(self, **options)

    monkeypatch.setattr(advance._Started, "commit", held_commit)
    monkeypatch.setattr(advance._Commit, "wait", wait_and_say_so)
    return let_go


@pytest.mark.parametrize("pooled, composed", [(False, 50), (True, 75)])
def test_a_batch_commits_while_the_next_one_runs_its_steps(
        db, clock, pool, monkeypatch, pooled, composed):
    """The first batch's commit is held until the engine waits for it: by then the next
    batch (and, with the pool, the one after it) has composed its emails. A commit in the
    engine's own thread would wait for those steps in vain."""
    h, services, emails = _enrolled(db, clock, pool if pooled else None, "Overlap", 80)
    compose, seen, composed_before = services.compose_email, [], []

    def compose_and_count(step, template, category):
        seen.append(step.run.id)
        return compose(step, template, category)

    services.compose_email = compose_and_count
    let_go = _first_commit_held(monkeypatch, then=lambda: composed_before.append(len(seen)))
    assert h.engine.tick().steps == 2 * 80
    assert let_go == [True]
    assert composed_before[0] == composed  # emails composed while the first batch committed
    messages = h.messages()
    assert sorted(m.to_address for m in messages) == sorted(emails)  # each written once


@pytest.mark.parametrize("pooled", [True, False])
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_contact_is_never_in_two_open_batches(request, database, clock, pool, monkeypatch,
                                                pooled):
    """One email a day at most: the same contacts are due in two journeys, and their second
    enrollments are claimed while the batch with their first is still open or committing
    (its commit held until the engine waits for it). They wait for it to be written, so
    the cap sees the first email and skips the second."""
    if database == "postgresql":
        if skip_reason() is not None:
            pytest.skip(skip_reason())
        from engine.db import open_database

        db = open_database(request.getfixturevalue("pg_url"))
        request.addfinalizer(db.dispose)
    else:
        db = request.getfixturevalue("db")
    h = Harness(db, clock, services=EngineServices(render_pool=pool if pooled else None),
                batch_size=50)
    h.settings(frequency_cap={"count": 1, "within": "1 day"})
    # one PostgreSQL database serves the module: names of this case's own
    first, second, mode = f"First {pooled}", f"Second {pooled}", "p" if pooled else "s"
    h.publish(_sending_journey(first, WELCOME))
    h.publish(_sending_journey(second, WELCOME, when_capped="skip"))
    emails = [f"o{i}-{mode}@example.com" for i in range(60)]
    contact_ids = [h.contact(email, first_name="O") for email in emails]
    h.engine.enroll(first, emails)   # enrollments 1-60: the first batch holds 1-50
    h.engine.enroll(second, emails)  # 61-120: claimed next, 61-100 share its contacts
    let_go = _first_commit_held(monkeypatch)
    h.engine.tick()
    assert let_go == [True]
    messages = [m for m in h.messages() if m.to_address in emails]
    assert sorted(m.to_address for m in messages) == sorted(emails)  # one each
    with db.session() as session:
        skipped = session.scalar(select(func.count()).select_from(StepLog).where(
            StepLog.kind == "skip", StepLog.reason == "frequency_cap",
            StepLog.contact_id.in_(contact_ids)))
    assert skipped == 60


@pytest.mark.parametrize("batch_size, stop_at, written", [
    (100, 80, 0),  # one batch, its chunks out in the pool
    (25, 60, 25),  # the first batch written, the second rendering, the third running
])
def test_a_stop_gives_up_the_open_batches_and_they_run_again_whole(
        db, clock, pool, batch_size, stop_at, written):
    """Stopping the engine while the pool renders rolls back every open batch and drops
    their chunks; the next tick runs them again and every contact gets one email."""
    h, services, emails = _enrolled(db, clock, pool, "Stop", 100, batch_size=batch_size)
    compose, seen = services.compose_email, []

    def compose_then_stop(step, template, category):
        seen.append(step.run.id)
        if len(seen) == stop_at:
            h.engine.request_stop()
        return compose(step, template, category)

    services.compose_email = compose_then_stop
    assert h.engine.tick().steps == 0  # given up: rolled back
    assert len(h.messages()) == written
    services.compose_email = compose
    h.engine.clear_stop()
    h.engine.tick()
    messages = h.messages()
    assert sorted(m.to_address for m in messages) == sorted(emails)
    assert {m.status for m in messages} == {"queued"}
    assert not any(w.chunks for w in pool._workers)  # the dropped chunks were answered


def test_a_batch_that_fails_to_be_written_gives_up_the_one_begun_after_it(db, clock, pool):
    """The first batch cannot be written (a message row with one of its keys is already
    there): the second, begun while the first rendered, is rolled back too, nothing of
    either is written, and once the obstacle is gone every email is written once."""
    h, _services, emails = _enrolled(db, clock, pool, "Fail", 60)
    first = h.enrollments()[0]
    with db.session() as session:  # the key the first email will have
        session.add(Message(idempotency_key=f"enrollment:{first.id}:e:1", to_address="x@example.com",
                            queued_at=clock.now()))
    with pytest.raises(IntegrityError):
        h.engine.tick()
    assert len(h.messages()) == 1  # only the obstacle
    deadline = time.monotonic() + 30
    while any(w.chunks for w in pool._workers) and time.monotonic() < deadline:
        pool.drain()
        time.sleep(0.01)
    assert not pool._ready  # the given-up batches' answers were dropped, none kept
    with db.session() as session:
        session.execute(delete(Message))
    h.engine.tick()
    messages = h.messages()
    assert sorted(m.to_address for m in messages) == sorted(emails)
    assert {m.status for m in messages} == {"queued"}


def test_a_failed_commit_rolls_its_batch_back_and_reaches_the_tick(db, clock, monkeypatch):
    """The first batch's connection checks foreign keys at COMMIT, and its writes leave a
    row pointing at nothing: the commit (in its thread) fails for real. Nothing of that
    batch or the next one is written, the error reaches the tick, and the next tick
    writes every email once."""
    h, _services, emails = _enrolled(db, clock, None, "Commit", 60)
    flush, broken = advance._Started.flush, []

    def flush_with_an_orphan(self):
        flush(self)
        if not broken:
            broken.append(True)
            session = self.batch.session
            session.execute(text("PRAGMA defer_foreign_keys=ON"))
            session.execute(text(  # a membership of a list that does not exist
                "INSERT INTO list_membership (list_id, contact_id, added_at, source) "
                "SELECT 999999, id, '2026-03-02 09:00:00.000000', 'test' FROM contact LIMIT 1"))

    monkeypatch.setattr(advance._Started, "flush", flush_with_an_orphan)
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        h.engine.tick()
    assert h.messages() == []
    assert all(e.status == "active" and e.step_count == 0 for e in h.enrollments())
    h.engine.tick()
    messages = h.messages()
    assert sorted(m.to_address for m in messages) == sorted(emails)
