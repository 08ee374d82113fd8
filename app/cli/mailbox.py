"""`mailbox set | show | test | read | off` and `deliverability`: the mailbox Trellis reads
(unsubscribe mails, bounces, complaints) and the DNS check of the sender's domain.

`mailbox set URL` saves the IMAP server, `imaps://USER@HOST[:993]`,
`imap+starttls://USER@HOST[:143]` or `imap://USER@HOST[:143]` (never the password:
`--password-from-stdin` puts it in the system keychain; without one set
TRELLIS_IMAP_PASSWORD for `main.py run`). `test` connects and says what it found; `read`
reads the mailbox once now (what `run` and the app do continuously); `off` forgets it.
`deliverability [--domain D]` checks SPF, DKIM and DMARC (default: the sender's domain).
Exit codes: 0 done, 1 the server refused or could not be reached / the domain has
problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import unquote, urlsplit

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError

SCHEMES = {"imaps": "tls", "imap+starttls": "starttls", "imap": "none"}


def register(commands) -> None:
    group = commands.add_parser("mailbox", help="the mailbox Trellis reads for unsubscribes, "
                                "bounces and spam complaints (IMAP)",
                                description="The IMAP mailbox Trellis reads.")
    actions = group.add_subparsers(dest="mailbox_action", metavar="ACTION")
    setting = actions.add_parser("set", help="save the IMAP server (URL)")
    setting.add_argument("url", metavar="URL", help="imaps://USER@HOST[:993], "
                         "imap+starttls://USER@HOST[:143] or imap://USER@HOST[:143]")
    setting.add_argument("--address", help="the address unsubscribe mails go to (default: the "
                         "sender address)")
    setting.add_argument("--folder", default="INBOX", help="the folder to read (default INBOX)")
    setting.add_argument("--done-folder", default="Trellis/Handled",
                         help="where handled mail moves (default Trellis/Handled)")
    setting.add_argument("--plain-replies", action="store_true",
                         help="a reply saying \"unsubscribe\" from a contact's own address "
                         "unsubscribes them")
    setting.add_argument("--password-from-stdin", action="store_true",
                         help="read the password from standard input into the system keychain")
    setting.set_defaults(handler=run_set)
    actions.add_parser("show", help="show the saved mailbox").set_defaults(handler=run_show)
    actions.add_parser("test", help="connect and log in").set_defaults(handler=run_test)
    actions.add_parser("read", help="read the mailbox once now").set_defaults(handler=run_read)
    actions.add_parser("off", help="stop reading a mailbox").set_defaults(handler=run_off)

    check = commands.add_parser("deliverability", help="check SPF, DKIM and DMARC of the "
                                "sender's domain", description="Ask DNS whether the sending "
                                "domain is set up for deliverability, and say how to fix it.")
    check.add_argument("--domain", help="the domain to check (default: the sender address's)")
    check.add_argument("--selector", action="append", default=[],
                       help="a DKIM selector to look for (as many as needed)")
    check.set_defaults(handler=run_deliverability)


def parse_imap_url(url: str):
    from pydantic import ValidationError

    from engine.mailbox.settings import DEFAULT_PORTS, MailboxSettings

    parts = urlsplit(url.strip())
    security = SCHEMES.get(parts.scheme.lower())
    if security is None or not parts.hostname or not parts.username:
        raise UsageError(f"{url!r} is not an IMAP URL; write it like imaps://user@imap.example.com")
    try:
        port = parts.port or DEFAULT_PORTS[security]
        return MailboxSettings(host=parts.hostname, port=port, security=security,
                               username=unquote(parts.username))
    except (ValueError, ValidationError) as error:
        raise UsageError(f"{url!r}: {error}") from None


def _open(args):
    from engine.db import open_database

    return open_database(args.db)


def _stored(database):
    from engine.mailbox.setup import MailboxSetup

    settings, _ = MailboxSetup(database).load()
    if settings is None:
        raise UsageError("no mailbox is saved: `mailbox set URL` first")
    return settings


def run_set(args: argparse.Namespace) -> int:
    from engine.credentials.keychain import NoKeychain
    from engine.mailbox.setup import MailboxSetup

    settings = parse_imap_url(args.url).model_copy(update={
        "address": args.address, "folder": args.folder, "done_folder": args.done_folder,
        "accept_plain_replies": args.plain_replies})
    password = sys.stdin.readline().rstrip("\r\n") if args.password_from_stdin else None
    database = _open(args)
    try:
        MailboxSetup(database).save(settings, password)
    except NoKeychain as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        database.dispose()
    print(f"Saved: {settings.describe()}")
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    from engine.mailbox.setup import MailboxSetup

    database = _open(args)
    try:
        settings, has_password = MailboxSetup(database).load()
    finally:
        database.dispose()
    if settings is None:
        print("No mailbox saved: unsubscribe mails, bounces and complaints are not read.")
        return EXIT_OK
    print(f"{settings.describe()}  folder: {settings.folder} → {settings.done_folder}  "
          f"password: {'found' if has_password else 'missing'}  plain replies: "
          f"{'yes' if settings.accept_plain_replies else 'no'}")
    return EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    from engine.mailbox.reader import MailboxError
    from engine.mailbox.setup import MailboxSetup

    database = _open(args)
    try:
        setup = MailboxSetup(database)
        print(setup.test(_stored(database)))
    except MailboxError as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        database.dispose()
    return EXIT_OK


def run_read(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.mailbox.reader import MailboxError, MailboxReader
    from engine.mailbox.settings import mailbox_password

    database = _open(args)
    try:
        settings = _stored(database)
        reader = MailboxReader(database, SystemClock(), settings, mailbox_password(settings))
        client = reader.connect()
        try:
            report = reader.read_once(client)
        finally:
            client.logout()
    except MailboxError as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        database.dispose()
    kinds = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(report.outcomes.items()))
    print(f"{report.read} new mail(s){': ' + kinds if kinds else ''}; {report.events} event(s) "
          f"recorded, {report.moved} moved to {settings.done_folder}")
    return EXIT_OK


def run_off(args: argparse.Namespace) -> int:
    from engine.mailbox.setup import MailboxSetup

    database = _open(args)
    try:
        MailboxSetup(database).clear()
    finally:
        database.dispose()
    print("The mailbox is no longer read.")
    return EXIT_OK


def run_deliverability(args: argparse.Namespace) -> int:
    from engine.delivery.deliverability import check_domain
    from engine.delivery.dkim_sign import load_dkim_settings
    from engine.settings import load_settings

    database = _open(args)
    try:
        with database.session() as session:
            domain = args.domain or load_settings(session).sender_email.rpartition("@")[2]
            dkim = load_dkim_settings(session)
    finally:
        database.dispose()
    selectors = tuple(args.selector) + ((dkim.selector,) if dkim else ())
    report = check_domain(domain, selectors=selectors)
    print(report.words())
    return EXIT_OK if all(f.status != "problem" for f in report.findings) else EXIT_PROBLEMS
