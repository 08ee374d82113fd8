"""`api-key [--rotate]`: show, or replace, the key the HTTP intake API requires.

The database keeps only a hash of the key; the key itself is kept in the system keychain
or, without one, in a file only you can read (see engine/http/api_key.py). Showing makes
the key on first use. Exit codes: 0 shown or rotated, 1 the key was made on another
computer (or its file was deleted) and cannot be shown: rotate it.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS


def register(commands) -> None:
    parser = commands.add_parser(
        "api-key", help="show or rotate the API key for event and contact intake",
        description="Show the API key that POST /v1/events and /v1/contacts require "
        "(Authorization: Bearer <key>), or replace it with --rotate.")
    parser.add_argument("--rotate", action="store_true",
                        help="make a new key; the old one stops working at once")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.http.api_key import ensure_api_key, kept_where, rotate_api_key

    database = open_database(args.db)
    now = SystemClock().now()
    try:
        if args.rotate:
            key, where = rotate_api_key(database, now)
            print(key)
            print(f"New key kept in {where}; the old key no longer works.", file=sys.stderr)
            return EXIT_OK
        key, _created = ensure_api_key(database, now)
        if key is None:
            print("trellis: the API key was made on another computer, or its copy here was "
                  "deleted, so it cannot be shown; `api-key --rotate` makes a new one.",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        print(key)
        print(f"Kept in {kept_where(database)}. Send it as: Authorization: Bearer <key>",
              file=sys.stderr)
        return EXIT_OK
    finally:
        database.dispose()
