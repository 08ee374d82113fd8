"""`journeys list | import | export | publish | promote | rollback | widen | pause | resume`:
journeys in the database.

Importing keeps the file's journey as a draft (an unfinished journey may be imported; its
problems are listed so they can be fixed before publishing). A file that cannot be read
as a journey at all is refused and nothing is written. `publish --canary P` releases the
draft to P % of new entrants beside the live version (engine/runtime/canary.py); `promote`
and `rollback` end the canary; `publish --only CONDITION` and `widen` set and remove the
guard on entry ("these contacts only, for now").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(commands) -> None:
    parser = commands.add_parser("journeys", help="list, import, export, publish, pause and resume journeys",
                                 description="Manage the journeys stored in the database.")
    sub = parser.add_subparsers(dest="journeys_command", metavar="ACTION")

    listing = sub.add_parser("list", help="list journeys with status and active contacts")
    listing.set_defaults(handler=run_list)

    importing = sub.add_parser("import", help="import a .journey.json file as a draft")
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument("--replace", action="store_true",
                           help="overwrite the draft of a journey with the same name")
    importing.set_defaults(handler=run_import)

    exporting = sub.add_parser("export", help="write a journey's draft as .journey.json")
    exporting.add_argument("journey", metavar="NAME_OR_ID")
    exporting.add_argument("-o", "--output", type=Path, metavar="FILE",
                           help="file to write (default: standard output)")
    exporting.set_defaults(handler=run_export)

    publishing = sub.add_parser(
        "publish", help="validate the draft and make it the live version",
        description="Validate the draft (errors refuse publishing) and freeze it as the next "
        "version. Contacts in flight stay on their version unless --move is given.")
    publishing.add_argument("journey", metavar="NAME_OR_ID")
    publishing.add_argument(
        "--move", nargs="?", const="", default=None, metavar="OLD=NEW,...",
        help="move contacts in flight to the new version; steps keep their ids unless mapped "
        "here (e.g. --move reminder=reminder2)")
    publishing.add_argument("--fallback", metavar="STEP",
                            help="with --move: where contacts go whose step no longer exists "
                            "(default: they leave the journey)")
    publishing.add_argument(
        "--canary", type=int, metavar="PERCENT",
        help="release the new version to PERCENT %% (1-50) of new entrants first; the rest "
        "keep entering the live version (end it with promote or rollback)")
    publishing.add_argument(
        "--only", metavar="CONDITION",
        help="from now on only contacts matching this condition enter (JSON as in "
        "docs/journey-format.md, or @FILE); remove it with `journeys widen`")
    publishing.set_defaults(handler=run_publish)

    for verb, text in (("promote", "make the canary the live version for every new entrant"),
                       ("rollback", "stop the canary: new entrants go to the live version")):
        command = sub.add_parser(verb, help=text)
        command.add_argument("journey", metavar="NAME_OR_ID")
        command.add_argument(
            "--move", nargs="?", const="", default=None, metavar="OLD=NEW,...",
            help="move the contacts on the other version along (steps keep their ids unless "
            "mapped here); default: they finish on the version they are on")
        command.add_argument("--fallback", metavar="STEP",
                             help="with --move: where contacts go whose step does not exist "
                             "there (default: they leave the journey)")
        command.set_defaults(handler=run_promote if verb == "promote" else run_rollback)

    widening = sub.add_parser("widen", help="remove the guard on entry: everyone may enter")
    widening.add_argument("journey", metavar="NAME_OR_ID")
    widening.set_defaults(handler=run_widen)

    for verb, text in (("pause", "hold every contact where it is"),
                       ("resume", "continue a paused journey")):
        command = sub.add_parser(verb, help=text)
        command.add_argument("journey", metavar="NAME_OR_ID")
        command.set_defaults(handler=run_pause if verb == "pause" else run_resume)


def _open(args):
    from engine.db import open_database

    return open_database(args.db)


def run_list(args: argparse.Namespace) -> int:
    from engine.journey.store import list_journeys

    database = _open(args)
    with database.session() as session:
        journeys = list_journeys(session)
    if not journeys:
        print("No journeys yet. Import one with: trellis journeys import FILE")
        return EXIT_OK
    width = max(len("NAME"), *(len(j.name) for j in journeys))  # names whole, never cut
    print(f"{'ID':>4}  {'NAME':<{width}} {'STATUS':<8} {'VERSION':>7} {'ACTIVE':>7}  LAST EDIT")
    for j in journeys:
        version = f"v{j.live_version}" if j.live_version else "-"
        print(f"{j.id:>4}  {j.name:<{width}} {j.status:<8} {version:>7} {j.active_contacts:>7}  "
              f"{j.updated_at:%Y-%m-%d %H:%M}")
    for line in _release_lines(database) + _experiment_lines(database):
        print(line)
    return EXIT_OK


def _experiment_lines(database) -> list[str]:
    """Guardrail pauses and called A/B winners, one line each, under the list."""
    from sqlalchemy import select

    from engine.db.models import ExperimentResult, JourneyGuardrail, JourneyRow, JourneyStatus

    lines = []
    with database.session() as session:
        for name, reason in session.execute(
                select(JourneyRow.name, JourneyGuardrail.reason)
                .join(JourneyGuardrail, JourneyGuardrail.journey_id == JourneyRow.id)
                .where(JourneyGuardrail.resumed_at.is_(None),
                       JourneyRow.status == JourneyStatus.PAUSED).order_by(JourneyRow.name)):
            lines.append(f"{name}: paused by a guardrail: {reason} "
                         f"(trellis journeys resume {name!r})")
        for name, step, winner, at in session.execute(
                select(JourneyRow.name, ExperimentResult.node_id, ExperimentResult.winner,
                       ExperimentResult.decided_at)
                .join(ExperimentResult, ExperimentResult.journey_id == JourneyRow.id)
                .where(ExperimentResult.winner.is_not(None))
                .order_by(JourneyRow.name, ExperimentResult.node_id)):
            lines.append(f"{name}: the A/B test at {step!r} was won by {winner!r} "
                         f"({at:%Y-%m-%d %H:%M} UTC)")
    return lines


def _release_lines(database) -> list[str]:
    """Canaries running and guards on entry, one line each, under the list."""
    from sqlalchemy import select

    from engine.db.models import JourneyRelease, JourneyRow
    from engine.runtime.release import release_state

    lines = []
    with database.session() as session:
        for journey_id, name in session.execute(
                select(JourneyRow.id, JourneyRow.name)
                .join(JourneyRelease, JourneyRelease.journey_id == JourneyRow.id)
                .order_by(JourneyRow.name)):
            state = release_state(session, journey_id)
            if state.canary_running:
                lines.append(f"{name}: version {state.canary_version} is a canary for "
                             f"{state.canary_percent} % of new entrants "
                             f"({state.canary_figures.words()}; version {state.live_version}: "
                             f"{state.live_figures.words()})")
            if state.guard_words:
                lines.append(f"{name}: only contacts matching {state.guard_words} enter, for now")
    return lines


def run_import(args: argparse.Namespace) -> int:
    from engine.clock import SystemClock
    from engine.journey.file_format import read_journey_file
    from engine.journey.store import save_draft

    if not args.file.is_file():
        raise UsageError(f"no such file: {args.file}")
    result = read_journey_file(args.file)
    for problem in result.problems:
        print(f"{args.file}: {problem}")
    if result.document is None or result.journey is None:
        print(f"{args.file}: not imported (nothing was written)", file=sys.stderr)
        return EXIT_PROBLEMS
    database = _open(args)
    try:
        with database.session() as session:
            row = save_draft(session, result.document, now=SystemClock().now(), replace=args.replace)
            journey_id = row.id
    except ValueError as error:
        raise UsageError(f"{error}; use --replace to overwrite its draft") from None
    print(f"Imported {result.document.name!r} as draft (id {journey_id}, "
          f"{len(result.document.nodes)} steps).")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from engine.journey.file_format import dump_document, write_journey_file
    from engine.journey.store import draft_document, find_journey

    database = _open(args)
    with database.session() as session:
        try:
            document = draft_document(find_journey(session, args.journey))
        except LookupError as error:
            raise UsageError(str(error)) from None
    if args.output:
        write_journey_file(document, args.output)
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(dump_document(document))
    return EXIT_OK


def _parse_moves(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    moves = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise UsageError(f"--move takes OLD=NEW pairs separated by commas, not {pair!r}")
        moves[old.strip()] = new.strip()
    return moves


def _engine(args):
    from engine.clock import SystemClock
    from engine.runtime.engine import Engine

    return Engine(_open(args), SystemClock())


def run_publish(args: argparse.Namespace) -> int:
    from engine.errors import TrellisError
    from engine.messaging.lint import linter_for
    from engine.runtime.publish import PublishRefused

    moves = _parse_moves(args.move)
    guard = _parse_guard(args.only)
    if args.canary is not None and not 1 <= args.canary <= 50:
        raise UsageError(f"--canary takes a percent from 1 to 50, not {args.canary}")
    blockers = _publish_blockers(args)
    if blockers:
        for text in blockers:
            print(f"error: {text}")
        print("Not published: fix the errors above first.", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        engine = _engine(args)
        # with the custom fields contacts have: a field none has blocks publishing
        number = engine.publish(args.journey, lint_template=linter_for(engine.database),
                                move=moves, fallback=args.fallback, canary=args.canary,
                                entry_guard=guard)
    except PublishRefused as refused:
        for problem in refused.problems:
            print(problem)
        print("Not published: fix the errors above first.", file=sys.stderr)
        return EXIT_PROBLEMS
    except LookupError as error:
        raise UsageError(str(error)) from None
    except TrellisError as error:  # as pause and resume: the journey's state says no
        print(f"trellis: {error}", file=sys.stderr)
        print("Not published.", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.canary is not None:
        print(f"Published {args.journey!r} as version {number}, a canary for {args.canary} % "
              "of new entrants.")
    else:
        print(f"Published {args.journey!r} as version {number}.")
    if guard is not None:
        print("Only contacts matching the condition enter from now on "
              "(`journeys widen` lets everyone in).")
    return EXIT_OK


def _parse_guard(text: str | None):
    """--only: JSON text, or @FILE holding it; the engine checks the condition itself."""
    if text is None:
        return None
    import json

    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise UsageError(f"--only: no such file: {path}")
        text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(f"--only takes a condition as JSON: {error}") from None
    if not isinstance(data, dict):
        raise UsageError('--only takes a condition object: {"match": "all", "rules": [...]}')
    return data


def _canary_end(args: argparse.Namespace, verb: str) -> int:
    from engine.errors import TrellisError

    moves = _parse_moves(args.move)
    try:
        engine = _engine(args)
        if verb == "promote":
            number = engine.promote(args.journey, move=moves, fallback=args.fallback)
        else:
            number = engine.rollback_canary(args.journey, "manual", move=moves,
                                            fallback=args.fallback)
    except LookupError as error:
        raise UsageError(str(error)) from None
    except TrellisError as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    if verb == "promote":
        print(f"Version {number} of {args.journey!r} is live for every new entrant.")
    else:
        where = "moved to the live version" if moves is not None else "finish on it"
        print(f"Canary version {number} of {args.journey!r} rolled back: new entrants go to "
              f"the live version; its contacts {where}.")
    return EXIT_OK


def run_promote(args: argparse.Namespace) -> int:
    return _canary_end(args, "promote")


def run_rollback(args: argparse.Namespace) -> int:
    return _canary_end(args, "rollback")


def run_widen(args: argparse.Namespace) -> int:
    try:
        _engine(args).set_entry_guard(args.journey, None)
    except LookupError as error:
        raise UsageError(str(error)) from None
    print(f"Everyone who matches the trigger of {args.journey!r} may enter again.")
    return EXIT_OK


def _publish_blockers(args: argparse.Namespace) -> list[str]:
    """What refuses publishing besides validation: a missing postal address for marketing
    email. Example sender or postal addresses are only flagged in the app, never here."""
    from engine.db import open_database
    from engine.journey.data import JourneyData
    from engine.journey.store import find_journey
    from engine.runtime.publish_preview import publish_blockers

    database = open_database(args.db)
    try:
        with database.session() as session:
            try:
                row = find_journey(session, args.journey)
            except LookupError:
                return []  # the publish itself says so, as before
            return publish_blockers(session, JourneyData.model_validate(row.draft))
    finally:
        database.dispose()


def _lifecycle(args: argparse.Namespace, verb: str) -> int:
    from engine.errors import TrellisError

    try:
        getattr(_engine(args), verb)(args.journey)
    except LookupError as error:
        raise UsageError(str(error)) from None
    except TrellisError as error:
        print(f"trellis: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{args.journey!r} {'paused' if verb == 'pause' else 'resumed'}.")
    return EXIT_OK


def run_pause(args: argparse.Namespace) -> int:
    return _lifecycle(args, "pause")


def run_resume(args: argparse.Namespace) -> int:
    return _lifecycle(args, "resume")
