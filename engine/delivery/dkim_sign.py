"""Optional DKIM signing (dkimpy), for SMTP servers that do not sign the shop's mail.

Contract:
- `DkimSettings` (setting key `dkim`): `enabled`, `domain`, `selector`. The private key is
  never in the database: it is in the keychain (entry `dkim:<selector>._domainkey.<domain>`)
  or, on machines without one, in the PEM file named by `TRELLIS_DKIM_KEY_FILE`.
- `generate_key()` → (private key PEM, the DNS TXT value `v=DKIM1; k=rsa; p=…`) for
  a new 2048-bit RSA key; `dns_record(pem)` gives the TXT value of an existing key; the
  record goes at `<selector>._domainkey.<domain>` (Settings ▸ Sending shows it).
- `DkimSigner(domain, selector, pem).sign(data, sender_domain)` returns the message with a
  `DKIM-Signature` (relaxed/relaxed, rsa-sha256) prepended, covering From, To, Subject,
  Date, Message-ID, MIME headers and both List-Unsubscribe headers, so a relay cannot
  swap the unsubscribe target. Mail from another domain than the key's (or a subdomain
  of it) is returned unsigned: the signature would not align for DMARC.
- `load_signer(session)` → the signer when signing is enabled and the key is found, else
  None; `DkimError` when enabled but the key is missing (delivery logs it and sends
  unsigned, as before signing was turned on: a missing key must not stop the shop's mail).
"""

from __future__ import annotations

import base64
import os

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from engine.credentials import keychain
from engine.db.setting_rows import load_row, save_row
from engine.errors import TrellisError

KEY = "dkim"
ENV_FILE = "TRELLIS_DKIM_KEY_FILE"
SIGNED_HEADERS = (b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Reply-To",
                  b"MIME-Version", b"Content-Type", b"List-Unsubscribe", b"List-Unsubscribe-Post")


class DkimError(TrellisError):
    pass


class DkimSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, title="Sign outgoing email with DKIM")
    domain: str = Field(min_length=1, max_length=253, title="Domain")
    selector: str = Field("trellis", min_length=1, max_length=63, pattern=r"^[A-Za-z0-9-_.]+$",
                          title="Selector")

    @property
    def record_name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"


def generate_key() -> tuple[bytes, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return pem, dns_record(pem)


def dns_record(pem: bytes) -> str:
    private = serialization.load_pem_private_key(pem, password=None)
    public = private.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode('ascii')}"


class DkimSigner:
    def __init__(self, domain: str, selector: str, pem: bytes):
        self.domain = domain.lower().rstrip(".")
        self.selector = selector
        self._pem = pem

    def aligned(self, sender_domain: str) -> bool:
        sender = sender_domain.lower().rstrip(".")
        return sender == self.domain or sender.endswith("." + self.domain)

    def sign(self, data: bytes, sender_domain: str) -> bytes:
        if not self.aligned(sender_domain):
            return data
        head = data.split(b"\r\n\r\n", 1)[0].lower()
        present = [h for h in SIGNED_HEADERS if head.startswith(h.lower() + b":")
                   or b"\r\n" + h.lower() + b":" in head]
        try:
            signature = dkim.sign(data, self.selector.encode("ascii"), self.domain.encode("ascii"),
                                  self._pem, canonicalize=(b"relaxed", b"relaxed"),
                                  include_headers=present, linesep=b"\r\n")
        except dkim.DKIMException as error:
            raise DkimError(f"DKIM signing failed: {error}") from None
        return signature + data


def _entry(settings: DkimSettings) -> str:
    return f"dkim:{settings.record_name}"


def store_private_key(settings: DkimSettings, pem: bytes) -> bool:
    """Into the keychain; False when this machine has none (use TRELLIS_DKIM_KEY_FILE)."""
    return keychain.set_secret(_entry(settings), pem.decode("ascii"))


def private_key(settings: DkimSettings) -> bytes | None:
    stored = keychain.get_secret(_entry(settings))
    if stored:
        return stored.encode("ascii")
    path = os.environ.get(ENV_FILE)
    if path and os.path.isfile(path):
        with open(path, "rb") as handle:
            return handle.read()
    return None


def load_dkim_settings(session: Session) -> DkimSettings | None:
    return load_row(session, KEY, DkimSettings, None)


def save_dkim_settings(session: Session, settings: DkimSettings) -> None:
    save_row(session, KEY, settings)


def load_signer(session: Session) -> DkimSigner | None:
    settings = load_dkim_settings(session)
    if settings is None or not settings.enabled:
        return None
    pem = private_key(settings)
    if pem is None:
        raise DkimError(f"DKIM signing is on for {settings.domain}, but its private key is not "
                        f"in the keychain or in {ENV_FILE}")
    return DkimSigner(settings.domain, settings.selector, pem)


class DkimSetup:
    """What Settings ▸ Sending needs for DKIM: load, turn on (a new key), turn off."""

    def __init__(self, database):
        self.database = database

    def load(self) -> tuple[DkimSettings | None, str | None]:
        """(settings, the DNS TXT value to publish when the key is found)."""
        with self.database.session() as session:
            settings = load_dkim_settings(session)
        pem = private_key(settings) if settings else None
        return settings, dns_record(pem) if pem else None

    def enable(self, domain: str, selector: str = "trellis") -> str:
        """A new key for `domain`, kept in the keychain; returns the TXT value to publish."""
        settings = DkimSettings(enabled=True, domain=domain.strip().lower(), selector=selector)
        pem, record = generate_key()
        if not store_private_key(settings, pem):
            raise DkimError("this computer has no keychain to keep the DKIM key in; put the key "
                            f"in a file and name it in {ENV_FILE}")
        with self.database.session() as session:
            save_dkim_settings(session, settings)
        return record

    def disable(self) -> None:
        with self.database.session() as session:
            settings = load_dkim_settings(session)
            if settings is not None:
                save_dkim_settings(session, settings.model_copy(update={"enabled": False}))
