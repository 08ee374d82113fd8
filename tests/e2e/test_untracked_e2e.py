"""Email end to end without a reachable public URL: nothing in a delivered email points at
an address the reader cannot open.

`main.py run` (a subprocess, a real SMTP sink on loopback, the HTTP server on loopback)
once with no `--public-url` and once with one whose self-test fails (nothing listens
there). Every delivered email is searched, headers and decoded bodies, for loopback,
private and `.local` addresses: there must be none. Links go out as written, there is no
open pixel and no "view in browser", unsubscribe is a signed mailto (header and footer)
and there is no One-Click header; the outbox row says the email was not tracked.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy import select

from engine.db.models import Message
from engine.journey.model import Journey
from engine.messaging.tokens import UNSUBSCRIBE, find_unsubscribe_token, verify
from engine.credentials.link_secret import get_or_create_secret
from tests.e2e.test_email_e2e import SENDER, prepare, start_runner, stop_runner, wait_until
from tests.smtp_sink import SmtpSink, free_port

UNREACHABLE = re.compile(
    r"127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\b10\.\d{1,3}\.\d{1,3}\.\d{1,3}"
    r"|192\.168\.\d{1,3}\.\d{1,3}|172\.(1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}"
    r"|169\.254\.\d{1,3}\.\d{1,3}|\[::1\]|[A-Za-z0-9-]+\.local\b", re.I)


def _journey() -> Journey:
    journey = Journey("Welcome")
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    journey.add_node("action.send_email", node_id="mail", config={"template": "welcome"})
    journey.connect("t", "next", "mail")
    journey.set_template({"key": "welcome", "name": "Welcome", "subject": "Welcome!",
                          "layout": "basic",
                          "body": "Hi, [see the shop](https://shop.example/tea?a=1&b=2)."})
    return journey


def _everything(mail) -> str:
    """The headers as sent and every part decoded (quoted-printable can split an address)."""
    parsed = mail.parsed()
    head = mail.content.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    parts = [part.get_content() for part in parsed.walk() if not part.is_multipart()]
    return head + "\n" + "\n".join(parts)


def _check_untracked(tmp_path, name: str, public_url: str | None) -> None:
    db_url, database = prepare(tmp_path / name, _journey())
    from engine.intake.events import parse_event, record_events
    from engine.clock import SystemClock

    with database.session() as session:
        record_events(session, [parse_event({"contact": f"c{i}@example.com", "name": "signed_up"})
                                for i in range(3)], now=SystemClock().now(), source="test")
        secret = get_or_create_secret(session)
    with SmtpSink() as sink:
        http_port = free_port()
        runner = start_runner(db_url, sink.port, http_port, public_url)
        try:
            if public_url:
                assert runner.tracking_line.startswith("Tracking off"), runner.tracking_line
            assert sink.wait_for(3, timeout=90), "the emails did not arrive"
        finally:
            stop_runner(runner)
    for mail in sink.messages:
        text = _everything(mail)
        assert UNREACHABLE.search(text) is None, UNREACHABLE.search(text).group(0)
        parsed = mail.parsed()
        assert parsed["List-Unsubscribe-Post"] is None
        [mailto] = [part.strip(" <>") for part in parsed["List-Unsubscribe"].split(",")]
        assert mailto.startswith(f"mailto:{SENDER}?subject=unsubscribe%20")
        payload = verify(UNSUBSCRIBE, find_unsubscribe_token(unquote(mailto)), secret)
        assert payload is not None and isinstance(payload["c"], int)
        html = parsed.get_body(("html",)).get_content()
        assert 'href="https://shop.example/tea?a=1&amp;b=2"' in html  # as written
        assert f'href="mailto:{SENDER}?subject=unsubscribe%20' in html  # the footer's link
        assert "View in your browser" not in html and 'width="1" height="1"' not in html
    with database.session() as session:
        rows = session.scalars(select(Message)).all()
    assert len(rows) == 3 and all(row.headers["tracked"] is False for row in rows)
    assert all(row.headers["list_unsubscribe"] is None for row in rows)


def test_no_public_url_sends_no_link_the_reader_cannot_open(tmp_path):
    _check_untracked(tmp_path, "none", None)


def test_a_public_url_that_fails_its_self_test_is_not_used(tmp_path):
    # nothing listens on that port: the self-test fails, and the loopback URL stays out
    _check_untracked(tmp_path, "dead", f"http://127.0.0.1:{free_port()}")
