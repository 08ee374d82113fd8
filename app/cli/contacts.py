"""`contacts import CSV` and `contacts export CSV`: contacts in and out of Trellis.

Exit codes: 0 done, 1 rows rejected or a problem with the file's content (nothing or only
the good rows written, as printed), 2 usage errors (missing file, bad arguments). Also home
of the helpers the `events` command shares: printing rejected rows and `--report` files.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from engine.words import plural

if TYPE_CHECKING:
    from engine.contacts.report import RejectedRow
    from engine.db.database import Database

#: rejected rows printed on screen; `--report FILE` has them all
MAX_SHOWN = 50

#: what each column holds, for --help (the aliases come from the engine's own table)
_COLUMN_HINTS = {
    "email": "required",
    "timezone": "e.g. Europe/Paris",
    "locale": "e.g. en, pt-BR",
    "country": "two letters, e.g. FR",
    "lead_score": "a whole number",
    "status": "active, unsubscribed, bounced, complained or inactive",
    "consent": "yes/no/true/false/1/0",
    "consent_date": "e.g. 2024-05-31 or 2024-05-31T14:00:00Z; UTC without an offset",
}


def _import_help() -> str:
    from engine.contacts.columns import FIELD_ALIASES

    columns = "\n".join(
        f"  {' / '.join(aliases)}"
        + (f"\n      {_COLUMN_HINTS[name]}" if name in _COLUMN_HINTS else "")
        for name, aliases in FIELD_ALIASES.items()
    )
    return f"""\
Columns are matched by their header, ignoring case, spaces and punctuation:
{columns}

Any other column becomes a custom field named after its header (Plan Type -> plan_type).
Empty cells never overwrite anything. Rows with the same email are merged (later values
win); contacts already in Trellis are updated, and an import never re-subscribes anyone.

Each rejected row is printed as "line N: <email>: <reason>" (the header is line 1).
Exit status: 0 all rows imported, 1 some rows rejected or the file cannot be used,
2 usage error (e.g. the file does not exist)."""


def register(commands) -> None:
    group = commands.add_parser(
        "contacts",
        help="import and export contacts (CSV)",
        description="Import contacts from a CSV file, or export them to one.",
    )
    actions = group.add_subparsers(dest="contacts_action", metavar="ACTION")

    importing = actions.add_parser(
        "import",
        help="import contacts from a CSV file",
        description="Import contacts from a CSV file (UTF-8, comma, semicolon or tab "
        "separated) in one transaction.",
        epilog=_import_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="CSV", help="the file to import")
    importing.add_argument(
        "--list", dest="list_name", metavar="NAME",
        help="also add every imported contact to this list (created if missing)",
    )
    importing.add_argument(
        "--strict", action="store_true",
        help="import nothing at all if any row is rejected",
    )
    add_report_option(importing)
    importing.set_defaults(handler=run, action="import")

    exporting = actions.add_parser(
        "export",
        help="export all contacts to a CSV file",
        description="Write every contact to a CSV file: the standard columns, the latest "
        "consent, then one column per custom field. The file imports back unchanged.",
    )
    exporting.add_argument(
        "file", metavar="CSV", help="the file to write, or - for standard output"
    )
    exporting.add_argument(
        "--raw", action="store_true",
        help="write cells exactly as stored; by default a cell that starts like a spreadsheet "
        "formula (= + - @) gets a leading apostrophe so opening the file runs nothing",
    )
    exporting.set_defaults(handler=run, action="export")

    marking = actions.add_parser(
        "mark-test",
        help="mark contacts as test contacts (or --off to unmark)",
        description="Mark your own addresses as test contacts: the app offers them first "
        "when you try a journey out, and counts can leave them out.",
    )
    marking.add_argument("emails", nargs="+", metavar="EMAIL")
    marking.add_argument("--off", action="store_true", help="no longer a test contact")
    marking.set_defaults(handler=run_mark_test)

    from app.cli import privacy

    privacy.register(actions)


def run_mark_test(args: argparse.Namespace) -> int:
    from engine.contacts.test_contacts import mark_test
    from engine.db import open_database
    from engine.errors import InputError

    database = open_database(args.db)
    try:
        with database.session() as session:
            changed = mark_test(session, args.emails, on=not args.off)
    except (LookupError, InputError) as error:
        print(f"trellis: {error.args[0] if isinstance(error, LookupError) else error}",
              file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        database.dispose()
    state = "no longer test contacts" if args.off else "test contacts"
    print(f"{plural(changed, 'contact')} changed; "
          f"{', '.join(args.emails)}: {state}")
    return EXIT_OK


def add_report_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report", metavar="FILE",
        help=f"write every rejected row to this CSV file (the screen shows the first {MAX_SHOWN})",
    )


def run(args: argparse.Namespace) -> int:
    from engine.errors import InputError

    try:
        return _import(args) if args.action == "import" else _export(args)
    except InputError as exc:
        print(f"trellis: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS


def _import(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.contacts.csv_import import import_contacts_csv

    path = require_file(args.file)
    check_report_path(args.report)
    db = open_db(args)
    try:
        report = import_contacts_csv(
            db, path, list_name=args.list_name, now=SystemClock().now(), strict=args.strict
        )
    finally:
        db.dispose()
    print(report.summary())
    show_rejected(report.rejected, args.report, value_header="email")
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from engine.contacts.csv_export import export_contacts_csv
    from engine.words import plural

    to_stdout = args.file == "-"
    if not to_stdout and not Path(args.file).parent.is_dir():
        raise UsageError(f"{args.file}: the folder does not exist")
    db = open_db(args)
    try:
        count = export_contacts_csv(db, sys.stdout if to_stdout else args.file, raw=args.raw)
    finally:
        db.dispose()
    # With "-" the CSV owns standard output; the count goes to standard error.
    print(f"{plural(count, 'contact')} exported", file=sys.stderr if to_stdout else sys.stdout)
    return EXIT_OK


def open_db(args: argparse.Namespace) -> Database:
    from engine.db import open_database

    return open_database(args.db)


def require_file(name: str) -> Path:
    path = Path(name)
    if not path.exists():
        raise UsageError(f"{name}: no such file")
    if not path.is_file():
        raise UsageError(f"{name} is not a file")
    return path


def check_report_path(name: str | None) -> None:
    if name is not None and not Path(name).parent.is_dir():
        raise UsageError(f"--report {name}: the folder does not exist")


def run_file_import(args: argparse.Namespace, importer, *, value_header: str) -> int:
    """The shared body of the all-or-nothing imports (events, products):
    `importer(db, path, now=...)` returns a report with `summary()` and `rejected`."""
    from engine.clock import SystemClock
    from engine.errors import InputError

    path = require_file(args.file)
    check_report_path(args.report)
    db = open_db(args)
    try:
        report = importer(db, path, now=SystemClock().now())
    except InputError as exc:
        print(f"trellis: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        db.dispose()
    print(report.summary())
    show_rejected(report.rejected, args.report, value_header=value_header)
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def show_rejected(
    rows: Sequence[RejectedRow], report_path: str | None, *, value_header: str
) -> None:
    """Print the first MAX_SHOWN rejected rows and write them all to `report_path`, if given."""
    for row in rows[:MAX_SHOWN]:
        print(row)
    if len(rows) > MAX_SHOWN:
        hint = "" if report_path else " (use --report FILE to get them all)"
        print(f"… and {len(rows) - MAX_SHOWN:,} more{hint}")
    if report_path is not None:
        with open(report_path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["line", value_header, "reason"])
            writer.writerows([row.line, row.value, row.reason] for row in rows)
        print(f"Report of rejected rows written to {report_path}")
