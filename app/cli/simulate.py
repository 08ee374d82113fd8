"""`simulate`: run journeys on a virtual clock for scripted contacts and events, and print
the timeline (who gets which email when, every hold, skip and exit with its reason).

Nothing is sent and the real database is not touched: the run happens in a throw-away one.
See docs/simulate.md for the input and output formats.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from app.cli.rule_words import parse_cap, parse_quiet, parse_zone


def register(commands) -> None:
    parser = commands.add_parser(
        "simulate", help="walk journeys through scripted events on a virtual clock",
        description="Run journeys (all published at --start, so cross-journey guards apply) "
        "for the contacts and events given, in a throw-away database, and print the timeline. "
        "Events before --start are history: they count but trigger nothing.")
    parser.add_argument("journeys", nargs="+", type=Path, metavar="JOURNEY.journey.json")
    parser.add_argument("--contacts", type=Path, required=True, metavar="CONTACTS.csv")
    parser.add_argument("--events", type=Path, metavar="EVENTS.jsonl")
    parser.add_argument("--products", type=Path, metavar="PRODUCTS.csv")
    parser.add_argument("--start", required=True, metavar="ISO8601",
                        help="when the journeys go live, e.g. 2026-03-02T09:00Z")
    parser.add_argument("--until", required=True, metavar="ISO8601|DURATION",
                        help="end of the simulation: a time, or a duration after --start (14d)")
    parser.add_argument("--frequency-cap", metavar="N/DURATION",
                        help="at most N marketing emails per contact per DURATION (2/7d), "
                        "or 'off'")
    parser.add_argument("--quiet-hours", metavar="HH:MM-HH:MM",
                        help="no marketing email in this window of the contact's day, or 'off'")
    parser.add_argument("--timezone", metavar="TZ",
                        help="timezone for contacts without one, and for the printed times")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--report", action="store_true",
                        help="after the timeline, each journey's results for the run (as "
                        "`report`; every email put in the outbox counts as sent and delivered)")
    parser.set_defaults(handler=run)


def _setup(args: argparse.Namespace):
    from engine.errors import InputError
    from engine.messaging.lint import lint_template
    from engine.clock import zone
    from engine.simulation.simulate import UNSET, SimulationSetup, parse_start, parse_until

    for path in [*args.journeys, args.contacts, args.events, args.products]:
        if path is not None and not path.is_file():
            raise UsageError(f"no such file: {path}")
    try:
        start = parse_start(args.start)
        until = parse_until(args.until, start)
    except InputError as error:
        raise UsageError(str(error)) from None
    cap = parse_cap(args.frequency_cap) if args.frequency_cap else UNSET
    quiet = parse_quiet(args.quiet_hours) if args.quiet_hours else UNSET
    display = zone(parse_zone(args.timezone)) if args.timezone else None
    setup = SimulationSetup(journeys=args.journeys, contacts=args.contacts, events=args.events,
                            products=args.products, start=start, until=until,
                            frequency_cap=cap, quiet_hours=quiet, default_timezone=args.timezone,
                            lint_template=lint_template, report=args.report)
    if display is not None:
        setup.display_zone = display
    return setup


def _human(line: dict) -> str:
    kind = line["kind"]
    extra = {
        "email": lambda: f'"{line.get("subject")}" to {line.get("to")}',
        "branch": lambda: f"→ {line.get('port')}",
        "hold": lambda: f"{line.get('reason')} until {line.get('until')}",
        "skip": lambda: str(line.get("reason")),
        "exit": lambda: str(line.get("reason")),
        "action": lambda: str(line.get("action")),
        "wait": lambda: f"until {line.get('until')}" if line.get("until") else f"for {line.get('for')}",
    }.get(kind, lambda: "")()
    return f"{line['at']}  {line['contact']:<28} {line['node']:<14} {kind:<6} {extra}".rstrip()


def run(args: argparse.Namespace) -> int:
    from engine.errors import InputError
    from engine.simulation.simulate import simulate

    setup = _setup(args)
    try:
        timeline = simulate(setup)
    except InputError as error:
        print(f"trellis: {error}")
        return EXIT_PROBLEMS
    from engine.analytics.report_output import report_text

    for line in timeline:
        if args.json:
            print(json.dumps(line, ensure_ascii=False))
        else:
            print(report_text(line) if line.get("report") else _human(line))
    return EXIT_OK
