"""The operating system's keychain (via `keyring`), when this machine has one.

Contract: `keychain_available()` says whether a real keyring backend is installed (macOS
Keychain, Windows Credential Locker, Secret Service…); headless Linux servers usually have
none, and `keyring` then falls back to a backend that fails on every call. `get_secret`,
`set_secret` and `delete_secret` use the service name "Trellis"; `get_secret` returns None
when there is no keychain or no such entry. Callers decide where a secret goes when there
is no keychain (the SMTP password: an environment variable; the API key: a 0600 file);
`NoKeychain` is what they raise when a secret must go in a keychain and there is none.
"""

from __future__ import annotations

import logging

from engine.errors import TrellisError

SERVICE = "Trellis"
log = logging.getLogger("trellis.keychain")


class NoKeychain(TrellisError):
    """A secret must be kept in the keychain and this machine has none."""


def _backend():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # keyring is a dependency, but a broken install must not crash us
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 — a misconfigured backend means "no keychain"
        return None
    # "fail" backends raise on every call; chainer backends wrap whatever is there
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def keychain_available() -> bool:
    return _backend() is not None


def get_secret(name: str) -> str | None:
    backend = _backend()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, name)
    except Exception as error:  # noqa: BLE001 — a locked keychain reads as "absent"
        log.warning("could not read %r from the keychain: %s", name, error)
        return None


def set_secret(name: str, value: str) -> bool:
    """Store `value`; False when there is no keychain (nothing stored)."""
    backend = _backend()
    if backend is None:
        return False
    backend.set_password(SERVICE, name, value)
    return True


def delete_secret(name: str) -> None:
    backend = _backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, name)
    except Exception:  # noqa: BLE001 — absent already
        pass
