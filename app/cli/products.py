"""`products import CSV`: load the product catalog (for carts, recommendations and
`product(sku)` in emails) from a CSV file, all or nothing.

Exit codes: 0 every row imported, 1 bad rows (nothing written, each printed with its line)
or an unusable file, 2 usage errors (missing file, bad arguments).
"""

from __future__ import annotations

import argparse

from app.cli.contacts import add_report_option, run_file_import

_IMPORT_HELP = """\
The header names the columns, in any order (case, spaces and punctuation are ignored):
  sku         required, the product's code in your shop (unique)
  name        required
  price       e.g. 19.90 (default 0)
  currency    three letters, e.g. EUR (default USD)
  category    e.g. Coffee; recommendations fall back on a category's best sellers
  url         the product page, https://…
  image_url   the product photo, https://…
Products already in Trellis are updated by sku; a later row with the same sku wins.

If any row is bad, nothing is imported and each bad row is printed as
"line N: <sku>: <reason>" (the header is line 1). Exit status: 0 all rows imported,
1 bad rows or an unusable file, 2 usage error (e.g. the file does not exist)."""


def register(commands) -> None:
    group = commands.add_parser(
        "products",
        help="import the product catalog (CSV)",
        description="Import your product catalog, used for carts, recommendations and "
        "product details in emails.",
    )
    actions = group.add_subparsers(dest="products_action", metavar="ACTION")
    importing = actions.add_parser(
        "import",
        help="import products from a CSV file, all or nothing",
        description="Import products from a CSV file in one transaction: every row is "
        "checked first, and one bad row means nothing is written.",
        epilog=_IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="CSV", help="the file to import")
    add_report_option(importing)
    importing.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.catalog.products_csv import import_products_csv

    return run_file_import(args, import_products_csv, value_header="sku")
