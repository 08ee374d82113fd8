"""`rules show [--json]` / `rules set …`: the guards every journey obeys (Settings ▸
Sending rules in the app).

`set` takes any of `--frequency-cap N/DURATION|off`, `--quiet-hours HH:MM-HH:MM|off`,
`--timezone ZONE` (for contacts without one), `--consent-required yes|no` and
`--late-after MINUTES` (work due longer ago counts as overdue). Every value is checked
before any is written: one bad value writes nothing. The running engine applies the rules
from its next step. Exit codes: 0 done, 1 a rule refused, 2 a malformed argument.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from app.cli.rule_words import parse_cap, parse_quiet, parse_zone

RULES = ("frequency_cap", "quiet_hours", "default_timezone", "consent_required",
         "catch_up_grace_minutes")
#: a refused value is named by the option that set it
FLAGS = {"frequency_cap": "--frequency-cap", "quiet_hours": "--quiet-hours",
         "default_timezone": "--timezone", "consent_required": "--consent-required",
         "catch_up_grace_minutes": "--late-after"}
YES_NO = {"yes": True, "no": False, "on": True, "off": False, "true": True, "false": False}


def register(commands) -> None:
    parser = commands.add_parser(
        "rules", help="show or change the sending rules of all journeys (cap, quiet hours…)",
        description="The guards every journey obeys: frequency cap, quiet hours, the time "
        "zone for contacts without one, consent, and when a step counts as late.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    show = verbs.add_parser("show", help="print the rules")
    show.add_argument("--json", action="store_true", help="as one JSON object")
    show.set_defaults(handler=run_show)
    change = verbs.add_parser("set", help="change rules (only those given)")
    change.add_argument("--frequency-cap", metavar="N/DURATION",
                        help="at most N marketing emails per contact per DURATION (2/7d), or off")
    change.add_argument("--quiet-hours", metavar="HH:MM-HH:MM",
                        help="no marketing email in this window of the contact's day, or off")
    change.add_argument("--timezone", metavar="ZONE",
                        help="time zone for contacts without one (Europe/Paris)")
    change.add_argument("--consent-required", metavar="yes|no",
                        help="yes: marketing email only to contacts with a recorded consent")
    change.add_argument("--late-after", metavar="MINUTES", type=int,
                        help="work due longer ago than this counts as overdue (1–10080)")
    change.set_defaults(handler=run_set)


def run_show(args: argparse.Namespace) -> int:
    from engine.db import open_database
    from engine.settings import load_settings

    database = open_database(args.db)
    try:
        with database.session() as session:
            settings = load_settings(session)
    finally:
        database.dispose()
    print(json.dumps(settings.model_dump(mode="json", include=set(RULES))) if args.json
          else _lines(settings))
    return EXIT_OK


def run_set(args: argparse.Namespace) -> int:
    changes = _changes(args)
    if not changes:
        raise UsageError("nothing to change: give at least one of --frequency-cap, "
                         "--quiet-hours, --timezone, --consent-required, --late-after")
    from pydantic import ValidationError

    from engine.db import open_database
    from engine.errors import validation_words
    from engine.settings import AppSettings, load_settings, save_settings

    database = open_database(args.db)
    try:
        with database.session() as session:
            current = load_settings(session).model_dump()
            try:
                settings = AppSettings.model_validate({**current, **changes})
            except ValidationError as error:
                print(f"trellis: not saved: {validation_words(error, labels=FLAGS)}", file=sys.stderr)
                return EXIT_PROBLEMS
            save_settings(session, settings)
    finally:
        database.dispose()
    print(_lines(settings))
    return EXIT_OK


def _changes(args: argparse.Namespace) -> dict:
    changes = {}
    if args.frequency_cap is not None:
        changes["frequency_cap"] = parse_cap(args.frequency_cap)
    if args.quiet_hours is not None:
        changes["quiet_hours"] = parse_quiet(args.quiet_hours)
    if args.timezone is not None:
        changes["default_timezone"] = parse_zone(args.timezone)
    if args.consent_required is not None:
        answer = YES_NO.get(args.consent_required.strip().lower())
        if answer is None:
            raise UsageError(f"--consent-required takes yes or no (not {args.consent_required!r})")
        changes["consent_required"] = answer
    if args.late_after is not None:
        changes["catch_up_grace_minutes"] = args.late_after
    return changes


def _lines(settings) -> str:
    cap, quiet = settings.frequency_cap, settings.quiet_hours
    rows = [
        ("frequency cap", f"at most {cap.count} marketing emails per {cap.within}" if cap
         else "off"),
        ("quiet hours", f"{quiet.start}–{quiet.end}, in the contact's time zone" if quiet
         else "off"),
        ("time zone", f"{settings.default_timezone} (contacts without one)"),
        ("consent", "required for marketing email" if settings.consent_required
         else "only a withdrawn consent stops marketing email"),
        ("late after", f"{settings.catch_up_grace_minutes} minutes"),
    ]
    return "\n".join(f"{name.ljust(13)}  {value}" for name, value in rows)
