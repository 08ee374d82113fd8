"""What another connection changes between a batch's claim and its write (SQLite, where a
claim locks nothing): an erasure, a pause, a publish that moves contacts to a new
version. The batch must not revive what was ended or paused, nor queue an email the
change took back; it is given up (with the batch begun beside it, when emails render in
the pool) and claimed again, and every other contact gets its email once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from engine.contacts.privacy import REASON_ERASED, erase_contact
from engine.journey.model import Journey
from engine.runtime import advance
from engine.runtime.render_pool import RenderPool
from engine.runtime.services import EngineServices
from tests.engine.harness import Harness

WELCOME = {"key": "welcome", "name": "Welcome", "subject": "Hi {{ contact.first_name }}",
           "body": "Hello **{{ contact.first_name }}**."}
COUNT, BATCH = 60, 25


@pytest.fixture(scope="module")
def pool():
    pool = RenderPool(2).start()
    yield pool
    pool.close()


@pytest.fixture(params=["in process", "pooled"])
def render_pool(request):
    return request.getfixturevalue("pool") if request.param == "pooled" else None


def welcome(subject: str = WELCOME["subject"]) -> Journey:
    """Send the welcome email, then wait a day."""
    journey = Journey("Races")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="e", config={"template": "welcome"})
    journey.add_node("flow.delay", node_id="d", config={"duration": "1 day"})
    journey.connect("t", "next", "e")
    journey.connect("e", "next", "d")
    journey.set_template({**WELCOME, "subject": subject})
    return journey


def enrolled(db, clock, render_pool):
    h = Harness(db, clock, services=EngineServices(render_pool=render_pool), batch_size=BATCH)
    h.publish(welcome())
    emails = [f"r{i}@example.com" for i in range(COUNT)]
    for i, email in enumerate(emails):
        h.contact(email, first_name=f"N{i}")
    h.engine.enroll("Races", emails)
    return h, emails


def before_the_first_write(monkeypatch, change):
    """Run `change()` (in connections of its own) once, after the first batch ran its
    steps and before it writes them."""
    flush, done = advance._Started.flush, []

    def flush_after_the_change(self):
        if not done:
            done.append(True)
            change()
        flush(self)

    monkeypatch.setattr(advance._Started, "flush", flush_after_the_change)
    return done


def sent_to(h) -> Counter:
    return Counter(m.to_address for m in h.messages())


def test_an_erasure_after_the_claim_is_not_undone(db, clock, monkeypatch, render_pool):
    h, emails = enrolled(db, clock, render_pool)

    def erase():
        with db.session() as session:
            erase_contact(session, emails[0], now=clock.now())

    done = before_the_first_write(monkeypatch, erase)
    h.engine.tick()
    assert done
    assert sent_to(h) == Counter(emails[1:])  # each once, none to the erased address
    ended = [e for e in h.enrollments() if e.status != "active"]
    assert [(e.status, e.end_reason, e.due_at, e.active_journey_id) for e in ended] == [
        ("exited", REASON_ERASED, None, None)]
    h.run_for(timedelta(days=2))
    assert sent_to(h) == Counter(emails[1:])


def test_a_pause_after_the_claim_holds_every_email(db, clock, monkeypatch, render_pool):
    h, emails = enrolled(db, clock, render_pool)
    due = clock.now()
    before_the_first_write(monkeypatch, lambda: h.engine.pause("Races"))
    h.engine.tick()
    assert h.messages() == []
    assert {(e.status, e.node_id, e.due_at, e.paused_due_at) for e in h.enrollments()} == {
        ("active", "t", None, due)}
    h.engine.resume("Races")
    h.engine.tick()
    assert sent_to(h) == Counter(emails)


def test_a_publish_after_the_claim_runs_the_batch_on_the_new_version(
        db, clock, monkeypatch, render_pool):
    """The publish moves everyone on to the new version, each at the step of the same id."""
    h, emails = enrolled(db, clock, render_pool)
    versions = []
    before_the_first_write(monkeypatch, lambda: versions.append(h.publish(
        welcome(subject="Welcome aboard, {{ contact.first_name }}"), move={})))
    h.engine.tick()
    assert sent_to(h) == Counter(emails)
    assert {m.subject.split(",")[0] for m in h.messages()} == {"Welcome aboard"}
    assert {(e.version_id, e.node_id, e.status) for e in h.enrollments()} == {
        (versions[0], "d", "active")}


def test_a_tick_whose_batches_keep_changing_gives_up_with_the_reason(db, clock, monkeypatch):
    """An erasure before every write: the tick claims again MAX_MOVED_RETRIES times, then
    fails with the reason and writes nothing; the next tick, left alone, sends the rest."""
    h, emails = enrolled(db, clock, None)
    flush, erased = advance._Started.flush, []

    def flush_after_an_erasure(self):
        email = emails[len(erased)]
        with db.session() as session:
            erase_contact(session, email, now=clock.now())
        erased.append(email)
        flush(self)

    monkeypatch.setattr(advance._Started, "flush", flush_after_an_erasure)
    with pytest.raises(advance.MovedMeanwhile, match="1 of this batch's enrollments"):
        h.engine.tick()
    assert len(erased) == advance.MAX_MOVED_RETRIES + 1
    assert h.messages() == []
    monkeypatch.undo()
    h.engine.tick()
    assert sent_to(h) == Counter(emails[len(erased):])
