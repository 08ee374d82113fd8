"""What runs beside the engine's runner in the app, as in `main.py run`: email delivery and
the HTTP server (intake API, the links in emails).

Contract:
- `start_delivery(database, clock)` starts a `DeliveryService` on the stored SMTP settings
  (password from the keychain or TRELLIS_SMTP_PASSWORD) and returns it, or returns None
  when no SMTP server is set up (email then stays queued in the outbox).
- `start_http(database, clock, wake, bind)` starts the HTTP server on `bind` (host, port)
  and returns it; `BindError` when the address is taken. An API key is created on first
  start, as `run` does.
Both mirror `app/commands/run.py` (same classes, same settings) so the app and the
headless runner behave alike; they never touch Qt.
"""

from __future__ import annotations

from typing import Callable

from engine.clock import Clock
from engine.db.database import Database


def start_delivery(database: Database, clock: Clock):
    from engine.delivery.password import smtp_password
    from engine.delivery.service import DeliveryService
    from engine.delivery.smtp_settings import load_smtp_settings
    from engine.delivery.worker import DeliveryWorker

    with database.session() as session:
        smtp = load_smtp_settings(session)
    if smtp is None:
        return None
    # the runner lock makes this process the only sender of an SQLite file
    worker = DeliveryWorker(database, clock, smtp, password=smtp_password(smtp),
                            exclusive=database.is_sqlite)
    service = DeliveryService(worker)
    service.start()
    return service


def start_http(database: Database, clock: Clock, wake: Callable[[], None],
               bind: tuple[str, int]):
    from engine.http.api_key import ensure_api_key
    from engine.http.app import create_app
    from engine.http.server import HttpServer

    ensure_api_key(database, clock.now())
    server = HttpServer(create_app(database, clock, wake), bind[0], bind[1])
    server.start()
    return server
