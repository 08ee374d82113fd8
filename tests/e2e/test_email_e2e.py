"""Email end to end: `main.py run --smtp … --http …` as a subprocess, a real SMTP server
(aiosmtpd on loopback) and real HTTP requests.

- An event POSTed to the server makes the engine send an email that arrives with the
  right headers, text and HTML; a 550 for one recipient bounces only that one; the
  one-click POST unsubscribes, and the next email of the journey is then skipped with
  the reason `unsubscribed`.
- SIGKILL in the middle of sending (a slow SMTP server) leaves no duplicate: after the
  restart every email arrived at most once, and the ones that were being handed over
  are `uncertain` instead of sent again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

from engine.clock import SystemClock
from engine.db import open_database
from engine.db.models import Contact, Message, StepLog
from engine.http.api_key import ensure_api_key
from engine.intake.events import parse_event, record_events
from engine.journey.model import Journey
from engine.journey.store import save_draft
from engine.runtime.engine import Engine
from engine.settings import AppSettings, load_settings, save_settings
from tests.smtp_sink import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
SENDER = "hello@shop.example"


def start_runner(db_url: str, smtp_port: int, http_port: int,
                 public_url: str | None = None) -> subprocess.Popen:
    """`run`; with `public_url`, returns once its self-test decided (printed "Tracking …")."""
    runner = subprocess.Popen(
        [sys.executable, "main.py", "--db", db_url, "run", "--interval", "0.2",
         "--smtp", f"smtp://127.0.0.1:{smtp_port}", "--http", f"127.0.0.1:{http_port}"]
        + (["--public-url", public_url] if public_url else []),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = {"HTTP server on"} | ({"Tracking "} if public_url else set())
    for line in runner.stdout:  # ends if the process dies: then the assert below says so
        waiting -= {start for start in waiting if line.startswith(start)}
        if line.startswith("Tracking "):
            runner.tracking_line = line
        if not waiting:
            break
    assert runner.poll() is None, runner.stderr.read()
    return runner


def stop_runner(runner: subprocess.Popen) -> None:
    runner.send_signal(signal.SIGTERM)
    out, err = runner.communicate(timeout=60)
    assert runner.returncode == 0, err
    assert "Trellis engine stopped." in out


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def prepare(tmp_path: Path, journey: Journey) -> tuple[str, object]:
    db_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    database = open_database(db_url)
    clock = SystemClock()
    with database.session() as session:
        settings = load_settings(session).model_dump() | {
            "sender_email": SENDER, "sender_name": "Théière & Co"}
        save_settings(session, AppSettings.model_validate(settings))
        save_draft(session, journey.to_document(), now=clock.now())
    Engine(database, clock).publish(journey.name)
    return db_url, database


def two_step_journey() -> Journey:
    journey = Journey("Welcome series")
    journey.add_node("trigger.event", node_id="start", config={"event": "signed_up"})
    journey.add_node("action.send_email", node_id="welcome", config={"template": "welcome"})
    journey.add_node("flow.wait_event", node_id="wait", config={
        "wait_for": {"event": "browsed"}, "timeout": "1 day"})
    journey.add_node("action.send_email", node_id="followup", config={"template": "followup"})
    journey.add_node("flow.exit", node_id="done", config={})
    journey.connect("start", "next", "welcome")
    journey.connect("welcome", "next", "wait")
    journey.connect("wait", "event", "followup")
    journey.connect("wait", "timeout", "done")
    journey.set_template({"key": "welcome", "name": "Welcome", "subject": "Welcome, {{ contact.first_name }}",
                          "body": "Hi **{{ contact.first_name }}**, [see the shop](https://shop.example/)."})
    journey.set_template({"key": "followup", "name": "Follow-up", "subject": "Still looking?",
                          "body": "Hi {{ contact.first_name }}, we kept your basket."})
    return journey


def test_event_to_email_bounce_and_one_click_unsubscribe(tmp_path):
    db_url, database = prepare(tmp_path, two_step_journey())
    key, _ = ensure_api_key(database, SystemClock().now())
    http_port = free_port()
    auth = {"Authorization": f"Bearer {key}"}
    with SmtpSink() as sink:
        sink.bounce.add("bob@example.com")
        # one machine: the explicit loopback URL passes the self-test and is honoured
        public = f"http://127.0.0.1:{http_port}"
        runner = start_runner(db_url, sink.port, http_port, public)
        assert runner.tracking_line.startswith("Tracking on"), runner.tracking_line
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{http_port}", timeout=30) as api:
                for email, name in (("ana@example.com", "Ana"), ("bob@example.com", "Bob"),
                                    ("cat@example.com", "Cat")):
                    assert api.post("/v1/contacts", headers=auth,
                                    json={"email": email, "first_name": name}).status_code == 201
                response = api.post("/v1/events", headers=auth, json=[
                    {"contact": email, "name": "signed_up"}
                    for email in ("ana@example.com", "bob@example.com", "cat@example.com")])
                assert response.status_code == 202

                assert sink.wait_for(2, timeout=90), "the welcome emails did not arrive"
                wait_until(lambda: _statuses(database) == {
                    "ana@example.com": ["sent"], "bob@example.com": ["bounced"],
                    "cat@example.com": ["sent"]}, "the welcome emails to be settled")
                [ana_mail] = [m for m in sink.messages if m.rcpt_tos == ["ana@example.com"]]
                parsed = ana_mail.parsed()
                assert parsed["Subject"] == "Welcome, Ana" and parsed["To"] == "ana@example.com"
                assert parsed["From"].addresses[0].display_name == "Théière & Co"
                assert parsed["From"].addresses[0].addr_spec == SENDER
                assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
                https, mailto = [part.strip(" <>") for part in parsed["List-Unsubscribe"].split(",")]
                assert https.startswith(f"{public}/u/") and mailto.startswith(f"mailto:{SENDER}?")
                assert parsed["Message-ID"].endswith("@shop.example>")
                text = parsed.get_body(("plain",)).get_content()
                html = parsed.get_body(("html",)).get_content()
                assert "Hi Ana" in text and "<strong>Ana</strong>" in html
                assert f"{public}/c/" in html and f"{public}/o/" in html
                with database.session() as session:
                    bob = session.scalar(select(Contact).where(Contact.email == "bob@example.com"))
                    assert bob.status == "bounced"

                one_click = api.post(urlsplit(https).path, content="List-Unsubscribe=One-Click",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
                assert one_click.status_code == 200 and "set-cookie" not in one_click.headers
                assert api.post("/v1/events", headers=auth, json=[
                    {"contact": "ana@example.com", "name": "browsed"},
                    {"contact": "cat@example.com", "name": "browsed"}]).status_code == 202

                assert sink.wait_for(3, timeout=90), "the follow-up did not arrive"
                wait_until(lambda: _skipped(database, "ana@example.com") == [("followup", "unsubscribed")],
                           "Ana's follow-up to be skipped")
        finally:
            stop_runner(runner)
    recipients = sorted(m.rcpt_tos[0] for m in sink.messages)
    assert recipients == ["ana@example.com", "cat@example.com", "cat@example.com"]
    assert [m.parsed()["Subject"] for m in sink.messages if m.rcpt_tos == ["cat@example.com"]] \
        == ["Welcome, Cat", "Still looking?"]
    with database.session() as session:
        ana = session.scalar(select(Contact).where(Contact.email == "ana@example.com"))
    assert ana.status == "unsubscribed"


def _statuses(database) -> dict[str, list[str]]:
    with database.session() as session:
        rows = session.execute(select(Message.to_address, Message.status).order_by(Message.id))
        found: dict[str, list[str]] = {}
        for address, status in rows:
            found.setdefault(address, []).append(status)
        return found


def _skipped(database, email: str) -> list[tuple[str, str]]:
    with database.session() as session:
        return [tuple(row) for row in session.execute(
            select(StepLog.node_id, StepLog.reason).join(Contact, Contact.id == StepLog.contact_id)
            .where(Contact.email == email, StepLog.kind == "skip"))]


def test_sigkill_mid_send_leaves_no_duplicate(tmp_path):
    journey = Journey("Announcement")
    journey.add_node("trigger.event", node_id="start", config={"event": "go"})
    journey.add_node("action.send_email", node_id="news", config={"template": "news"})
    journey.connect("start", "next", "news")
    journey.set_template({"key": "news", "name": "News", "subject": "News for {{ contact.email }}",
                          "body": "Hello!"})
    db_url, database = prepare(tmp_path, journey)
    total = 30
    with database.session() as session:
        record_events(session, [parse_event({"contact": f"c{i:02}@example.com", "name": "go"})
                                for i in range(total)], now=SystemClock().now(), source="test")
    with SmtpSink() as sink:
        sink.delay = 0.15  # a slow server: the kill lands while a message is being handed over
        runner = start_runner(db_url, sink.port, free_port())
        assert sink.wait_for(3, timeout=90), "sending did not start"
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait()
        arrived_at_kill = sink.handler.count
        with database.session() as session:
            sending = session.scalar(select(func.count()).where(Message.status == "sending"))
        assert 0 < arrived_at_kill < total and sending > 0, "the kill should land mid-send"

        sink.delay = 0
        runner = start_runner(db_url, sink.port, free_port())
        try:
            wait_until(lambda: set(_by_status(database)) <= {"sent", "uncertain"}
                       and sum(_by_status(database).values()) == total, "the outbox to settle")
        finally:
            stop_runner(runner)
        received = [m.parsed()["Message-ID"] for m in sink.messages]

    assert len(received) == len(set(received)), "an email arrived twice"
    counts = _by_status(database)
    assert counts["uncertain"] >= 1 and counts.get("sent", 0) + counts["uncertain"] == total
    from engine.messaging.compose import message_id

    with database.session() as session:
        rows = session.execute(select(Message.idempotency_key, Message.status)).all()
    ids = {key: message_id(key, "shop.example") for key, _ in rows}
    sent = {ids[key] for key, status in rows if status == "sent"}
    uncertain = {ids[key] for key, status in rows if status == "uncertain"}
    assert sent <= set(received)  # every sent email arrived, once
    assert set(received) <= sent | uncertain  # and nothing else did


def _by_status(database) -> dict[str, int]:
    with database.session() as session:
        return dict(session.execute(select(Message.status, func.count()).group_by(Message.status)).all())
