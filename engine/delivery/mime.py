"""From an outbox row to the bytes handed to SMTP.

Contract: `message_bytes(message, sender, date)` builds the email the outbox row
describes: for marketing and transactional email, `compose.build_mime`'s message (through
its fast path, wire.py) with the From name of the row's headers (else the sender's name),
`Message-ID` from the idempotency key on the sender's domain, and the row's
List-Unsubscribe links (the mailto always, the HTTPS one when the email was tracked); a team alert (`internal`) is plain text without unsubscribe
headers. A row that cannot make an email (no unsubscribe links on a marketing email)
raises `UnsendableMessage`; delivery fails that one message with the reason.
Domains always go out in IDNA A-labels (`wire_address`); only a non-ASCII local part needs
the server's SMTPUTF8 (`needs_smtputf8`); without it the message fails with
`smtputf8_refusal`, a reason naming the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Mapping

import idna

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
    reply_to: str | None = None

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] or "localhost"

    @classmethod
    def of(cls, settings: AppSettings) -> "Sender":
        return cls(settings.sender_email, settings.sender_name, settings.reply_to)


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


@lru_cache(maxsize=4096)
def wire_address(address: str) -> tuple[str, bool]:
    """(the address as it goes on the wire, whether it needs the server's SMTPUTF8).

    The domain always goes out in IDNA A-labels (`bücher.example` → `xn--bcher-kva.example`),
    which every server accepts; only a non-ASCII local part (`josé@…`) needs SMTPUTF8.
    A domain IDNA cannot encode makes the message unsendable, with the reason.
    """
    local, at, domain = address.rpartition("@")
    if not at:
        return address, not address.isascii()
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise UnsendableMessage(f"{address}: the domain cannot be written in IDNA "
                                    f"({error})") from None
    return f"{local}@{domain}", not local.isascii()


def _header_address(address: str) -> Address | str:
    # Address(addr_spec=...) refuses a non-ASCII local part; built from its parts it is
    # written as UTF-8 under the SMTPUTF8 policy (RFC 6532).
    local, _, domain = address.rpartition("@")
    return address if local.isascii() else Address(username=local, domain=domain)


def needs_smtputf8(address: str) -> bool:
    return wire_address(address)[1]


def smtputf8_refusal(address: str) -> str:
    """The reason stored on a message the server cannot take (no SMTPUTF8)."""
    return (f"{address}: the mail server does not offer SMTPUTF8, which an address with "
            "non-ASCII characters before the @ needs; use a server that offers it, or ask "
            "the contact for another address")


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
    to, to_utf8 = wire_address(message.to_address)
    from_addr, from_utf8 = wire_address(sender.address)
    arguments = dict(
        to=_header_address(to), from_addr=from_addr, from_name=rendered.from_name,
        message_id_key=message.key, unsubscribe_https=https, unsubscribe_mailto=mailto,
        domain=sender.domain, date=date, reply_to=sender.reply_to,
    )
    if to_utf8 or from_utf8:
        return build_mime(rendered, **arguments).as_bytes(policy=_UTF8_POLICY)
    return mime_bytes(rendered, **arguments)


def _alert_bytes(message: Outgoing, sender: Sender, date: datetime) -> bytes:
    email = EmailMessage(policy=EMAIL_POLICY)
    to, to_utf8 = wire_address(message.to_address)
    from_addr, from_utf8 = wire_address(sender.address)
    email["From"] = Address(display_name=message.headers.get("from_name") or "Trellis",
                            addr_spec=from_addr)
    email["To"] = _header_address(to)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(date)
    email["Message-ID"] = message_id(message.key, sender.domain)
    email.set_content(message.text, cte="quoted-printable")
    return email.as_bytes(policy=_UTF8_POLICY if to_utf8 or from_utf8 else EMAIL_POLICY)
