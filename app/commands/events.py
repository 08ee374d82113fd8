"""`events import JSONL`: load events from a JSON Lines file, all or nothing.

Exit codes: 0 all events recorded, 1 bad lines (nothing written) or an unusable file,
2 usage errors (missing file, bad arguments).
"""

from __future__ import annotations

import argparse
import sys

from app import cli
from app.commands.contacts import (
    add_report_option,
    check_report_path,
    open_db,
    require_file,
    show_rejected,
)

_IMPORT_HELP = """\
One JSON object per line; blank lines are fine:
  {"at": "2026-03-02T09:30:00Z", "contact": "ana@example.com", "name": "order_placed",
   "properties": {"total": 42.5}}
"contact" and "name" are required. "at" must carry Z or an offset such as +01:00
(without "at" the event is dated now). An unknown email creates the contact.
Reserved names change the contact: unsubscribed, email_bounced (type "hard", the default),
spam_complaint.

If any line is bad, nothing is imported and each bad line is printed as
"line N: <contact>: <reason>". Exit status: 0 all events recorded, 1 bad lines or an
unusable file, 2 usage error (e.g. the file does not exist)."""


def register(commands) -> None:
    group = commands.add_parser(
        "events",
        help="import events (JSON Lines)",
        description="Import events (what contacts did) from a JSON Lines file.",
    )
    actions = group.add_subparsers(dest="events_action", metavar="ACTION")
    importing = actions.add_parser(
        "import",
        help="import events from a JSON Lines file, all or nothing",
        description="Import events from a JSON Lines file in one transaction: every line "
        "is checked first, and one bad line means nothing is written.",
        epilog=_IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="JSONL", help="the file to import")
    add_report_option(importing)
    importing.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.contacts.events_import import import_events_jsonl
    from engine.errors import InputError

    path = require_file(args.file)
    check_report_path(args.report)
    db = open_db(args)
    try:
        report = import_events_jsonl(db, path, now=SystemClock().now())
    except InputError as exc:
        print(f"trellis: error: {exc}", file=sys.stderr)
        return cli.EXIT_PROBLEMS
    finally:
        db.dispose()
    print(report.summary())
    show_rejected(report.rejected, args.report, value_header="contact")
    return cli.EXIT_PROBLEMS if report.rejected else cli.EXIT_OK
