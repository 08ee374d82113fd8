"""The engine inside the app: starts, ticks, reports on the GUI thread, stops, and keeps the
master switch; a second app on the same database opens read-only."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from app.engine_host import LOCKED, RUNNING, STOPPED, EngineHost, EngineStatus, describe
from engine.db.models import Message
from engine.runtime.engine import TickReport
from engine.runtime.runner import EngineRunner
from engine.settings import load_settings


def queue_message(db, n: int = 1) -> None:
    now = datetime.now(timezone.utc)
    with db.session() as session:
        for i in range(n):
            session.add(Message(idempotency_key=f"k{i}", to_address=f"c{i}@example.com",
                                queued_at=now, status="queued"))


def test_starts_reports_ticks_on_the_gui_thread_and_stops(qtbot, db):
    queue_message(db, 3)
    host = EngineHost(db, interval=0.2)
    seen = []
    host.ticked.connect(lambda report: seen.append((report, threading.current_thread())))
    host.start()
    try:
        assert host.state == RUNNING
        with qtbot.waitSignal(host.ticked, timeout=5000):
            pass
        assert isinstance(seen[0][0], TickReport)
        assert seen[0][1] is threading.main_thread()
        qtbot.waitUntil(lambda: host.status().queued == 3, timeout=3000)
        assert host.status().next_tick is not None
    finally:
        host.stop()
    assert host.state == STOPPED
    host.stop()  # twice is fine
    # the lock is released: another runner may start now
    other = EngineRunner(host.engine, interval=60)
    other.start()
    other.stop()


def test_second_app_on_the_same_database_is_read_only(qtbot, db):
    first = EngineHost(db, interval=60)
    first.start()
    try:
        second = EngineHost(db, interval=60)
        second.start()
        assert second.state == LOCKED
        text, tone = describe(second.status(), datetime.now(timezone.utc))
        assert "read-only" in text and "another Trellis" in text and tone == "warning"
        second.stop()  # nothing to stop, and no error
    finally:
        first.stop()


def test_master_switch_persists(qtbot, db):
    host = EngineHost(db)
    assert host.sending_paused() is False
    with qtbot.waitSignal(host.status_changed) as signal:
        host.set_sending_paused(True)
    assert signal.args[0].sending_paused is True
    with db.session() as session:
        assert load_settings(session).sending_paused is True
    assert EngineHost(db).sending_paused() is True  # as the next start of the app sees it
    host.set_sending_paused(False)
    assert EngineHost(db).sending_paused() is False


def test_status_sentences():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    running = EngineStatus(state=RUNNING, next_tick=now + timedelta(seconds=2), queued=1)
    assert describe(running, now) == ("Engine running · next tick in 2 s · 1 email queued",
                                      "success")
    paused = EngineStatus(state=RUNNING, sending_paused=True, queued=12)
    text, tone = describe(paused, now)
    assert text.startswith("Sending paused") and "12 emails queued" in text and tone == "warning"
    failing = EngineStatus(state=RUNNING, last_error="OperationalError: disk full")
    assert describe(failing, now) == (
        "Engine running · Last error: OperationalError: disk full", "danger")
    assert describe(EngineStatus(), now) == ("Engine: not running", "neutral")


def test_delivery_and_http_run_beside_the_engine_as_in_main_py_run(qtbot, db):
    import urllib.request

    host = EngineHost(db, interval=60, deliver=True, http_bind=("127.0.0.1", 0))
    host.start()
    try:
        assert host.delivery is None  # no SMTP server set up: said, not raised
        assert host.status().notes == ("no email server set up: email waits in the outbox",)
        text, _tone = describe(host.status(), datetime.now(timezone.utc))
        assert "no email server set up" in text
        with urllib.request.urlopen(f"{host.http.url}/health", timeout=5) as response:
            assert response.status == 200
    finally:
        host.stop()
    assert host.state == STOPPED


def test_a_taken_http_port_is_said_not_raised(qtbot, db):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    host = EngineHost(db, interval=60, http_bind=taken.getsockname())
    try:
        host.start()
        assert host.state == RUNNING and host.http is None
        assert any(note.startswith("links in emails do not work") for note in host.status().notes)
    finally:
        host.stop()
        taken.close()


def test_the_app_tracks_only_after_the_self_test_and_reads_the_mailbox(qtbot, db, monkeypatch):
    import pytest as _pytest

    from engine.mailbox.settings import MailboxSettings, save_mailbox_settings
    from engine.messaging.tracking import TrackingSettings, save_tracking_settings
    from tests.imap_server import skip_reason, start_dovecot
    from tests.smtp_sink import free_port

    port = free_port()
    with db.session() as session:
        save_tracking_settings(session, TrackingSettings(public_url=f"http://127.0.0.1:{port}"))
    host = EngineHost(db, interval=60, http_bind=("127.0.0.1", port), deliver=True)
    assert host.mailbox_warning() is not None
    try:
        host.start()
        assert host.public_url is None  # untracked until the self-test has answered
        qtbot.waitUntil(lambda: host.tracking is not None, timeout=30_000)
        assert host.tracking.tracked and host.public_url == f"http://127.0.0.1:{port}"
        assert host.engine.services.public_url == host.public_url
        assert "loopback" in host.tracking.warning
        assert host.services.mailbox is None and host.services.mailbox_warning
        reason = skip_reason()
        if reason:
            _pytest.skip(reason)
        imap = start_dovecot()
        try:
            with db.session() as session:
                save_mailbox_settings(session, MailboxSettings(
                    host=imap.host, port=imap.port, security="none", username=imap.user))
            monkeypatch.setenv("TRELLIS_IMAP_PASSWORD", imap.password)
            host.restart_mailbox()
            assert host.services.mailbox is not None and host.mailbox_warning() is None
            qtbot.waitUntil(lambda: host.services.mailbox.last_report is not None, timeout=30_000)
        finally:
            host.stop()
            imap.stop()
    finally:
        host.stop()
