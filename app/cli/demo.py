"""`demo [--contacts N]`: fill an empty database with the demo shop "Juniper & Oak".

The shop has ~40 products, N customers (default 500) with three months of history, and
the six starter journeys as drafts; see engine/demo/shop.py. A database that already holds
data is left alone (exit 1): demo customers never mix with real ones, so point `--db` at
a new file instead. Exit codes: 0 created, 1 refused, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS
from app.cli.contacts import open_db

MAX_CONTACTS = 100_000


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_CONTACTS:
        raise argparse.ArgumentTypeError(f"choose between 1 and {MAX_CONTACTS:,}")
    return value


def register(commands) -> None:
    parser = commands.add_parser(
        "demo",
        help="create the demo shop in an empty database",
        description="Create a fictional shop in the selected database (it must be empty): "
        "products, customers with three months of activity, and the starter journeys as "
        "drafts. Nothing is published and no email is sent. The same options make the "
        "same shop, its history dated back from today.",
        epilog="Example: python main.py --db sqlite:///demo.db demo --contacts 1000",
    )
    parser.add_argument("--contacts", type=_count, default=500, metavar="N",
                        help="how many customers (default 500)")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="another number makes another shop of the same kind")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.demo.shop import DEMO_SEED, DemoRefused, create_demo

    db = open_db(args)
    try:
        summary = create_demo(db, args.contacts, now=SystemClock().now(),
                              seed=DEMO_SEED if args.seed is None else args.seed)
    except DemoRefused as refused:
        print(f"trellis: {refused}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        db.dispose()
    print(summary)
    print(f"Open it with: python main.py --db {db.url}")
    return EXIT_OK
