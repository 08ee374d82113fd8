"""`smtp send-test` with a template that cannot compile: the RenderError, never a traceback."""

from __future__ import annotations

from datetime import datetime, timezone

from app.cli import main
from engine.db import open_database
from engine.db.models import Contact, Template
from tests.smtp_sink import SmtpSink

NOW = datetime(2026, 1, 15, tzinfo=timezone.utc)


def test_an_unknown_filter_is_named_with_its_part_and_line(db_url, capsys):
    database = open_database(db_url)
    with database.session() as session:
        session.add(Contact(email="ana@example.com", first_name="Ana", attributes={},
                            created_at=NOW, updated_at=NOW))
        session.add(Template(key="bad", name="Bad", subject="Hello",
                             body="Hi there\n\n{{ contact.first_name | shout }}",
                             created_at=NOW, updated_at=NOW))
    database.dispose()
    with SmtpSink() as sink:
        assert main(["--db", db_url, "smtp", "set", sink.url]) == 0
        capsys.readouterr()
        code = main(["--db", db_url, "smtp", "send-test", "--template", "bad",
                     "--contact", "ana@example.com"])
        assert sink.handler.count == 0  # nothing was sent
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith(
        "trellis: the body, line 3: There is no filter named 'shout'"), captured.err
    assert "Traceback" not in captured.err
