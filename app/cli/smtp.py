"""`smtp set | show | test | send-test`: the server delivery sends email through.

`set URL` saves the server (never the password: `--password-from-stdin` puts it in the
system keychain; without a keychain set TRELLIS_SMTP_PASSWORD for `main.py run`). `test`
connects, logs in and says what it found. `send-test` renders a template for a chosen
contact and sends it to you, outside any journey. Exit codes: 0 done, 1 the server
refused or could not be reached (or the template failed), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(commands) -> None:
    group = commands.add_parser("smtp", help="set, show and test the SMTP server for email",
                                description="The SMTP server Trellis delivers email through.")
    actions = group.add_subparsers(dest="smtp_action", metavar="ACTION")

    setting = actions.add_parser("set", help="save the SMTP server (URL)")
    setting.add_argument("url", metavar="URL", help="smtp://HOST:PORT, smtp+starttls://USER@HOST:587 "
                         "or smtps://USER@HOST:465")
    setting.add_argument("--connections", type=int, metavar="N", help="parallel connections")
    setting.add_argument("--rate", type=float, metavar="PER_SECOND", help="emails per second at most")
    setting.add_argument("--ca-file", metavar="PEM", help="trust these CA certificates (private servers)")
    setting.add_argument("--password-from-stdin", action="store_true",
                         help="read the password from standard input into the system keychain")
    setting.set_defaults(handler=run_set)

    showing = actions.add_parser("show", help="show the saved SMTP server")
    showing.set_defaults(handler=run_show)

    testing = actions.add_parser("test", help="connect and log in to the SMTP server")
    testing.add_argument("url", nargs="?", metavar="URL", help="a server to try (default: the saved one)")
    testing.set_defaults(handler=run_test)

    trial = actions.add_parser(
        "send-test", help="send a template rendered for a contact to yourself",
        description="Render a template as the journey would for one contact and send it to "
        "you (default: the sender address in Settings), marked as a test.")
    trial.add_argument("--journey", metavar="NAME_OR_ID",
                       help="take the template from this journey's draft (default: the "
                       "template library)")
    trial.add_argument("--template", required=True, metavar="KEY")
    trial.add_argument("--contact", required=True, metavar="EMAIL", help="whose data to render")
    trial.add_argument("--to", metavar="EMAIL", help="where to send it")
    trial.add_argument("--smtp", metavar="URL", help="a server to use (default: the saved one)")
    trial.add_argument("--public-url", default=None, metavar="URL",
                       help="base URL for tracked links and the web unsubscribe page (default: "
                       "none, as readers get the email while tracking is off: links as written "
                       "and a mailto unsubscribe)")
    trial.set_defaults(handler=run_send_test)


def _server(database, url: str | None):
    from engine.delivery.password import smtp_password
    from engine.delivery.smtp_settings import SmtpUrlError, load_smtp_settings, parse_smtp_url

    if url:
        try:
            settings, password = parse_smtp_url(url)
        except SmtpUrlError as error:
            raise UsageError(str(error)) from None
    else:
        with database.session() as session:
            settings = load_smtp_settings(session)
        if settings is None:
            raise UsageError("no SMTP server is saved: give a URL, or `smtp set URL` first")
        password = None
    return settings, password or smtp_password(settings)


def run_set(args: argparse.Namespace) -> int:
    from engine.db import open_database
    from engine.delivery.password import store_smtp_password
    from engine.credentials.keychain import NoKeychain
    from engine.delivery.smtp_settings import SmtpUrlError, parse_smtp_url, save_smtp_settings

    try:
        settings, in_url = parse_smtp_url(args.url)
    except SmtpUrlError as error:
        raise UsageError(str(error)) from None
    changes = {key: value for key, value in (("connections", args.connections),
               ("rate_per_second", args.rate), ("ca_file", args.ca_file)) if value is not None}
    settings = settings.model_validate(settings.model_dump() | changes)
    if in_url is not None:
        print("trellis: the password in the URL is not saved; use --password-from-stdin",
              file=sys.stderr)
    if args.password_from_stdin:
        try:
            store_smtp_password(settings, sys.stdin.readline().rstrip("\r\n"))
        except NoKeychain as error:
            print(f"trellis: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
    database = open_database(args.db)
    try:
        with database.session() as session:
            save_smtp_settings(session, settings)
    finally:
        database.dispose()
    print(f"Saved: {settings.url()}")
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    from engine.db import open_database
    from engine.delivery.smtp_settings import load_smtp_settings

    database = open_database(args.db)
    try:
        with database.session() as session:
            settings = load_smtp_settings(session)
    finally:
        database.dispose()
    if settings is None:
        print("No SMTP server saved.")
        return EXIT_OK
    rate = f"{settings.rate_per_second:g}/s" if settings.rate_per_second else "no limit"
    print(f"{settings.url()}  connections: {settings.connections}  rate: {rate}")
    return EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    from engine.db import open_database
    from engine.delivery.transport import DeliveryError, test_connection

    database = open_database(args.db)
    try:
        settings, password = _server(database, args.url)
    finally:
        database.dispose()
    try:
        print(test_connection(settings, password))
    except DeliveryError as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _template(database, journey: str | None, key: str):
    from sqlalchemy import select

    from engine.db.models import Template
    from engine.journey.data import EmailTemplate, JourneyData
    from engine.journey.store import find_journey

    with database.session() as session:
        if journey:
            try:
                row = find_journey(session, journey)
            except LookupError as error:
                raise UsageError(str(error)) from None
            document = JourneyData.model_validate(row.draft)
            found = next((t for t in document.templates if t.key == key), None)
        else:
            stored = session.scalar(select(Template).where(Template.key == key))
            found = stored and EmailTemplate(
                key=stored.key, name=stored.name, subject=stored.subject,
                preheader=stored.preheader, from_name=stored.from_name, body=stored.body,
                format=stored.body_format, layout=stored.layout, text=stored.text_override)
    if found is None:
        where = f"journey {journey!r}" if journey else "the template library"
        raise UsageError(f"there is no template {key!r} in {where}")
    return found


def run_send_test(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.delivery.transport import DeliveryError
    from engine.delivery.trial_send import send_test
    from engine.templating.templates import RenderError

    database = open_database(args.db)
    try:
        settings, password = _server(database, args.smtp)
        template = _template(database, args.journey, args.template)
        try:
            sent = send_test(database, SystemClock(), settings, template, args.contact,
                             to=args.to, password=password, public_url=args.public_url)
        except LookupError as error:
            raise UsageError(str(error)) from None
        except (RenderError, DeliveryError) as error:
            print(f"trellis: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
    finally:
        database.dispose()
    print(f"Sent “{sent.subject}” to {sent.to}")
    return EXIT_OK
