"""`links rotate-secret --yes`: replace the secret that signs unsubscribe and tracking links.

Every link in every email already sent stops working (unsubscribe, click, open, view in
browser); the command says so and asks for `--yes`. Exit codes: 0 rotated, 2 without
`--yes`.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import EXIT_OK, UsageError

WARNING = (
    "Every link in every email already sent stops working: unsubscribe links show "
    "'not found', clicks no longer redirect, opens are no longer counted. Rotate only if "
    "the database (which holds the secret) was copied somewhere it should not be."
)


def register(commands) -> None:
    group = commands.add_parser(
        "links", help="the signed links in emails (rotate their secret)",
        description="The links in emails (unsubscribe, click, open, view) are signed with a "
        "secret kept in the database.")
    actions = group.add_subparsers(dest="links_action", metavar="ACTION")
    rotate = actions.add_parser(
        "rotate-secret", help="replace the link-signing secret; OLD LINKS STOP WORKING",
        description="Replace the secret that signs the links in emails. " + WARNING)
    rotate.add_argument("--yes", action="store_true",
                        help="confirm that links in emails already sent may stop working")
    rotate.set_defaults(handler=run_rotate)


def run_rotate(args: argparse.Namespace) -> int:
    if not args.yes:
        raise UsageError("links rotate-secret needs --yes. " + WARNING)
    from engine.db import open_database
    from engine.credentials.link_secret import rotate_link_secret

    database = open_database(args.db)
    try:
        rotate_link_secret(database)
    finally:
        database.dispose()
    print("The link secret was replaced. " + WARNING.split(": ", 1)[0] + ".", file=sys.stderr)
    print("New emails carry links signed with the new secret; a running server uses it "
          "within a few seconds.", file=sys.stderr)
    return EXIT_OK
