"""`outbox uncertain | requeue ID | dismiss ID`: emails a crash left undecided;
`outbox failed [--contact EMAIL]`: emails that will not be sent, each with its reason.

An email is `uncertain` when Trellis stopped while handing it to the mail server: it may
have arrived. It is never sent again on its own; look at it here, then `requeue` it (send
again: you checked it did not arrive) or `dismiss` it (never send). Exit codes: 0 done,
1 no such uncertain message.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS


def register(commands) -> None:
    group = commands.add_parser("outbox", help="list and decide emails left uncertain by a crash",
                                description="Emails that were being sent when Trellis stopped.")
    actions = group.add_subparsers(dest="outbox_action", metavar="ACTION")
    listing = actions.add_parser("uncertain", help="list uncertain emails")
    listing.set_defaults(handler=run_list)
    failed = actions.add_parser(
        "failed", help="list emails that failed for good, each with its reason",
        description="Emails that failed for good (refused, an address the server cannot "
        "take, retries used up), newest first, with the reason stored on each.")
    failed.add_argument("--contact", metavar="EMAIL", help="only this contact's emails")
    failed.add_argument("--limit", type=int, default=50, metavar="N",
                        help="show at most N (default 50)")
    failed.set_defaults(handler=run_failed)
    for verb, text in (("requeue", "send it again (it did not arrive)"),
                       ("dismiss", "never send it (it arrived, or no longer matters)")):
        action = actions.add_parser(verb, help=text)
        action.add_argument("id", type=int, metavar="ID")
        action.set_defaults(handler=run_decide, verb=verb)


def run_list(args: argparse.Namespace) -> int:
    from engine.db import open_database
    from engine.delivery.claims import uncertain_messages

    database = open_database(args.db)
    try:
        with database.session() as session:
            messages = uncertain_messages(session)
    finally:
        database.dispose()
    if not messages:
        print("No uncertain emails.")
        return EXIT_OK
    for message in messages:
        print(f"{message.id:>8}  {message.queued_at:%Y-%m-%d %H:%M}  {message.to_address}  "
              f"{message.subject}")
    print(f"{len(messages)} uncertain: `outbox requeue ID` sends one again, "
          "`outbox dismiss ID` drops it.")
    return EXIT_OK


def run_failed(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from engine.contacts.emails import normalise_email
    from engine.db import open_database
    from engine.db.models import Message, MessageStatus
    from engine.errors import InputError

    query = (select(Message).where(Message.status.in_([MessageStatus.FAILED,
                                                       MessageStatus.BOUNCED]),
                                   Message.retry_at.is_(None))
             .order_by(Message.queued_at.desc(), Message.id.desc()).limit(max(args.limit, 1)))
    if args.contact:
        try:
            query = query.where(Message.to_address == normalise_email(args.contact))
        except InputError as error:
            print(f"trellis: error: --contact: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
    database = open_database(args.db)
    try:
        with database.session() as session:
            messages = list(session.scalars(query))
    finally:
        database.dispose()
    if not messages:
        print("No failed emails.")
        return EXIT_OK
    for message in messages:
        print(f"{message.id:>8}  {message.queued_at:%Y-%m-%d %H:%M}  {message.to_address}  "
              f"{message.status}: {message.last_error or '(no reason recorded)'}")
    return EXIT_OK


def run_decide(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.delivery.claims import dismiss, requeue
    from engine.errors import TrellisError

    database = open_database(args.db)
    try:
        with database.session() as session:
            if args.verb == "requeue":
                requeue(session, args.id, SystemClock().now())
            else:
                dismiss(session, args.id)
    except (LookupError, TrellisError) as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        database.dispose()
    print(f"Message {args.id}: {'queued to send again' if args.verb == 'requeue' else 'dismissed'}.")
    return EXIT_OK
