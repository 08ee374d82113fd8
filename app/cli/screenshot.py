"""`screenshot OUT.png [--journey NAME|FILE]`: save a picture of the app's main window (with
a journey on the canvas), no display needed."""

from __future__ import annotations

import argparse
import re

THEMES = ("light", "dark")


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text.strip().lower())
    if not match or not all(100 <= int(n) <= 8000 for n in match.groups()):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1400x900, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def register(commands) -> None:
    parser = commands.add_parser(
        "screenshot",
        help="save a PNG of the app window",
        description="Render the main window offscreen and save it as a PNG.",
    )
    parser.add_argument("out", metavar="OUT.png", help="where to write the PNG")
    parser.add_argument(
        "--size",
        type=parse_size,
        default=(1400, 900),
        metavar="WxH",
        help="window size in pixels (default 1400x900)",
    )
    parser.add_argument("--theme", choices=THEMES, default="light", help="default: light")
    parser.add_argument(
        "--page",
        default="journeys",
        metavar="NAME",
        help="journeys, contacts, templates or settings, or a settings section such as "
        "settings/sending (default: journeys)",
    )
    parser.add_argument(
        "--journey",
        metavar="NAME|FILE",
        help="show this journey on the canvas: a .journey.json file, or the name or id of "
        "a journey in the database",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.cli import UsageError
    from app.screenshot import save_screenshot

    try:
        path = save_screenshot(
            args.out, args.db, size=args.size, theme=args.theme, page=args.page,
            journey=args.journey,
        )
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"saved {path}")
    return 0
