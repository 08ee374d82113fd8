"""`api-key`, `smtp`, `outbox` and `run`'s argument checks through app.cli.main."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from app.cli import main
from engine.clock import SystemClock
from engine.db import open_database
from engine.db.models import Message
from tests.smtp_sink import SmtpSink


def test_api_key_is_made_shown_and_rotated(db_url, capsys):
    assert main(["--db", db_url, "api-key"]) == 0
    first = capsys.readouterr()
    key = first.out.strip()
    assert key.startswith("trk_") and "Bearer" in first.err
    assert main(["--db", db_url, "api-key"]) == 0
    assert capsys.readouterr().out.strip() == key  # the same key, shown again
    assert main(["--db", db_url, "api-key", "--rotate"]) == 0
    rotated = capsys.readouterr()
    assert rotated.out.strip() != key and "no longer works" in rotated.err


@pytest.mark.parametrize("arguments, message", [
    (["--smtp", "http://mail.example.com"], "--smtp: unsupported scheme 'http'"),
    (["--http", "localhost"], "--http: 'localhost' is not HOST:PORT"),
    (["--public-url", "mail.example.com"], "--public-url: 'mail.example.com' is not an http(s) URL"),
    (["--smtp-connections", "0"], "--smtp-connections must be from 1 to 32"),
    (["--render-workers", "0"], "--render-workers must be a whole number from 1 to 64"),
])
def test_run_refuses_bad_arguments_before_starting(db_url, capsys, arguments, message):
    assert main(["--db", db_url, "run", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_smtp_set_show_and_test(db_url, capsys):
    with SmtpSink() as sink:
        assert main(["--db", db_url, "smtp", "set", sink.url, "--connections", "2"]) == 0
        assert capsys.readouterr().out.strip() == f"Saved: {sink.url}"
        assert main(["--db", db_url, "smtp", "show"]) == 0
        assert "connections: 2" in capsys.readouterr().out
        assert main(["--db", db_url, "smtp", "test"]) == 0
        assert capsys.readouterr().out.startswith(f"connected to 127.0.0.1:{sink.port}")
    assert main(["--db", db_url, "smtp", "test"]) == 1  # the server is gone
    assert "connection refused" in capsys.readouterr().err


def test_outbox_lists_and_decides_uncertain_emails(db_url, capsys):
    database = open_database(db_url)
    now = SystemClock().now()
    with database.session() as session:
        session.execute(insert(Message), [
            {"idempotency_key": f"k{i}", "to_address": f"c{i}@example.com", "subject": f"News {i}",
             "status": "uncertain", "queued_at": now, "headers": {}} for i in range(2)])
        ids = [m.id for m in session.query(Message).order_by(Message.id)]
    database.dispose()
    assert main(["--db", db_url, "outbox", "uncertain"]) == 0
    listing = capsys.readouterr().out
    assert "c0@example.com  News 0" in listing and "2 uncertain" in listing
    assert main(["--db", db_url, "outbox", "requeue", str(ids[0])]) == 0
    assert main(["--db", db_url, "outbox", "dismiss", str(ids[1])]) == 0
    assert main(["--db", db_url, "outbox", "dismiss", str(ids[1])]) == 1
    assert "not uncertain" in capsys.readouterr().err
    assert main(["--db", db_url, "outbox", "uncertain"]) == 0
    assert capsys.readouterr().out.strip() == "No uncertain emails."
