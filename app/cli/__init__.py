"""The command line: `python main.py [COMMAND]` (also installed as `trellis`).

Without a command it opens the desktop app: `python main.py [--hidden] [FILE.journey.json…]`
opens (or, when a Trellis already runs on the database, hands over to) the app and imports
the journey files; `--hidden` starts in the tray (login start). Every command has `--help`.
Exit codes: 0 ok, 1 problems found (bad rows, invalid journeys, a read-only or full
database or disk — said in one line naming it), 2 usage errors (bad arguments,
missing files). Commands import only what they need, so the CLI starts fast and the
headless ones never load Qt.

This package is the CLI: this module is the front (parser, dispatch, `main`, the exit
codes and `UsageError` every command uses); each command group is one module beside it
(`app/cli/journeys.py`, ...) with `register(subparsers)` and handlers that return an exit
code, listed in `command_modules()`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType
from typing import Sequence


EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


#: engine.journey.file_format.SUFFIX, not imported from there: that module takes a second to load
SUFFIX = ".journey.json"


class UsageError(Exception):
    """A command was called wrongly (exit code 2)."""


def command_modules() -> list[ModuleType]:
    """The command groups, in the order `--help` shows them.

    The list is explicit (no discovery by import side effects). Imported at call time, not
    with this module: the command modules import this module's exit codes and UsageError.
    """
    from app.cli import (
        api_key, audiences, brand, contacts, coupons, demo, events, journeys, links, mailbox,
        outbox, products, report, rules, run, screenshot, segments, simulate, smtp, validate,
    )

    return [
        validate, journeys, contacts, segments, events, products, audiences, coupons, brand,
        rules, run, api_key, links, smtp, mailbox, outbox, report,
        simulate, demo, screenshot,
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trellis",
        description="Trellis: customer journeys for small businesses. "
        "Run without a command to open the app.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $TRELLIS_DB, else an SQLite file in the user data folder)",
    )
    parser.add_argument(
        "--hidden", action="store_true",
        help="start in the tray / menu bar without showing the window (used at login)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(commands)
    return parser


def split_journey_files(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(journey files, the other arguments): the files named before any command."""
    files, rest, index = [], [], 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--db" and index + 1 < len(argv):  # its value is never a journey file
            rest += argv[index:index + 2]
            index += 2
            continue
        if not arg.startswith("-") and not arg.endswith(SUFFIX):
            return files, rest + list(argv[index:])  # a command: the rest is its own
        (files if arg.endswith(SUFFIX) and not arg.startswith("-") else rest).append(arg)
        index += 1
    return files, rest


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    files, rest = split_journey_files(sys.argv[1:] if argv is None else list(argv))
    args = parser.parse_args(rest)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            if args.command:  # a group such as `contacts` without its sub-command
                parser.parse_args([*rest, "--help"])
            missing = [f for f in files if not Path(f).expanduser().is_file()]
            if missing:
                raise UsageError(f"no such journey file: {missing[0]}")
            from app.gui import run_gui

            return run_gui(args.db, files=files, hidden=args.hidden)
        return handler(args)
    except UsageError as exc:
        print(f"trellis: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A read-only or full database or disk: one line naming it and the cause, never a
        # traceback that prints SQL and row data. Anything else is a bug and shows as one.
        from engine.db.failures import describe

        message = describe(exc, args.db)
        if message is None:
            raise
        print(f"trellis: error: {message}", file=sys.stderr)
        return EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
