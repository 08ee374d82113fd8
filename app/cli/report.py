"""`report [JOURNEY] [--from T] [--to T] [--json] [--csv FILE] [--cohorts]`: a journey's
results — entered, converted, revenue, every email, step and path, and with --cohorts the
cohorts by week of entry (docs/analytics.md).

The rollups are brought up to date first, so the figures are always current. Without
JOURNEY: every journey, one after another (with --json one object per line). Exit codes:
0 shown, 1 no such journey, 2 bad arguments (a time that cannot be read, --to before
--from, a CSV file in a folder that does not exist).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(commands) -> None:
    parser = commands.add_parser(
        "report", help="results of journeys: opens, clicks, conversions, revenue",
        description="Show a journey's results (every journey without JOURNEY) for a period: "
        "entered, in progress, converted, revenue, and per email, step and path. Periods are "
        "whole UTC days.")
    parser.add_argument("journey", nargs="?", metavar="JOURNEY", help="the journey's name")
    parser.add_argument("--from", dest="start", metavar="T",
                        help="first day: a date (2026-03-01) or an ISO 8601 time with offset")
    parser.add_argument("--to", dest="end", metavar="T", help="last day, as --from")
    parser.add_argument("--json", action="store_true", help="one JSON object per journey a line")
    parser.add_argument("--cohorts", action="store_true",
                        help="add cohorts by week of entry: who ordered within 30/60/90 days "
                        "and revenue per entrant")
    parser.add_argument("--csv", type=Path, metavar="FILE",
                        help="also write every figure to FILE as CSV")
    parser.set_defaults(handler=run)


def parse_time(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is neither a date (2026-03-01) nor an ISO 8601 "
                         "time") from None
    if when.tzinfo is None:
        if len(text.strip()) > 10:
            raise UsageError(f"{option} {text!r} has no timezone: add Z or an offset like +01:00")
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def run(args: argparse.Namespace) -> int:
    from engine.reports.journey_reports import reports
    from engine.analytics.report_output import report_text, write_csv
    from engine.db import open_database

    start, end = parse_time(args.start, "--from"), parse_time(args.end, "--to")
    if start is not None and end is not None and end < start:
        raise UsageError(f"--to {args.end} is before --from {args.start}")
    if args.csv is not None and not args.csv.resolve().parent.is_dir():
        raise UsageError(f"--csv: the folder {args.csv.resolve().parent} does not exist")
    database = open_database(args.db)
    try:
        try:
            found = reports(database, args.journey, start, end, cohorts=args.cohorts)
        except LookupError as error:
            print(f"trellis: {error}")
            return EXIT_PROBLEMS
    finally:
        database.dispose()
    for report in found:
        print(json.dumps(report, ensure_ascii=False) if args.json else report_text(report))
    if not found and not args.json:
        print("No journeys yet.")
    if args.csv is not None:
        write_csv(found, args.csv)
    return EXIT_OK
