"""`coupons export CSV [--include-expired]`: issued discount codes for the shop system."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import EXIT_OK, UsageError


def register(commands) -> None:
    parser = commands.add_parser("coupons", help="export issued coupon codes (CSV)",
                                 description="Discount codes issued by journey emails.")
    sub = parser.add_subparsers(dest="coupons_command", metavar="ACTION")
    exporting = sub.add_parser("export", help="write the codes the shop must accept")
    exporting.add_argument("file", type=Path, metavar="CSV")
    exporting.add_argument("--include-expired", action="store_true",
                           help="also list codes that have expired")
    exporting.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    from engine.catalog.coupons_csv import export_coupons_csv
    from engine.clock import SystemClock
    from engine.db import open_database

    if args.file.parent and not args.file.parent.exists():
        raise UsageError(f"no such folder: {args.file.parent}")
    count = export_coupons_csv(open_database(args.db), args.file, now=SystemClock().now(),
                               include_expired=args.include_expired)
    print(f"Wrote {count:,} coupon codes to {args.file}")
    return EXIT_OK
