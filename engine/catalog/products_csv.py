"""Importing the product catalog from CSV: `sku,name,price,currency,category,url,image_url`.

Contract: the whole file is checked first; any bad row (missing sku or name, a price that
is not a non-negative number, a currency that is not three letters, a URL that is not
http(s)) is reported with its line number and NOTHING is written. Otherwise one
transaction upserts every product by sku (a later row with the same sku wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update

from engine.contacts.columns import squash
from engine.files.csv_records import csv_records
from engine.contacts.report import RejectedRow, read_text
from engine.words import plural
from engine.db.database import Database
from engine.db.models import Product
from engine.errors import InputError

COLUMNS = ("sku", "name", "price", "currency", "category", "url", "image_url")
REQUIRED = ("sku", "name")


@dataclass
class ProductsReport:
    created: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    def summary(self) -> str:
        if self.rejected:
            return f"{plural(len(self.rejected), 'bad row')}: nothing was imported"
        return f"{plural(self.created, 'product')} added, {self.updated:,} updated"


def _check_row(values: dict[str, str]) -> tuple[dict, list[str]]:
    problems = [f"{name} is empty" for name in REQUIRED if not values.get(name)]
    product = {"sku": values.get("sku", ""), "name": values.get("name", ""),
               "category": values.get("category", ""), "currency": "USD",
               "url": values.get("url", ""), "image_url": values.get("image_url", "")}
    try:
        price = Decimal(values.get("price") or "0")
        if price < 0 or not price.is_finite():
            raise InvalidOperation
        product["price"] = price.quantize(Decimal("0.01"))
    except InvalidOperation:
        problems.append(f"price {values.get('price')!r} is not an amount such as 19.90")
    currency = (values.get("currency") or "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        problems.append(f"currency {values.get('currency')!r} is not a three-letter code")
    product["currency"] = currency
    for key in ("url", "image_url"):
        if product[key] and urlsplit(product[key]).scheme not in ("http", "https"):
            problems.append(f"{key} {product[key]!r} is not an http(s) address")
    return product, problems


def import_products_csv(db: Database, path: str | Path, *, now: datetime) -> ProductsReport:
    name = Path(path).name
    records = csv_records(read_text(path))
    try:
        _, header = next(records, (1, None))
    except InputError as exc:
        raise InputError(f"{name}, {exc}; nothing was imported") from None
    if not header:
        raise InputError(f"{name} is empty")
    known = {squash(column): column for column in COLUMNS}  # "Image URL" -> image_url
    names = [known.get(squash(h), "") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"the header has no {' or '.join(missing)} column "
                         f"(expected: {','.join(COLUMNS)})")
    report, products = ProductsReport(), {}
    try:
        # `line` is the physical line a record starts on, even after a multi-line value
        for line, row in records:
            if not any(cell.strip() for cell in row):
                continue
            values = {n: cell.strip() for n, cell in zip(names, row) if n in COLUMNS}
            product, problems = _check_row(values)
            if problems:
                report.rejected.append(RejectedRow(line, values.get("sku", ""),
                                                   "; ".join(problems)))
            else:
                products[product["sku"]] = product
    except InputError as exc:  # the file itself is broken: nothing of it is imported
        raise InputError(f"{name}, {exc}; nothing was imported") from None
    if report.rejected:
        return report
    with db.session() as session:
        existing = set(session.scalars(select(Product.sku)))
        new = [p | {"created_at": now} for sku, p in products.items() if sku not in existing]
        if new:
            session.execute(insert(Product), new)
        for sku, product in products.items():
            if sku in existing:
                session.execute(update(Product).where(Product.sku == sku).values(**product))
        report.created, report.updated = len(new), len(products) - len(new)
    return report
