"""Tracking on or off: the one place that decides whether emails may carry web links to us.

Contract:
- A link in an email is only worth sending when the reader can open it. Tracking (click
  redirects, the open pixel, "view in browser", the web unsubscribe page and RFC 8058
  One-Click) is ON only when a public URL was given explicitly (`run --public-url`, or the
  `tracking` setting) AND `self_test` reached `PUBLIC_URL/health` and got back this
  database's proof for a fresh nonce. Otherwise it is OFF: links go out as written, no
  pixel, no view-in-browser, and unsubscribe is the signed `mailto:` (header and body).
- `address_kind(url)`: `public`, `loopback`, `private` (RFC 1918, link-local, unique local,
  CGNAT) or `local` (`.local`, `.lan`, `.internal`, `.home.arpa`, bare names); `UrlError`
  when it is not an http(s) URL. A non-public URL that passes the self-test is honoured
  with a warning (testing on one machine); one that was not given explicitly never is.
  Host names are not resolved here: a public-looking name is judged by the self-test.
- `health_proof(secret, nonce)`: what `/health?nonce=…` answers (engine.http.app), an
  HMAC of the nonce with the link secret, so a different server (or another Trellis with
  another database) behind the URL cannot pass.
- `self_test(url, secret)` → `SelfTest(passed, answer)`, `answer` in plain words.
- `decide(url, test)` → `TrackingMode(tracked, public_url, reason, warning)`.
- `load_tracking_settings` / `save_tracking_settings` (setting key `tracking`: the public
  URL and the last self-test's answer, for Settings ▸ Tracking). `TrackingSetup(database)`
  bundles load, save and test for Settings ▸ Tracking. (Where mailto unsubscribes go is
  engine/mailbox/settings.py's `unsubscribe_address`.)
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from engine.db.setting_rows import load_row, save_row
from engine.errors import TrellisError

KEY = "tracking"
PUBLIC, LOOPBACK, PRIVATE, LOCAL = "public", "loopback", "private", "local"
_LOCAL_SUFFIXES = (".local", ".lan", ".internal", ".home.arpa", ".localdomain")
_WORDS = {
    LOOPBACK: "a loopback address (this computer only)",
    PRIVATE: "a private network address (your own network only)",
    LOCAL: "a local network name (your own network only)",
}


class UrlError(TrellisError):
    """Not a usable public URL; the message says what to write."""


class TrackingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public_url: str | None = Field(None, title="Public URL")
    #: the last self-test, in words, for the settings card
    last_test: str | None = None
    last_test_passed: bool = False


@dataclass(frozen=True)
class SelfTest:
    url: str
    passed: bool
    answer: str


@dataclass(frozen=True)
class TrackingMode:
    tracked: bool
    public_url: str | None
    #: why, in plain words (shown in Settings ▸ Tracking and printed by `run`)
    reason: str
    #: set when tracking is on with a URL only this machine or network can open
    warning: str | None = None


UNTRACKED = TrackingMode(False, None, "no public URL is set: links go out as written and "
                         "opens and clicks are not tracked")


def normalise_url(url: str) -> str:
    text = (url or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UrlError(f"{url!r} is not an http(s) URL; write it like https://mail.example.com")
    if parts.query or parts.fragment:
        raise UrlError(f"{url!r}: a public URL has no '?' or '#' part")
    return text


def address_kind(url: str) -> str:
    host = (urlsplit(normalise_url(url)).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return LOOPBACK
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if "." not in host or host.endswith(_LOCAL_SUFFIXES):
            return LOCAL
        return PUBLIC
    if address.is_loopback:
        return LOOPBACK
    if address.is_private or address.is_link_local or address.is_reserved \
            or address in ipaddress.ip_network("100.64.0.0/10") or address.is_unspecified:
        return PRIVATE
    return PUBLIC


def health_proof(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, f"health:{nonce}".encode("utf-8"), hashlib.sha256).hexdigest()


def self_test(url: str, secret: bytes, *, timeout: float = 10.0) -> SelfTest:
    """Fetch `url/health?nonce=…` and check the answer carries this database's proof."""
    try:
        base = normalise_url(url)
    except UrlError as error:
        return SelfTest(url, False, str(error))
    nonce = secrets.token_urlsafe(18)
    target = f"{base}/health?nonce={quote(nonce)}"
    request = urllib.request.Request(target, headers={"User-Agent": "Trellis self-test"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as error:
        return SelfTest(base, False, f"{base} answered with HTTP error {error.code}: something "
                        "answers there, but it is not this Trellis (check the proxy or tunnel "
                        "forwards to Trellis's HTTP server)")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return SelfTest(base, False, f"could not reach {base}: {reason}. Readers could not "
                        "open links there either")
    try:
        proof = json.loads(body).get("proof")
    except (ValueError, AttributeError):
        proof = None
    if not isinstance(proof, str):
        return SelfTest(base, False, f"{base} answered, but not as Trellis: it is another "
                        "web server")
    if not hmac.compare_digest(proof, health_proof(secret, nonce)):
        return SelfTest(base, False, f"{base} answered as a different Trellis (another "
                        "database): links would record events there, not here")
    return SelfTest(base, True, f"{base} reaches this Trellis: links in emails will work "
                    "for readers, and opens and clicks are tracked")


def decide(url: str | None, test: SelfTest | None) -> TrackingMode:
    """The tracking mode for an explicitly given URL (None: none given) and its self-test."""
    if not url:
        return UNTRACKED
    try:
        base = normalise_url(url)
        kind = address_kind(base)
    except UrlError as error:
        return TrackingMode(False, None, f"{error}: tracking is off")
    if test is None or not test.passed or test.url != base:
        answer = test.answer if test is not None else "the self-test has not run"
        return TrackingMode(False, None, f"tracking is off: {answer}")
    if kind != PUBLIC:
        return TrackingMode(True, base, test.answer,
                            warning=f"{base} is {_WORDS[kind]}: links in emails work only "
                            "there. Use this for testing, not for real customers")
    return TrackingMode(True, base, test.answer)


def load_tracking_settings(session: Session) -> TrackingSettings:
    return load_row(session, KEY, TrackingSettings, TrackingSettings())


def save_tracking_settings(session: Session, settings: TrackingSettings) -> None:
    if settings.public_url:
        settings = settings.model_copy(update={"public_url": normalise_url(settings.public_url)})
    save_row(session, KEY, settings)


def resolve(session_factory, secret: bytes, explicit_url: str | None = None) -> TrackingMode:
    """Test the URL given (`--public-url`) or stored, remember the answer, decide."""
    with session_factory() as session:
        stored = load_tracking_settings(session)
    url = explicit_url or stored.public_url
    test = self_test(url, secret) if url else None
    if test is not None and (explicit_url is None or explicit_url == stored.public_url):
        with session_factory() as session:
            save_tracking_settings(session, stored.model_copy(update={
                "last_test": test.answer, "last_test_passed": test.passed}))
    return decide(url, test)


class TrackingSetup:
    """What Settings ▸ Tracking needs, as one object: load, save (validated), self-test."""

    def __init__(self, database):
        self.database = database

    def load(self) -> TrackingSettings:
        with self.database.session() as session:
            return load_tracking_settings(session)

    def save(self, public_url: str | None) -> TrackingSettings:
        """Store the URL (empty: none); UrlError names what is wrong and nothing is stored."""
        url = normalise_url(public_url) if public_url and public_url.strip() else None
        with self.database.session() as session:
            current = load_tracking_settings(session)
            changed = current.public_url != url
            stored = current.model_copy(update={"public_url": url} | (
                {"last_test": None, "last_test_passed": False} if changed else {}))
            save_tracking_settings(session, stored)
        return stored

    def test(self, public_url: str) -> TrackingMode:
        """Self-test `public_url` (runs on any thread) and remember the answer when stored."""
        from engine.credentials.link_secret import get_or_create_secret

        with self.database.session() as session:
            secret = get_or_create_secret(session)
        result = self_test(public_url, secret)
        with self.database.session() as session:
            current = load_tracking_settings(session)
            if current.public_url == result.url:
                save_tracking_settings(session, current.model_copy(update={
                    "last_test": result.answer, "last_test_passed": result.passed}))
        return decide(public_url, result)
