"""The rendered email and its MIME form.

Contract:
- `RenderedEmail` is what a render produces and the outbox stores: subject, preheader,
  from name, HTML (CSS already inlined, links already tracked when tracking is on) and
  plain text.
- `inline_css(html)` moves stylesheet rules into `style` attributes (css-inline), keeping
  media queries in a `<style>` block for the clients that read them, and never fetching
  remote stylesheets.
- `build_mime(...)` makes a multipart/alternative message (text first, then HTML, both
  quoted-printable UTF-8) with `Message-ID` derived from the message's idempotency key, so a
  retried send carries the same id; `List-Unsubscribe` with the HTTPS and mailto links and
  `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058) — or, when tracking is
  off (`unsubscribe_https=None`), the mailto alone and no One-Click header. Non-ASCII subjects and
  display names are RFC 2047 encoded by `email.policy`; the List-Unsubscribe header is
  folded only between its links and never encoded, because clients must read the URLs
  as written (RFC 2369).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import css_inline

_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
_BETWEEN_LINKS = re.compile(r"(?<=>)\s*,\s*(?=<)")


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    preheader: str
    from_name: str
    html: str
    text: str


def inline_css(html: str) -> str:
    return _INLINER.inline(html)


class _LinkListHeader(UnstructuredHeader):
    """`<url>, <url>` headers: one link per folded line, never RFC 2047 encoded."""

    def fold(self, *, policy) -> str:
        links = _BETWEEN_LINKS.split(str(self))
        return f"{self.name}: " + f",{policy.linesep} ".join(links) + policy.linesep


def _policy():
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", _LinkListHeader)
    return SMTP.clone(header_factory=registry)


#: SMTP line endings, with the List-Unsubscribe folding above
EMAIL_POLICY = _policy()


def message_id(key: str, domain: str) -> str:
    """The same `Message-ID` for the same idempotency key, every time."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


def build_mime(
    rendered: RenderedEmail,
    *,
    to: str | Address,
    from_addr: str,
    from_name: str,
    message_id_key: str,
    unsubscribe_https: str | None,
    unsubscribe_mailto: str,
    reply_to: str | None = None,
    domain: str,
    date: datetime | None = None,
) -> EmailMessage:
    """The message as it goes to SMTP; `date` (aware) sets the Date header when given."""
    message = EmailMessage(policy=EMAIL_POLICY)
    message["From"] = Address(display_name=from_name, addr_spec=from_addr)
    message["To"] = to if isinstance(to, Address) else Address(addr_spec=to)
    if reply_to:
        message["Reply-To"] = Address(addr_spec=reply_to)
    message["Subject"] = rendered.subject
    if date is not None:
        message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(message_id_key, domain)
    if unsubscribe_https:
        message["List-Unsubscribe"] = f"<{unsubscribe_https}>, <{unsubscribe_mailto}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:  # tracking off: no reader can reach the web link, and One-Click needs one
        message["List-Unsubscribe"] = f"<{unsubscribe_mailto}>"
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return message
