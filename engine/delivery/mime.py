"""From an outbox row to the bytes handed to SMTP.

Contract: `message_bytes(message, sender, date)` builds the email the outbox row
describes: for marketing and transactional email, `compose.build_mime`'s message (through
its fast path, wire.py) with the From name of the row's headers (else the sender's name),
`Message-ID` from the idempotency key on the sender's domain, and the row's
List-Unsubscribe links (the mailto always, the HTTPS one when the email was tracked); a team alert (`internal`) is plain text without unsubscribe
headers. A row that cannot make an email (no unsubscribe links on a marketing email)
raises `UnsendableMessage`; delivery fails that one message with the reason.
Recipients with non-ASCII addresses need the server's SMTPUTF8 (`needs_smtputf8`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Mapping

from engine.errors import TrellisError
from engine.messaging.compose import EMAIL_POLICY, RenderedEmail, build_mime, message_id
from engine.delivery.wire import mime_bytes
from engine.settings import AppSettings

_UTF8_POLICY = EMAIL_POLICY.clone(utf8=True)


class UnsendableMessage(TrellisError):
    pass


@dataclass(frozen=True, slots=True)
class Sender:
    address: str
    name: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] or "localhost"

    @classmethod
    def of(cls, settings: AppSettings) -> "Sender":
        return cls(settings.sender_email, settings.sender_name)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What delivery needs of one outbox row."""

    id: int
    key: str
    contact_id: int | None
    category: str
    to_address: str
    subject: str
    html: str
    text: str
    headers: Mapping[str, Any]
    attempts: int


def needs_smtputf8(address: str) -> bool:
    return not address.isascii()


def message_bytes(message: Outgoing, sender: Sender, date: datetime) -> bytes:
    headers = message.headers or {}
    if message.category == "internal":
        return _alert_bytes(message, sender, date)
    https, mailto = headers.get("list_unsubscribe"), headers.get("list_unsubscribe_mailto")
    if not mailto:
        raise UnsendableMessage("the email has no unsubscribe links (List-Unsubscribe)")
    https = https or None  # None: tracking was off, the mailto alone (compose.build_mime)
    rendered = RenderedEmail(
        subject=message.subject,
        preheader=headers.get("preheader", ""),
        from_name=headers.get("from_name") or sender.name,
        html=message.html,
        text=message.text,
    )
    arguments = dict(
        to=message.to_address, from_addr=sender.address, from_name=rendered.from_name,
        message_id_key=message.key, unsubscribe_https=https, unsubscribe_mailto=mailto,
        domain=sender.domain, date=date,
    )
    if needs_smtputf8(message.to_address) or not sender.address.isascii():
        return build_mime(rendered, **arguments).as_bytes(policy=_UTF8_POLICY)
    return mime_bytes(rendered, **arguments)


def _alert_bytes(message: Outgoing, sender: Sender, date: datetime) -> bytes:
    email = EmailMessage(policy=EMAIL_POLICY)
    email["From"] = Address(display_name=message.headers.get("from_name") or "Trellis",
                            addr_spec=sender.address)
    email["To"] = Address(addr_spec=message.to_address)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(date)
    email["Message-ID"] = message_id(message.key, sender.domain)
    email.set_content(message.text, cte="quoted-printable")
    utf8 = needs_smtputf8(message.to_address) or not sender.address.isascii()
    return email.as_bytes(policy=_UTF8_POLICY if utf8 else EMAIL_POLICY)
