"""What the HTTP routes share: the database, the clock, the engine's wake-up, the limits.

Contract: `create_app` puts one `HttpContext` in `app.state.trellis`; routes reach it with
`http_context(request)`. It holds the API key check and the intake's `EventWriter`
(started and stopped with the app's lifespan). `link_secret()` reads the link-signing
secret and keeps it for `SECRET_TTL_SECONDS` (monotonic time): it changes only when a
person rotates it (`links rotate-secret`), and then the server follows within seconds. `wake()`
never raises: an event is recorded even if waking the engine fails (the next tick picks
it up anyway).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from fastapi import Request

from engine.clock import Clock
from engine.credentials.link_secret import get_or_create_secret
from engine.db.database import Database
from engine.http.api_key import ApiKeyCheck
from engine.http.event_writer import EventWriter

log = logging.getLogger("trellis.http")
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_FORM_BYTES = 64 * 1024
SECRET_TTL_SECONDS = 5.0


@dataclass
class HttpContext:
    database: Database
    clock: Clock
    on_events: Callable[[], None]
    max_body_bytes: int = MAX_BODY_BYTES
    key_cache_seconds: float = 1.0
    api_key: ApiKeyCheck = field(init=False)
    events: EventWriter = field(init=False)
    monotonic: Callable[[], float] = time.monotonic
    _secret: bytes | None = field(default=None, repr=False)
    _secret_read_at: float = field(default=float("-inf"), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.api_key = ApiKeyCheck(self.database, ttl=self.key_cache_seconds)
        self.events = EventWriter(self.database, self.clock, self.wake)

    def link_secret(self) -> bytes:
        if self._secret is None or self.monotonic() - self._secret_read_at > SECRET_TTL_SECONDS:
            with self._lock:
                if self._secret is None or (
                    self.monotonic() - self._secret_read_at > SECRET_TTL_SECONDS
                ):
                    with self.database.session() as session:
                        self._secret = get_or_create_secret(session)
                    self._secret_read_at = self.monotonic()
        return self._secret

    def wake(self) -> None:
        try:
            self.on_events()
        except Exception:  # noqa: BLE001 — the events are stored; the next tick finds them
            log.exception("could not wake the engine")


def http_context(request: Request) -> HttpContext:
    return request.app.state.trellis
