"""The SMTP password: in the keychain where there is one, else in an environment variable.

Contract: `smtp_password(settings)` returns the password for the settings' user, looked up
in this order: the OS keychain (entry `smtp:<user>@<host>:<port>`), then the environment
variable `TRELLIS_SMTP_PASSWORD`; None when neither has one (or there is no user).
`store_smtp_password(settings, password)` puts it in the keychain and raises
`NoKeychain` when this machine has none: the password is never written to the database
or to a plain file, so headless servers pass it through the environment instead.
"""

from __future__ import annotations

import os

from engine.credentials import keychain
from engine.credentials.keychain import NoKeychain
from engine.delivery.smtp_settings import SmtpSettings
from engine.errors import TrellisError

ENV = "TRELLIS_SMTP_PASSWORD"


def _entry(settings: SmtpSettings) -> str:
    return f"smtp:{settings.username}@{settings.host}:{settings.port}"


def smtp_password(settings: SmtpSettings) -> str | None:
    if not settings.username:
        return None
    stored = keychain.get_secret(_entry(settings))
    if stored is not None:
        return stored
    return os.environ.get(ENV) or None


def store_smtp_password(settings: SmtpSettings, password: str) -> None:
    if not settings.username:
        raise TrellisError("set a user name before storing a password")
    if not keychain.set_secret(_entry(settings), password):
        raise NoKeychain(
            "this computer has no keychain to keep the SMTP password in; "
            f"set the environment variable {ENV} for the Trellis process instead"
        )
