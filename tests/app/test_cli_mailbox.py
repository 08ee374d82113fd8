"""`mailbox set | show | test | read | off` through app.cli.main, against a real Dovecot."""

from __future__ import annotations

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from app.cli import main
from engine.db import open_database
from engine.db.models import Contact
from engine.intake.events import parse_event, record_events
from engine.clock import SystemClock
from tests.engine import mailbox_mail as mail
from tests.imap_server import skip_reason, start_dovecot


@pytest.fixture
def imap():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    server = start_dovecot()
    yield server
    server.stop()


def test_mailbox_commands(db_url, capsys, monkeypatch, imap):
    assert main(["--db", db_url, "mailbox", "show"]) == 0
    assert "No mailbox saved" in capsys.readouterr().out
    assert main(["--db", db_url, "mailbox", "set", "ftp://x"]) == 2
    assert "is not an IMAP URL" in capsys.readouterr().err
    url = f"imap://{imap.user}@{imap.host}:{imap.port}"
    assert main(["--db", db_url, "mailbox", "set", url, "--address", "replies@shop.example"]) == 0
    assert capsys.readouterr().out.startswith("Saved: shop on 127.0.0.1")
    assert main(["--db", db_url, "mailbox", "test"]) == 1
    assert "no password" in capsys.readouterr().err
    monkeypatch.setenv("TRELLIS_IMAP_PASSWORD", imap.password)
    assert main(["--db", db_url, "mailbox", "test"]) == 0
    assert "new mail noticed by IDLE" in capsys.readouterr().out

    database = open_database(db_url)
    with database.session() as session:
        record_events(session, [parse_event({"contact": "bob@example.com", "name": "x"})],
                      now=SystemClock().now(), source="test")
    client = IMAPClient(imap.host, port=imap.port, ssl=False)
    client.login(imap.user, imap.password)
    client.append("INBOX", mail.dsn("bob@example.com", "5.1.1", "<d1@mx.example.net>"))
    client.logout()
    assert main(["--db", db_url, "mailbox", "read"]) == 0
    assert capsys.readouterr().out.startswith("1 new mail(s): 1 bounce hard; 1 event(s) recorded, 1 moved")
    with database.session() as session:
        assert session.scalar(select(Contact.status).where(Contact.email == "bob@example.com")) == "bounced"
    database.dispose()
    assert main(["--db", db_url, "mailbox", "show"]) == 0
    assert "password: found" in capsys.readouterr().out
    assert main(["--db", db_url, "mailbox", "off"]) == 0
    assert main(["--db", db_url, "mailbox", "show"]) == 0
    assert "No mailbox saved" in capsys.readouterr().out
