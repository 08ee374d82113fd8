"""`validate FILE...`: check journey files and print every problem with where it is.

Exit 0 when no file has errors (warnings are printed but pass), 1 when any has, 2 when a
file does not exist.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(commands) -> None:
    parser = commands.add_parser(
        "validate",
        help="check .journey.json files",
        description="Check journey files: the JSON, the node types and settings, the wiring, "
        "and everything that would block publishing. Prints each problem with where it is.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.journey.file_format import read_journey_file
    from engine.messaging.lint import lint_template

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        raise UsageError("no such file: " + ", ".join(missing))
    failed = False
    for path in args.files:
        result = read_journey_file(path, lint_template=lint_template)
        errors = [p for p in result.problems if p.severity == "error"]
        for problem in result.problems:
            print(f"{path}: {problem}")
        if errors:
            failed = True
            print(f"{path}: {len(errors)} error(s); it cannot be published as it is")
        else:
            steps = len(result.journey.node_ids()) if result.journey else 0
            warnings = len(result.problems)
            note = f", {warnings} warning(s)" if warnings else ""
            print(f"{path}: ok ({steps} steps{note})")
    return EXIT_PROBLEMS if failed else EXIT_OK
