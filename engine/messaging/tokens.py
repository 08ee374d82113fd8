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
- `LinkBuilder(public_url, secret, mailbox=None)` makes the URLs the HTTP server answers:
  `/o/{token}`, `/c/{token}`, `/u/{token}`, `/v/{token}`. With `public_url=None` (tracking
  off: engine.messaging.tracking decided no reader can reach this server) it makes no web link at
  all: `tracked` is False, `unsubscribe_url` is the signed `mailto:` (the mailbox reader
  acts on it), `view_url` is empty, and nothing may be rewritten.
- `unsubscribe_mailto(address, key, contact)` is `mailto:address?subject=unsubscribe
  <token>&body=…`: the token rides in the subject, which every client keeps when it sends
  a List-Unsubscribe mailto (a token is too long for plus-addressing: local parts stop at
  64 characters). `find_unsubscribe_token(text)` finds such a token in a subject or body.
- `rewrite_links(html, message_key, links)` points every http(s) link of a rendered email
  (HTML as `render_email` makes it: serialized by css-inline, attribute values in double
  quotes) at the click redirect and adds the open pixel. Links to our own server (unsubscribe,
  view in browser) and non-web links (mailto:, tel:) are left as they are.
- `TEST_KEY_PREFIX` starts the message key of a test send; `is_test_key(key)` says whether
  a token's `m` is one (its opens, clicks and unsubscribes count nothing).
The signing secret itself is engine/credentials/link_secret.py's (`get_or_create_secret`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html as html_lib
import json
import re
from json.encoder import encode_basestring_ascii as _json_string
from typing import Any

OPEN, CLICK, UNSUBSCRIBE, VIEW = "open", "click", "unsubscribe", "view"
#: the message key of a test send starts with this (engine/delivery/trial_send.py)
TEST_KEY_PREFIX = "test:"
_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)  # ASCII: safe in a URL
# Rendered emails are serialized by css-inline (html5ever): lower-case tags and attributes,
# values in double quotes. That lets a case-sensitive pattern find links quickly.
_HREF = re.compile(r'(<a\s[^>]*?\bhref=")([^"]*)"')


def is_test_key(message_key: str) -> bool:
    return message_key.startswith(TEST_KEY_PREFIX)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(kind: str, body: str, key: "hmac.HMAC") -> bytes:
    mac = key.copy()  # the keyed state is computed once per secret, not per token
    mac.update(f"{kind}.{body}".encode("ascii"))
    return mac.digest()


def _key(secret: bytes) -> "hmac.HMAC":
    return hmac.new(secret, digestmod=hashlib.sha256)


def _sign(kind: str, payload: dict[str, Any], key: "hmac.HMAC") -> str:
    body = _b64(_JSON.encode(payload).encode("ascii"))
    return f"{body}.{_b64(_mac(kind, body, key))}"


def sign(kind: str, payload: dict[str, Any], secret: bytes) -> str:
    return _sign(kind, payload, _key(secret))


def verify(kind: str, token: str, secret: bytes) -> dict[str, Any] | None:
    body, dot, mac = token.partition(".")
    if not dot or not body.isascii() or not mac.isascii():
        return None
    try:
        given = _unb64(mac)
        if not hmac.compare_digest(given, _mac(kind, body, _key(secret))):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error):
        return None
    return payload if isinstance(payload, dict) else None


_TOKEN_IN_TEXT = re.compile(r"unsubscribe[\s:]+([A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,})", re.I)


def find_unsubscribe_token(text: str) -> str | None:
    """The token of a signed unsubscribe mailto in a subject or body, if there is one."""
    match = _TOKEN_IN_TEXT.search(text or "")
    return match.group(1) if match else None


class LinkBuilder:
    """The signed URLs of one Trellis server (its public URL) for one secret.

    `mailbox`: where mailto unsubscribes go when the body needs one (tracking off).
    """

    def __init__(self, public_url: str | None, secret: bytes, mailbox: str | None = None):
        self.public_url = public_url.rstrip("/") if public_url else ""
        self.tracked = bool(public_url)
        self.mailbox = mailbox
        self._key = _key(secret)

    def _url(self, prefix: str, kind: str, payload: dict[str, Any]) -> str:
        return f"{self.public_url}/{prefix}/{_sign(kind, payload, self._key)}"

    def open_url(self, message_key: str) -> str:
        return self._url("o", OPEN, {"m": message_key})

    def click_url(self, message_key: str, target: str) -> str:
        # the JSON of sign(): built by hand because an email has many links
        payload = f'{{"m":{_json_string(message_key)},"u":{_json_string(target)}}}'
        body = _b64(payload.encode("ascii"))
        return f"{self.public_url}/c/{body}.{_b64(_mac(CLICK, body, self._key))}"

    def unsubscribe_url(self, message_key: str, contact_id: int) -> str:
        """The footer's unsubscribe link: the web page, or the signed mailto when untracked."""
        if not self.tracked:
            if not self.mailbox:
                raise ValueError("an untracked LinkBuilder needs a mailbox address")
            return self.unsubscribe_mailto(self.mailbox, message_key, contact_id)
        return self._url("u", UNSUBSCRIBE, {"m": message_key, "c": contact_id})

    def unsubscribe_mailto(self, address: str, message_key: str, contact_id: int) -> str:
        """A mailto: for List-Unsubscribe whose subject carries the unsubscribe token."""
        token = _sign(UNSUBSCRIBE, {"m": message_key, "c": contact_id}, self._key)
        return (f"mailto:{address}?subject=unsubscribe%20{token}"
                "&body=Please%20unsubscribe%20me.")

    def view_url(self, message_key: str) -> str:
        """The email in the browser; empty when no reader could open it (untracked)."""
        return self._url("v", VIEW, {"m": message_key}) if self.tracked else ""

    def is_own(self, url: str) -> bool:
        return self.tracked and (url == self.public_url or url.startswith(self.public_url + "/"))


def rewrite_links(html: str, message_key: str, links: LinkBuilder) -> str:
    """Click-tracked links and an open pixel (see the module docstring)."""
    if not links.tracked:
        raise ValueError("links are only rewritten when tracking is on")

    def track(match: re.Match) -> str:
        start, raw = match.groups()
        target = (html_lib.unescape(raw) if "&" in raw else raw).strip()
        if not target.lower().startswith(("http://", "https://")) or links.is_own(target):
            return match.group(0)
        return f'{start}{links.click_url(message_key, target)}"'  # tokens need no escaping

    pixel = (
        f'<img src="{html_lib.escape(links.open_url(message_key))}" width="1" height="1" '
        'alt="" style="display:block;width:1px;height:1px;border:0;">'
    )
    html = _HREF.sub(track, html)
    end = html.rfind("</body>")
    return f"{html[:end]}{pixel}{html[end:]}" if end >= 0 else html + pixel
