"""The command line: `python main.py [COMMAND]` (also installed as `trellis`).

Without a command it opens the desktop app. Every command has `--help`. Exit codes:
0 ok, 1 problems found (bad rows, invalid journeys, a read-only or full database or
disk — said in one line naming it), 2 usage errors (bad arguments,
missing files). Commands import only what they need, so the CLI starts fast and the
headless ones never load Qt.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command was called wrongly (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    # Imported here: the command modules import this module's exit codes and UsageError.
    from app.commands import COMMAND_MODULES

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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            if args.command:  # a group such as `contacts` without its sub-command
                parser.parse_args([*([] if argv is None else argv), "--help"])
            from app.gui import run_gui

            return run_gui(args.db)
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
