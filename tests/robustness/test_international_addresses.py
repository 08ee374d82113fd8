"""Issue 10 row 6: international addresses. Domains always go out as IDNA A-labels; a
non-ASCII local part uses SMTPUTF8 when the server offers it, else the message fails with
a reason naming the address (stored on the message, where the profile and report show it)."""

from __future__ import annotations

import pytest

from tests.engine.mail_harness import email_journey, mail_harness, queue_emails, worker_for
from tests.smtp_sink import SmtpSink


@pytest.fixture
def h(db, clock):
    harness = mail_harness(db, clock)
    harness.settings(sender_name="Shop", sender_email="hello@shop.example")
    harness.publish(email_journey("intl", "hello"))
    return harness


def by_address(h):
    return {m.to_address: m for m in h.messages()}


def test_smtputf8_when_the_server_offers_it(h, db, clock):
    queue_emails(h, "intl", ["josé@bücher.example", "ana@bücher.example"])
    with SmtpSink(enable_SMTPUTF8=True) as sink:
        report = worker_for(sink, db, clock).drain()
        assert report.sent == 2, by_address(h)
        received = {tuple(m.rcpt_tos): m for m in sink.messages}
    assert set(received) == {("josé@xn--bcher-kva.example",), ("ana@xn--bcher-kva.example",)}
    jose = received[("josé@xn--bcher-kva.example",)]
    assert jose.parsed()["To"] == "josé@xn--bcher-kva.example"
    assert all(m.status == "sent" for m in h.messages())


def test_without_smtputf8_the_domain_still_goes_and_the_local_part_has_a_reason(h, db, clock):
    queue_emails(h, "intl", ["josé@bücher.example", "ana@bücher.example"])
    with SmtpSink(enable_SMTPUTF8=False) as sink:
        report = worker_for(sink, db, clock).drain()
        assert [tuple(m.rcpt_tos) for m in sink.messages] == [("ana@xn--bcher-kva.example",)]
    assert report.sent == 1
    messages = by_address(h)
    assert messages["ana@bücher.example"].status == "sent"
    jose = messages["josé@bücher.example"]
    assert jose.status == "failed"
    assert jose.last_error.startswith("josé@bücher.example: the mail server does not offer "
                                      "SMTPUTF8")


def test_the_reason_is_in_the_failed_report(h, db, db_url, clock, capsys):
    from app.cli import main

    queue_emails(h, "intl", ["josé@bücher.example"])
    with SmtpSink(enable_SMTPUTF8=False) as sink:
        worker_for(sink, db, clock).drain()
    assert main(["--db", db_url, "outbox", "failed", "--contact", "josé@bücher.example"]) == 0
    out = capsys.readouterr().out
    assert "josé@bücher.example  failed: josé@bücher.example: the mail server does not offer " \
           "SMTPUTF8" in out
