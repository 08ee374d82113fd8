"""`audiences list | export NAME CSV`: ad audiences as hashed emails for ad platforms."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import EXIT_OK, UsageError


def register(commands) -> None:
    parser = commands.add_parser("audiences", help="export ad audiences (hashed emails)",
                                 description="Audiences filled by 'Add to ad audience' steps.")
    sub = parser.add_subparsers(dest="audiences_command", metavar="ACTION")
    listing = sub.add_parser("list", help="list audience names")
    listing.set_defaults(handler=run_list)
    exporting = sub.add_parser("export", help="write an audience as SHA-256-hashed emails")
    exporting.add_argument("name", metavar="NAME")
    exporting.add_argument("file", type=Path, metavar="CSV")
    exporting.set_defaults(handler=run_export)


def run_list(args: argparse.Namespace) -> int:
    from engine.contacts.audiences import audience_names
    from engine.db import open_database

    names = audience_names(open_database(args.db))
    print("\n".join(names) if names else "No audiences yet.")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from engine.contacts.audiences import export_audience_csv
    from engine.db import open_database

    try:
        count = export_audience_csv(open_database(args.db), args.name, args.file)
    except LookupError as error:
        raise UsageError(str(error)) from None
    print(f"Wrote {count:,} hashed emails to {args.file}")
    return EXIT_OK
