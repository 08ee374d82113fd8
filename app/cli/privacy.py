"""`contacts erase EMAIL` and `contacts export-data EMAIL FILE`: a person's privacy rights.

Exit codes: 0 done, 1 no such contact or a malformed address (nothing written), 2 usage
errors (the output folder does not exist). See docs/contacts.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(actions) -> None:
    erasing = actions.add_parser(
        "erase",
        help="erase one person's personal data (right to be forgotten)",
        description="Erase the contact's fields, the personal properties of their events, "
        "the evidence of their consents and the addresses and bodies of their messages. "
        "An anonymous record stays, with a hash of the address in the suppression list so "
        "a later import does not subscribe them again.",
    )
    erasing.add_argument("email", metavar="EMAIL")
    erasing.set_defaults(handler=run_erase)

    exporting = actions.add_parser(
        "export-data",
        help="write everything held on one person to a JSON file (data-access request)",
        description="Write the contact's fields, consents, lists, events, journeys with "
        "their steps, messages, coupons and webhook calls to one JSON file.",
    )
    exporting.add_argument("email", metavar="EMAIL")
    exporting.add_argument("file", metavar="FILE", help="the JSON file to write")
    exporting.set_defaults(handler=run_export_data)


def run_erase(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.contacts.privacy import erase_contact
    from engine.db import open_database
    from engine.errors import InputError

    database = open_database(args.db)
    try:
        with database.session() as session:
            report = erase_contact(session, args.email, now=SystemClock().now())
    except (LookupError, InputError) as error:
        return _problem(error)
    finally:
        database.dispose()
    print(report.summary())
    return EXIT_OK


def run_export_data(args: argparse.Namespace) -> int:
    from engine.contacts.data_export import write_person_data
    from engine.db import open_database
    from engine.errors import InputError

    if not Path(args.file).resolve().parent.is_dir():
        raise UsageError(f"{args.file}: the folder does not exist")
    database = open_database(args.db)
    try:
        data = write_person_data(database, args.email, args.file)
    except (LookupError, InputError) as error:
        return _problem(error)
    finally:
        database.dispose()
    print(f"{len(data['events']):,} events, {len(data['messages']):,} messages and "
          f"{len(data['journeys']):,} journeys of {data['contact']['email']} written to "
          f"{args.file}")
    return EXIT_OK


def _problem(error: Exception) -> int:
    print(f"trellis: {error.args[0] if isinstance(error, LookupError) else error}",
          file=sys.stderr)
    return EXIT_PROBLEMS
