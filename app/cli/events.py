"""`events import JSONL`: load events from a JSON Lines file, all or nothing.

Exit codes: 0 all events recorded, 1 bad lines (nothing written) or an unusable file,
2 usage errors (missing file, bad arguments).
"""

from __future__ import annotations

import argparse

from app.cli.contacts import add_report_option, run_file_import

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
    from engine.intake.events_file import import_events_jsonl

    return run_file_import(args, import_events_jsonl, value_header="contact")
