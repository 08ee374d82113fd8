"""Signed links: open pixel, click redirect, unsubscribe and view in browser.

Contract:
- `sign(kind, payload, secret)` returns `<base64url JSON payload>.<base64url HMAC-SHA256>`,
  where the MAC covers the kind and the payload; `verify(kind, token, secret)` returns the
  payload dict, or None for anything forged, altered, truncated or signed for another kind
  (compared in constant time). Tokens never expire: an unsubscribe link must work years on.
- Payloads carry the message's idempotency key as `m` (the outbox row does not exist yet
  when an email is rendered, so there is no row id to carry); a click token also carries
  the exact target URL as `u`, so the redirect can only go where the email pointed;
  an unsubscribe token carries the contact id as `c`, so it works even after the message
  is purged.
- `LinkBuilder(public_url, secret)` makes the URLs the HTTP server answers: `/o/{token}`,
  `/c/{token}`, `/u/{token}`, `/v/{token}`.
- `rewrite_links(html, message_key, links)` points every http(s) link of a rendered email
  at the click redirect and adds the open pixel. Links to our own server (unsubscribe,
  view in browser) and non-web links (mailto:, tel:) are left as they are.
- `get_or_create_secret(session)` returns the signing secret, made on first use and kept
  in the `setting` table (two processes racing on first run agree on one secret).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html as html_lib
import json
import re
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Setting
from engine.messaging.inserts import insert_if_absent

OPEN, CLICK, UNSUBSCRIBE, VIEW = "open", "click", "unsubscribe", "view"
SECRET_KEY = "link_secret"

_HREF = re.compile(r"(<a\b[^>]*?\shref=)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(kind: str, body: str, secret: bytes) -> bytes:
    return hmac.new(secret, f"{kind}.{body}".encode("ascii"), hashlib.sha256).digest()


def sign(kind: str, payload: dict[str, Any], secret: bytes) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{body}.{_b64(_mac(kind, body, secret))}"


def verify(kind: str, token: str, secret: bytes) -> dict[str, Any] | None:
    body, dot, mac = token.partition(".")
    if not dot or not body.isascii() or not mac.isascii():
        return None
    try:
        given = _unb64(mac)
        if not hmac.compare_digest(given, _mac(kind, body, secret)):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error):
        return None
    return payload if isinstance(payload, dict) else None


class LinkBuilder:
    """The signed URLs of one Trellis server (its public URL) for one secret."""

    def __init__(self, public_url: str, secret: bytes):
        self.public_url = public_url.rstrip("/")
        self.secret = secret

    def _url(self, prefix: str, kind: str, payload: dict[str, Any]) -> str:
        return f"{self.public_url}/{prefix}/{sign(kind, payload, self.secret)}"

    def open_url(self, message_key: str) -> str:
        return self._url("o", OPEN, {"m": message_key})

    def click_url(self, message_key: str, target: str) -> str:
        return self._url("c", CLICK, {"m": message_key, "u": target})

    def unsubscribe_url(self, message_key: str, contact_id: int) -> str:
        return self._url("u", UNSUBSCRIBE, {"m": message_key, "c": contact_id})

    def unsubscribe_mailto(self, address: str, message_key: str, contact_id: int) -> str:
        """A mailto: for List-Unsubscribe whose subject carries the unsubscribe token."""
        token = sign(UNSUBSCRIBE, {"m": message_key, "c": contact_id}, self.secret)
        return f"mailto:{address}?subject=unsubscribe%20{token}"

    def view_url(self, message_key: str) -> str:
        return self._url("v", VIEW, {"m": message_key})

    def is_own(self, url: str) -> bool:
        return url == self.public_url or url.startswith(self.public_url + "/")


def rewrite_links(html: str, message_key: str, links: LinkBuilder) -> str:
    """Click-tracked links and an open pixel (see the module docstring)."""

    def track(match: re.Match) -> str:
        start, quote, raw = match.groups()
        target = html_lib.unescape(raw).strip()
        if not target.lower().startswith(("http://", "https://")) or links.is_own(target):
            return match.group(0)
        return f"{start}{quote}{html_lib.escape(links.click_url(message_key, target))}{quote}"

    pixel = (
        f'<img src="{html_lib.escape(links.open_url(message_key))}" width="1" height="1" '
        'alt="" style="display:block;width:1px;height:1px;border:0;">'
    )
    html = _HREF.sub(track, html)
    end = _BODY_END.search(html)
    return f"{html[:end.start()]}{pixel}{html[end.start():]}" if end else html + pixel


def get_or_create_secret(session: Session) -> bytes:
    """The link-signing secret; created (32 random bytes) the first time it is asked for."""
    stored = session.scalar(select(Setting.value).where(Setting.key == SECRET_KEY))
    if stored is None:
        insert_if_absent(session, Setting, key=SECRET_KEY, value=_b64(secrets.token_bytes(32)))
        # whoever won a first-run race, everyone reads the one stored value
        stored = session.scalar(select(Setting.value).where(Setting.key == SECRET_KEY))
    return _unb64(stored)
