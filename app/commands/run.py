"""`run`: the engine without the GUI, until SIGINT or SIGTERM (then a clean shutdown)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS


def register(commands) -> None:
    parser = commands.add_parser(
        "run",
        help="run the journey engine headless",
        description="Run published journeys: match events, run due steps, queue and deliver "
        "email. Stops cleanly on Ctrl+C or SIGTERM. Only one runner per SQLite database.",
    )
    parser.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                        help="seconds between engine ticks (default 2)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.runtime.engine import Engine
    from engine.runtime.runner import EngineRunner, RunnerLocked

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    database = open_database(args.db)
    runner = EngineRunner(Engine(database, SystemClock()), interval=args.interval)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: runner.request_stop())
    try:
        print(f"Trellis engine running on {database.url} (Ctrl+C to stop)", flush=True)
        runner.run_forever()
    except RunnerLocked as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print("Trellis engine stopped.", flush=True)
    return EXIT_OK
