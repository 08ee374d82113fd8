"""A real Trellis HTTP server (uvicorn on a free loopback port) for tests, with httpx."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import httpx

from engine.http.api_key import ensure_api_key
from engine.http.app import create_app
from engine.http.server import HttpServer


@dataclass
class LiveServer:
    url: str
    key: str
    client: httpx.Client
    #: one entry per wake() call
    woken: list[int] = field(default_factory=list)

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}


@contextmanager
def live_server(db, clock, **app_options) -> Iterator[LiveServer]:
    key, _ = ensure_api_key(db, clock.now())
    woken: list[int] = []
    app_options.setdefault("key_cache_seconds", 0)  # tests rotate keys: no caching
    server = HttpServer(create_app(db, clock, lambda: woken.append(1), **app_options), port=0)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30, follow_redirects=False) as client:
            yield LiveServer(server.url, key, client, woken)
    finally:
        server.stop()
