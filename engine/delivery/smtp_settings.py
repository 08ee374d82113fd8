"""Where delivery sends email: the SMTP server settings, and `smtp://…` URLs.

Contract:
- `SmtpSettings` is host, port, security (`none`, `starttls`, `tls`), username, and the
  delivery knobs (connections, messages per second, timeout, a CA file for private
  servers). It has no password field: the password lives in the keychain or in
  `TRELLIS_SMTP_PASSWORD` (see password.py), never in the database.
- `parse_smtp_url(url)` reads `smtp://host[:port]` (no TLS, port 25),
  `smtp+starttls://[user@]host[:port]` (STARTTLS, port 587) and
  `smtps://[user@]host[:port]` (TLS from the first byte, port 465). It returns the
  settings and the password when the URL carries one (`user:secret@host`, used for this run
  only and never stored), or raises `SmtpUrlError` saying what is wrong and what to write.
- `load_smtp_settings(session)` returns the stored settings or None when none are set;
  `save_smtp_settings` validates and stores them (setting key `smtp`).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from engine.db.setting_rows import load_row, save_row
from engine.errors import TrellisError

KEY = "smtp"
Security = Literal["none", "starttls", "tls"]
SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("none", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
_EXAMPLES = ("smtp://127.0.0.1:2525, smtp+starttls://user@mail.example.com:587 "
             "or smtps://user@mail.example.com")


class SmtpUrlError(TrellisError):
    """An SMTP URL that cannot be used; the message says why and shows good examples."""


class SmtpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=253, title="Server")
    port: int = Field(587, ge=1, le=65535, title="Port")
    security: Security = Field("starttls", title="Encryption")
    username: str | None = Field(None, max_length=320, title="User name")
    connections: int = Field(1, ge=1, le=32, title="Connections")
    #: messages per second over all connections; None: as fast as the server takes them
    rate_per_second: float | None = Field(None, gt=0, le=10_000, title="Messages per second")
    timeout_seconds: float = Field(30.0, gt=0, le=600, title="Timeout (seconds)")
    #: a PEM file of CA certificates to trust instead of the system's (private servers)
    ca_file: str | None = Field(None, title="CA certificates (PEM)")

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def url(self) -> str:
        """The settings as a URL, without any password (for logs and the UI)."""
        scheme = next(name for name, (security, _) in SCHEMES.items() if security == self.security)
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.address}"


def parse_smtp_url(url: str) -> tuple[SmtpSettings, str | None]:
    text = url.strip()
    if "://" not in text:
        raise SmtpUrlError(f"{url!r} is not an SMTP URL; write it like {_EXAMPLES}")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise SmtpUrlError(
            f"unsupported scheme {parts.scheme!r}: use smtp:// (no encryption), "
            "smtp+starttls:// (STARTTLS) or smtps:// (TLS), e.g. " + _EXAMPLES
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpUrlError(f"{url!r} has more than a server: an SMTP URL is only "
                           "scheme://[user@]host[:port]")
    try:
        port = parts.port
    except ValueError:
        raise SmtpUrlError(f"the port in {url!r} is not a number from 1 to 65535") from None
    host = parts.hostname
    if not host:
        raise SmtpUrlError(f"{url!r} names no server; write it like {_EXAMPLES}")
    security, default_port = SCHEMES[scheme]
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    try:
        settings = SmtpSettings(host=host, port=port or default_port, security=security,
                                username=username)
    except ValidationError as error:
        raise SmtpUrlError(f"{url!r}: {error.errors()[0]['msg']}") from None
    return settings, password


def load_smtp_settings(session: Session) -> SmtpSettings | None:
    return load_row(session, KEY, SmtpSettings, None)


def save_smtp_settings(session: Session, settings: SmtpSettings) -> None:
    save_row(session, KEY, settings)
