"""Webhooks reach a real HTTP server with retries; audiences export hashed emails."""

import csv
import hashlib
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from engine.contacts.audiences import export_audience_csv
from engine.db.models import WebhookCall
from engine.journey.model import Journey
from engine.delivery.results import RETRY_DELAYS
from engine.runtime.webhooks import Response, send_due_webhooks
from tests.engine.harness import Harness


class Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict, dict]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.received.append((dict(self.headers), body))
        status = Receiver.answers.pop(0) if Receiver.answers else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b'{"ok": true}' if status == 200 else b"busy")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.answers, Receiver.received = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def journey_with(type_id, config):
    journey = Journey(type_id)
    journey.add_node("trigger.event", node_id="t", config={"event": "go"})
    journey.add_node(type_id, node_id="a", config=config)
    journey.connect("t", "next", "a")
    return journey


def test_webhook_retries_then_records_the_response(db, clock, receiver):
    h = Harness(db, clock)
    h.publish(journey_with("action.webhook", {"url": receiver, "retries": 2}))
    h.event("ana@example.com", "go", {"order": 7})
    Receiver.answers = [503]
    assert send_due_webhooks(db, clock.now()) == 0
    with db.session() as s:
        call = s.scalar(select(WebhookCall))
        assert (call.status, call.attempts, call.response_status) == ("queued", 1, 503)
        assert call.retry_at == clock.now() + timedelta(minutes=1)
    assert send_due_webhooks(db, clock.now()) == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert send_due_webhooks(db, clock.now()) == 1
    with db.session() as s:
        call = s.scalar(select(WebhookCall))
        assert (call.status, call.attempts, call.response_body) == ("sent", 2, '{"ok": true}')
    headers, body = Receiver.received[-1]
    assert headers["Idempotency-Key"] == call.idempotency_key
    assert body["event"] == {"order": 7} and body["contact"]["email"] == "ana@example.com"


def test_webhook_gives_up_after_its_attempts(db, clock):
    h = Harness(db, clock)
    h.publish(journey_with("action.webhook", {"url": "http://127.0.0.1:9/nothing", "retries": 0,
                                              "timeout_seconds": 2}))
    h.event("ana@example.com", "go")
    send_due_webhooks(db, clock.now())
    with db.session() as s:
        call = s.scalar(select(WebhookCall))
        assert call.status == "failed" and "Error" in call.last_error


def test_webhook_waits_the_email_retry_table_then_its_last_delay(db, clock):
    # one retry table for email and webhooks; a webhook with more attempts than the table
    # has delays waits the last one again, and gives up at its own max_attempts
    h = Harness(db, clock)
    h.publish(journey_with("action.webhook", {"url": "http://example.invalid/hook", "retries": 6}))
    h.event("ana@example.com", "go")
    waits = []
    for _ in range(7):
        send_due_webhooks(db, clock.now(), post=lambda *args: Response(503, "busy"))
        with db.session() as s:
            call = s.scalar(select(WebhookCall))
            if call.retry_at is not None:
                waits.append(call.retry_at - clock.now())
                clock.advance(call.retry_at - clock.now())
    assert waits == [*RETRY_DELAYS, RETRY_DELAYS[-1]]
    assert (call.status, call.attempts, call.last_error) == ("failed", 7, "HTTP 503")


def test_audience_export_is_hashed_and_skips_suppressed(db, clock, tmp_path):
    h = Harness(db, clock)
    h.publish(journey_with("action.ad_audience", {"audience": "Lookalike"}))
    h.event(" Ana@Example.com", "go")
    h.event("gone@example.com", "go")
    h.event("gone@example.com", "unsubscribed")
    path = tmp_path / "audience.csv"
    assert export_audience_csv(db, "Lookalike", path) == 1
    rows = list(csv.reader(path.open()))
    assert rows == [["email"], [hashlib.sha256(b"ana@example.com").hexdigest()]]
    with pytest.raises(LookupError, match="no audience named 'Nope'"):
        export_audience_csv(db, "Nope", path)
