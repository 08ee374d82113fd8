"""The mailbox reader against a real IMAP server (Dovecot, started in a temporary folder):
a mailto unsubscribe, DSNs and an ARF report become `unsubscribed`, `email_bounced` and
`spam_complaint` exactly once, auto-replies and people's mail are left alone, handled mail
moves to its folder. Plus the classification of each kind of mail on its own."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from engine.credentials.link_secret import get_or_create_secret
from engine.db.models import Contact, Event, MailboxMessage
from engine.mailbox import classify as kinds
from engine.mailbox.reader import MailboxError, MailboxReader, check_mailbox
from engine.mailbox.service import WARNING, MailboxService, mailbox_warning
from engine.mailbox.settings import MailboxSettings, load_mailbox_settings, save_mailbox_settings
from engine.runtime.services import EngineServices
from tests.engine import mailbox_mail as mail
from tests.engine.harness import Harness
from tests.engine.mail_harness import email_journey, queue_emails
from tests.imap_server import skip_reason, start_dovecot

REPLIES = "replies@shop.example"
PEOPLE = ["ana@example.com", "bob@example.com", "cat@example.com", "dan@example.com",
          "eve@example.com", "fay@example.com"]


@pytest.fixture
def shop(db, clock):
    """Six contacts who each got an untracked welcome email (mailto unsubscribe)."""
    with db.session() as session:
        save_mailbox_settings(session, MailboxSettings(host="127.0.0.1", username="shop",
                                                       address=REPLIES))
    h = Harness(db, clock, services=EngineServices())
    h.settings(sender_email=mail.SHOP)
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", PEOPLE)
    mailto = {m.to_address: m.headers["list_unsubscribe_mailto"] for m in h.messages()}
    with db.session() as session:
        secret = get_or_create_secret(session)
    return mailto, secret


@pytest.fixture
def imap():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    server = start_dovecot()
    yield server
    server.stop()


def _settings(server, **changes) -> MailboxSettings:
    return MailboxSettings(host=server.host, port=server.port, security="none",
                           username=server.user, address=REPLIES, **changes)


def _append(server, *raws: bytes) -> None:
    client = IMAPClient(server.host, port=server.port, ssl=False)
    client.login(server.user, server.password)
    for raw in raws:
        client.append("INBOX", raw)
    client.logout()


def _subjects(server, folder: str) -> list[str]:
    client = IMAPClient(server.host, port=server.port, ssl=False)
    client.login(server.user, server.password)
    try:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        found = client.fetch(client.search(["ALL"]), ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        return sorted(v[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip()[9:] for v in found.values())
    finally:
        client.logout()


def _state(db) -> dict[str, tuple[str, list[str]]]:
    with db.session() as session:
        contacts = {c.id: c for c in session.scalars(select(Contact))}
        events = session.execute(select(Event.contact_id, Event.name, Event.properties)
                                 .where(Event.source == "mailbox")).all()
    result = {c.email: (c.status, []) for c in contacts.values()}
    for contact_id, name, properties in events:
        label = f"{name}:{properties.get('type')}" if name == "email_bounced" else name
        result[contacts[contact_id].email][1].append(label)
    return result


def test_the_mailto_points_at_the_mailbox_and_carries_a_signed_token(shop):
    mailto, secret = shop
    assert mailto["ana@example.com"].startswith(f"mailto:{REPLIES}?subject=unsubscribe%20")
    verdict = kinds.classify(mail.mailto_unsubscribe(mailto["ana@example.com"], "x@y.example", "<1@x>"),
                             secret)
    assert verdict.kind == kinds.UNSUBSCRIBE and verdict.contact_id is not None


def test_each_kind_of_mail_is_told_apart(shop):
    mailto, secret = shop
    hard = kinds.classify(mail.dsn("bob@example.com", "5.1.1", "<d1@x>"), secret)
    assert (hard.kind, hard.address, hard.evidence["status"]) == (kinds.BOUNCE_HARD, "bob@example.com", "5.1.1")
    soft = kinds.classify(mail.dsn("cat@example.com", "4.2.2", "<d2@x>", action="delayed"), secret)
    assert (soft.kind, soft.address) == (kinds.BOUNCE_SOFT, "cat@example.com")
    token = unquote(mailto["dan@example.com"])
    complaint = kinds.classify(mail.arf("dan@example.com", "<a1@x>", token), secret)
    assert complaint.kind == kinds.COMPLAINT and complaint.contact_id is not None
    assert complaint.evidence["feedback_type"] == "abuse"
    by_address = kinds.classify(mail.arf("eve@example.com", "<a2@x>"), secret)
    assert (by_address.kind, by_address.address) == (kinds.COMPLAINT, "eve@example.com")
    assert kinds.classify(mail.auto_reply("eve@example.com", "<r1@x>"), secret,
                          accept_plain_replies=True).kind == kinds.AUTO_REPLY
    reply = mail.plain_reply("fay@example.com", "<p1@x>")
    assert kinds.classify(reply, secret).kind == kinds.OTHER
    plain = kinds.classify(reply, secret, accept_plain_replies=True)
    assert (plain.kind, plain.address) == (kinds.UNSUBSCRIBE, "fay@example.com")
    long_mail = mail.plain_reply("fay@example.com", "<p2@x>", "Hello, " * 80 + "unsubscribe")
    assert kinds.classify(long_mail, secret, accept_plain_replies=True).kind == kinds.OTHER
    assert kinds.classify(mail.human("fay@example.com", "<h1@x>"), secret).kind == kinds.OTHER
    forged = mail.mailto_unsubscribe(mailto["ana@example.com"].replace("%20", "%20x"), "a@x", "<f@x>")
    assert kinds.classify(forged, secret).kind == kinds.OTHER


def test_a_real_mailbox_acts_once_per_mail_and_moves_what_it_handled(db, clock, shop, imap):
    mailto, _secret = shop
    _append(imap,
            mail.mailto_unsubscribe(mailto["ana@example.com"], "ana@example.com", "<u1@mail.example>"),
            mail.dsn("bob@example.com", "5.1.1", "<d1@mx.example.net>"),
            mail.dsn("cat@example.com", "4.2.2", "<d2@mx.example.net>", action="delayed"),
            mail.arf("dan@example.com", "<a1@isp.example.net>", unquote(mailto["dan@example.com"])),
            mail.auto_reply("eve@example.com", "<r1@eve.example>"),
            mail.plain_reply("fay@example.com", "<p1@fay.example>"),
            mail.human("fay@example.com", "<h1@fay.example>"),
            mail.dsn("nobody@example.com", "5.1.1", "<d3@mx.example.net>"))
    reader = MailboxReader(db, clock, _settings(imap), imap.password)
    client = reader.connect()
    try:
        report = reader.read_once(client)
        assert (report.read, report.events, report.moved) == (8, 4, 6)
        # the same mails again (a copy, a second delivery): nothing acts twice
        _append(imap,
                mail.mailto_unsubscribe(mailto["ana@example.com"], "ana@example.com", "<u1@mail.example>"),
                mail.dsn("bob@example.com", "5.1.1", "<d1@mx.example.net>"),
                mail.arf("dan@example.com", "<a1@isp.example.net>", unquote(mailto["dan@example.com"])))
        again = reader.read_once(client)
        assert (again.read, again.events, again.duplicates, again.moved) == (3, 0, 3, 3)
        assert reader.read_once(client).read == 0  # read by UID: only new mail
    finally:
        client.logout()
    state = _state(db)
    assert state["ana@example.com"] == ("unsubscribed", ["unsubscribed"])
    assert state["bob@example.com"] == ("bounced", ["email_bounced:hard"])
    assert state["cat@example.com"] == ("active", ["email_bounced:soft"])
    assert state["dan@example.com"] == ("complained", ["spam_complaint"])
    assert state["eve@example.com"] == ("active", [])
    assert state["fay@example.com"] == ("active", [])  # plain replies are off by default
    assert "nobody@example.com" not in state
    with db.session() as session:
        evidence = session.scalar(select(Event.properties).where(Event.name == "spam_complaint"))
        assert session.scalar(select(func.count()).select_from(MailboxMessage)) == 6
    assert evidence["feedback_type"] == "abuse" and evidence["mail_message_id"] == "<a1@isp.example.net>"
    assert _subjects(imap, "INBOX") == ["Question about my order", "Re: Welcome"]
    assert len(_subjects(imap, "Trellis/Handled")) == 9


def test_plain_replies_when_the_setting_says_so_and_only_from_contacts(db, clock, shop, imap):
    _append(imap, mail.plain_reply("fay@example.com", "<p1@fay.example>"),
            mail.plain_reply("stranger@example.org", "<p2@x.example>"))
    reader = MailboxReader(db, clock, _settings(imap, accept_plain_replies=True), imap.password)
    client = reader.connect()
    try:
        assert reader.read_once(client).events == 1
    finally:
        client.logout()
    assert _state(db)["fay@example.com"] == ("unsubscribed", ["unsubscribed"])
    assert "stranger@example.org" not in _state(db)


def test_the_unsubscribe_code_of_a_test_email_changes_nothing(db, clock, shop, imap):
    from engine.messaging.tokens import UNSUBSCRIBE, sign

    _mailto, secret = shop
    with db.session() as session:
        ana = session.scalar(select(Contact.id).where(Contact.email == "ana@example.com"))
    token = sign(UNSUBSCRIBE, {"m": "test:0123", "c": ana}, secret)
    _append(imap, mail.mailto_unsubscribe(f"mailto:{REPLIES}?subject=unsubscribe%20{token}",
                                          "ana@example.com", "<t1@x>"))
    reader = MailboxReader(db, clock, _settings(imap), imap.password)
    client = reader.connect()
    try:
        report = reader.read_once(client)
    finally:
        client.logout()
    assert (report.read, report.events, report.moved) == (1, 0, 1)
    assert _state(db)["ana@example.com"] == ("active", [])


def test_the_service_notices_new_mail_by_idle(db, clock, shop, imap):
    mailto, _secret = shop
    woken = []
    service = MailboxService(MailboxReader(db, clock, _settings(imap, poll_seconds=30),
                                           imap.password), lambda: woken.append(1))
    service.start()
    try:
        deadline = time.monotonic() + 30
        while service.last_report is None and time.monotonic() < deadline:
            time.sleep(0.05)
        _append(imap, mail.mailto_unsubscribe(mailto["ana@example.com"], "ana@example.com", "<u9@x>"))
        while not woken and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        service.stop()
    assert woken, service.last_error
    assert _state(db)["ana@example.com"] == ("unsubscribed", ["unsubscribed"])


def test_connection_test_and_wrong_password(imap):
    assert "new mail noticed by IDLE" in check_mailbox(_settings(imap), imap.password)
    with pytest.raises(MailboxError, match="did not accept the user name or password"):
        check_mailbox(_settings(imap), "wrong")
    with pytest.raises(MailboxError, match="no folder"):
        check_mailbox(_settings(imap, folder="Nope"), imap.password)


def test_the_warning_while_no_mailbox_is_set_up(db):
    assert mailbox_warning(db) == WARNING
    with db.session() as session:
        save_mailbox_settings(session, MailboxSettings(host="imap.example.com", username="u"))
    assert mailbox_warning(db) is None
    with db.session() as session:
        assert load_mailbox_settings(session).port == 993
