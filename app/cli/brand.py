"""`brand show [--json]` / `brand set FIELD=VALUE…` / `brand reset`: the brand kit.

The brand kit (engine/blocks/brand.py) draws every block email: logo, colours, font,
button shape, footer address. `set` checks every change before it writes any (exit 1
naming the field: "button_color: String should match pattern…"); a change shows in every
block email at once. Exit codes: 0 done, 1 a bad value, 2 a malformed argument.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(commands) -> None:
    parser = commands.add_parser("brand", help="show or change the brand kit of block emails",
                                 description="The logo, colours, font, button shape and "
                                 "footer address every block email is drawn with.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    show = verbs.add_parser("show", help="print the brand kit")
    show.add_argument("--json", action="store_true", help="as one JSON object")
    show.set_defaults(handler=run_show)
    change = verbs.add_parser("set", help="change fields: FIELD=VALUE … (e.g. button_color=#0f766e)")
    change.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    change.set_defaults(handler=run_set)
    reset = verbs.add_parser("reset", help="back to the default brand kit")
    reset.set_defaults(handler=run_reset)


def _kit_lines(kit) -> str:
    width = max(len(name) for name in type(kit).model_fields)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in kit.model_dump().items())


def run_show(args: argparse.Namespace) -> int:
    from engine.db import open_database
    from engine.settings import load_settings

    database = open_database(args.db)
    try:
        with database.session() as session:
            kit = load_settings(session).brand
    finally:
        database.dispose()
    print(json.dumps(kit.model_dump()) if args.json else _kit_lines(kit))
    return EXIT_OK


def run_set(args: argparse.Namespace) -> int:
    changes = {}
    for item in args.changes:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"'{item}' is not FIELD=VALUE")
        changes[name.strip()] = int(value) if name.strip() == "logo_width" and value.isdigit() else value
    return _store(args, lambda kit: _changed(kit, changes))


def run_reset(args: argparse.Namespace) -> int:
    from engine.blocks.brand import BrandKit

    return _store(args, lambda kit: BrandKit())


def _changed(kit, changes):
    from engine.blocks.brand import with_changes

    return with_changes(kit, changes)


def _store(args: argparse.Namespace, change) -> int:
    from engine.db import open_database
    from engine.errors import InputError
    from engine.settings import load_settings, save_settings

    database = open_database(args.db)
    try:
        with database.session() as session:
            settings = load_settings(session)
            try:
                kit = change(settings.brand)
            except InputError as exc:
                print(f"trellis: {exc}", file=sys.stderr)
                return EXIT_PROBLEMS
            save_settings(session, settings.model_copy(update={"brand": kit}))
    finally:
        database.dispose()
    print(_kit_lines(kit))
    from engine.blocks.checks import check_brand

    for problem in check_brand(kit):
        print(f"trellis: warning: {problem.message}", file=sys.stderr)
    return EXIT_OK
