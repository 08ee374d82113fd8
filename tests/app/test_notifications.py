"""Notifications for what needs a person: delivery that keeps failing (after a while, once
until it works again), uncertain emails (whenever there are more), and the hooks for
guardrails and experiments. The outbox count comes from a really running engine host."""

from __future__ import annotations

import sys
import threading
import traceback
from datetime import datetime, timedelta, timezone

from app.engine_host import EngineHost, EngineStatus
from app.notifications import Notifier
from sqlalchemy import select

from engine.db.models import Message

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def make():
    shown, clock = [], Clock()
    return Notifier(lambda title, text: shown.append((title, text)), clock), shown, clock


def test_delivery_failing_is_said_once_after_it_lasted():
    notifier, shown, clock = make()
    down = EngineStatus(delivery_error="connection refused by smtp.example.com:587")
    notifier.status_changed(down)
    clock.now += timedelta(minutes=4)
    notifier.status_changed(down)
    assert shown == []  # a server down for a moment is not worth a notification
    clock.now += timedelta(minutes=2)
    notifier.status_changed(down)
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "Email delivery keeps failing"
    assert "6 min" in text and "connection refused" in text
    clock.now += timedelta(minutes=30)
    notifier.status_changed(down)
    assert len(shown) == 1  # once
    notifier.status_changed(EngineStatus())  # it worked again
    notifier.status_changed(down)
    clock.now += timedelta(minutes=5)
    notifier.status_changed(down)
    assert len(shown) == 2  # failing anew is said anew


def test_uncertain_emails_are_said_when_there_are_more():
    notifier, shown, _clock = make()
    notifier.status_changed(EngineStatus(uncertain=None))
    notifier.status_changed(EngineStatus(uncertain=0))
    assert shown == []
    notifier.status_changed(EngineStatus(uncertain=2))
    assert shown[-1][0] == "Emails may not have been sent" and "2 emails" in shown[-1][1]
    notifier.status_changed(EngineStatus(uncertain=2))
    notifier.status_changed(EngineStatus(uncertain=1))
    assert len(shown) == 1
    notifier.status_changed(EngineStatus(uncertain=2))
    assert len(shown) == 2 and "2 emails" in shown[-1][1]


def test_hooks_for_guardrails_and_experiments_notify_at_once():
    notifier, shown, _clock = make()
    notifier.journey_paused_by_guardrail("Abandoned cart", "the bounce rate passed 5 %")
    notifier.experiment_winner("Welcome series", "Subject B", "31 % opened against 22 %")
    assert shown == [
        ("“Abandoned cart” was paused", "A guardrail paused it: the bounce rate passed 5 %"),
        ("An experiment has a winner",
         "“Subject B” wins in “Welcome series”. 31 % opened against 22 %"),
    ]
    assert notifier.sent == shown


def test_the_running_host_counts_uncertain_emails_for_the_notifier(qtbot, db):
    now = datetime.now(timezone.utc)
    with db.session() as session:
        for i in range(3):
            session.add(Message(idempotency_key=f"u{i}", to_address=f"u{i}@example.com",
                                queued_at=now, status="uncertain"))
        session.add(Message(idempotency_key="q", to_address="q@example.com", queued_at=now,
                            status="queued"))
    host = EngineHost(db, interval=60)
    notifier, shown, _clock = make()
    host.status_changed.connect(notifier.status_changed)
    host.start()
    try:
        qtbot.waitUntil(lambda: host.status().uncertain == 3, timeout=5000)
        assert host.status().queued == 1
        assert shown and "3 emails" in shown[-1][1]
    finally:
        host.stop()


def wait_or_explain(qtbot, host, done, shown, timeout=30000):
    """Wait for `done`; on a timeout, fail with what the host was doing: its status, the
    runner's last error and every thread's stack (a tick stuck somewhere shows where)."""
    try:
        qtbot.waitUntil(done, timeout=timeout)
    except qtbot.TimeoutError:
        names = {thread.ident: thread.name for thread in threading.enumerate()}
        stacks = "".join(f"\n--- {names.get(ident, ident)}\n" + "".join(
            traceback.format_stack(frame)) for ident, frame in sys._current_frames().items())
        runner = host._runner
        raise AssertionError(
            f"shown {shown!r}; host status {host.status()!r}; runner error "
            f"{runner.last_error if runner else None!r}; last tick "
            f"{runner.last_tick if runner else None!r}; threads:{stacks}") from None


def test_engine_notices_reach_the_tray_once(qtbot, db):
    """A running host: an A/B test the engine decides on its first tick and a guardrail
    notice left by `main.py run` while the app was closed are each notified once."""
    from engine.db.models import JourneyNotice, JourneyRow
    from engine.intake.events import parse_event, record_contact_upsert, record_events
    from engine.journey.store import save_draft
    from engine.runtime.engine import Engine
    from engine.clock import SystemClock
    from tests.engine.test_experiment_runtime import split_journey

    now = datetime.now(timezone.utc)
    with db.session() as session:
        save_draft(session, split_journey({"min_per_variant": 50}).to_document(), now=now)
    Engine(db, SystemClock()).publish("Welcome test")
    now = datetime.now(timezone.utc)  # triggers take events after the publish
    emails = [f"n{i}@example.com" for i in range(150)]
    with db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=now, source="test")
        record_events(session, [parse_event({"contact": e, "name": "signed_up",
                                             "properties": {}, "at": None}) for e in emails],
                      now=now, source="test")
        journey_id = session.scalar(select(JourneyRow.id))
        session.add(JourneyNotice(journey_id=journey_id, kind="guardrail_paused", at=now,
                                  detail={"journey": "Welcome test", "action": "paused",
                                          "reason": "the bounce rate reached 6 %"}))
    host = EngineHost(db, interval=60)
    notifier, shown, _clock = make()
    host.notices_arrived.connect(notifier.journey_notices)
    host.start()
    try:
        # the host's first tick, on its own thread: generous, a loaded machine is slow
        wait_or_explain(qtbot, host, lambda: len(shown) >= 2, shown)
    finally:
        host.stop()
    # the host's start and its first tick both read the notices, on two threads: once
    assert len(shown) == 2, shown
    assert shown[0] == ("“Welcome test” was paused",
                        "A guardrail paused it: the bounce rate reached 6 %")
    assert shown[1][0] == "An experiment has a winner"
    assert shown[1][1].startswith("“Coupon” wins in “Welcome test”. Step “split”.")
    with db.session() as session:
        assert all(n.notified_at is not None for n in session.scalars(select(JourneyNotice)))
    again = EngineHost(db, interval=60)  # the next start shows nothing twice
    later, shown_later, _ = make()
    again.notices_arrived.connect(later.journey_notices)
    again.start()
    try:
        qtbot.waitUntil(lambda: again.status().queued is not None, timeout=5000)
        qtbot.wait(600)
    finally:
        again.stop()
    assert shown_later == []
