"""`run`: the engine without the GUI — journeys, email delivery and the HTTP server —
until SIGINT or SIGTERM, then a clean shutdown.

Start order: the engine runner first (it takes the database's runner lock: a second
`run` on the same SQLite file stops here), then delivery (its first drain turns sends a
crash interrupted into `uncertain`), then the HTTP server, the tracking self-test of the
public URL (engine.messaging.tracking: emails are untracked until it passes) and the mailbox reader. Shutdown is the reverse: the
server finishes the requests in progress and writes the events it accepted, delivery
finishes the message in hand and puts the rest of its batch back in the queue, the
runner finishes its tick and releases the lock.

Exit codes: 0 stopped cleanly, 1 another runner holds the database or it is read-only,
2 bad arguments
(an SMTP URL, HOST:PORT or public URL that cannot be used, or the port given with --http
already in use; when the default port is taken, `run` warns and runs without the server).
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading
from urllib.parse import urlsplit

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError

#: engine.http.server.DEFAULT_BIND, not imported from there: the CLI starts without uvicorn
DEFAULT_BIND = "127.0.0.1:8787"


def register(commands) -> None:
    parser = commands.add_parser(
        "run",
        help="run the journey engine, email delivery and the HTTP server headless",
        description="Run published journeys: match events, run due steps, queue and deliver "
        "email, and serve the HTTP API (event and contact intake, the links in emails). "
        "Stops cleanly on Ctrl+C or SIGTERM. Only one runner per SQLite database.",
    )
    parser.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                        help="seconds between engine ticks (default 2)")
    parser.add_argument(
        "--render-workers", type=int, metavar="N",
        help="processes that render emails, the engine's own included (default: "
        "$TRELLIS_RENDER_WORKERS, else one per core); 1 renders in the engine process only")
    parser.add_argument(
        "--smtp", metavar="URL",
        help="deliver email through this SMTP server: smtp://HOST:PORT (no encryption), "
        "smtp+starttls://USER@HOST:587 or smtps://USER@HOST:465; the password comes from the "
        "keychain or TRELLIS_SMTP_PASSWORD (default: the server saved with `smtp set`; "
        "without one, email stays queued)")
    parser.add_argument("--smtp-connections", type=int, metavar="N",
                        help="SMTP connections used in parallel (default 1)")
    parser.add_argument("--smtp-rate", type=float, metavar="PER_SECOND",
                        help="at most this many emails per second (default: no limit)")
    parser.add_argument(
        "--http", metavar="HOST:PORT",
        help=f"where the HTTP server listens (default {DEFAULT_BIND}, this computer only; "
        "0.0.0.0:PORT for every network; 'off' for no server)")
    parser.add_argument(
        "--public-url", metavar="URL",
        help="the server's address as email readers reach it, e.g. https://mail.example.com "
        "(default: the one saved in Settings ▸ Tracking). Links are tracked only once "
        "PUBLIC_URL/health answers as this Trellis; until then, and without one, emails carry "
        "links as written and a mailto unsubscribe (see docs/tracking.md)")
    parser.set_defaults(handler=run)


def _check_arguments(args: argparse.Namespace):
    """(smtp settings or None, password, bind or None, public url); UsageError if bad."""
    from engine.delivery.smtp_settings import SmtpUrlError, parse_smtp_url
    from engine.http.server import BindError, parse_bind

    smtp, password = None, None
    if args.smtp:
        try:
            smtp, password = parse_smtp_url(args.smtp)
        except SmtpUrlError as error:
            raise UsageError(f"--smtp: {error}") from None
    bind = None
    if (args.http or DEFAULT_BIND).strip().lower() != "off":
        try:
            bind = parse_bind(args.http or DEFAULT_BIND)
        except BindError as error:
            raise UsageError(f"--http: {error}") from None
    public = args.public_url
    if public is not None:
        public = public.strip().rstrip("/")
        parsed = urlsplit(public)
        if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
            raise UsageError(f"--public-url: {args.public_url!r} is not an http(s) URL, "
                             "e.g. https://mail.example.com")
    # no default from --http: an address readers cannot open is never put in an email
    if args.smtp_connections is not None and not 1 <= args.smtp_connections <= 32:
        raise UsageError("--smtp-connections must be from 1 to 32")
    if args.smtp_rate is not None and args.smtp_rate <= 0:
        raise UsageError("--smtp-rate must be a positive number of emails per second")
    return smtp, password, bind, public


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.runtime.engine import Engine
    from engine.runtime.quiet_logs import demote_routine_logs
    from engine.runtime.runner import EngineRunner, RunnerLocked
    from engine.runtime.services import EngineServices
    from engine.runtime.services_start import start_services

    smtp, password, bind, public_url = _check_arguments(args)
    render_workers = _render_workers(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    demote_routine_logs()  # before the database opens: its migrations log too
    database = open_database(args.db)
    if database.read_only:  # the engine writes on every tick: refuse now, in one line
        database.dispose()
        print(f"trellis: error: the database {database.sqlite_path} is read-only (a read-only "
              "disk, folder or file); `run` needs to write to it", file=sys.stderr)
        return EXIT_PROBLEMS
    clock = SystemClock()
    # untracked until the self-test says otherwise
    engine_services = EngineServices(render_workers=render_workers)
    engine = Engine(database, clock, services=engine_services)
    beside = None  # delivery and the HTTP server, once started

    def on_tick(report) -> None:
        delivery = beside.delivery if beside is not None else None
        if delivery is not None and report.steps:
            delivery.wake()  # the tick may have queued email: send it now, not next second

    from engine.analytics.catchup import catch_up_job

    runner = EngineRunner(engine, interval=args.interval, on_tick=on_tick,
                          extra_jobs=[catch_up_job(database)])  # keeps the results current
    stop = threading.Event()

    def on_signal(*_) -> None:
        engine.request_stop()  # the tick in progress gives up at once, not after the wait
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    try:
        runner.start()
    except RunnerLocked as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        shown_url = make_url(database.url).render_as_string(hide_password=True)
        print(f"Trellis engine running on {shown_url} (Ctrl+C to stop)", flush=True)
        changes = {}
        if args.smtp_connections is not None:
            changes["connections"] = args.smtp_connections
        if args.smtp_rate is not None:
            changes["rate_per_second"] = args.smtp_rate
        def on_tracking(mode) -> None:
            # the engine reads public_url at each batch: set once, from this one decision
            engine_services.public_url = mode.public_url if mode.tracked else None
            reason = mode.reason.removeprefix("tracking is off: ")
            print(f"Tracking {'on' if mode.tracked else 'off'}: {reason}", flush=True)
            if mode.warning:
                print(f"trellis: warning: {mode.warning}", file=sys.stderr, flush=True)

        beside = start_services(database, clock, runner.wake, smtp=smtp, password=password,
                                smtp_changes=changes, bind=bind, public_url=public_url,
                                on_tracking=on_tracking)
        _report(beside, database, required=args.http is not None)
        # what start-up built lives until exit: keep it out of every later collection, so
        # ticks pause less and the exit after SIGTERM takes a tenth of a second, not seconds
        gc.freeze()
        while not stop.wait(0.5):
            pass
    finally:
        runner.engine.request_stop()  # the tick in progress stops at its next enrollment
        if beside is not None:
            beside.stop()
        runner.stop()
        engine_services.close()  # the render workers, if any
        database.dispose()
    print("Trellis engine stopped.", flush=True)
    return EXIT_OK


def _render_workers(args) -> int:
    """--render-workers, else $TRELLIS_RENDER_WORKERS, else the cores; UsageError if bad."""
    from engine.runtime.services import MAX_RENDER_WORKERS, configured_render_workers

    if args.render_workers is None:
        try:
            return configured_render_workers()
        except ValueError as error:
            raise UsageError(str(error)) from None
    if not 1 <= args.render_workers <= MAX_RENDER_WORKERS:
        raise UsageError(f"--render-workers must be a whole number from 1 to {MAX_RENDER_WORKERS}")
    return args.render_workers


def _report(services, database, *, required: bool) -> None:
    """Say what runs beside the engine; a taken --http address is a usage error."""
    from engine.http.api_key import kept_where

    if services.smtp is None:
        print("No SMTP server set: email stays in the outbox (use --smtp URL, or "
              "`smtp set URL`).", flush=True)
    else:
        print(f"Delivering email through {services.smtp.url()}", flush=True)
    if services.mailbox is not None:
        print(f"Reading the mailbox {services.mailbox.reader.settings.describe()}", flush=True)
    elif services.mailbox_warning:
        print(f"trellis: warning: {services.mailbox_warning}", file=sys.stderr, flush=True)
    if services.http_error is not None:
        if required:
            raise UsageError(f"--http: {services.http_error}")
        # the default port: the engine and delivery are worth running without the server
        print(f"trellis: warning: no HTTP server: {services.http_error}", file=sys.stderr,
              flush=True)
    elif services.http is not None:
        print(f"HTTP server on {services.http.url}", flush=True)
        if services.api_key_created:
            print("An API key for the intake API was created and kept in "
                  f"{kept_where(database)}; `python main.py api-key` shows it.", flush=True)
