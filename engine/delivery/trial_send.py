"""'Send a test to me': one template rendered for a chosen contact, sent to the marketer.

Contract: `send_test(database, clock, smtp, template, contact_email, to=…)` renders the
template exactly as the journey would for that contact (same context, layout, links) and
sends it at once over its own connection, outside the outbox and outside any journey:
nothing is queued, logged as a step, or counted by frequency caps. The subject starts
with "[Test] " and the message carries `X-Trellis-Test: yes`. Its message key starts with
`test:`, which the HTTP server recognises: opening, clicking or unsubscribing in a test
email records nothing and never unsubscribes the contact it was rendered for. Whatever
rendering writes (a coupon issued for the preview) is rolled back. Returns a `TestSend`;
raises LookupError (no such contact), `RenderError` (the template fails for this
contact) or `DeliveryError` (the server refused or could not be reached).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from engine.clock import Clock
from engine.contacts.emails import normalise_email
from engine.db.database import Database
from engine.db.models import Contact
from engine.delivery.mime import Sender, wire_address
from engine.delivery.smtp_settings import SmtpSettings
from engine.delivery.transport import DeliveryError, SmtpConnection
from engine.journey.data import EmailTemplate
from engine.errors import InputError
from engine.messaging.compose import build_mime, message_id
from engine.messaging.providers import build_render_context
from engine.messaging.render import render_email
from engine.messaging.tokens import TEST_KEY_PREFIX, LinkBuilder
from engine.credentials.link_secret import get_or_create_secret
from engine.mailbox.settings import unsubscribe_address
from engine.settings import load_settings

MAX_RECIPIENTS = 10
TEST_HEADER = "X-Trellis-Test"


@dataclass(frozen=True)
class TestSend:
    __test__ = False  # not a pytest class

    to: str
    subject: str
    message_id: str


def parse_recipients(text: str) -> list[str]:
    found: list[str] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if part:
            address = normalise_email(part, f"test recipient {part!r}")
            if address not in found:
                found.append(address)
    if len(found) > MAX_RECIPIENTS:
        raise InputError(f"a test goes to at most {MAX_RECIPIENTS} addresses, "
                         f"not {len(found)}")
    return found


def send_test(database: Database, clock: Clock, smtp: SmtpSettings, template: EmailTemplate,
              contact_email: str, *, to: str | None = None, password: str | None = None,
              public_url: str | None = None) -> TestSend:
    now = clock.now()
    key = f"{TEST_KEY_PREFIX}{uuid.uuid4().hex}"
    with database.session() as session:  # committed: links must verify later
        secret = get_or_create_secret(session)
    with database.sessions() as session:  # never committed: see the module docstring
        email = normalise_email(contact_email)
        contact = session.scalar(select(Contact).where(Contact.email == email))
        if contact is None:
            raise LookupError(f"there is no contact {email!r}")
        settings = load_settings(session)
        # public_url None: as a reader gets it while tracking is off (engine.messaging.tracking)
        links = LinkBuilder(public_url, secret, unsubscribe_address(session, settings))
        contact_id = contact.id
        context = build_render_context(session, contact, now=now, links=links, message_key=key)
        rendered = render_email(template, context)
        session.rollback()
    sender = Sender.of(settings)
    recipient = to or sender.address
    message = build_mime(
        rendered, to=recipient, from_addr=sender.address,
        from_name=rendered.from_name or sender.name, message_id_key=key,
        unsubscribe_https=context.unsubscribe_url if links.tracked else None,
        unsubscribe_mailto=links.unsubscribe_mailto(sender.address, key, contact_id),
        domain=sender.domain, date=now, reply_to=sender.reply_to)
    message.replace_header("Subject", f"[Test] {rendered.subject}")
    message[TEST_HEADER] = "yes"
    connection = SmtpConnection(smtp, password)
    connection.open()
    try:
        to, to_utf8 = wire_address(recipient)
        from_addr, from_utf8 = wire_address(sender.address)
        result = connection.send(from_addr, to, message.as_bytes(), smtputf8=to_utf8 or from_utf8)
    finally:
        connection.close()
    if result.outcome != "sent":
        raise DeliveryError(f"the test email was not accepted: {result.reason}")
    return TestSend(recipient, f"[Test] {rendered.subject}", message_id(key, sender.domain))
